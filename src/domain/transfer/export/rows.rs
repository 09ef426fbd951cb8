//! The shape of an exported entity: its rows as typed values, in export
//! order, a page at a time; and the region subtree an export is limited to.

use entity::region_closure;
use futures::future::BoxFuture;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::domain::region as region_domain;
use crate::error::Result;

/// A value of a cell, typed for JSON lines.
#[derive(Clone, Debug)]
pub(super) enum Value {
    Null,
    Text(String),
    Bool(bool),
    Int(i64),
    Json(serde_json::Value),
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        value.map_or(Value::Null, Value::Text)
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

/// One row: a value per column, in the order of the entity's columns and
/// then its derived columns.
pub(super) type Row = Vec<Value>;

/// Rows of an export, and whether they end it.
pub(super) struct Page {
    pub(super) rows: Vec<Row>,
    pub(super) last: bool,
}

impl Page {
    /// A whole table in one page.
    pub(super) fn all(rows: Vec<Row>) -> Self {
        Page { rows, last: true }
    }
}

/// How one entity is exported: its rows in an order that depends on
/// natural keys only (parents before children), so that an export imported
/// into an empty database exports again to the same bytes.
pub(super) trait Rows: Send {
    /// The next page of rows within the subtree of `root` (None: everything).
    fn page<'a>(
        &'a mut self,
        db: &'a DatabaseConnection,
        root: Option<i32>,
    ) -> BoxFuture<'a, Result<Page>>;
}

pub(super) fn subtree_ids(root: i32) -> sea_orm::sea_query::SelectStatement {
    region_domain::subtree_ids(root)
}

/// Ids of the subtree under `root`, or None for everything.
pub(super) async fn subtree(
    db: &DatabaseConnection,
    root: Option<i32>,
) -> Result<Option<Vec<i32>>> {
    let Some(root) = root else { return Ok(None) };
    Ok(Some(
        region_closure::Entity::find()
            .filter(region_closure::Column::AncestorId.eq(root))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.descendant_id)
            .collect(),
    ))
}
