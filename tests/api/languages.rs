//! Chinese first, English on request: the language of every text a person
//! reads follows `Accept-Language` (the first supported tag wins) and is
//! Chinese without it.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use orgmap::i18n::Lang;
use serde_json::json;

use crate::helpers::{JSON_TYPE, TestApp, post, send, urlencode};

type Headers<'a> = &'a [(&'a str, &'a str)];

const NEGATIVE_PAGE: &str = "{ regions(first: -1) { totalCount } }";

/// The first error message of a query sent over HTTP with `headers`.
async fn message_over_http(app: &TestApp, headers: &[(&str, &str)], query: &str) -> String {
    let mut all = vec![JSON_TYPE];
    all.extend_from_slice(headers);
    let reply = send(
        app.router(),
        post(&all, json!({ "query": query }).to_string()),
    )
    .await;
    let body = reply.json();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    body["errors"][0]["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_error_is_chinese_without_accept_language_and_english_on_request() {
    let app = TestApp::spawn().await;

    let cases: [(&str, Headers, &str); 5] = [
        ("no header", &[], "first：不能为负数"),
        (
            "zh-CN",
            &[("accept-language", "zh-CN")],
            "first：不能为负数",
        ),
        (
            "en",
            &[("accept-language", "en")],
            "first: must not be negative",
        ),
        (
            "first supported tag",
            &[("accept-language", "fr, en;q=0.8")],
            "first: must not be negative",
        ),
        (
            "weights",
            &[("accept-language", "en;q=0.3, zh-Hans;q=0.9")],
            "first：不能为负数",
        ),
    ];
    for (case, headers, want) in cases {
        let message = message_over_http(&app, headers, NEGATIVE_PAGE).await;
        assert_eq!(message, want, "{case}");
    }
}

#[tokio::test]
async fn the_request_data_chooses_the_language_of_a_resolver_error() {
    let app = TestApp::spawn().await;

    let zh = app.execute_in(Lang::Zh, NEGATIVE_PAGE, json!({})).await;
    let en = app.execute_in(Lang::En, NEGATIVE_PAGE, json!({})).await;

    assert_eq!(zh["errors"][0]["message"], "first：不能为负数", "{zh}");
    assert_eq!(en["errors"][0]["message"], "first: must not be negative");
    assert_eq!(zh["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

/// A GET of `uri` with these headers.
fn get_with(headers: &[(&str, &str)], uri: &str) -> Request<Body> {
    let mut builder = Request::get(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn refusals_before_execution_follow_accept_language() {
    let app = TestApp::spawn().await;
    // A mutation over GET is refused by the HTTP layer, before any resolver.
    let uri = format!("/graphql?query={}", urlencode("mutation { __typename }"));

    for (headers, want) in [
        (&[][..], "变更操作只能通过 POST 提交"),
        (
            &[("accept-language", "en-US")][..],
            "mutations are only accepted over POST",
        ),
    ] {
        let reply = send(app.router(), get_with(headers, &uri)).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(reply.json()["errors"][0]["message"], want, "{headers:?}");
    }
}

#[tokio::test]
async fn an_extractor_refusal_is_localized_too() {
    let app = TestApp::spawn().await;

    for (headers, want) in [
        (
            &[("authorization", "Basic x")][..],
            "Authorization 请求头应为“Bearer <令牌>”",
        ),
        (
            &[("authorization", "Basic x"), ("accept-language", "en")][..],
            "the Authorization header must be 'Bearer <token>'",
        ),
    ] {
        let reply = send(app.router(), get_with(headers, "/export/regions.csv")).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.json()["errors"][0]["message"], want, "{headers:?}");
    }
}
