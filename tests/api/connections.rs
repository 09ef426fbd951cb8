//! Connection hygiene through a real listener: half-sent requests and quiet
//! connections are closed by the server, so they cannot hold every place;
//! a subscriber that stops answering pings is dropped.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use orgmap::http::{HttpOptions, ServeOptions, router_with, serve_with};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::helpers::TestApp;

/// Serves `router` on a free loopback port with `options`, until the test ends.
async fn serve(router: axum::Router, options: ServeOptions) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve_with(
        listener,
        router,
        options,
        std::future::pending(),
    ));
    address
}

/// Reads until the server closes the connection; what came before the
/// end does not matter. Err when it stays open past `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> Result<(), String> {
    let mut sink = Vec::new();
    match tokio::time::timeout(wait, stream.read_to_end(&mut sink)).await {
        Ok(_) => Ok(()),
        Err(_) => Err(format!("still open after {wait:?}")),
    }
}

#[tokio::test]
async fn half_sent_requests_are_closed_and_a_fresh_client_is_served_meanwhile() {
    let app = TestApp::spawn().await;
    let address = serve(
        app.router(),
        ServeOptions {
            max_connections: 50,
            header_read_timeout: Duration::from_secs(1),
            ..ServeOptions::default()
        },
    )
    .await;
    // More half-sent requests than there are places: the ten last wait in
    // the backlog behind the fifty first.
    let mut slow = Vec::new();
    for _ in 0..60 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(stream);
    }
    let started = Instant::now();

    let mut fresh = TcpStream::connect(address).await.unwrap();
    fresh
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), fresh.read_to_end(&mut answer))
        .await
        .expect("a fresh client is served while half-sent requests are held")
        .unwrap();

    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "served after {:?}",
        started.elapsed()
    );
    for (n, stream) in slow.iter_mut().enumerate() {
        closed_within(stream, Duration::from_secs(5))
            .await
            .unwrap_or_else(|err| panic!("half-sent request {n}: {err}"));
    }
}

#[tokio::test]
async fn a_connection_that_says_nothing_is_closed_after_the_idle_timeout() {
    let app = TestApp::spawn().await;
    let address = serve(
        app.router(),
        ServeOptions {
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(1),
            ..ServeOptions::default()
        },
    )
    .await;
    let mut quiet = TcpStream::connect(address).await.unwrap();
    let started = Instant::now();

    closed_within(&mut quiet, Duration::from_secs(5))
        .await
        .unwrap();

    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "closed after {:?}, before the idle timeout",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_kept_alive_connection_serves_several_requests() {
    let app = TestApp::spawn().await;
    let address = serve(app.router(), ServeOptions::default()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    for n in 0..3 {
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            .await
            .unwrap();
        let mut buffer = vec![0u8; 1024];
        let read = stream.read(&mut buffer).await.unwrap();
        assert!(
            String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"),
            "request {n}"
        );
    }
}

/// A subscription connection with its `connection_ack` received.
pub async fn subscriber(
    address: SocketAddr,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>> {
    let mut request = format!("ws://{address}/graphql")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
        .send(Message::Text(
            json!({ "type": "connection_init" }).to_string().into(),
        ))
        .await
        .unwrap();
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                assert!(text.contains("connection_ack"), "{text}");
                return socket;
            }
            Some(Ok(_)) => continue,
            other => panic!("expected connection_ack, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_subscriber_that_stops_answering_pings_is_dropped_and_one_that_answers_stays() {
    let app = TestApp::spawn().await;
    let router = router_with(
        app.schema.clone(),
        app.db.clone(),
        HttpOptions {
            ping_interval: Duration::from_millis(500),
            pong_timeout: Duration::from_millis(500),
            ..Default::default()
        },
    );
    let address = serve(router, ServeOptions::default()).await;
    let mut silent = subscriber(address).await;
    let mut lively = subscriber(address).await;

    // The lively one reads (tungstenite answers each ping as it reads);
    // the silent one reads nothing meanwhile.
    let mut pings = 0;
    let until = tokio::time::Instant::now() + Duration::from_secs(3);
    while let Ok(message) = tokio::time::timeout_at(until, lively.next()).await {
        match message {
            Some(Ok(Message::Ping(_))) => pings += 1,
            other => panic!("the answering subscriber got {other:?}"),
        }
    }
    assert!(pings >= 2, "{pings} pings in 3 s");

    // What is buffered for the silent one ends with the server's close.
    let ended = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match silent.next().await {
                Some(Ok(Message::Ping(_))) => continue,
                _ => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the silent subscriber is still connected");
    lively
        .send(Message::Text(json!({ "type": "ping" }).to_string().into()))
        .await
        .expect("the answering subscriber is still connected");
    let answer = loop {
        match tokio::time::timeout(Duration::from_secs(2), lively.next()).await {
            Ok(Some(Ok(Message::Ping(_)))) => continue,
            other => break other,
        }
    };
    assert!(
        matches!(&answer, Ok(Some(Ok(Message::Text(text)))) if text.contains("pong")),
        "{answer:?}"
    );
}
