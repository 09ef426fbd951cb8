//! The server loop: accepts connections within the listener's limit and
//! serves each with hyper's HTTP/1 connection, which closes a request whose
//! headers do not arrive within the header-read timeout; closes connections
//! that sit idle; and, once told to stop, stops accepting and lets the
//! connections finish within the drain timeout.
//!
//! `axum::serve` would serve the router too, but it sets no header-read
//! timeout (hyper's needs a timer, which it does not give) and never closes
//! an idle connection, so a few hundred half-sent requests held every
//! connection place for good.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::watch;
use tower::ServiceExt;

use super::listener::{Activity, LimitedListener, LimitedStream};
use super::state::{
    DEFAULT_DRAIN_TIMEOUT_SECS, DEFAULT_HEADER_READ_TIMEOUT_SECS, DEFAULT_IDLE_TIMEOUT_SECS,
    DEFAULT_MAX_CONNECTIONS, Drain,
};

/// How the server treats connections.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Most connections held at once; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// A request's headers must all arrive within this, counted from when
    /// the connection starts waiting for them (also between the requests
    /// of a kept-alive connection).
    pub header_read_timeout: Duration,
    /// A connection with no handler at work and no byte either way for this
    /// long is closed.
    pub idle_timeout: Duration,
    /// Once told to stop, how long the connections have to finish.
    pub drain_timeout: Duration,
    /// Begun when the server is told to stop; give the router the same one
    /// ([`super::HttpOptions::drain`]) so that `/readyz` and subscriptions see it.
    pub drain: Drain,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: Duration::from_secs(DEFAULT_HEADER_READ_TIMEOUT_SECS),
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECS),
            drain_timeout: Duration::from_secs(DEFAULT_DRAIN_TIMEOUT_SECS),
            drain: Drain::default(),
        }
    }
}

/// Serves `router` on a bound `listener` until `shutdown` completes or the
/// drain begins, then begins the drain (`/readyz` turns 503, subscriptions
/// close with 1001), stops accepting, and gives the open connections
/// `drain_timeout` to finish their requests.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    router: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    tracing::info!(
        address = %listener.local_addr()?,
        max_connections = options.max_connections,
        header_read_timeout = ?options.header_read_timeout,
        idle_timeout = ?options.idle_timeout,
        "orgmap is listening"
    );
    let listener = LimitedListener::new(listener, options.max_connections);
    let places = listener.places();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout.max(Duration::from_millis(1)))
        .keep_alive(true);
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            (stream, _) = listener.accept() => stream,
            () = &mut shutdown => break,
            () = options.drain.begun() => break,
        };
        tokio::spawn(connection(
            http.clone(),
            stream,
            router.clone(),
            options.idle_timeout,
            stopping.clone(),
        ));
    }
    options.drain.begin();
    tracing::info!(drain_timeout = ?options.drain_timeout, "draining: no new connections");
    // New connections are refused from here on.
    drop(listener);
    stop.send_replace(true);
    if tokio::time::timeout(options.drain_timeout, places.all_free())
        .await
        .is_err()
    {
        tracing::warn!(
            drain_timeout = ?options.drain_timeout,
            "connections still open after the drain timeout are cut"
        );
    }
    tracing::info!("orgmap stopped");
    Ok(())
}

/// Serves one connection until it closes, turns idle, or, once the server
/// stops, finishes the request in flight.
async fn connection(
    http: http1::Builder,
    stream: LimitedStream,
    router: Router,
    idle_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
) {
    let activity = stream.activity();
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |request: Request<Incoming>| {
            handle(router.clone(), activity.clone(), request)
        })
    };
    let served = http
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(served);
    let mut draining = false;
    loop {
        tokio::select! {
            ended = served.as_mut() => {
                if let Err(err) = ended {
                    tracing::debug!(error = %err, "a connection ended with an error");
                }
                return;
            }
            () = tokio::time::sleep_until(activity.idle_at(idle_timeout)) => {
                if activity.is_idle(idle_timeout) {
                    tracing::debug!("closing an idle connection");
                    return;
                }
            }
            // An error means the server is gone: stop all the same.
            _ = stopping.changed(), if !draining => {
                draining = true;
                served.as_mut().graceful_shutdown();
            }
        }
    }
}

async fn handle(
    router: Router,
    activity: Arc<Activity>,
    request: Request<Incoming>,
) -> Result<Response, Infallible> {
    let _handling = activity.handling();
    router.oneshot(request.map(axum::body::Body::new)).await
}
