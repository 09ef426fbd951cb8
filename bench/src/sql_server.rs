//! The hand-written side of the GraphQL / SQL ratio, served over the same
//! HTTP stack as orgmap: orgmap's own listener and connection handling
//! (the header-read and idle timeouts), the layers around every route
//! (request id and access line, metrics, compression, panic and error
//! handling), JSON in and out, orgmap's own connection pool, and the same
//! token check before the work, remembered as orgmap remembers it. What the
//! ratio then measures is what orgmap's own layers (GraphQL, domain, ORM)
//! add to a request.
//!
//! A request carries its statements and their text arguments,
//! `{"statements": [["SELECT …", ["arg", …]], …]}`; the answer holds every
//! row of every statement, each row a JSON array: `{"data": [[[…], …], …]}`.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::bail;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use sea_orm::DbBackend;
use serde_json::{Value, json};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, TypeInfo, ValueRef};

/// The statement orgmap runs on a request without a token, to know
/// whether it may answer it (`token::any_active`), when it has not found
/// the answer in the last `http::auth::FRESH`.
const TOKEN_CHECK: &str = "SELECT COUNT(*) FROM api_token WHERE revoked_at IS NULL";

#[derive(Clone)]
struct Baseline {
    pool: Pool,
    /// When the token check last found no token in force.
    open_at: Arc<Mutex<Option<Instant>>>,
}

#[derive(Clone)]
enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

#[derive(serde::Deserialize)]
struct Request {
    statements: Vec<(String, Vec<String>)>,
}

/// Serves `POST /sql` and `GET /healthz` on `listen` until killed.
pub async fn serve(url: &str, listen: &str) -> anyhow::Result<()> {
    // orgmap's pool, with its options: the same connections, pragmas and
    // pool size as the server it is compared with.
    let db = orgmap::domain::store::db::open(url).await?;
    let pool = match db.get_database_backend() {
        DbBackend::Postgres => Pool::Postgres(db.get_postgres_connection_pool().clone()),
        _ => Pool::Sqlite(db.get_sqlite_connection_pool().clone()),
    };
    orgmap::http::metrics::install();
    let app = Router::new()
        .route("/sql", post(run))
        .route("/healthz", get(|| async { "ok" }))
        .layer(axum::middleware::from_fn(orgmap::http::metrics::track))
        .with_state(Baseline {
            pool,
            open_at: Arc::default(),
        });
    let listener = tokio::net::TcpListener::bind(listen).await?;
    orgmap::http::serve_with(
        listener,
        orgmap::http::protect(app),
        orgmap::http::ServeOptions::default(),
        std::future::pending(),
    )
    .await
}

async fn run(
    State(baseline): State<Baseline>,
    Json(request): Json<Request>,
) -> (StatusCode, Json<Value>) {
    match answer(&baseline, request).await {
        Ok(data) => (StatusCode::OK, Json(json!({ "data": data }))),
        Err(err) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "errors": [err.to_string()] })),
        ),
    }
}

async fn answer(baseline: &Baseline, request: Request) -> anyhow::Result<Vec<Vec<Value>>> {
    let pool = &baseline.pool;
    let remembered = baseline
        .open_at
        .lock()
        .ok()
        .and_then(|at| *at)
        .is_some_and(|at| at.elapsed() < orgmap::http::credentials::FRESH);
    if !remembered {
        let check = pool.rows(TOKEN_CHECK, &[]).await?;
        if check
            .first()
            .and_then(|row| row.get(0))
            .and_then(Value::as_i64)
            != Some(0)
        {
            bail!("tokens are in force: this baseline serves an open service only");
        }
        if let Ok(mut at) = baseline.open_at.lock() {
            *at = Some(Instant::now());
        }
    }
    let mut data = Vec::with_capacity(request.statements.len());
    for (sql, binds) in &request.statements {
        data.push(pool.rows(sql, binds).await?);
    }
    Ok(data)
}

impl Pool {
    /// Every row of `sql`, each as a JSON array of its values.
    async fn rows(&self, sql: &str, binds: &[String]) -> anyhow::Result<Vec<Value>> {
        match self {
            Pool::Sqlite(pool) => {
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
                for bind in binds {
                    query = query.bind(bind);
                }
                let rows = query.fetch_all(pool).await?;
                rows.iter().map(|row| to_json(row, sqlite_value)).collect()
            }
            Pool::Postgres(pool) => {
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
                for bind in binds {
                    query = query.bind(bind);
                }
                let rows = query.fetch_all(pool).await?;
                rows.iter()
                    .map(|row| to_json(row, postgres_value))
                    .collect()
            }
        }
    }
}

fn to_json<R: Row>(
    row: &R,
    value: fn(&R, usize) -> anyhow::Result<Value>,
) -> anyhow::Result<Value> {
    (0..row.len())
        .map(|i| value(row, i))
        .collect::<anyhow::Result<Vec<_>>>()
        .map(Value::Array)
}

/// An SQLite value by its storage class.
fn sqlite_value(row: &SqliteRow, i: usize) -> anyhow::Result<Value> {
    let class = {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        match raw.type_info().name() {
            "INTEGER" | "BOOLEAN" => 0,
            "REAL" => 1,
            _ => 2,
        }
    };
    Ok(match class {
        0 => json!(row.try_get_unchecked::<i64, _>(i)?),
        1 => json!(row.try_get_unchecked::<f64, _>(i)?),
        _ => json!(row.try_get_unchecked::<String, _>(i)?),
    })
}

/// A PostgreSQL value by its column type.
fn postgres_value(row: &PgRow, i: usize) -> anyhow::Result<Value> {
    let kind = {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        raw.type_info().name().to_owned()
    };
    Ok(match kind.as_str() {
        "INT2" => json!(row.try_get::<i16, _>(i)?),
        "INT4" => json!(row.try_get::<i32, _>(i)?),
        "INT8" => json!(row.try_get::<i64, _>(i)?),
        "FLOAT4" => json!(row.try_get::<f32, _>(i)?),
        "FLOAT8" => json!(row.try_get::<f64, _>(i)?),
        "BOOL" => json!(row.try_get::<bool, _>(i)?),
        "TEXT" | "VARCHAR" | "BPCHAR" | "CHAR" | "NAME" => json!(row.try_get::<String, _>(i)?),
        // The periods' and snapshots' times, as RFC 3339 text like orgmap's.
        "TIMESTAMPTZ" => json!(
            row.try_get::<chrono::DateTime<chrono::Utc>, _>(i)?
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        ),
        other => bail!("column {i} is of type {other}, which this baseline does not serve"),
    })
}
