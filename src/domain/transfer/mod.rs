//! Bulk import and export by natural key, in CSV and JSON lines.
//!
//! The columns of each entity are the input fields of the API
//! (`creditCode,name,categoryCode,regionCode,…`); organization exports add
//! the resolved responsibility, which imports accept and ignore, so that an
//! export imports as it is. An empty CSV cell, like a JSON `null`, clears an
//! optional field; a column that is not there keeps what is stored.

mod codes;
pub mod export;
pub mod import;
mod read;
mod report;

use crate::error::{Error, Result};
use crate::msg;

pub use import::ImportOptions;
pub use report::{ImportReport, MAX_LISTED_ERRORS, RowError};

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Dataset {
    Regions,
    Departments,
    Categories,
    Rules,
    Organizations,
    /// The rectification ledger (整改台账): exported, never imported (its
    /// items are opened and moved along through the API only).
    Rectifications,
}

impl Dataset {
    /// The entity as the audit trail names it.
    pub fn audited(self) -> super::audit::AuditedKind {
        match self {
            Dataset::Regions => super::audit::AuditedKind::Region,
            Dataset::Departments => super::audit::AuditedKind::Department,
            Dataset::Categories => super::audit::AuditedKind::Category,
            Dataset::Rules => super::audit::AuditedKind::Rule,
            // The ledger is refused before any import runs; its own
            // writes record their audit entries themselves.
            Dataset::Organizations | Dataset::Rectifications => {
                super::audit::AuditedKind::Organization
            }
        }
    }

    pub const ALL: [Dataset; 6] = [
        Dataset::Regions,
        Dataset::Departments,
        Dataset::Categories,
        Dataset::Rules,
        Dataset::Organizations,
        Dataset::Rectifications,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dataset::Regions => "regions",
            Dataset::Departments => "departments",
            Dataset::Categories => "categories",
            Dataset::Rules => "rules",
            Dataset::Organizations => "organizations",
            Dataset::Rectifications => "rectifications",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == text.trim())
            .ok_or_else(|| Error::invalid("entity", msg!("dataset-unknown", value = text.trim())))
    }

    /// The columns an import reads, in the order an export writes them.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Dataset::Regions => &["code", "name", "level", "parentCode"],
            Dataset::Departments => &[
                "code",
                "name",
                "kindCode",
                "regionCode",
                "dedicatedUnit",
                "dedicatedStaff",
                "method",
            ],
            Dataset::Categories => &[
                "code",
                "name",
                "parentCode",
                "description",
                "creditCodeTypes",
            ],
            Dataset::Rules => &[
                "categoryCode",
                "departmentKindCode",
                "scopeRegionCode",
                "basis",
            ],
            Dataset::Organizations => &[
                "creditCode",
                "name",
                "categoryCode",
                "regionCode",
                "administeringRegionCode",
                "supervisingDepartmentCode",
                "partyAffiliationCode",
                "partyOrganization",
                "workCovered",
                "partyMemberCount",
                "model",
            ],
            Dataset::Rectifications => &[],
        }
    }

    /// Columns an export adds that an import accepts and ignores: what the
    /// service derives and nobody writes.
    pub fn derived_columns(self) -> &'static [&'static str] {
        match self {
            Dataset::Organizations => &[
                "responsibilityBasis",
                "responsibilityDepartmentCode",
                "responsibilityDepartmentName",
            ],
            // Every column of the ledger is the service's.
            Dataset::Rectifications => &[
                "id",
                "gapKey",
                "gapKind",
                "regionCode",
                "regionName",
                "creditCode",
                "organizationName",
                "categoryCode",
                "departmentCode",
                "departmentKindCode",
                "ownerDepartmentCode",
                "ownerDepartmentName",
                "milestoneCode",
                "dueDate",
                "status",
                "overdue",
                "gapOpen",
                "openedAt",
                "closedAt",
            ],
            _ => &[],
        }
    }
}

/// How a file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }

    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            other => Err(Error::invalid(
                "format",
                msg!("format-unknown", value = other),
            )),
        }
    }

    /// The format a file name suggests: JSON lines for `.jsonl`, `.ndjson`
    /// and `.json`, CSV otherwise.
    pub fn from_file_name(name: &str) -> Self {
        let lower = name.to_ascii_lowercase();
        if [".jsonl", ".ndjson", ".json"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        {
            Format::Jsonl
        } else {
            Format::Csv
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Jsonl => "application/x-ndjson",
        }
    }
}

/// The character encoding of an imported file. A byte-order mark wins over
/// what is asked: a UTF-8 file with a BOM reads as UTF-8 either way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Encoding {
    #[default]
    #[value(name = "utf-8")]
    Utf8,
    // GB18030, a superset of GBK and GB2312 (not a doc comment: clap would show it as this value's help).
    Gb18030,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn an_unknown_dataset_is_told_every_known_one_in_both_languages() {
        let Err(Error::InvalidInput { reason, .. }) = Dataset::parse("tokens") else {
            panic!("an unknown dataset is refused");
        };
        for lang in [Lang::Zh, Lang::En] {
            let text = reason.render(lang);
            for dataset in Dataset::ALL {
                assert!(text.contains(dataset.as_str()), "{lang:?}: {text}");
            }
        }
    }
}
