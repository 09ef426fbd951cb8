//! `GET /metrics` in the Prometheus text format: the process-wide recorder
//! behind the `metrics` facade, the HTTP request counter, the database pool
//! gauges sampled at scrape, and the standalone router served on
//! `--metrics-listen` without a token.
//!
//! Everything else is counted where it happens, through the facade only (so
//! that the domain never names the exporter): GraphQL operations in
//! `graphql/execution/observed.rs`, re-resolutions in `domain/engine.rs`,
//! import rows in `domain/transfer/import`, open subscriptions in
//! [`super::ws`]. The README lists every metric.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{DatabaseConnection, DbBackend};

use crate::domain::access::Caller;
use crate::domain::scope::Scope;
use crate::error::Error;
use crate::http::state::AppState;
use crate::msg;

/// Histogram buckets of the latency metrics, in seconds: from a cached
/// lookup (about a millisecond) to the request deadline (30 s).
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The recorder's handle, installed once per process (the tests build many
/// routers in one process; they all share it). None when another recorder
/// was installed first, in which case `/metrics` says so.
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), LATENCY_BUCKETS);
            let recorder = match builder {
                Ok(builder) => builder.build_recorder(),
                Err(err) => {
                    tracing::error!(error = %err, "metrics: bad histogram buckets");
                    return None;
                }
            };
            let handle = recorder.handle();
            if let Err(err) = metrics::set_global_recorder(recorder) {
                tracing::error!(error = %err, "metrics: another recorder is installed");
                return None;
            }
            describe();
            crate::graphql::execution::observed::recorder_installed();
            drain_samples(handle.clone());
            Some(handle)
        })
        .as_ref()
}

/// How often the recorder folds the histogram samples it holds into their
/// buckets when nobody scrapes.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// The recorder keeps each histogram sample until upkeep folds it into the
/// buckets, and only a scrape runs upkeep: without a scraper (or between
/// rare scrapes) the samples of every request would pile up in memory. A
/// thread of its own folds them every few seconds, runtime or not.
fn drain_samples(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(err) = spawned {
        tracing::error!(error = %err, "metrics: cannot start the upkeep thread");
    }
}

/// Installs the recorder, so that what happens before the first scrape is
/// counted too.
pub fn install() {
    let _ = handle();
}

/// The HELP lines of the metrics recorded here and elsewhere.
fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "orgmap_http_requests_total",
        "HTTP requests answered, by route template and status."
    );
    describe_histogram!(
        "orgmap_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request (to its headers), by route template."
    );
    describe_counter!(
        "orgmap_graphql_operations_total",
        "GraphQL operations run, by operation name and outcome (ok or the first error's code)."
    );
    describe_histogram!(
        "orgmap_graphql_operation_duration_seconds",
        Unit::Seconds,
        "Time to run a GraphQL operation, by operation name."
    );
    describe_gauge!(
        "orgmap_db_pool_connections",
        "Database pool connections, by state (in_use, idle), sampled at scrape."
    );
    describe_counter!(
        "orgmap_reresolutions_total",
        "Re-resolutions of stored responsibility run by the engine."
    );
    describe_counter!(
        "orgmap_reresolved_organizations_total",
        "Organizations whose stored responsibility a re-resolution changed."
    );
    describe_histogram!(
        "orgmap_reresolution_duration_seconds",
        Unit::Seconds,
        "Time of one re-resolution."
    );
    describe_gauge!(
        "orgmap_subscriptions_open",
        "GraphQL subscriptions running over WebSocket."
    );
    describe_counter!(
        "orgmap_import_rows_total",
        "Rows of imported files, by dataset and outcome (created, updated, unchanged, rejected, not_written)."
    );
}

/// Middleware: counts every request by its route template (bounded: the
/// router's own patterns, `unmatched` for the rest) and status.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let started = Instant::now();
    let response = next.run(request).await;
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    let (requests, duration) = route_handles(route, response.status().as_u16());
    requests.increment(1);
    duration.record(started.elapsed().as_secs_f64());
    response
}

/// The request counter and latency histogram of a route and status.
type RouteHandles = (metrics::Counter, metrics::Histogram);

/// The handles of `route` and `status`, registered with the recorder on
/// their first request and kept: registering builds the labelled key and
/// looks it up in the recorder's registry, which every request would pay
/// again. The set is bounded as the labels are (the router's patterns, the
/// statuses it answers with).
fn route_handles(route: &str, status: u16) -> RouteHandles {
    type Known = HashMap<String, Vec<(u16, RouteHandles)>>;
    static KNOWN: OnceLock<Mutex<Known>> = OnceLock::new();
    let mut known = match KNOWN.get_or_init(Mutex::default).lock() {
        Ok(known) => known,
        // The map is whole even if a panic happened while it was held.
        Err(poisoned) => poisoned.into_inner(),
    };
    // The common case, a pair seen before, allocates nothing.
    if let Some((_, handles)) = known
        .get(route)
        .and_then(|statuses| statuses.iter().find(|(s, _)| *s == status))
    {
        return handles.clone();
    }
    let handles = (
        metrics::counter!(
            "orgmap_http_requests_total",
            "route" => route.to_owned(),
            "status" => status.to_string()
        ),
        metrics::histogram!("orgmap_http_request_duration_seconds", "route" => route.to_owned()),
    );
    known
        .entry(route.to_owned())
        .or_default()
        .push((status, handles.clone()));
    handles
}

/// `GET /metrics` on the service's own address: the same caller rule as
/// every route (open while no token exists on loopback), and a token whose
/// scope is the whole database. The figures count every region's activity,
/// so a region-bound token, which sees only its subtree, is refused; any
/// role will do, so that a scraper can hold a viewer token that cannot write.
pub async fn scrape(State(state): State<AppState>, caller: Caller) -> Response {
    if caller.scope != Scope::EVERYTHING {
        return Error::Forbidden(msg!("metrics-need-unbound-token")).into_response();
    }
    render(&state.db)
}

/// The router served on `--metrics-listen`: `/metrics` only, without a
/// token (the address is the operator's to keep private).
pub fn router(db: DatabaseConnection) -> Router {
    install();
    Router::new()
        .route(
            "/metrics",
            get(|State(db): State<DatabaseConnection>| async move { render(&db) }),
        )
        .with_state(db)
}

/// The text exposition of every metric, the pool gauges sampled now.
fn render(db: &DatabaseConnection) -> Response {
    let Some(handle) = handle() else {
        return Error::Internal("the metrics recorder is not installed".to_owned()).into_response();
    };
    sample_pool(db);
    handle.run_upkeep();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// Connections in use and idle in the database pool. sea-orm's pool
/// accessors panic on the other backend, hence the match on it first.
fn sample_pool(db: &DatabaseConnection) {
    let (size, idle) = match db.get_database_backend() {
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => return,
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
    metrics::gauge!("orgmap_db_pool_connections", "state" => "in_use").set(f64::from(size - idle));
    metrics::gauge!("orgmap_db_pool_connections", "state" => "idle").set(f64::from(idle));
}
