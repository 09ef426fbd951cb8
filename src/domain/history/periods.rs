//! Periods of responsibility: who was responsible for an organization over
//! time, kept by one step that follows every write of the stored
//! responsibility.
//!
//! The step reads only what the engine stored (`organization.resp_basis`,
//! `resp_department_id`) and is given the organizations a write affected
//! by the same predicate the engine used. It runs a handful of set-based
//! statements whatever their number: close the open periods that no
//! longer match what is stored (or whose organization is gone), give a
//! re-created organization back its earlier periods, and open a period for
//! every affected organization that has none open. Every period a write
//! opens or closes carries the same instant: the write's ([`instant`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::responsibility_period;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement, Value,
};

use crate::domain::responsibility::{Basis, basis_of};
use crate::error::Result;

/// The organizations a write affected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affected {
    /// One organization.
    One(i32),
    /// Those the engine staged as changed (`resolution_next`): organizations
    /// that existed before the write, so none can be re-created.
    Staged,
    /// Those listed in `dirty_organization`.
    Listed,
    /// Every organization.
    All,
}

impl Affected {
    /// The condition that `column` (an organization id) is affected.
    fn on(self, column: &str) -> String {
        match self {
            Affected::One(id) => format!("{column} = {id}"),
            Affected::Staged => format!("{column} IN (SELECT id FROM resolution_next)"),
            Affected::Listed => format!("{column} IN (SELECT id FROM dirty_organization)"),
            Affected::All => "1 = 1".to_owned(),
        }
    }
}

tokio::task_local! {
    /// The instant of the write attempt under way, taken at its first use.
    static INSTANT: std::cell::Cell<Option<DateTime<Utc>>>;
}

/// Runs one write attempt under one instant: every period it opens or
/// closes carries the same time.
pub async fn one_instant<F: std::future::Future>(attempt: F) -> F::Output {
    INSTANT.scope(std::cell::Cell::new(None), attempt).await
}

/// The instant of the write under way (the first call in it decides), in
/// whole microseconds as both engines store it; outside a write, now.
pub fn instant() -> DateTime<Utc> {
    INSTANT
        .try_with(|cell| {
            let at = cell.get().unwrap_or_else(now);
            cell.set(Some(at));
            at
        })
        .unwrap_or_else(|_| now())
}

/// The system's time in whole microseconds.
fn now() -> DateTime<Utc> {
    micros(Utc::now())
}

/// `at` in whole microseconds, the precision both engines store.
pub fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

async fn execute(db: &impl ConnectionTrait, sql: String, at: DateTime<Utc>) -> Result<u64> {
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [Value::from(at)],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// A stored period `p` whose organization no longer holds that basis and
/// department (or no longer exists).
const STALE: &str = "NOT EXISTS (SELECT 1 FROM organization o WHERE o.id = p.organization_id \
     AND o.resp_basis = p.basis AND o.resp_department_id IS NOT DISTINCT FROM p.department_id)";

/// Brings the periods of the affected organizations in line with their
/// stored responsibility, at the write's instant. Call after the engine
/// stored it, in the same transaction.
pub async fn follow(db: &impl ConnectionTrait, affected: Affected) -> Result<()> {
    let at = instant();
    let open = affected.on("p.organization_id");
    // A period opened earlier in this same write and already stale would
    // close empty: drop it instead.
    execute(
        db,
        format!(
            "DELETE FROM responsibility_period WHERE id IN (SELECT p.id FROM responsibility_period p \
             WHERE p.to_at IS NULL AND p.from_at = $1 AND {open} AND {STALE})"
        ),
        at,
    )
    .await?;
    execute(
        db,
        format!(
            "UPDATE responsibility_period SET to_at = $1 WHERE id IN (SELECT p.id FROM responsibility_period p \
             WHERE p.to_at IS NULL AND {open} AND {STALE})"
        ),
        at,
    )
    .await?;
    if affected != Affected::Staged {
        // An organization deleted and recorded again under its credit code
        // takes back its earlier (closed) periods.
        execute(
            db,
            format!(
                "UPDATE responsibility_period SET organization_id = \
                   (SELECT o.id FROM organization o WHERE o.credit_code = responsibility_period.credit_code) \
                 WHERE organization_id IS NULL AND to_at <= $1 AND credit_code IN ( \
                   SELECT o.credit_code FROM organization o WHERE {} AND NOT EXISTS \
                     (SELECT 1 FROM responsibility_period p WHERE p.organization_id = o.id))",
                affected.on("o.id")
            ),
            at,
        )
        .await?;
    }
    execute(
        db,
        format!(
            "INSERT INTO responsibility_period \
               (organization_id, credit_code, from_at, to_at, basis, department_id) \
             SELECT o.id, o.credit_code, $1, NULL, o.resp_basis, o.resp_department_id \
             FROM organization o WHERE {} AND NOT EXISTS \
               (SELECT 1 FROM responsibility_period p WHERE p.organization_id = o.id AND p.to_at IS NULL)",
            affected.on("o.id")
        ),
        at,
    )
    .await?;
    Ok(())
}

/// Closes the open period of an organization about to be deleted: its
/// periods stay, unlinked from the row, under its credit code.
pub async fn end(db: &impl ConnectionTrait, organization_id: i32) -> Result<()> {
    execute(
        db,
        format!(
            "UPDATE responsibility_period SET to_at = $1 \
             WHERE organization_id = {organization_id} AND to_at IS NULL"
        ),
        instant(),
    )
    .await?;
    Ok(())
}

/// One period of an organization's responsibility.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    /// None: still current.
    pub to: Option<DateTime<Utc>>,
    pub basis: Basis,
    pub department_id: Option<i32>,
}

impl From<responsibility_period::Model> for Period {
    fn from(row: responsibility_period::Model) -> Self {
        Period {
            from: row.from_at,
            to: row.to_at,
            basis: basis_of(&row.basis),
            department_id: row.department_id,
        }
    }
}

/// Every period of each organization, oldest first: one statement for all.
pub async fn of(
    db: &impl ConnectionTrait,
    organization_ids: &[i32],
) -> Result<HashMap<i32, Vec<Period>>> {
    let mut out: HashMap<i32, Vec<Period>> = HashMap::new();
    let rows = responsibility_period::Entity::find()
        .filter(
            responsibility_period::Column::OrganizationId.is_in(organization_ids.iter().copied()),
        )
        .order_by_asc(responsibility_period::Column::OrganizationId)
        .order_by_asc(responsibility_period::Column::FromAt)
        .all(db)
        .await?;
    for row in rows {
        if let Some(id) = row.organization_id {
            out.entry(id).or_default().push(row.into());
        }
    }
    Ok(out)
}

/// The period that held at `at` (half-open: at the instant of a change the
/// new period answers); None before the first. One indexed statement.
pub async fn at(
    db: &impl ConnectionTrait,
    organization_id: i32,
    at: DateTime<Utc>,
) -> Result<Option<Period>> {
    let select = responsibility_period::Entity::find()
        .filter(responsibility_period::Column::OrganizationId.eq(organization_id))
        .filter(responsibility_period::Column::FromAt.lte(at))
        .filter(
            responsibility_period::Column::ToAt
                .is_null()
                .or(responsibility_period::Column::ToAt.gt(at)),
        )
        .order_by_desc(responsibility_period::Column::FromAt);
    // Its LIMIT written into the text, so that SQLite keeps it prepared.
    let row = crate::domain::page::first_row(db, select).await?;
    Ok(row.map(Period::from))
}
