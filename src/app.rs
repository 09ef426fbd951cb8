//! The HTTP side: the router (GraphQL over POST and GET, subscriptions over
//! WebSocket, GraphiQL, health, downloads)
//! and the server with graceful shutdown.

use std::net::SocketAddr;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::OperationType;
use async_graphql_axum::{GraphQLBatchRequest, GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use tower_http::trace::TraceLayer;

use crate::domain::{db, scope::Scope};
use crate::graphql::{self, AppSchema};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
}

/// The whole HTTP surface of the service.
pub fn router(schema: AppSchema, db: DatabaseConnection) -> Router {
    let state = AppState { schema, db };
    Router::new()
        .route("/", get(graphiql))
        .route(
            "/graphql",
            get(graphql_get)
                .post(graphql_post)
                .route_layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    crate::live::upgrade,
                )),
        )
        .route("/healthz", get(healthz))
        .merge(crate::downloads::routes())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql")
            .title("orgmap")
            .finish(),
    )
}

async fn graphql_post(
    State(state): State<AppState>,
    request: GraphQLBatchRequest,
) -> GraphQLResponse {
    graphql::execute_batch(
        &state.schema,
        request.into_inner(),
        &state.db,
        Scope::EVERYTHING,
    )
    .await
    .into()
}

/// Queries over GET; a mutation over GET is refused with 405, since GET
/// must not change anything.
async fn graphql_get(State(state): State<AppState>, request: GraphQLRequest) -> Response {
    let request = request.into_inner();
    if is_mutation(&request) {
        let body = Json(serde_json::json!({
            "errors": [{
                "message": "mutations are only accepted over POST",
                "extensions": { "code": "BAD_REQUEST" }
            }]
        }));
        let mut response = (StatusCode::METHOD_NOT_ALLOWED, body).into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let response = graphql::execute(&state.schema, request, &state.db, Scope::EVERYTHING).await;
    GraphQLResponse::from(response).into_response()
}

/// True when the operation the request would run is a mutation. A query
/// that does not parse is left to the executor, which reports it.
fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let chosen = match &request.operation_name {
        Some(name) => document
            .operations
            .iter()
            .find(|(op_name, _)| op_name.map(|n| n.as_str()) == Some(name.as_str()))
            .map(|(_, op)| op.node.ty),
        None => document.operations.iter().next().map(|(_, op)| op.node.ty),
    };
    chosen == Some(OperationType::Mutation)
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    match db::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "status": "ok" }))).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": "down" })),
            )
                .into_response()
        }
    }
}

/// Serves `router` on `addr` until SIGINT or SIGTERM, then finishes the
/// requests in flight.
pub async fn serve(addr: SocketAddr, router: Router) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(address = %listener.local_addr()?, "orgmap is listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
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
