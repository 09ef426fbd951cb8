//! Periods of responsibility: who was responsible for an organization over
//! time, kept by a step that follows every write of the stored
//! responsibility.
//!
//! The history is append-only: a change of an organization's stored basis
//! or department inserts one row (`responsibility_period`) at the write's
//! instant ([`instant`]); nothing written earlier is updated. A period ends
//! where the organization's next row starts, computed when read. A deleted
//! organization gets a closing row (no basis) and keeps its rows under its
//! credit code; recorded again, it takes them back.
//!
//! The steps are set-based, a fixed number of statements whatever the
//! number of organizations: [`follow_staged`] for the engine's staged
//! changes (one INSERT … SELECT), [`follow`] for the other writes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::responsibility_period;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, Statement,
    Value,
};

use crate::domain::responsibility::{Basis, basis_of};
use crate::error::Result;

/// The organizations a write affected (other than the engine's staged
/// changes, which [`follow_staged`] records).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affected {
    /// One organization.
    One(i32),
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
            Affected::Listed => format!("{column} IN (SELECT id FROM dirty_organization)"),
            Affected::All => "1 = 1".to_owned(),
        }
    }
}

tokio::task_local! {
    /// The write attempt under way: its instant, taken at its first use,
    /// and whether it has written a row of history yet.
    static ATTEMPT: std::cell::Cell<Attempt>;
}

#[derive(Clone, Copy, Default)]
struct Attempt {
    instant: Option<DateTime<Utc>>,
    wrote: bool,
}

/// Runs one write attempt under one instant: every period it opens or
/// closes carries the same time.
pub async fn one_instant<F: std::future::Future>(attempt: F) -> F::Output {
    ATTEMPT
        .scope(std::cell::Cell::new(Attempt::default()), attempt)
        .await
}

/// The instant of the write under way (the first call in it decides), in
/// whole microseconds as both engines store it; outside a write, now.
pub fn instant() -> DateTime<Utc> {
    ATTEMPT
        .try_with(|cell| {
            let mut attempt = cell.get();
            let at = *attempt.instant.get_or_insert_with(now);
            cell.set(attempt);
            at
        })
        .unwrap_or_else(|_| now())
}

/// Whether the write under way may already hold a row at its instant
/// (outside a write, it may), and from now on it does.
fn wrote_before() -> bool {
    ATTEMPT
        .try_with(|cell| {
            let mut attempt = cell.get();
            let wrote = attempt.wrote;
            attempt.wrote = true;
            cell.set(attempt);
            wrote
        })
        .unwrap_or(true)
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

/// A row `p` written at this write's instant that no longer matches what
/// its organization stores (or whose organization is gone).
const STALE: &str = "NOT EXISTS (SELECT 1 FROM responsibility st WHERE st.id = p.organization_id \
     AND st.basis = p.basis AND st.department_id IS NOT DISTINCT FROM p.department_id)";

/// Records the changes the engine staged in `resolution_next`, before it
/// stores them: one row for each organization whose basis or department
/// differs from what it stores. One INSERT … SELECT from the staged rows
/// alone, no probe of the history and no join: the staging compared them
/// with what is stored (`moved`) and read their credit codes with their
/// organizations.
pub async fn follow_staged(db: &impl ConnectionTrait) -> Result<()> {
    let at = instant();
    // An organization this write changed before (at the same instant): its
    // later change replaces that row. Only in a write that has written
    // history already, so that a single re-resolution does not probe the
    // history once per organization.
    if wrote_before() {
        execute(
            db,
            "DELETE FROM responsibility_period WHERE from_at = $1 AND organization_id IN \
               (SELECT n.id FROM resolution_next n WHERE n.moved = TRUE)"
                .to_owned(),
            at,
        )
        .await?;
    }
    execute(
        db,
        "INSERT INTO responsibility_period \
           (organization_id, credit_code, from_at, basis, department_id) \
         SELECT n.id, n.credit_code, $1, n.basis, n.department_id \
         FROM resolution_next n WHERE n.moved = TRUE"
            .to_owned(),
        at,
    )
    .await?;
    Ok(())
}

/// Brings the history of the affected organizations in line with their
/// stored responsibility, at the write's instant. Call after the engine
/// stored it, in the same transaction.
pub async fn follow(db: &impl ConnectionTrait, affected: Affected) -> Result<()> {
    let at = instant();
    // A row this same write inserted and has changed since: dropped, so
    // that the organization's latest row is the one before it (and a row
    // this write inserts is the only one of its instant).
    if wrote_before() {
        execute(
            db,
            format!(
                "DELETE FROM responsibility_period WHERE id IN (SELECT p.id FROM responsibility_period p \
                 WHERE p.from_at = $1 AND {} AND {STALE})",
                affected.on("p.organization_id")
            ),
            at,
        )
        .await?;
    }
    // An organization deleted and recorded again under its credit code
    // takes back its earlier rows.
    execute(
        db,
        format!(
            "UPDATE responsibility_period SET organization_id = \
               (SELECT o.id FROM organization o WHERE o.credit_code = responsibility_period.credit_code) \
             WHERE organization_id IS NULL AND from_at <= $1 AND credit_code IN ( \
               SELECT o.credit_code FROM organization o WHERE {} AND NOT EXISTS \
                 (SELECT 1 FROM responsibility_period p WHERE p.organization_id = o.id))",
            affected.on("o.id")
        ),
        at,
    )
    .await?;
    // A row where the organization's latest differs (or it has none): one
    // descent of the organization's index each.
    execute(
        db,
        format!(
            "INSERT INTO responsibility_period \
               (organization_id, credit_code, from_at, basis, department_id) \
             SELECT o.id, o.credit_code, $1, st.basis, st.department_id \
             FROM organization o JOIN responsibility st ON st.id = o.id WHERE {} AND COALESCE( \
               (SELECT CASE WHEN l.basis = st.basis \
                  AND l.department_id IS NOT DISTINCT FROM st.department_id THEN 1 ELSE 0 END \
                FROM responsibility_period l WHERE l.organization_id = o.id \
                ORDER BY l.from_at DESC LIMIT 1), 0) = 0",
            affected.on("o.id")
        ),
        at,
    )
    .await?;
    Ok(())
}

/// Ends the history of an organization about to be deleted with a closing
/// row: its rows stay, unlinked from the deleted row, under its credit code.
pub async fn end(db: &impl ConnectionTrait, organization_id: i32) -> Result<()> {
    let at = instant();
    // A change this write made to it first: the closing row replaces it.
    if wrote_before() {
        execute(
            db,
            format!(
                "DELETE FROM responsibility_period \
                 WHERE organization_id = {organization_id} AND from_at = $1"
            ),
            at,
        )
        .await?;
    }
    execute(
        db,
        format!(
            "INSERT INTO responsibility_period \
               (organization_id, credit_code, from_at, basis, department_id) \
             SELECT id, credit_code, $1, NULL, NULL FROM organization WHERE id = {organization_id}"
        ),
        at,
    )
    .await?;
    // Unlinked: the rows carry no foreign key to the organization (see
    // m20261214_000001_unconstrain_history), and its id may not be reused.
    db.execute_unprepared(&format!(
        "UPDATE responsibility_period SET organization_id = NULL \
         WHERE organization_id = {organization_id}"
    ))
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

/// Every period of each organization, oldest first: one statement for all.
/// Each ends where the organization's next row starts; a closing row
/// (a deletion) is no period. Two rows in a row that hold the same (one
/// organization changed and changed back within one write) read as one.
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
    let mut open: Option<(i32, Period)> = None;
    for row in rows {
        let Some(id) = row.organization_id else {
            continue;
        };
        let held = row.basis.as_deref().map(|basis| Period {
            from: row.from_at,
            to: None,
            basis: basis_of(basis),
            department_id: row.department_id,
        });
        if let Some((open_id, mut period)) = open.take() {
            if open_id == id {
                if let Some(next) = &held
                    && (next.basis, next.department_id) == (period.basis, period.department_id)
                {
                    open = Some((open_id, period));
                    continue;
                }
                period.to = Some(row.from_at);
            }
            out.entry(open_id).or_default().push(period);
        }
        open = held.map(|period| (id, period));
    }
    if let Some((id, period)) = open {
        out.entry(id).or_default().push(period);
    }
    Ok(out)
}

/// A row as [`at`] reads it, its end computed.
#[derive(FromQueryResult)]
struct HeldRow {
    from_at: DateTime<Utc>,
    to_at: Option<DateTime<Utc>>,
    basis: Option<String>,
    department_id: Option<i32>,
}

/// The period that held at `at` (half-open: at the instant of a change the
/// new period answers); None before the first or while deleted. One
/// statement: the latest row at or before `at` among the organization's
/// rows (one descent of its index, then its handful of rows), its end the
/// next row's start.
pub async fn at(
    db: &impl ConnectionTrait,
    organization_id: i32,
    at: DateTime<Utc>,
) -> Result<Option<Period>> {
    // Its LIMIT written into the text, so that SQLite keeps it prepared.
    let row = HeldRow::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        "SELECT p.from_at, p.basis, p.department_id, \
           (SELECT MIN(n.from_at) FROM responsibility_period n \
            WHERE n.organization_id = p.organization_id AND n.from_at > p.from_at) AS to_at \
         FROM responsibility_period p WHERE p.organization_id = $1 AND p.from_at <= $2 \
         ORDER BY p.from_at DESC LIMIT 1",
        [Value::from(organization_id), Value::from(at)],
    ))
    .one(db)
    .await?;
    Ok(row.and_then(|row| {
        row.basis.map(|basis| Period {
            from: row.from_at,
            to: row.to_at,
            basis: basis_of(&basis),
            department_id: row.department_id,
        })
    }))
}
