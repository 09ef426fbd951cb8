//! The live change feed: `responsibilityChanged` over `graphql-transport-ws`,
//! with a real WebSocket client against a server on a loopback port.

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{TestApp, credit_code, department, small_province, upsert_organization};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const SUBSCRIPTION: &str = "subscription($region: String!) { responsibilityChanged(regionCode: $region) \
    { creditCode responsibility { basis department { code } } } }";

/// Serves the app's router on 127.0.0.1 on a free port.
async fn serve(app: &TestApp) -> SocketAddr {
    serve_router(app.router()).await
}

/// Serves `router` on 127.0.0.1 on a free port.
async fn serve_router(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    addr
}

/// Subscribes (as `a`) to changes in `region` and returns the text of the
/// first error the server answers with, and the whole message.
async fn first_error(socket: &mut Socket, region: &str) -> (String, Value) {
    send_message(
        socket,
        json!({ "id": "a", "type": "subscribe",
                "payload": { "query": SUBSCRIPTION, "variables": { "region": region } } }),
    )
    .await;
    let message = receive(socket, Duration::from_secs(10)).await.unwrap();
    let errors = match message["type"].as_str() {
        Some("next") => &message["payload"]["errors"],
        _ => &message["payload"],
    };
    let text = errors[0]["message"].as_str().unwrap_or_default().to_owned();
    (text, message)
}

async fn connect(addr: SocketAddr) -> Socket {
    let mut request = format!("ws://{addr}/graphql")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (socket, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    socket
}

/// Sends one JSON message of the graphql-transport-ws protocol.
async fn send_message(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next JSON message, or None when none comes within `wait`.
async fn receive(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(other) => panic!("expected a message, got {other:?}"),
        }
    }
}

/// The close code and reason the server ends the connection with.
async fn closed_with(socket: &mut Socket, wait: Duration) -> (u16, String) {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Close(Some(frame))))) => {
                return (u16::from(frame.code), frame.reason.to_string());
            }
            Ok(Some(Ok(Message::Text(text)))) => panic!("expected a close, got {text}"),
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

/// Connects and completes the handshake.
async fn acknowledged(addr: SocketAddr) -> Socket {
    let mut socket = connect(addr).await;
    send_message(&mut socket, json!({ "type": "connection_init" })).await;
    let ack = receive(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(ack, Some(json!({ "type": "connection_ack" })));
    socket
}

async fn province(app: &TestApp) -> (String, String) {
    small_province(app).await;
    department(app, "FJ-JUSTICE", "JUSTICE", "350000").await;
    department(app, "FJ-CIVIL", "CIVIL_AFFAIRS", "350000").await;
    let fuzhou = credit_code("52", "350102", 1);
    let xiamen = credit_code("52", "350203", 2);
    upsert_organization(app, &fuzhou, "LAW_FIRM", "350102001", json!({})).await;
    upsert_organization(app, &xiamen, "LAW_FIRM", "350203", json!({})).await;
    (fuzhou, xiamen)
}

/// Gives `credit_code` a supervising department, or takes it away.
async fn supervise(app: &TestApp, credit_code: &str, department: Option<&str>) {
    upsert_organization(
        app,
        credit_code,
        "LAW_FIRM",
        if credit_code.starts_with("52350203") {
            "350203"
        } else {
            "350102001"
        },
        json!({ "supervisingDepartmentCode": department }),
    )
    .await;
}

/// Changes `credit_code`'s responsibility through `writer` until the
/// subscription (which starts in the background) reports it. Returns the
/// messages received (once the changes settle), how many changes were
/// made, and the supervising department the last one left.
async fn change_until_seen(
    writer: &TestApp,
    socket: &mut Socket,
    credit_code: &str,
) -> (Vec<Value>, usize, Option<&'static str>) {
    let mut supervising = None;
    let mut messages = Vec::new();
    for changes in 1..=50 {
        supervising = match supervising {
            None => Some("FJ-CIVIL"),
            Some(_) => None,
        };
        supervise(writer, credit_code, supervising).await;
        if let Some(message) = receive(socket, Duration::from_millis(200)).await {
            messages.push(message);
            while let Some(message) = receive(socket, Duration::from_millis(500)).await {
                messages.push(message);
            }
            return (messages, changes, supervising);
        }
    }
    panic!("no change reached the subscriber");
}

fn expected(supervising: Option<&str>) -> Value {
    match supervising {
        Some(code) => json!({ "basis": "SUPERVISING_UNIT", "department": { "code": code } }),
        None => json!({ "basis": "RULE", "department": { "code": "FJ-JUSTICE" } }),
    }
}

#[tokio::test]
async fn a_subscriber_sees_a_change_made_by_a_mutation_in_its_region_only() {
    let app = TestApp::spawn().await;
    let (fuzhou, xiamen) = province(&app).await;
    let addr = serve(&app).await;
    let mut socket = acknowledged(addr).await;
    send_message(
        &mut socket,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": SUBSCRIPTION, "variables": { "region": "350100" } } }),
    )
    .await;

    let (messages, _, supervising) = change_until_seen(&app, &mut socket, &fuzhou).await;

    let last = messages.last().unwrap();
    assert_eq!(last["type"], "next");
    assert_eq!(last["id"], "1");
    let node = &last["payload"]["data"]["responsibilityChanged"];
    assert_eq!(node["creditCode"], fuzhou.as_str(), "{last}");
    assert_eq!(node["responsibility"], expected(supervising));

    // A change in 厦门 is not for a subscriber of 福州; the next one in 福州 is.
    supervise(&app, &xiamen, Some("FJ-CIVIL")).await;
    supervise(&app, &fuzhou, Some("FJ-JUSTICE")).await;
    let next = receive(&mut socket, Duration::from_secs(10)).await.unwrap();
    assert_eq!(
        next["payload"]["data"]["responsibilityChanged"],
        json!({ "creditCode": fuzhou, "responsibility": expected(Some("FJ-JUSTICE")) })
    );

    // Completing the subscription ends it; the connection stays open.
    send_message(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    supervise(&app, &fuzhou, None).await;
    let after = receive(&mut socket, Duration::from_millis(300)).await;
    assert!(
        after.is_none() || after == Some(json!({ "id": "1", "type": "complete" })),
        "{after:?}"
    );
}

#[tokio::test]
async fn a_subscription_to_an_unknown_region_is_an_error() {
    let app = TestApp::spawn().await;
    let addr = serve(&app).await;
    let mut socket = acknowledged(addr).await;

    send_message(
        &mut socket,
        json!({ "id": "a", "type": "subscribe",
                "payload": { "query": SUBSCRIPTION, "variables": { "region": "999999" } } }),
    )
    .await;

    let message = receive(&mut socket, Duration::from_secs(10)).await.unwrap();
    let errors = match message["type"].as_str() {
        Some("next") => &message["payload"]["errors"],
        _ => &message["payload"],
    };
    assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND", "{message}");
}

#[tokio::test]
async fn a_subscribe_before_the_acknowledgement_is_closed_with_4401() {
    let app = TestApp::spawn().await;
    let addr = serve(&app).await;
    let mut socket = connect(addr).await;

    send_message(
        &mut socket,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": SUBSCRIPTION, "variables": { "region": "350000" } } }),
    )
    .await;

    assert_eq!(
        closed_with(&mut socket, Duration::from_secs(10)).await,
        (4401, "Unauthorized".to_owned())
    );
}

#[tokio::test]
async fn a_second_subscribe_with_a_running_id_is_closed_with_4409() {
    let app = TestApp::spawn().await;
    small_province(&app).await;
    let addr = serve(&app).await;
    let mut socket = acknowledged(addr).await;
    let subscribe = json!({ "id": "same", "type": "subscribe",
        "payload": { "query": SUBSCRIPTION, "variables": { "region": "350000" } } });

    send_message(&mut socket, subscribe.clone()).await;
    send_message(&mut socket, subscribe).await;

    assert_eq!(
        closed_with(&mut socket, Duration::from_secs(10)).await,
        (4409, "Subscriber for same already exists".to_owned())
    );
}

#[tokio::test]
async fn a_connection_without_connection_init_is_closed_after_the_timeout() {
    let app = TestApp::spawn().await;
    let addr = serve(&app).await;
    let mut socket = connect(addr).await;

    let (code, reason) = closed_with(&mut socket, Duration::from_secs(20)).await;

    assert_eq!(code, 4408);
    assert_eq!(reason, "Connection initialisation timeout");
}

#[tokio::test]
async fn a_change_through_one_replica_reaches_subscribers_of_another() {
    let writer = TestApp::spawn().await;
    if !writer.is_postgres() {
        // One SQLite file has one server; replicas share PostgreSQL.
        return;
    }
    let (fuzhou, _) = province(&writer).await;
    let reader = TestApp::spawn_at(&writer.url).await;
    let addr = serve(&reader).await;
    let mut socket = acknowledged(addr).await;
    send_message(
        &mut socket,
        json!({ "id": "r", "type": "subscribe",
                "payload": { "query": SUBSCRIPTION, "variables": { "region": "350000" } } }),
    )
    .await;

    let (messages, changes, _) = change_until_seen(&writer, &mut socket, &fuzhou).await;

    let last = messages.last().unwrap();
    assert_eq!(last["type"], "next", "{last}");
    assert_eq!(
        last["payload"]["data"]["responsibilityChanged"]["creditCode"],
        fuzhou.as_str()
    );
    // Once each at most: the reader has its notification only from the
    // database, never a second copy (the first changes may come before the
    // subscription starts).
    assert!(
        messages.len() <= changes,
        "{} messages for {changes} changes",
        messages.len()
    );
}

#[tokio::test]
async fn once_a_token_exists_a_connection_must_bring_one() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let secret = orgmap::domain::token::create(
        &app.db,
        &orgmap::domain::access::Caller::local(),
        orgmap::domain::access::Role::Viewer,
        Some("350100"),
        Some("fz-viewer"),
    )
    .await
    .unwrap()
    .secret;
    let addr = serve(&app).await;

    // No credentials in connection_init: refused.
    let mut socket = connect(addr).await;
    send_message(&mut socket, json!({ "type": "connection_init" })).await;
    let (code, _) = closed_with(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(code, 4403);

    // A wrong token: refused too.
    let mut socket = connect(addr).await;
    send_message(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer orgmap_nope" } }),
    )
    .await;
    let (code, _) = closed_with(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(code, 4403);

    // The token in the payload: acknowledged, and scoped to its city, so
    // 厦门 is not found.
    let mut socket = connect(addr).await;
    send_message(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {secret}") } }),
    )
    .await;
    let ack = receive(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(ack, Some(json!({ "type": "connection_ack" })));
    send_message(
        &mut socket,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": SUBSCRIPTION, "variables": { "region": "350200" } } }),
    )
    .await;
    let answer = receive(&mut socket, Duration::from_secs(10)).await.unwrap();
    assert_eq!(
        answer["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{answer}"
    );
}

#[tokio::test]
async fn connection_init_chooses_the_language_of_the_connection() {
    let app = TestApp::spawn().await;
    let addr = serve(&app).await;

    for (payload, says) in [
        (json!({}), "未找到代码为“999999”的行政区划"),
        (json!({ "language": "en" }), "no region has code '999999'"),
    ] {
        let mut socket = connect(addr).await;
        send_message(
            &mut socket,
            json!({ "type": "connection_init", "payload": payload }),
        )
        .await;
        let ack = receive(&mut socket, Duration::from_secs(10)).await;
        assert_eq!(ack, Some(json!({ "type": "connection_ack" })));
        let (text, message) = first_error(&mut socket, "999999").await;
        assert!(text.contains(says), "{payload}: {message}");
    }
}

#[tokio::test]
async fn a_subscription_too_deep_is_refused_naming_the_configured_limit() {
    let app = TestApp::spawn().await;
    let limits = orgmap::graphql::Limits {
        depth: 3,
        ..orgmap::graphql::Limits::default()
    };
    let schema = orgmap::graphql::build_with(app.db.clone(), &limits);
    let addr = serve_router(orgmap::http::router(schema, app.db.clone())).await;

    let mut socket = acknowledged(addr).await;
    let (text, message) = first_error(&mut socket, "350000").await;
    // The configured 3, not the default 16, in the connection's language.
    assert!(text.contains("最多允许 3 层"), "{message}");
}
