//! The HTTP side: the router (GraphQL over POST and GET, subscriptions
//! over WebSocket, GraphiQL, health, downloads, the dashboard), its
//! protections, and the server with graceful shutdown.
//!
//! The router imports the handlers ([`graphql`], [`ws`], [`downloads`],
//! [`dashboard`]); they import what they share ([`state`], [`auth`],
//! [`error`]) and never the router.

pub mod auth;
pub mod credentials;
pub mod dashboard;
pub mod downloads;
pub mod error;
mod gate;
pub mod graphql;
mod listener;
pub mod metrics;
mod server;
pub mod state;
pub mod trace;
pub mod ws;

use std::net::SocketAddr;
use std::time::Duration;

use async_graphql::http::GraphiQLSource;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};

pub use server::{ServeOptions, serve_with};
pub use state::{
    Access, AppState, DEFAULT_BATCH, DEFAULT_BODY_BYTES, DEFAULT_DRAIN_TIMEOUT_SECS,
    DEFAULT_HEADER_READ_TIMEOUT_SECS, DEFAULT_IDLE_TIMEOUT_SECS, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PING_INTERVAL_SECS, DEFAULT_PONG_TIMEOUT_SECS, DEFAULT_TIMEOUT_SECS,
    DEFAULT_UPLOAD_BYTES, Drain, HttpOptions, UPLOAD_TIMEOUT_FACTOR,
};

use crate::domain::store::db;
use crate::error::Error;
use crate::graphql::AppSchema;

/// The whole HTTP surface with the default options.
pub fn router(schema: AppSchema, db: DatabaseConnection) -> Router {
    router_with(schema, db, HttpOptions::default())
}

/// The whole HTTP surface of the service.
pub fn router_with(schema: AppSchema, db: DatabaseConnection, options: HttpOptions) -> Router {
    let state = AppState::new(schema, db, options);
    let mut router = Router::new()
        .route(
            "/graphql",
            get(graphql::get).post(graphql::post).route_layer(
                axum::middleware::from_fn_with_state(state.clone(), ws::upgrade),
            ),
        )
        .route("/healthz", get(healthz))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz));
    router = if state.options.graphiql {
        router.route("/", get(graphiql))
    } else {
        router.route("/", get(|| async { Redirect::temporary("/dashboard/") }))
    };
    let router = router.merge(downloads::routes()).merge(dashboard::routes());
    // Metrics: the route, and the request counter around every route (a
    // layer added last wraps each route, so it sees the matched template).
    metrics::install();
    let router = router
        .route("/metrics", get(metrics::scrape))
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(state);
    protect(router)
}

/// The layers around every route: a panic in a handler becomes a bare 500
/// (logged, with no detail in the answer) and the server keeps serving;
/// text answers are compressed when the client accepts it; each request
/// gets its id, its span and its access line ([`trace`]).
pub fn protect(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::map_response(fuse_streamed))
        .layer(
            CompressionLayer::new().compress_when(SizeAbove::new(COMPRESS_ABOVE).and(compressible)),
        )
        .layer(axum::middleware::from_fn(trace::access))
        // Outermost, so that every error answer, a panic's included, is
        // said in the request's language.
        .layer(axum::middleware::from_fn(error::localize))
}

/// A streamed body that ends ends for good. The compressor polls a body
/// once more after its end, and a stream built on `futures::stream::unfold`
/// (the downloads) panics when polled again; fused, it answers "ended"
/// again. Bodies of known size are left as they are.
async fn fuse_streamed(response: Response) -> Response {
    use axum::body::{Body, HttpBody};
    use http_body_util::BodyExt;
    if response.body().size_hint().exact().is_some() {
        return response;
    }
    response
        .map(|body| Body::from_stream(futures::StreamExt::fuse(BodyExt::into_data_stream(body))))
}

/// Bodies smaller than this go out as they are: under about one packet,
/// compressing saves no round trip and costs a little time on each side.
/// A streamed body, whose size is not known, is compressed.
const COMPRESS_ABOVE: u16 = 1024;

/// Whether a response's media type gains from compression: text (the
/// dashboard's scripts, styles and page, JSON, CSV, JSON lines). The XLSX
/// report is a zip already.
fn compressible(
    _: StatusCode,
    _: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    let Some(content_type) = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or("").trim();
    [
        "application/json",
        "application/graphql-response+json",
        "application/x-ndjson",
        "application/javascript",
        "text/javascript",
        "text/csv",
        "text/css",
        "text/html",
        "text/plain",
        "image/svg+xml",
    ]
    .iter()
    .any(|kind| essence.eq_ignore_ascii_case(kind))
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    Error::Internal(format!("a request handler panicked: {detail}")).into_response()
}

/// GraphiQL, with a link to the dashboard in a corner.
async fn graphiql() -> Html<String> {
    let page = GraphiQLSource::build()
        .endpoint("/graphql")
        .subscription_endpoint("/graphql")
        .title("orgmap")
        .finish();
    let link = r#"<a href="/dashboard/" style="position:fixed;right:16px;bottom:12px;z-index:10;padding:6px 12px;border-radius:6px;background:#b71c1c;color:#fff;font:14px sans-serif;text-decoration:none">覆盖仪表盘 Dashboard →</a>"#;
    Html(match page.rfind("</body>") {
        Some(at) => format!("{}{link}{}", &page[..at], &page[at..]),
        None => format!("{page}{link}"),
    })
}

/// 200 when the database answers within 3 s, 503 when it does not. The
/// pool reconnects by itself, so the answer turns back to 200 when the
/// database returns, without a restart.
async fn healthz(State(state): State<AppState>) -> Response {
    if database_answers(&state, "health check").await {
        (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable", "database": "down" })),
        )
            .into_response()
    }
}

/// Liveness: the process answers. It asks nothing of the database, so a
/// database outage does not get healthy replicas restarted.
async fn livez() -> Response {
    (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))).into_response()
}

/// Readiness: 200 while the database answers and the server is not
/// draining; 503 otherwise, so that a load balancer sends no new work to a
/// replica that is stopping or cut off from its database.
async fn readyz(State(state): State<AppState>) -> Response {
    if state.options.drain.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "draining" })),
        )
            .into_response();
    }
    if database_answers(&state, "readiness check").await {
        (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable", "database": "down" })),
        )
            .into_response()
    }
}

/// Whether the database answers within 3 s; a failure is logged as `check`'s.
async fn database_answers(state: &AppState, check: &str) -> bool {
    let answer = tokio::time::timeout(Duration::from_secs(3), db::ping(&state.db)).await;
    match answer {
        Ok(Ok(())) => true,
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "{check}: database does not answer");
            false
        }
        Err(_) => {
            tracing::warn!("{check}: database did not answer within 3 s");
            false
        }
    }
}

/// Serves `router` on `addr` until SIGINT or SIGTERM, then finishes the
/// requests in flight (see [`serve_with`]).
pub async fn serve(addr: SocketAddr, router: Router, options: ServeOptions) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_with(listener, router, options, shutdown_signal()).await
}

/// Serves `router` on a bound `listener`, holding at most
/// `max_connections` at once, until `shutdown` completes; the other
/// options are the defaults.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    router: Router,
    max_connections: usize,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let options = ServeOptions {
        max_connections,
        ..ServeOptions::default()
    };
    serve_with(listener, router, options, shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: draining");
}
