//! Coverage snapshots: the figures of every region subtree at one moment,
//! one row per region, taken from the coverage cells in one statement.
//!
//! The server takes one a day (at a set Asia/Shanghai time, skipped when
//! the day has one already, also across replicas); `recordCoverageSnapshot`
//! and `orgmap snapshot` take one whenever asked. Two snapshots of one day
//! are both kept.

use std::collections::HashMap;

use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};

use super::periods;
use crate::domain::access::{Caller, Role};
use crate::domain::clock;
use crate::domain::coverage::Summary;
use crate::domain::responsibility::Basis;
use crate::domain::scope::Scope;
use crate::domain::store::{self, db};
use crate::error::Result;
use crate::msg;

/// Counts by basis from the cells `c`, as the snapshot's columns.
const COUNTS: &str = "CAST(SUM(c.n) AS BIGINT) AS organizations, \
   CAST(SUM(CASE WHEN c.basis = 'PARTY_AFFILIATION' THEN c.n ELSE 0 END) AS BIGINT) AS party_affiliation, \
   CAST(SUM(CASE WHEN c.basis = 'SUPERVISING_UNIT' THEN c.n ELSE 0 END) AS BIGINT) AS supervising_unit, \
   CAST(SUM(CASE WHEN c.basis = 'RULE' THEN c.n ELSE 0 END) AS BIGINT) AS ruled, \
   CAST(SUM(CASE WHEN c.basis = 'FALLBACK' THEN c.n ELSE 0 END) AS BIGINT) AS fallback_only, \
   CAST(SUM(CASE WHEN c.basis = 'NONE' THEN c.n ELSE 0 END) AS BIGINT) AS unassigned, \
   CAST(SUM(c.organized) AS BIGINT) AS organized, \
   CAST(SUM(c.covered) AS BIGINT) AS work_covered, \
   CAST(SUM(c.should_establish) AS BIGINT) AS should_establish";

/// The snapshot's count columns.
const COLUMNS: [&str; 9] = [
    "organizations",
    "party_affiliation",
    "supervising_unit",
    "ruled",
    "fallback_only",
    "unassigned",
    "organized",
    "work_covered",
    "should_establish",
];

/// Takes a snapshot of every region at `at`, inside the caller's
/// transaction; returns how many regions. One INSERT … SELECT: the cells
/// summed per region subtree through the closure table (regions without
/// organizations get zeros).
pub async fn take(db: &impl ConnectionTrait, at: DateTime<Utc>) -> Result<u64> {
    let columns = COLUMNS.join(", ");
    let values = COLUMNS
        .iter()
        .map(|c| format!("COALESCE(s.{c}, 0)"))
        .collect::<Vec<_>>()
        .join(", ");
    let result = db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "INSERT INTO coverage_snapshot (taken_at, region_id, {columns}) \
                 SELECT $1, r.id, {values} FROM region r LEFT JOIN ( \
                   SELECT rc.ancestor_id AS region_id, {COUNTS} \
                   FROM coverage_cell c JOIN region_closure rc ON rc.descendant_id = c.region_id \
                   WHERE c.n > 0 GROUP BY rc.ancestor_id \
                 ) s ON s.region_id = r.id"
            ),
            [Value::from(periods::micros(at))],
        ))
        .await?;
    Ok(result.rows_affected())
}

/// `recordCoverageSnapshot` and `orgmap snapshot`: a snapshot of every
/// region now, for an editor of the whole database (a snapshot covers
/// every region, beyond any subtree). Returns how many regions.
pub async fn record(db: &DatabaseConnection, caller: &Caller, at: DateTime<Utc>) -> Result<u64> {
    caller.require(Role::Editor)?;
    caller.require_everywhere(msg!("what-snapshots"))?;
    store::write(db, move |txn| Box::pin(take(txn, at))).await
}

/// Whether the daily snapshot is due at `now`: the day's time `at` has
/// come (Asia/Shanghai) and no snapshot was taken that day (`latest`: the
/// newest snapshot's time).
pub fn is_due(now: DateTime<Utc>, at: NaiveTime, latest: Option<DateTime<Utc>>) -> bool {
    let today = clock::date_of(now);
    let time_of_day = now.with_timezone(&clock::shanghai()).time();
    time_of_day >= at && latest.is_none_or(|latest| clock::date_of(latest) < today)
}

/// Key of the PostgreSQL advisory lock that lets one replica at a time
/// decide on the daily snapshot ("orgsnap" in ASCII).
const DAILY_LOCK: i64 = 0x006f_7267_736e_6170;

/// Takes the day's snapshot at `now` when it is due; returns how many
/// regions (None: not due). The check and the insert share one write
/// transaction: serialised by SQLite's write lock, and on PostgreSQL by an
/// advisory lock held to the commit, so replicas take one between them.
pub async fn take_daily(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    at: NaiveTime,
) -> Result<Option<u64>> {
    store::write(db, move |txn| {
        Box::pin(async move {
            if txn.get_database_backend() == DbBackend::Postgres {
                db::execute_unprepared(txn, &format!("SELECT pg_advisory_xact_lock({DAILY_LOCK})"))
                    .await?;
            }
            let latest = latest(txn).await?;
            if !is_due(now, at, latest) {
                return Ok(None);
            }
            take(txn, now).await.map(Some)
        })
    })
    .await
}

/// The server's daily snapshot: checks once a minute whether one is due
/// (by `clock`, Asia/Shanghai `at`) and takes it. A failure is logged and
/// tried again at the next check.
pub fn spawn_daily(
    db: DatabaseConnection,
    clock: clock::Clock,
    at: NaiveTime,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(std::time::Duration::from_secs(60));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match take_daily(&db, clock.now(), at).await {
                Ok(Some(regions)) => tracing::info!(regions, "daily coverage snapshot taken"),
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "daily coverage snapshot failed"),
            }
        }
    })
}

/// The time of the newest snapshot.
async fn latest(db: &impl ConnectionTrait) -> Result<Option<DateTime<Utc>>> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT MAX(taken_at) AS taken_at FROM coverage_snapshot",
        ))
        .await?;
    Ok(row
        .map(|row| row.try_get::<Option<DateTime<Utc>>>("", "taken_at"))
        .transpose()?
        .flatten())
}

/// The figures of one region subtree at one snapshot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub organizations: u64,
    pub party_affiliation: u64,
    pub supervising_unit: u64,
    pub ruled: u64,
    pub fallback_only: u64,
    pub unassigned: u64,
    pub organized: u64,
    pub work_covered: u64,
    pub should_establish: u64,
}

impl Point {
    /// The snapshot's counts as coverage figures, whose rates are the live
    /// figures' own.
    pub fn summary(&self) -> Summary {
        Summary {
            organizations: self.organizations,
            by_basis: vec![
                (Basis::PartyAffiliation, self.party_affiliation),
                (Basis::SupervisingUnit, self.supervising_unit),
                (Basis::Rule, self.ruled),
                (Basis::Fallback, self.fallback_only),
                (Basis::None, self.unassigned),
            ],
            organized: self.organized,
            work_covered: self.work_covered,
            should_establish: self.should_establish,
        }
    }
}

/// The snapshots of a region subtree (None: the caller's whole scope)
/// taken from `from` to `to` inclusive, oldest first: one statement. The
/// region must already be known to lie within the caller's scope.
pub async fn history(
    db: &impl ConnectionTrait,
    scope: &Scope,
    region_id: Option<i32>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Point>> {
    let regions = match region_id.or(scope.region_id) {
        Some(id) => format!("s.region_id = {id}"),
        None => "s.region_id IN (SELECT id FROM region WHERE parent_id IS NULL)".to_owned(),
    };
    let sums = COLUMNS
        .iter()
        .map(|c| format!("CAST(SUM(s.{c}) AS BIGINT) AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT s.taken_at, {sums} FROM coverage_snapshot s \
                 WHERE {regions} AND s.taken_at >= $1 AND s.taken_at <= $2 \
                 GROUP BY s.taken_at ORDER BY s.taken_at"
            ),
            [Value::from(from), Value::from(to)],
        ))
        .await?;
    rows.iter().map(point).collect()
}

/// The snapshot nearest before `at` (at included) of each of `region_ids`:
/// its time and the figures of each region it holds (a region created
/// after it has none). None when no snapshot was taken by then. Two
/// statements.
pub async fn as_of(
    db: &impl ConnectionTrait,
    region_ids: &[i32],
    at: DateTime<Utc>,
) -> Result<Option<(DateTime<Utc>, HashMap<i32, Point>)>> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT MAX(taken_at) AS taken_at FROM coverage_snapshot WHERE taken_at <= $1",
            [Value::from(at)],
        ))
        .await?;
    let Some(taken_at) = row
        .map(|row| row.try_get::<Option<DateTime<Utc>>>("", "taken_at"))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let ids = region_ids
        .iter()
        .map(i32::to_string)
        .chain(std::iter::once("0".to_owned()))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT s.region_id, s.taken_at, {} FROM coverage_snapshot s \
                 WHERE s.taken_at = $1 AND s.region_id IN ({ids})",
                COLUMNS.map(|c| format!("s.{c}")).join(", ")
            ),
            [Value::from(taken_at)],
        ))
        .await?;
    let mut points = HashMap::new();
    for row in rows {
        points.insert(row.try_get::<i32>("", "region_id")?, point(&row)?);
    }
    Ok(Some((taken_at, points)))
}

/// A snapshot row (or a sum of rows) as a point.
fn point(row: &sea_orm::QueryResult) -> Result<Point> {
    let count = |column: &str| -> Result<u64> { Ok(row.try_get::<i64>("", column)?.max(0) as u64) };
    Ok(Point {
        at: row.try_get("", "taken_at")?,
        organizations: count("organizations")?,
        party_affiliation: count("party_affiliation")?,
        supervising_unit: count("supervising_unit")?,
        ruled: count("ruled")?,
        fallback_only: count("fallback_only")?,
        unassigned: count("unassigned")?,
        organized: count("organized")?,
        work_covered: count("work_covered")?,
        should_establish: count("should_establish")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_daily_snapshot_is_due_once_a_day_from_its_time() {
        let midnight = NaiveTime::MIN;
        let half_past_two = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let cases = [
            (
                "2026-12-01T16:00:00Z",
                midnight,
                None,
                true,
                "none yet, at midnight",
            ),
            (
                "2026-12-01T16:05:00Z",
                midnight,
                Some("2026-12-01T16:00:00Z"),
                false,
                "taken today",
            ),
            (
                "2026-12-01T16:05:00Z",
                midnight,
                Some("2026-12-01T15:59:59Z"),
                true,
                "the last was yesterday (Shanghai)",
            ),
            (
                "2026-12-01T18:00:00Z",
                half_past_two,
                None,
                false,
                "02:00, due at 02:30",
            ),
            ("2026-12-01T18:30:00Z", half_past_two, None, true, "02:30"),
            (
                "2026-12-02T15:59:00Z",
                half_past_two,
                Some("2026-12-01T18:30:00Z"),
                false,
                "23:59 the same day",
            ),
        ];
        for (now, at, latest, due, case) in cases {
            assert_eq!(is_due(utc(now), at, latest.map(utc)), due, "{case}");
        }
    }
}
