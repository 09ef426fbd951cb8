//! The HTTP side: the router (GraphQL over POST and GET, subscriptions
//! over WebSocket, GraphiQL, health, downloads, the dashboard), its
//! protections, and the server with graceful shutdown.
//!
//! The router imports the handlers ([`graphql`], [`ws`], [`downloads`],
//! [`dashboard`]); they import what they share ([`state`], [`auth`],
//! [`error`]) and never the router.

pub mod auth;
pub mod dashboard;
pub mod downloads;
pub mod error;
mod gate;
pub mod graphql;
mod listener;
pub mod state;
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
use tower_http::trace::TraceLayer;

pub use state::{
    Access, AppState, DEFAULT_BATCH, DEFAULT_BODY_BYTES, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_TIMEOUT_SECS, DEFAULT_UPLOAD_BYTES, HttpOptions, UPLOAD_TIMEOUT_FACTOR,
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
        .route("/healthz", get(healthz));
    router = if state.options.graphiql {
        router.route("/", get(graphiql))
    } else {
        router.route("/", get(|| async { Redirect::temporary("/dashboard/") }))
    };
    let router = router
        .merge(downloads::routes())
        .merge(dashboard::routes())
        .with_state(state);
    protect(router)
}

/// The layers around every route: a panic in a handler becomes a bare 500
/// (logged, with no detail in the answer) and the server keeps serving;
/// each request is traced.
pub fn protect(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        // Outermost, so that every error answer, a panic's included, is
        // said in the request's language.
        .layer(axum::middleware::from_fn(error::localize))
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
    let answer = tokio::time::timeout(Duration::from_secs(3), db::ping(&state.db)).await;
    match answer {
        Ok(Ok(())) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))).into_response(),
        failed => {
            match failed {
                Ok(Err(err)) => {
                    tracing::warn!(error = %err, "health check: database does not answer");
                }
                _ => tracing::warn!("health check: database did not answer within 3 s"),
            }
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": "down" })),
            )
                .into_response()
        }
    }
}

/// Serves `router` on `addr`, holding at most `max_connections` at once,
/// until SIGINT or SIGTERM, then finishes the requests in flight.
pub async fn serve(addr: SocketAddr, router: Router, max_connections: usize) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, router, max_connections, shutdown_signal()).await
}

/// Serves `router` on a bound `listener`, holding at most
/// `max_connections` at once, until `shutdown` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    router: Router,
    max_connections: usize,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    tracing::info!(address = %listener.local_addr()?, max_connections, "orgmap is listening");
    let listener = listener::LimitedListener::new(listener, max_connections);
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!("orgmap stopped");
    Ok(())
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
    tracing::info!("shutting down");
}
