//! `orgmap serve`: the GraphQL API over HTTP, with who may come in without a
//! token decided at start-up.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::config::ServeArgs;
use super::database::open_with;
use crate::domain::clock::Clock;
use crate::domain::history::snapshots;
use crate::domain::store::db;
use crate::domain::token;
use crate::{demo, graphql, http};

/// Opens the database (with the demo province if asked), builds the schema
/// with the configured limits and serves until shut down.
pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let db = open_with(&args.database, db::Checkpoints::InBackground).await?;
    db::checkpoint_in_background(&db);
    if args.demo {
        if demo::is_empty(&db).await? {
            let report = demo::generate(&db, args.organizations, args.seed)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            tracing::info!(?report, "demo province ready");
        } else {
            tracing::info!("the database has regions already; --demo leaves it as it is");
        }
    }
    let access = access(&db, &args).await?;
    let drain = http::Drain::default();
    let limits = &args.limits;
    let schema = graphql::build_with(
        db.clone(),
        &graphql::Limits {
            depth: limits.max_depth,
            complexity: limits.max_complexity,
            directives: limits.max_directives,
            aliases: limits.max_aliases,
            tokens: limits.max_tokens,
            errors: limits.max_errors.max(1),
            introspection: !limits.no_introspection,
            suggestions: !limits.no_suggestions,
            ..graphql::Limits::default()
        },
    );
    let options = http::HttpOptions {
        body_bytes: limits.max_body_bytes,
        upload_bytes: limits.max_upload_bytes,
        batch: limits.max_batch.max(1),
        timeout: Duration::from_secs(limits.request_timeout.max(1)),
        upload_timeout: Duration::from_secs(limits.request_timeout.max(1))
            * http::UPLOAD_TIMEOUT_FACTOR,
        graphiql: !limits.no_graphiql,
        access,
        ping_interval: Duration::from_secs(limits.ws_ping_interval.max(1)),
        pong_timeout: Duration::from_secs(limits.ws_pong_timeout.max(1)),
        drain: drain.clone(),
    };
    let router = http::router_with(schema, db.clone(), options);
    let serving = http::ServeOptions {
        max_connections: limits.max_connections,
        header_read_timeout: Duration::from_secs(limits.header_read_timeout.max(1)),
        idle_timeout: Duration::from_secs(limits.idle_timeout.max(1)),
        drain_timeout: Duration::from_secs(limits.drain_timeout),
        drain,
    };
    let metrics = match args.metrics_listen {
        Some(address) => Some(serve_metrics(address, db.clone()).await?),
        None => None,
    };
    let daily = (!args.no_daily_snapshot)
        .then(|| snapshots::spawn_daily(db.clone(), Clock::system(), args.snapshot_at));
    let served = http::serve(args.listen, router, serving).await;
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    if let Some(daily) = daily {
        daily.abort();
    }
    db.close().await?;
    served
}

/// Serves `/metrics` alone on `address`, without a token, until the main
/// server stops (the caller aborts the task).
async fn serve_metrics(
    address: std::net::SocketAddr,
    db: DatabaseConnection,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    tracing::info!(address = %listener.local_addr()?, "metrics are served without a token");
    let router = http::metrics::router(db);
    Ok(tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(error = %err, "the metrics listener stopped");
        }
    }))
}

/// Who may come in without a token. On loopback the service is open for
/// local use until a token exists; elsewhere it refuses to start without
/// tokens unless told `--insecure-open`.
async fn access(db: &DatabaseConnection, args: &ServeArgs) -> anyhow::Result<http::Access> {
    let tokens = token::any_active(db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let loopback = args.listen.ip().is_loopback();
    if tokens {
        tracing::info!(
            "API tokens are in force: every request needs 'Authorization: Bearer <token>'"
        );
        return Ok(if loopback || args.limits.insecure_open {
            http::Access::OpenUntilTokens
        } else {
            http::Access::TokensRequired
        });
    }
    if loopback {
        tracing::warn!(
            "no API token exists: open to anyone who can reach {} (local use); create one with `orgmap token create --role admin` to lock it",
            args.listen
        );
        return Ok(http::Access::OpenUntilTokens);
    }
    if args.limits.insecure_open {
        tracing::warn!(
            "no API token exists and --insecure-open is set: anyone who can reach {} may read and write everything",
            args.listen
        );
        return Ok(http::Access::OpenUntilTokens);
    }
    anyhow::bail!(
        "refusing to serve {} without API tokens: anyone could read and write. Create one with `orgmap token create --role admin`, listen on 127.0.0.1, or pass --insecure-open",
        args.listen
    )
}
