//! The one loop every import runs, and the shape an importable entity
//! has. The driver reads the records, rejects a line the reader refuses,
//! has the entity parse each row (columns → parse), rejects the row with
//! its error, refuses a key the file gave before, and hands the row to the
//! entity; at the end, when every row is good, the entity writes what
//! changed (upsert). A new
//! importable entity is one more [`Importer`].

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;

use sea_orm::DatabaseTransaction;

use crate::domain::scope::Scope;
use crate::domain::transfer::Dataset;
use crate::domain::transfer::read::{Cell, Record, RecordReader};
use crate::domain::transfer::report::{ImportReport, RowError};
use crate::domain::values::Patch;
use crate::error::{Error, Result};
use crate::msg;

/// How one entity is imported.
pub(super) trait Importer: Sized + Send {
    /// A row parsed, its references resolved.
    type Parsed: Send;
    /// What two rows of one file may not share.
    type Key: Eq + Hash + Send;
    /// The entity, whose columns a row is read by.
    const DATASET: Dataset;
    /// The column a bad row is reported on when its error names none, and
    /// a duplicate key always.
    const KEY_COLUMN: &'static str;

    /// Reads what rows are checked against, within the caller's `scope`.
    fn load(txn: &DatabaseTransaction, scope: &Scope) -> impl Future<Output = Result<Self>> + Send;

    /// Parses a row; an error rejects it.
    fn parse(&self, row: &Row<'_>) -> Result<Self::Parsed>;

    /// The row's key, and the key as a duplicate's error shows it.
    fn key(parsed: &Self::Parsed, row: &Row<'_>) -> Result<(Self::Key, String)>;

    /// Takes a parsed row whose key is new: counts it as created, updated or
    /// unchanged, or rejects it.
    fn take(
        &mut self,
        txn: &DatabaseTransaction,
        line: u64,
        parsed: Self::Parsed,
        report: &mut ImportReport,
        write: bool,
    ) -> impl Future<Output = Result<Taken>> + Send;

    /// After the last row: compares and counts what the entity held back
    /// (the organizations' last batch).
    fn end(
        &mut self,
        _txn: &DatabaseTransaction,
        _report: &mut ImportReport,
        _write: bool,
    ) -> impl Future<Output = Result<()>> + Send {
        async { Ok(()) }
    }

    /// Writes what the file changed: only when every row is good and the
    /// import is no dry run.
    fn write(
        self,
        txn: &DatabaseTransaction,
        report: &mut ImportReport,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// What an entity did with a row it took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Taken {
    /// Kept for the end of the file.
    Held,
    /// The rows held so far went to the database, which the entity checks
    /// their keys against from now on: the driver forgets them.
    Flushed,
}

/// Imports every record of `reader` as the entity `I`.
pub(super) async fn run<I: Importer>(
    txn: &DatabaseTransaction,
    scope: &Scope,
    reader: &mut RecordReader,
    report: &mut ImportReport,
    write: bool,
) -> Result<()> {
    let mut importer = I::load(txn, scope).await?;
    let columns = I::DATASET.columns();
    let mut seen: HashMap<I::Key, u64> = HashMap::new();
    while let Some(record) = next_record(reader, report) {
        let row = Row {
            record: &record,
            columns,
        };
        let line = record.line;
        let parsed = match importer.parse(&row) {
            Ok(parsed) => parsed,
            Err(err) => {
                report.reject_with(line, err, I::KEY_COLUMN)?;
                continue;
            }
        };
        let (key, shown) = I::key(&parsed, &row)?;
        if let Some(first) = seen.get(&key) {
            report.reject(duplicate(line, I::KEY_COLUMN, &shown, *first));
            continue;
        }
        seen.insert(key, line);
        if importer.take(txn, line, parsed, report, write).await? == Taken::Flushed {
            seen.clear();
        }
    }
    importer.end(txn, report, write).await?;
    if write && report.is_clean() {
        importer.write(txn, report).await?;
    }
    Ok(())
}

/// A record with its entity's columns, read the way the API reads inputs.
pub(super) struct Row<'a> {
    pub(super) record: &'a Record,
    columns: &'static [&'static str],
}

impl Row<'_> {
    pub(super) fn cell(&self, column: &str) -> &Cell {
        self.record.cell(self.columns, column)
    }

    /// A required text: absent and empty read as blank, for the parser to refuse.
    pub(super) fn required(&self, column: &str) -> Result<&str> {
        match self.cell(column) {
            Cell::Absent | Cell::Null => Ok(""),
            Cell::Text(text) => Ok(text),
            Cell::Json(_) => Err(not_text(column)),
        }
    }

    /// An optional text: absent and empty read as none.
    pub(super) fn optional(&self, column: &str) -> Result<Option<&str>> {
        match self.cell(column) {
            Cell::Absent | Cell::Null => Ok(None),
            Cell::Text(text) if text.trim().is_empty() => Ok(None),
            Cell::Text(text) => Ok(Some(text)),
            Cell::Json(_) => Err(not_text(column)),
        }
    }

    /// An optional field of an upsert: absent keeps, empty clears.
    pub(super) fn patch(&self, column: &str) -> Result<Patch<String>> {
        match self.cell(column) {
            Cell::Absent => Ok(Patch::Keep),
            Cell::Null => Ok(Patch::Clear),
            Cell::Text(text) if text.trim().is_empty() => Ok(Patch::Clear),
            Cell::Text(text) => Ok(Patch::Set(text.clone())),
            Cell::Json(_) => Err(not_text(column)),
        }
    }

    pub(super) fn boolean(&self, column: &str) -> Result<Option<bool>> {
        match self.optional(column)?.map(str::trim) {
            None => Ok(None),
            Some(t) if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(t) if t.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(t) => Err(Error::invalid(
                column,
                msg!("cell-not-boolean", value = truncate(t, 20)),
            )),
        }
    }

    pub(super) fn integer(&self, column: &str) -> Result<Option<i32>> {
        match self.optional(column)?.map(str::trim) {
            None => Ok(None),
            Some(t) => t.parse::<i32>().map(Some).map_err(|_| {
                Error::invalid(column, msg!("cell-not-integer", value = truncate(t, 20)))
            }),
        }
    }
}

fn not_text(column: &str) -> Error {
    Error::invalid(column, msg!("cell-not-text"))
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Reads the next record; a line the reader refuses is rejected here.
fn next_record(reader: &mut RecordReader, report: &mut ImportReport) -> Option<Record> {
    loop {
        match reader.next_record()? {
            Ok(record) => return Some(record),
            Err(error) => report.reject(error),
        }
    }
}

/// A second row with a key the file gave before.
pub(super) fn duplicate(line: u64, column: &str, key: &str, first: u64) -> RowError {
    RowError {
        line,
        column: Some(column.to_owned()),
        reason: msg!("import-duplicate-key", key = key, first = first),
    }
}
