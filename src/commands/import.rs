//! `orgmap import`: imports a CSV or JSON-lines file and prints what it did.

use std::io::Write;

use anyhow::Context;

use super::config::ImportArgs;
use super::database::{open, user_error};
use crate::domain::access::Caller;
use crate::domain::transfer::{self, Format, ImportOptions};
use crate::i18n::Lang;
use crate::msg;

/// Imports a file and prints what it did; fails when any row is bad.
pub async fn run(args: ImportArgs, lang: Lang) -> anyhow::Result<()> {
    let entity = args.entity;
    let format = args
        .format
        .unwrap_or_else(|| Format::from_file_name(&args.file.to_string_lossy()));
    let encoding = args.encoding;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let db = open(&args.database).await?;
    let started = std::time::Instant::now();
    let report = transfer::import::import(
        &db,
        &Caller::system("cli"),
        &args.file.display().to_string(),
        Box::new(file),
        ImportOptions {
            entity,
            format,
            encoding,
            dry_run: args.dry_run,
        },
    )
    .await;
    db.close().await?;
    let report = report.map_err(user_error(lang))?;
    let mut out = std::io::stdout().lock();
    for error in &report.errors {
        writeln!(out, "{}", error.message().render(lang))?;
    }
    if report.rejected > report.errors.len() as u64 {
        let more = report.rejected - report.errors.len() as u64;
        writeln!(
            out,
            "{}",
            msg!("cli-import-more-bad-rows", count = more).render(lang)
        )?;
    }
    let outcome = if report.committed {
        msg!("cli-import-imported")
    } else if report.dry_run && report.rejected == 0 {
        msg!("cli-import-checked")
    } else {
        msg!("cli-import-refused")
    };
    let summary = msg!(
        "cli-import-summary",
        entity = entity.as_str(),
        outcome = outcome,
        rows = report.rows(),
        created = report.created,
        updated = report.updated,
        unchanged = report.unchanged,
        rejected = report.rejected,
        changed = report.changed_responsibility,
        seconds = format!("{:.1}", started.elapsed().as_secs_f64())
    );
    writeln!(out, "{}", summary.render(lang))?;
    if report.rejected > 0 {
        anyhow::bail!(
            "{}",
            msg!("cli-import-bad-rows", count = report.rejected).render(lang)
        );
    }
    Ok(())
}
