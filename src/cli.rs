//! What each command does, so that the binary (and the benchmark, which
//! runs the same server) only parse and call [`run`].

use anyhow::Context;
use sea_orm::DatabaseConnection;

use crate::config::{Cli, Command};
use crate::domain::{self, db};
use crate::{app, demo, graphql};

/// Runs one command to its end.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
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

/// Opens and migrates the database, loads the reference data into an empty
/// one and brings the engine's derived data up to date.
pub async fn open(url: &str) -> anyhow::Result<DatabaseConnection> {
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

/// Logs to standard error, filtered by RUST_LOG (default: info).
pub fn init_logs() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
