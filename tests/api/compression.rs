//! Compression: text answers above 1 KiB go out gzip- or br-encoded when
//! the client accepts it, small ones and answers to clients that do not ask
//! go out as they are, and downloads still stream.

use std::io::Read;

use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, send};

const BIG_QUERY: &str = "{ __schema { types { name description } } }";

fn graphql(query: &str, accept_encoding: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(encoding) = accept_encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    request
        .body(Body::from(json!({ "query": query }).to_string()))
        .unwrap()
}

fn encoding(reply: &Reply) -> Option<&str> {
    reply
        .headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap())
}

fn gunzip(body: &[u8]) -> Vec<u8> {
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(body)
        .read_to_end(&mut plain)
        .unwrap();
    plain
}

#[tokio::test]
async fn a_big_json_answer_is_gzipped_when_asked_and_decodes_to_the_same_answer() {
    let app = TestApp::spawn().await;

    let plain = send(app.router(), graphql(BIG_QUERY, None)).await;
    let zipped = send(app.router(), graphql(BIG_QUERY, Some("gzip"))).await;

    assert!(plain.body.len() > 1024, "{} bytes", plain.body.len());
    assert_eq!(encoding(&plain), None, "not compressed unless asked");
    assert_eq!(encoding(&zipped), Some("gzip"));
    assert!(zipped.body.len() < plain.body.len() / 2);
    let decoded: Value = serde_json::from_slice(&gunzip(&zipped.body)).unwrap();
    assert_eq!(decoded, plain.json());
}

#[tokio::test]
async fn brotli_is_used_when_the_client_prefers_it() {
    let app = TestApp::spawn().await;

    let reply = send(
        app.router(),
        graphql(BIG_QUERY, Some("br;q=1.0, gzip;q=0.5")),
    )
    .await;

    assert_eq!(encoding(&reply), Some("br"));
}

#[tokio::test]
async fn a_small_answer_goes_out_as_it_is() {
    let app = TestApp::spawn().await;

    let reply = send(app.router(), graphql("{ __typename }", Some("gzip, br"))).await;

    assert_eq!(encoding(&reply), None);
    assert_eq!(reply.json()["data"]["__typename"], "Query");
}

#[tokio::test]
async fn the_dashboard_scripts_are_compressed() {
    let app = TestApp::spawn().await;
    let page = send(
        app.router(),
        Request::get("/dashboard/").body(Body::empty()).unwrap(),
    )
    .await
    .text();
    let script = page
        .split('"')
        .find(|part| part.ends_with(".js"))
        .unwrap_or_else(|| panic!("no script in {page}"));

    let reply = send(
        app.router(),
        Request::get(script)
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;

    assert_eq!(encoding(&reply), Some("gzip"), "{script}");
}

#[tokio::test]
async fn a_download_streams_compressed() {
    let app = TestApp::spawn().await;

    let reply = send(
        app.router(),
        Request::get("/export/categories.csv")
            .header(header::ACCEPT_ENCODING, "gzip")
            .body(Body::empty())
            .unwrap(),
    )
    .await;

    assert_eq!(encoding(&reply), Some("gzip"));
    assert!(
        reply.headers.get(header::CONTENT_LENGTH).is_none(),
        "a streamed body has no length"
    );
    let csv = String::from_utf8(gunzip(&reply.body)).unwrap();
    assert!(csv.lines().count() > 1, "{csv}");
}
