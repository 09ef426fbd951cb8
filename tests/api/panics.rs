//! Panics: a panicking handler answers 500 without its detail and the
//! server keeps serving.

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use serde_json::json;

use crate::helpers::TestApp;

async fn boom() -> &'static str {
    panic!("secret detail")
}

/// One request over a real connection: (status, body).
async fn raw_request(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {answer}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn a_panicking_handler_answers_500_without_its_detail_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let router = orgmap::http::protect(Router::new().route("/boom", get(boom)).merge(app.router()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let (status, body) = raw_request(addr, "GET", "/boom", "").await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("\"INTERNAL\""), "{body}");
    assert!(!body.contains("secret detail"), "{body}");

    let (status, body) = raw_request(addr, "GET", "/healthz", "").await;
    assert_eq!(status, 200, "{body}");
    let query = json!({ "query": "{ departmentKind(code: \"HEALTH\") { name } }" }).to_string();
    let (status, body) = raw_request(addr, "POST", "/graphql", &query).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("卫生健康部门"), "{body}");
    // And once more: the panic did not take a worker down.
    let (status, _) = raw_request(addr, "GET", "/boom", "").await;
    assert_eq!(status, 500);
    let (status, _) = raw_request(addr, "GET", "/healthz", "").await;
    assert_eq!(status, 200);

    server.abort();
}
