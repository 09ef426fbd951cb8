//! The database going away and coming back, with the service running: a
//! TCP relay stands between the service and PostgreSQL and is cut and
//! restored. Runs on PostgreSQL only (TEST_DATABASE_URL); an embedded
//! SQLite file cannot go away on its own.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::helpers::{JSON_TYPE, TestApp, fresh_postgres_schema, get, post, send};

/// Forwards every connection on `listen` to `target` until cut.
struct Relay {
    listen: SocketAddr,
    target: String,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let relay = Relay {
            listen: listener.local_addr().unwrap(),
            target: target.to_owned(),
            tasks: Arc::default(),
        };
        relay.serve(listener);
        relay
    }

    fn serve(&self, listener: TcpListener) {
        let (target, tasks) = (self.target.clone(), self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(pipe);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Drops the listener and every open connection.
    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    /// Listens again on the same address.
    async fn restore(&self) {
        let listener = TcpListener::bind(self.listen).await.unwrap();
        self.serve(listener);
    }
}

async fn health(router: &axum::Router) -> StatusCode {
    get(router.clone(), "/healthz").await.status
}

/// Asks until the answer is `wanted` or `within` has passed.
async fn health_becomes(router: &axum::Router, wanted: StatusCode, within: Duration) -> StatusCode {
    let start = Instant::now();
    loop {
        let status = health(router).await;
        if status == wanted || start.elapsed() > within {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn healthz_is_503_while_postgresql_is_away_and_recovers_without_restart() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    if !url.starts_with("postgres") {
        return;
    }
    let host_port = url
        .split('@')
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let relay = Relay::start(&host_port).await;
    let relayed = url.replacen(&host_port, &relay.listen.to_string(), 1);
    let app = TestApp::spawn_at(&fresh_postgres_schema(&relayed).await).await;
    let router = app.router();
    assert_eq!(health(&router).await, StatusCode::OK);

    relay.cut();
    assert_eq!(
        health_becomes(
            &router,
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(20)
        )
        .await,
        StatusCode::SERVICE_UNAVAILABLE
    );

    relay.restore().await;
    assert_eq!(
        health_becomes(&router, StatusCode::OK, Duration::from_secs(60)).await,
        StatusCode::OK
    );
    let reply = send(
        router.clone(),
        post(
            &[JSON_TYPE],
            r#"{"query":"{ departmentKind(code: \"HEALTH\") { code } }"}"#,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("\"HEALTH\""));
}
