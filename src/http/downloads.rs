//! File downloads over HTTP: `GET /export/{entity}.{csv|jsonl}?region=CODE`,
//! streamed chunk by chunk so that memory stays flat however large the
//! export, and `GET /reports/coverage.xlsx?region=CODE`.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::domain::access::{Caller, Role};
use crate::domain::transfer::export::{ExportOptions, Exporter};
use crate::domain::transfer::{Dataset, Format};
use crate::error::{Error, Result};
use crate::http::state::AppState;
use crate::msg;

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

// Downloads read like queries, so they need what a query needs and see
// only the caller's scope. The caller comes after the path and the query,
// in the order they were checked before it became an extractor.

async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(query): Query<RegionQuery>,
    caller: Caller,
) -> Result<Response> {
    caller.require(Role::Viewer)?;
    let Some((entity, format)) = file.rsplit_once('.') else {
        return Err(not_found(&file));
    };
    let (Ok(entity), Ok(format)) = (Dataset::parse(entity), Format::parse(format)) else {
        return Err(not_found(&file));
    };
    let options = ExportOptions {
        entity,
        format,
        region_code: query.region,
    };
    let exporter = Exporter::new(&state.db, &caller.scope, options).await?;
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
    Ok(response)
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The report download's query: the region, and a date to compare with.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    /// Only this region's subtree.
    pub region: Option<String>,
    /// Add a sheet comparing the region's children at this date with today.
    #[serde(rename = "compareWith")]
    pub compare_with: Option<String>,
}

async fn coverage_report(
    State(state): State<AppState>,
    Query(query): Query<ReportQuery>,
    headers: HeaderMap,
    caller: Caller,
) -> Result<Response> {
    caller.require(Role::Viewer)?;
    let lang = crate::http::error::lang(&headers);
    let bytes = crate::report::coverage_xlsx_blocking(
        state.db.clone(),
        caller.scope,
        query.region,
        query.compare_with,
        lang,
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(XLSX)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"coverage.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn not_found(file: &str) -> Error {
    Error::not_found(
        "file",
        msg!(
            "download-not-found",
            file = file.chars().take(60).collect::<String>()
        ),
    )
}
