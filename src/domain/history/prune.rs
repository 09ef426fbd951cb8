//! Removing old history: snapshots taken before a time and periods of
//! responsibility that ended before it. The history is append-only, so a
//! period ended before the time when a later row of the same organization
//! starts before it; an organization's latest row (its present) is never
//! removed.

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

/// Removes the snapshots taken before `before` and the periods that ended
/// before it, in one transaction: four statements. A deleted
/// organization's rows go by its credit code; its closing row goes once
/// nothing before it is left (it is no period: not counted).
pub async fn prune(db: &DatabaseConnection, before: DateTime<Utc>) -> Result<Pruned> {
    store::write(db, move |txn| {
        Box::pin(async move {
            let delete = |sql: &str| {
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
            let mut periods = 0;
            for same in [
                "n.organization_id = responsibility_period.organization_id",
                "n.organization_id IS NULL AND responsibility_period.organization_id IS NULL \
                 AND n.credit_code = responsibility_period.credit_code",
            ] {
                periods += txn
                    .execute_raw(delete(&format!(
                        "DELETE FROM responsibility_period WHERE from_at < $1 AND EXISTS \
                           (SELECT 1 FROM responsibility_period n WHERE {same} \
                            AND n.from_at > responsibility_period.from_at AND n.from_at < $1)"
                    )))
                    .await?
                    .rows_affected();
            }
            txn.execute_raw(delete(
                "DELETE FROM responsibility_period WHERE organization_id IS NULL AND basis IS NULL \
                 AND from_at < $1 AND NOT EXISTS (SELECT 1 FROM responsibility_period n \
                   WHERE n.organization_id IS NULL AND n.credit_code = responsibility_period.credit_code \
                   AND n.from_at < responsibility_period.from_at)",
            ))
            .await?;
            Ok(Pruned {
                snapshot_rows,
                periods,
            })
        })
    })
    .await
}
