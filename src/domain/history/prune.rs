//! Removing old history: snapshots taken before a time and periods of
//! responsibility that ended before it. An open period is never removed:
//! it is the organization's present.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};

use crate::domain::store;
use crate::error::Result;

/// What a prune removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Snapshot rows (one per region per snapshot).
    pub snapshot_rows: u64,
    pub periods: u64,
}

/// Removes the snapshots taken before `before` and the closed periods that
/// ended before it, in one transaction: two statements.
pub async fn prune(db: &DatabaseConnection, before: DateTime<Utc>) -> Result<Pruned> {
    store::write(db, move |txn| {
        Box::pin(async move {
            let delete = |sql: &'static str| {
                Statement::from_sql_and_values(
                    txn.get_database_backend(),
                    sql,
                    [Value::from(before)],
                )
            };
            let snapshot_rows = txn
                .execute_raw(delete("DELETE FROM coverage_snapshot WHERE taken_at < $1"))
                .await?
                .rows_affected();
            let periods = txn
                .execute_raw(delete(
                    "DELETE FROM responsibility_period WHERE to_at IS NOT NULL AND to_at < $1",
                ))
                .await?
                .rows_affected();
            Ok(Pruned {
                snapshot_rows,
                periods,
            })
        })
    })
    .await
}
