//! The probes (`/livez`, `/readyz`, `/healthz`) and draining: once the
//! drain begins, readiness turns 503, the listener stops accepting, the
//! requests in flight finish and subscriptions close with 1001.

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use futures::StreamExt;
use orgmap::http::{Drain, HttpOptions, ServeOptions, router_with, serve_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::Message;

use crate::connections::subscriber;
use crate::helpers::{TestApp, send};

fn get_request(path: &str) -> Request<axum::body::Body> {
    Request::get(path).body(axum::body::Body::empty()).unwrap()
}

#[tokio::test]
async fn livez_and_readyz_answer_200_while_the_database_answers() {
    let app = TestApp::spawn().await;

    for path in ["/livez", "/readyz", "/healthz"] {
        let reply = send(app.router(), get_request(path)).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    }
}

#[tokio::test]
async fn without_the_database_livez_stays_200_and_readyz_turns_503() {
    let app = TestApp::spawn().await;
    let router = app.router();
    app.db.clone().close().await.unwrap();

    assert_eq!(
        send(router.clone(), get_request("/livez")).await.status,
        StatusCode::OK
    );
    let ready = send(router.clone(), get_request("/readyz")).await;
    assert_eq!(
        ready.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        ready.text()
    );
    assert_eq!(
        send(router, get_request("/healthz")).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn readyz_turns_503_as_soon_as_the_drain_begins_and_livez_stays_200() {
    let app = TestApp::spawn().await;
    let drain = Drain::default();
    let router = router_with(
        app.schema.clone(),
        app.db.clone(),
        HttpOptions {
            drain: drain.clone(),
            ..Default::default()
        },
    );

    drain.begin();

    let ready = send(router.clone(), get_request("/readyz")).await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json()["status"], "draining");
    assert_eq!(
        send(router, get_request("/livez")).await.status,
        StatusCode::OK
    );
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_millis(800)).await;
    "finished"
}

#[tokio::test]
async fn draining_finishes_the_request_in_flight_refuses_new_connections_and_closes_subscriptions_with_1001()
 {
    let app = TestApp::spawn().await;
    let drain = Drain::default();
    let router = Router::new().route("/slow", get(slow)).merge(router_with(
        app.schema.clone(),
        app.db.clone(),
        HttpOptions {
            drain: drain.clone(),
            ..Default::default()
        },
    ));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(serve_with(
        listener,
        router,
        ServeOptions {
            drain_timeout: Duration::from_secs(5),
            drain: drain.clone(),
            ..ServeOptions::default()
        },
        std::future::pending(),
    ));
    let mut socket = subscriber(address).await;
    let mut in_flight = TcpStream::connect(address).await.unwrap();
    in_flight
        .write_all(b"GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let started = Instant::now();
    drain.begin();

    let close = loop {
        match tokio::time::timeout(Duration::from_secs(2), socket.next()).await {
            Ok(Some(Ok(Message::Close(Some(frame))))) => break u16::from(frame.code),
            Ok(Some(Ok(Message::Ping(_)))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(close, 1001);
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(3), in_flight.read_to_end(&mut answer))
        .await
        .expect("the request in flight finishes and its connection closes")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("finished"),
        "{answer}"
    );
    tokio::time::timeout(Duration::from_secs(3), server)
        .await
        .expect("the server stops once its connections are done")
        .unwrap()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        TcpStream::connect(address).await.is_err(),
        "a drained server accepts no connection"
    );
}

/// The URL of an SQLite file in `dir`.
pub fn sqlite_in(dir: &tempfile::TempDir) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("orgmap.db").display()
    )
}

/// A running `orgmap serve`, its standard error read as it comes.
pub struct Served {
    child: Child,
    stderr: std::thread::JoinHandle<String>,
}

/// `orgmap serve` on a loopback port of its own choosing (`--listen
/// 127.0.0.1:0`: a port picked here and freed for the server could be
/// taken by another test's server or client meanwhile) with a fresh SQLite
/// file and `extra` arguments; returns, with the address it logged, once it
/// listens.
pub fn serve_binary(dir: &tempfile::TempDir, extra: &[&str]) -> (Served, String) {
    serve_url(&sqlite_in(dir), extra)
}

/// [`serve_binary`] on the database at `url`.
pub fn serve_url(url: &str, extra: &[&str]) -> (Served, String) {
    use std::io::BufRead;

    let mut child = Command::new(env!("CARGO_BIN_EXE_orgmap"))
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", url])
        .args(extra)
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pipe = child.stderr.take().unwrap();
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    let stderr = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if line.contains("orgmap is listening") {
                let _ = address_tx.send(logged_address(&line));
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let listen = address_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server logs the address it listens on");
    (Served { child, stderr }, listen)
}

/// The `127.0.0.1:PORT` in a log line, text or JSON.
fn logged_address(line: &str) -> String {
    let start = line.find("127.0.0.1:").expect("a loopback address");
    line[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
        .collect()
}

impl Served {
    /// SIGKILL, and the exit waited for.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// Sends SIGTERM and waits for the exit: its status and standard error.
pub fn terminate(server: Served) -> (ExitStatus, String) {
    let Served { mut child, stderr } = server;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (status, stderr.join().unwrap())
}

#[test]
fn sigterm_stops_the_binary_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _) = serve_binary(&dir, &[]);

    let (status, stderr) = terminate(server);

    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.contains("orgmap stopped"), "{stderr}");
}
