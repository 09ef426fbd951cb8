//! Importing a file: every row validated with the same value parsers and
//! rules as the API's upserts, upserted by natural key in one transaction,
//! and the stored responsibility brought up to date once at the end.
//!
//! Regions, departments, categories and rules are small (thousands of rows
//! at most): the file is applied to an in-memory picture of the table, so
//! that a row may name a parent given earlier in the same file, and the
//! differences are written at the end. Organizations are streamed in
//! batches: each batch is compared with the stored rows and written with
//! one multi-row upsert, and the engine re-resolves the written
//! organizations once, set-based. When any row is bad nothing is written,
//! and every bad row is reported.
//!
//! Each entity is one file behind one shape ([`driver::Importer`]: load
//! what rows are checked against, parse a row, take it, write at the end);
//! [`driver::run`] is the loop they share.

mod categories;
mod departments;
mod driver;
mod lookup;
mod organizations;
mod regions;
mod rules;

use std::io::Read;

use sea_orm::DatabaseConnection;

use self::categories::Categories;
use self::departments::Departments;
use self::driver::run;
use self::organizations::Organizations;
use self::regions::Regions;
use self::rules::Rules;
use super::read::RecordReader;
use super::report::ImportReport;
use super::{Dataset, Encoding, Format};
use crate::domain::access::Caller;
use crate::domain::store::{self, Outcome};
use crate::domain::{audit, engine};
use crate::error::{Error, Result};
use crate::msg;

/// What to import, and how to read it.
#[derive(Clone, Copy, Debug)]
pub struct ImportOptions {
    pub entity: Dataset,
    pub format: Format,
    pub encoding: Encoding,
    /// Validate and count, write nothing.
    pub dry_run: bool,
}

/// Imports `source` in one transaction through the one write function:
/// all of it, or (when any row is bad, or on a dry run) nothing. A
/// committed import records its audit entry (`caller` as the actor,
/// `file_name` in the key) in that same transaction. The file is read
/// once, as it streams, so the write is attempted once.
pub async fn import(
    db: &DatabaseConnection,
    caller: &Caller,
    file_name: &str,
    source: Box<dyn Read + Send>,
    options: ImportOptions,
) -> Result<ImportReport> {
    if options.entity == Dataset::Rectifications {
        return Err(Error::invalid(
            "entity",
            msg!("dataset-not-importable", value = options.entity.as_str()),
        ));
    }
    let mut reader = RecordReader::new(source, options.entity, options.format, options.encoding);
    let caller = caller.clone();
    let file_name = file_name.to_owned();
    let outcome = store::write_once(db, move |txn| {
        Box::pin(async move {
            let write = !options.dry_run;
            if write {
                // Orders the import with every other write and, as for any
                // structural write, makes reads take turns while it runs.
                engine::lock_exclusive(txn).await?;
            }
            let mut report = ImportReport {
                dry_run: options.dry_run,
                ..Default::default()
            };
            let scope = &caller.scope;
            let (reader, rows) = (&mut reader, &mut report);
            match options.entity {
                Dataset::Regions => run::<Regions>(txn, scope, reader, rows, write).await?,
                Dataset::Categories => run::<Categories>(txn, scope, reader, rows, write).await?,
                Dataset::Departments => run::<Departments>(txn, scope, reader, rows, write).await?,
                Dataset::Rules => run::<Rules>(txn, scope, reader, rows, write).await?,
                Dataset::Organizations => {
                    run::<Organizations>(txn, scope, reader, rows, write).await?
                }
                Dataset::Rectifications => {}
            }
            if !(write && report.is_clean()) {
                return Ok(Outcome::Discard(report));
            }
            report.committed = true;
            let audited = options.entity.audited();
            audit::record_import(txn, &caller, audited, &file_name, report.summary()).await?;
            Ok(Outcome::Commit(report))
        })
    })
    .await?;
    let report = outcome.into_inner();
    count_rows(options.entity, &report);
    Ok(report)
}

/// Counts the file's rows for the metrics, by dataset and outcome; the good
/// rows of an import that wrote nothing (a dry run, or a bad row elsewhere)
/// are `not_written`.
fn count_rows(entity: Dataset, report: &ImportReport) {
    let written = [
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
    ];
    let good: u64 = written.iter().map(|(_, rows)| rows).sum();
    let counts = if report.committed {
        written.to_vec()
    } else {
        vec![("not_written", good)]
    };
    for (outcome, rows) in counts.into_iter().chain([("rejected", report.rejected)]) {
        if rows > 0 {
            metrics::counter!("orgmap_import_rows_total", "dataset" => entity.as_str(), "outcome" => outcome)
                .increment(rows);
        }
    }
}
