//! `orgmap import`: imports a CSV or JSON-lines file and prints what it did.

use std::io::Write;

use anyhow::Context;

use super::config::ImportArgs;
use super::database::{open, user_error};
use crate::domain::access::Caller;
use crate::domain::transfer::{self, Format, ImportOptions};

/// Imports a file and prints what it did; fails when any row is bad.
pub async fn run(args: ImportArgs) -> anyhow::Result<()> {
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
    let report = report.map_err(user_error)?;
    let mut out = std::io::stdout().lock();
    for error in &report.errors {
        writeln!(
            out,
            "line {}{}: {}",
            error.line,
            error
                .column
                .as_deref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default(),
            error.reason
        )?;
    }
    if report.rejected > report.errors.len() as u64 {
        writeln!(
            out,
            "… and {} more bad rows",
            report.rejected - report.errors.len() as u64
        )?;
    }
    let outcome = if report.committed {
        "imported"
    } else if report.dry_run && report.rejected == 0 {
        "checked (dry run, nothing written)"
    } else {
        "refused (nothing written)"
    };
    writeln!(
        out,
        "{}: {}, {} rows, {} created, {} updated, {} unchanged, {} rejected; {} responsibilities changed ({:.1} s)",
        entity.as_str(),
        outcome,
        report.rows(),
        report.created,
        report.updated,
        report.unchanged,
        report.rejected,
        report.changed_responsibility,
        started.elapsed().as_secs_f64()
    )?;
    if report.rejected > 0 {
        anyhow::bail!("{} bad rows; nothing was written", report.rejected);
    }
    Ok(())
}
