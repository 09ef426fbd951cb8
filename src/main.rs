//! The orgmap binary: parse the command line, set up logs, dispatch.

use std::io::IsTerminal;

use anyhow::Context;
use clap::Parser;
use orgmap::config::{Cli, Command};
use orgmap::domain::{self, db};
use orgmap::{app, demo, graphql};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match Cli::parse().command {
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Demo(args) => {
            let db = open(&args.database.database_url).await?;
            let report = demo::generate(&db, args.organizations, args.seed).await;
            db.close().await?;
            let report = report.map_err(|e| anyhow::anyhow!("{e}"))?;
            tracing::info!(?report, "demo province ready");
            Ok(())
        }
        Command::Serve(args) => {
            let db = open(&args.database.database_url).await?;
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
            let schema = graphql::build(db.clone());
            let served = app::serve(args.listen, app::router(schema, db.clone())).await;
            db.close().await?;
            served
        }
    }
}

/// Opens and migrates the database, and loads the reference data into an empty one.
async fn open(url: &str) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = db::connect(url)
        .await
        .context("cannot open or migrate the database")?;
    if domain::initialize(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        tracing::info!("loaded the reference data: department kinds, categories, province rules");
    }
    Ok(db)
}
