//! HTTP requests through the router without a socket: [`send`] and what it
//! answers, and the request shapes the HTTP tests build.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// An HTTP answer, its body read to the end.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as text (invalid UTF-8 replaced), for messages and searches.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Status, headers and body, for a test that names them.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, Vec<u8>) {
        (self.status, self.headers, self.body)
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text()))
    }
}

/// Sends one request through `router` and reads the whole answer.
pub async fn send(router: Router, request: Request<Body>) -> Reply {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// Sends a GET of `uri` with no body through `router`.
pub async fn get(router: Router, uri: &str) -> Reply {
    send(router, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub const JSON_TYPE: (&str, &str) = ("content-type", "application/json");

/// A POST /graphql with these headers and body.
pub fn post(headers: &[(&str, &str)], body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::post("/graphql");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

/// A JSON POST of `query`, with a bearer token when one is given.
pub fn post_query(secret: Option<&str>, query: &str, variables: Value) -> Request<Body> {
    let body = json!({ "query": query, "variables": variables }).to_string();
    match secret {
        Some(secret) => {
            let bearer = format!("Bearer {secret}");
            post(&[JSON_TYPE, ("authorization", &bearer)], body)
        }
        None => post(&[JSON_TYPE], body),
    }
}

/// Percent-encodes everything but unreserved characters, for a query string.
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
