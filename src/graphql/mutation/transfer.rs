//! Bulk import through GraphQL: `importData` takes a file uploaded as a
//! multipart request (the GraphQL multipart request spec).

use async_graphql::{Context, Enum, Object, SimpleObject, Upload};

use crate::domain::access::Role;
use crate::domain::transfer::{self, Encoding, Format, ImportOptions, ImportReport};
use crate::error::Error;
use crate::graphql::context::{caller, db, lang};
use crate::graphql::error::ApiResult;
use crate::i18n::Lang;
use crate::msg;

/// What a file holds.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "TransferEntity", remote = "crate::domain::transfer::Dataset")]
pub enum TransferEntity {
    /// Columns code, name, level, parentCode.
    Regions,
    /// Columns code, name, kindCode, regionCode, dedicatedUnit, dedicatedStaff (a JSON list of contacts), method.
    Departments,
    /// Columns code, name, parentCode, description.
    Categories,
    /// Columns categoryCode, departmentKindCode, scopeRegionCode, basis.
    Rules,
    /// Columns creditCode, name, categoryCode, regionCode, administeringRegionCode, supervisingDepartmentCode, partyAffiliationCode, partyOrganization, workCovered, partyMemberCount, model.
    Organizations,
    /// Export only: the rectification ledger (整改台账), one row per item; importing it is refused.
    Rectifications,
}

/// How a file is written.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "FileFormat", remote = "crate::domain::transfer::Format")]
pub enum FileFormat {
    /// Comma-separated values with a header line of column names.
    Csv,
    /// One JSON object per line, keyed by column name.
    Jsonl,
}

/// The character encoding of an uploaded file; a byte-order mark wins.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "FileEncoding", remote = "crate::domain::transfer::Encoding")]
pub enum FileEncoding {
    Utf8,
    /// GB18030, which reads GBK and GB2312 too.
    Gb18030,
}

/// A bad row of an imported file.
#[derive(SimpleObject, Clone, Debug)]
pub struct ImportRowError {
    /// The line the row starts on; 1 is the file's first line.
    pub line: i64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    pub reason: String,
}

/// What an import did, or (dry run, or bad rows) would have done.
#[derive(SimpleObject, Clone, Debug)]
pub struct ImportResult {
    /// True when the file's rows were written; false on a dry run or when any row is bad.
    pub committed: bool,
    pub dry_run: bool,
    /// Rows read: created + updated + unchanged + rejected.
    pub rows: i64,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: i64,
    /// Organizations whose responsibility the import changed.
    pub changed_responsibilities: i64,
    /// Organization rows written although their credit code's type is not one
    /// their category admits (类别与代码不符): a warning, not a refusal.
    pub category_mismatches: i64,
    /// Every bad row in file order (the first 10,000 of them).
    pub errors: Vec<ImportRowError>,
}

impl ImportResult {
    /// The report, its bad rows' reasons said in `lang`.
    pub fn new(report: ImportReport, lang: Lang) -> Self {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        ImportResult {
            committed: report.committed,
            dry_run: report.dry_run,
            rows: count(report.rows()),
            created: count(report.created),
            updated: count(report.updated),
            unchanged: count(report.unchanged),
            rejected: count(report.rejected),
            changed_responsibilities: count(report.changed_responsibility),
            category_mismatches: count(report.category_mismatches),
            errors: report
                .errors
                .into_iter()
                .map(|e| ImportRowError {
                    line: count(e.line),
                    column: e.column,
                    reason: e.reason.render(lang),
                })
                .collect(),
        }
    }
}

#[derive(Default)]
pub struct TransferMutation;

#[Object]
impl TransferMutation {
    /// Imports an uploaded CSV or JSON-lines file by natural key in one
    /// transaction: all rows or, when any row is bad, none, with every bad
    /// row reported. Importing the same file twice changes nothing the
    /// second time.
    async fn import_data(
        &self,
        ctx: &Context<'_>,
        entity: TransferEntity,
        file: Upload,
        #[graphql(desc = "Default: from the file name (.jsonl: JSONL, else CSV).")] format: Option<
            FileFormat,
        >,
        #[graphql(default_with = "FileEncoding::Utf8")] encoding: FileEncoding,
        #[graphql(desc = "Validate and report, write nothing.", default = false)] dry_run: bool,
    ) -> ApiResult<ImportResult> {
        let caller = caller(ctx)?;
        caller.require(Role::Editor)?;
        let upload = file
            .value(ctx)
            .map_err(|_| Error::invalid("file", msg!("upload-unreadable")))?;
        let format = match format {
            Some(format) => format.into(),
            None => Format::from_file_name(&upload.filename),
        };
        let encoding: Encoding = encoding.into();
        let file_name = upload.filename.clone();
        let entity: transfer::Dataset = entity.into();
        let report = transfer::import::import(
            db(ctx)?,
            caller,
            &file_name,
            Box::new(upload.into_read()),
            ImportOptions {
                entity,
                format,
                encoding,
                dry_run,
            },
        )
        .await?;
        Ok(ImportResult::new(report, lang(ctx)))
    }
}
