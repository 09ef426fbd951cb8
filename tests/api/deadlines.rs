//! The request deadline and the connection limit.

use std::time::Duration;

use axum::http::StatusCode;
use orgmap::http::{HttpOptions, router_with};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::helpers::{JSON_TYPE, TestApp, post, send};

#[tokio::test]
async fn a_request_past_its_deadline_is_stopped_and_writes_nothing() {
    let app = TestApp::spawn_shared().await;
    let categories = app.count("category").await;
    // Another connection holds the write lock, so the write below waits
    // for it past its deadline.
    let other = orgmap::domain::store::db::connect(&app.url).await.unwrap();
    let holder = orgmap::domain::store::db::begin_write(&other)
        .await
        .unwrap();
    orgmap::domain::engine::lock_exclusive(&holder)
        .await
        .unwrap();
    let router = router_with(
        app.schema.clone(),
        app.db.clone(),
        HttpOptions {
            timeout: Duration::from_millis(300),
            ..Default::default()
        },
    );
    let mutation = json!({ "query": "mutation { upsertCategory(input: { code: \"SLOW\", name: \"慢\" }) { code } }" });

    let reply = send(router, post(&[JSON_TYPE], mutation.to_string())).await;

    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = reply.json();
    assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT", "{body}");
    holder.rollback().await.unwrap();
    assert_eq!(app.count("category").await, categories);
}

/// Sends a GET /healthz on `stream` (keeping the connection open) and
/// reads the status line of the answer.
async fn health_on(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = vec![0u8; 1024];
    let n = stream.read(&mut buffer).await.unwrap();
    String::from_utf8_lossy(&buffer[..n])
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[tokio::test]
async fn connections_past_the_limit_wait_until_one_closes() {
    let app = TestApp::spawn_shared().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router();
    tokio::spawn(orgmap::http::serve_on(
        listener,
        router,
        1,
        std::future::pending(),
    ));

    let mut first = TcpStream::connect(address).await.unwrap();
    assert!(health_on(&mut first).await.contains("200"));

    // The second connection is taken by the kernel but not served while the
    // first stays open.
    let mut second = TcpStream::connect(address).await.unwrap();
    second
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = vec![0u8; 1024];
    let waited = tokio::time::timeout(Duration::from_millis(500), second.read(&mut buffer)).await;
    assert!(waited.is_err(), "served past the limit");

    drop(first);
    let n = tokio::time::timeout(Duration::from_secs(10), second.read(&mut buffer))
        .await
        .expect("served once the first connection closed")
        .unwrap();
    assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
}
