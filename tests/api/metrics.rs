//! `GET /metrics`: the counters move with the requests, operations,
//! re-resolutions and imports they count; the token rule on the service's
//! address; the standalone router of `--metrics-listen`.
//!
//! The recorder is one per process and the tests run in parallel: each
//! test names its operations uniquely and compares before with after.

use orgmap::domain::access::{Caller, Role};
use orgmap::domain::transfer::import::{ImportOptions, import};
use orgmap::domain::transfer::{Dataset, Encoding, Format};
use serde_json::json;

use crate::helpers::access::new_token;
use crate::helpers::{TestApp, get, post_query, send, small_province};

/// The sum of the samples of `name` whose labels include all of `labels`,
/// read from the text exposition format.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
            if metric != name {
                return None;
            }
            let wanted = labels
                .iter()
                .all(|(key, value)| rest.contains(&format!("{key}=\"{value}\"")));
            wanted.then(|| value.parse::<f64>().unwrap())
        })
        .sum()
}

async fn scrape(app: &TestApp) -> String {
    let reply = get(app.router(), "/metrics").await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let content_type = reply.headers["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    reply.text()
}

#[tokio::test]
async fn metrics_count_requests_operations_reresolutions_and_import_rows() {
    let app = TestApp::spawn().await;
    small_province(&app).await;
    let before = scrape(&app).await;

    let good = "query MetricsProbe { departmentKind(code: \"HEALTH\") { name } }";
    let bad = "query MetricsProbe { departmentKind(code: \"HEALTH\") { noSuchField } }";
    for query in [good, good, bad] {
        let reply = send(app.router(), post_query(None, query, json!({}))).await;
        assert_eq!(reply.status, 200, "{}", reply.text());
    }
    app.data(
        "mutation { upsertRule(input: { categoryCode: \"SOCIAL_GROUP\", departmentKindCode: \"EDUCATION\", scopeRegionCode: \"350200\" }) { id } }",
        json!({}),
    )
    .await;
    let file = "{\"code\":\"350203001\",\"name\":\"鼓浪屿街道\",\"level\":\"SUBDISTRICT\",\"parentCode\":\"350203\"}\n";
    let report = import(
        &app.db,
        &Caller::local(),
        "metrics-test",
        Box::new(std::io::Cursor::new(file.as_bytes().to_vec())),
        ImportOptions {
            entity: Dataset::Regions,
            format: Format::Jsonl,
            encoding: Encoding::Utf8,
            dry_run: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.created, 1);
    let after = scrape(&app).await;

    let moved = |name: &str, labels: &[(&str, &str)]| {
        sample(&after, name, labels) - sample(&before, name, labels)
    };
    let probe = [("operation", "MetricsProbe")];
    assert_eq!(
        moved(
            "orgmap_graphql_operations_total",
            &[("operation", "MetricsProbe"), ("outcome", "ok")]
        ),
        2.0
    );
    assert_eq!(
        moved(
            "orgmap_graphql_operations_total",
            &[("operation", "MetricsProbe"), ("outcome", "BAD_USER_INPUT")]
        ),
        1.0
    );
    assert_eq!(
        moved("orgmap_graphql_operation_duration_seconds_count", &probe),
        3.0
    );
    assert!(
        moved(
            "orgmap_http_requests_total",
            &[("route", "/graphql"), ("status", "200")]
        ) >= 3.0
    );
    assert!(moved("orgmap_http_requests_total", &[("route", "/metrics")]) >= 1.0);
    assert!(moved("orgmap_reresolutions_total", &[]) >= 1.0);
    assert!(moved("orgmap_reresolution_duration_seconds_count", &[]) >= 1.0);
    assert!(
        moved(
            "orgmap_import_rows_total",
            &[("dataset", "regions"), ("outcome", "created")]
        ) >= 1.0
    );
    assert!(
        after.contains("orgmap_db_pool_connections{state=\"idle\"}")
            && after.contains("orgmap_db_pool_connections{state=\"in_use\"}"),
        "{after}"
    );
    assert!(after.contains("# TYPE orgmap_graphql_operation_duration_seconds histogram"));
}

#[tokio::test]
async fn metrics_need_a_token_not_bound_to_a_region_once_tokens_exist() {
    let app = TestApp::spawn().await;
    small_province(&app).await;
    assert_eq!(get(app.router(), "/metrics").await.status, 200, "open");

    let viewer = new_token(&app, Role::Viewer, None, "scraper").await;
    let bound = new_token(&app, Role::Admin, Some("350100"), "fuzhou-admin").await;
    let with = |secret: &str| {
        axum::http::Request::get("/metrics")
            .header("authorization", format!("Bearer {secret}"))
            .body(axum::body::Body::empty())
            .unwrap()
    };

    let anonymous = get(app.router(), "/metrics").await;
    assert_eq!(anonymous.status, 401, "no token: {}", anonymous.text());
    let scraper = send(app.router(), with(&viewer)).await;
    assert_eq!(scraper.status, 200, "a province-wide viewer");
    assert!(scraper.text().contains("orgmap_http_requests_total"));
    let regional = send(app.router(), with(&bound)).await;
    assert_eq!(regional.status, 403, "a region-bound admin");
    assert_eq!(
        regional.json()["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn the_metrics_listener_serves_without_a_token() {
    let app = TestApp::spawn().await;
    new_token(&app, Role::Admin, None, "admin").await;
    assert_eq!(get(app.router(), "/metrics").await.status, 401);

    let reply = get(orgmap::http::metrics::router(app.db.clone()), "/metrics").await;

    assert_eq!(reply.status, 200, "{}", reply.text());
    assert!(reply.text().contains("orgmap_db_pool_connections"));
    let elsewhere = get(orgmap::http::metrics::router(app.db.clone()), "/graphql").await;
    assert_eq!(elsewhere.status, 404, "the listener serves /metrics only");
}
