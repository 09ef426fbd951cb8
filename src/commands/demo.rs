//! `orgmap demo`: fills an empty database with the deterministic demo province.

use super::config::DemoArgs;
use super::database::{open, user_error};
use crate::demo;
use crate::i18n::Lang;

/// Generates the province and logs what it made.
pub async fn run(args: DemoArgs, lang: Lang) -> anyhow::Result<()> {
    let db = open(&args.database).await?;
    let report = demo::generate(&db, args.organizations, args.seed).await;
    db.close().await?;
    let report = report.map_err(user_error(lang))?;
    tracing::info!(?report, "demo province ready");
    Ok(())
}
