//! `orgmap demo`: fills an empty database with the deterministic demo province.

use super::config::DemoArgs;
use super::database::open;
use crate::demo;

/// Generates the province and logs what it made.
pub async fn run(args: DemoArgs) -> anyhow::Result<()> {
    let db = open(&args.database).await?;
    let report = demo::generate(&db, args.organizations, args.seed).await;
    db.close().await?;
    let report = report.map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(?report, "demo province ready");
    Ok(())
}
