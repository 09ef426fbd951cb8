//! `orgmap report`: writes the coverage report of a region as an .xlsx file.

use anyhow::Context;

use super::config::ReportArgs;
use super::database::{open, user_error};
use crate::domain::scope::Scope;
use crate::i18n::Lang;

/// Writes the spreadsheet of the region (default: everything) to `--out`.
pub async fn run(args: ReportArgs, lang: Lang) -> anyhow::Result<()> {
    let db = open(&args.database).await?;
    let bytes = crate::report::coverage_xlsx_blocking(
        db.clone(),
        Scope::EVERYTHING,
        args.region,
        args.compare_with,
        lang,
    )
    .await;
    db.close().await?;
    let bytes = bytes.map_err(user_error(lang))?;
    std::fs::write(&args.out, bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    Ok(())
}
