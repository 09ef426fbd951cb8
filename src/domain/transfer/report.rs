//! What an import reports: the rows it created, updated, left unchanged
//! and rejected, and each bad row with its line, column and reason.

use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::msg;

/// Bad rows listed in a report at most; the count of rejected rows is
/// always exact.
pub const MAX_LISTED_ERRORS: usize = 10_000;
/// What a row outside a region-bound caller's subtree is told.
pub(crate) fn outside() -> Message {
    msg!("import-outside-region")
}

/// A bad row: its line (1 is the first line of the file), the column at
/// fault when one is, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub column: Option<String>,
    pub reason: Message,
}

impl RowError {
    /// "line 7, creditCode: …" (第 7 行，creditCode：…), as a person reads it.
    pub fn message(&self) -> Message {
        match &self.column {
            Some(column) => msg!(
                "import-row-error-column",
                line = self.line,
                column = column.as_str(),
                reason = self.reason.clone()
            ),
            None => msg!(
                "import-row-error",
                line = self.line,
                reason = self.reason.clone()
            ),
        }
    }
}

/// What an import did, or (dry run, or bad rows) would have done.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// The bad rows in file order, at most [`MAX_LISTED_ERRORS`].
    pub errors: Vec<RowError>,
    /// True when the file's rows were written.
    pub committed: bool,
    pub dry_run: bool,
    /// Organizations whose stored responsibility changed.
    pub changed_responsibility: u64,
    /// Organization rows written whose credit code's type their category
    /// does not admit (类别与代码不符): written all the same, as a warning.
    pub category_mismatches: u64,
}

impl ImportReport {
    /// What the audit trail keeps of a committed import.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "changedResponsibilities": self.changed_responsibility,
            "categoryMismatches": self.category_mismatches,
        })
    }

    /// Rows read: created, updated, unchanged and rejected.
    pub fn rows(&self) -> u64 {
        self.created + self.updated + self.unchanged + self.rejected
    }

    pub(crate) fn reject(&mut self, error: RowError) {
        self.rejected += 1;
        if self.errors.len() < MAX_LISTED_ERRORS {
            self.errors.push(error);
        }
    }

    /// Records a domain error as a bad row; a database error ends the import.
    pub(crate) fn reject_with(&mut self, line: u64, err: Error, column: &str) -> Result<()> {
        let (column, reason) = match err {
            Error::InvalidInput { field, reason } | Error::NotFound { field, reason } => {
                (field, reason)
            }
            Error::Conflict(reason) => (column.to_owned(), reason),
            Error::Unauthenticated(_) | Error::Forbidden(_) => (column.to_owned(), outside()),
            err @ (Error::Database(_) | Error::Internal(_)) => return Err(err),
        };
        self.reject(RowError {
            line,
            column: Some(column),
            reason,
        });
        Ok(())
    }

    pub(crate) fn is_clean(&self) -> bool {
        self.rejected == 0
    }
}
