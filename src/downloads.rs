//! File downloads over HTTP: `GET /export/{entity}.{csv|jsonl}?region=CODE`,
//! streamed chunk by chunk so that memory stays flat however large the
//! export, and `GET /reports/coverage.xlsx?region=CODE`.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::access::{Caller, Role};
use crate::domain::transfer::export::{ExportOptions, Exporter};
use crate::domain::transfer::{Dataset, Format};
use crate::error::Error;

/// The download routes, merged into the application's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/{file}", get(export))
        .route("/reports/coverage.xlsx", get(coverage_report))
}

/// The query of a download.
#[derive(Debug, Deserialize)]
pub struct RegionQuery {
    /// Only this region's subtree.
    pub region: Option<String>,
}

/// The caller of a download, or the refusal to send: downloads read like
/// queries, so they need what a query needs and see only the caller's scope.
async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, Response> {
    let caller = crate::app::auth::caller(&state.db, state.options.access, headers)
        .await
        .map_err(|err| {
            let mut response = error_response(&err);
            if matches!(err, Error::Unauthenticated(_)) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            response
        })?;
    caller
        .require(Role::Viewer)
        .map_err(|err| error_response(&err))?;
    Ok(caller)
}

async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(query): Query<RegionQuery>,
) -> Response {
    let caller = match caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let Some((entity, format)) = file.rsplit_once('.') else {
        return not_found(&file);
    };
    let (Ok(entity), Ok(format)) = (Dataset::parse(entity), Format::parse(format)) else {
        return not_found(&file);
    };
    let options = ExportOptions {
        entity,
        format,
        region_code: query.region,
    };
    let exporter = match Exporter::new(&state.db, &caller.scope, options).await {
        Ok(exporter) => exporter,
        Err(err) => return error_response(&err),
    };
    let name = exporter.file_name();
    let stream = futures::stream::unfold(exporter, |mut exporter| async move {
        match exporter.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok::<_, std::io::Error>(chunk), exporter)),
            Ok(None) => None,
            Err(err) => {
                // The status is sent already: end the body early, so the
                // client sees a broken download rather than a short file.
                tracing::error!(error = %err, "export failed while streaming");
                Some((Err(std::io::Error::other("export failed")), exporter))
            }
        }
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn coverage_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<RegionQuery>,
) -> Response {
    let caller = match caller(&state, &headers).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    match crate::report::coverage_xlsx(&state.db, &caller.scope, query.region.as_deref()).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(XLSX)),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"coverage.xlsx\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(err) => error_response(&err),
    }
}

fn not_found(file: &str) -> Response {
    error_response(&Error::not_found(
        "file",
        format!(
            "no download is called '{}'; try /export/organizations.csv or /export/regions.jsonl",
            file.chars().take(60).collect::<String>()
        ),
    ))
}

/// An error as JSON with the code GraphQL would give it.
pub fn error_response(err: &Error) -> Response {
    if let Error::Database(db_err) = err {
        tracing::error!(error = %db_err, "database error");
    }
    let status = match err {
        Error::InvalidInput { .. } => StatusCode::BAD_REQUEST,
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = serde_json::json!({
        "errors": [{ "message": err.public_message(), "extensions": { "code": err.code() } }]
    });
    (status, axum::Json(body)).into_response()
}
