//! Exporting an entity as CSV or JSON lines, in chunks, so that a
//! download streams and memory stays flat however many organizations
//! there are.
//!
//! Rows come in an order that depends on natural keys only (parents
//! before children), so an export imported into an empty database exports
//! again to the same bytes. Each entity is one file that gives its rows
//! ([`rows::Rows`]); the writer here is the same for all.

mod categories;
mod departments;
mod organizations;
mod rectifications;
mod regions;
mod rows;
mod rules;

use sea_orm::DatabaseConnection;

use self::categories::Categories;
use self::departments::Departments;
use self::organizations::Organizations;
use self::rectifications::Rectifications;
use self::regions::Regions;
use self::rows::{Row, Rows, Value};
use self::rules::Rules;
use super::{Dataset, Format};
use crate::domain::region as region_domain;
use crate::domain::scope::Scope;
use crate::error::{Error, Result};
use crate::msg;

/// What to export.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub entity: Dataset,
    pub format: Format,
    /// Only this region's subtree (regions, departments, rules scoped
    /// there, organizations located there); categories hold everywhere.
    pub region_code: Option<String>,
}

/// Writes an entity chunk by chunk: the header (CSV) with the first.
pub struct Exporter {
    db: DatabaseConnection,
    options: ExportOptions,
    /// The subtree exported; None: everything.
    root: Option<i32>,
    /// The entity's rows, a page at a time.
    rows: Box<dyn Rows>,
    started: bool,
    done: bool,
}

/// Where an entity's rows come from.
fn rows_of(entity: Dataset) -> Box<dyn Rows> {
    match entity {
        Dataset::Regions => Box::new(Regions),
        Dataset::Categories => Box::new(Categories),
        Dataset::Departments => Box::new(Departments),
        Dataset::Rules => Box::new(Rules),
        Dataset::Organizations => Box::new(Organizations::default()),
        Dataset::Rectifications => Box::new(Rectifications::default()),
    }
}

impl Exporter {
    /// Checks the options against the caller's scope; a region outside it
    /// is NOT_FOUND, as it is to every other read.
    pub async fn new(
        db: &DatabaseConnection,
        scope: &Scope,
        options: ExportOptions,
    ) -> Result<Self> {
        let root = match options.region_code.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => {
                Some(region_domain::require(db, scope, "region", code).await?.id)
            }
            _ => scope.region_id,
        };
        Ok(Exporter {
            db: db.clone(),
            rows: rows_of(options.entity),
            options,
            root,
            started: false,
            done: false,
        })
    }

    /// The entity's file name, e.g. `organizations.csv`.
    pub fn file_name(&self) -> String {
        format!(
            "{}.{}",
            self.options.entity.as_str(),
            self.options.format.as_str()
        )
    }

    /// The next chunk of the file, None at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        let mut out = Vec::new();
        let entity = self.options.entity;
        let columns: Vec<&str> = entity
            .columns()
            .iter()
            .chain(entity.derived_columns())
            .copied()
            .collect();
        if !self.started {
            self.started = true;
            if self.options.format == Format::Csv {
                write_csv(
                    &mut csv,
                    columns.iter().map(|c| Value::Text((*c).to_owned())),
                )?;
            }
        }
        let page = self.rows.page(&self.db, self.root).await?;
        self.done = page.last;
        for row in page.rows {
            match self.options.format {
                Format::Csv => write_csv(&mut csv, row.into_iter())?,
                Format::Jsonl => write_json_line(&mut out, &columns, row),
            }
        }
        if self.options.format == Format::Csv {
            out = csv.into_inner().map_err(|_| csv_error())?;
        }
        if out.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some(out))
    }

    /// The whole export in one buffer (for small exports and tests).
    pub async fn collect(mut self) -> Result<Vec<u8>> {
        let mut all = Vec::new();
        while let Some(chunk) = self.next_chunk().await? {
            all.extend(chunk);
        }
        Ok(all)
    }
}

fn csv_error() -> Error {
    Error::invalid("export", msg!("export-csv-row"))
}

fn write_csv(writer: &mut csv::Writer<Vec<u8>>, row: impl Iterator<Item = Value>) -> Result<()> {
    let cells: Vec<String> = row
        .map(|v| match v {
            Value::Null => String::new(),
            Value::Text(t) => t,
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            // An empty list is an empty cell, as any other absent value.
            Value::Json(serde_json::Value::Array(list)) if list.is_empty() => String::new(),
            Value::Json(j) => j.to_string(),
        })
        .collect();
    writer.write_record(&cells).map_err(|_| csv_error())
}

fn write_json_line(out: &mut Vec<u8>, columns: &[&str], row: Row) {
    out.push(b'{');
    for (i, (column, value)) in columns.iter().zip(row).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let value = match value {
            Value::Null => serde_json::Value::Null,
            Value::Text(t) => serde_json::Value::String(t),
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Int(n) => serde_json::Value::from(n),
            Value::Json(j) => j,
        };
        out.extend(
            serde_json::Value::String((*column).to_owned())
                .to_string()
                .into_bytes(),
        );
        out.push(b':');
        out.extend(value.to_string().into_bytes());
    }
    out.extend(b"}\n");
}
