//! The demo's year of history: periods of responsibility and monthly
//! coverage snapshots, so that the trend query and an "as of" query have
//! something to show. Set-based: a fixed number of statements whatever the
//! province's size.
//!
//! Every organization is taken to be recorded a year and a day ago; a
//! third of those a department now oversees were, until a day spread over
//! the last eleven months, covered only by their township's fallback (or
//! by nobody where there is none). The monthly snapshots (the 1st of
//! each of the last twelve months, Asia/Shanghai midnight) scale today's
//! figures back along the same story: fewer organizations overseen by a
//! department, fewer with a party organization or work coverage.

use chrono::{DateTime, Datelike, Days, Duration, Months, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Statement, Value};

use crate::domain::clock;
use crate::domain::engine::WITH_STORED;
use crate::domain::history::{periods, snapshots};
use crate::error::Result;

/// Months of monthly snapshots, and the months over which changes spread.
const MONTHS: u32 = 12;
const CHANGE_MONTHS: u32 = 11;

/// The organizations whose responsibility changed in the demo's story:
/// one in three of those a department oversees now; `(o.id / 3) % 11`
/// picks the month of the change.
const CHANGED: &str =
    "o.id % 3 = 0 AND st.basis IN ('PARTY_AFFILIATION', 'SUPERVISING_UNIT', 'RULE')";

/// The first of the month `back` months before `today`'s.
fn first_of_month(today: NaiveDate, back: u32) -> NaiveDate {
    let first = today.with_day(1).unwrap_or(today);
    first.checked_sub_months(Months::new(back)).unwrap_or(first)
}

async fn execute(db: &impl ConnectionTrait, sql: String, values: Vec<Value>) -> Result<()> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        values,
    ))
    .await?;
    Ok(())
}

/// Lays down the year of history of a freshly generated province (its
/// organizations resolved, each with one open period): in the demo's
/// write, after the engine's rebuild.
pub async fn lay_down(db: &impl ConnectionTrait) -> Result<()> {
    let now = periods::instant();
    let today = clock::date_of(now);
    let recorded = clock::start_of(
        first_of_month(today, MONTHS)
            .checked_sub_days(Days::new(1))
            .unwrap_or(today),
    );
    // The month of each change, 10:00 on the 1st (+08:00), bound in order.
    let changes: Vec<DateTime<Utc>> = (1..=CHANGE_MONTHS)
        .map(|back| clock::start_of(first_of_month(today, back)) + Duration::hours(10))
        .collect();
    let change_at = format!(
        "CASE (o.id / 3) % {CHANGE_MONTHS} {} END",
        (0..CHANGE_MONTHS)
            .map(|m| format!("WHEN {m} THEN ${}", m + 2))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut values = vec![Value::from(recorded)];
    values.extend(changes.iter().map(|at| Value::from(*at)));

    // Each organization's one row dates from when it was recorded; the
    // changed ones' from their change, with the fallback row before it.
    execute(
        db,
        "UPDATE responsibility_period SET from_at = $1".to_owned(),
        vec![Value::from(recorded)],
    )
    .await?;
    execute(
        db,
        format!(
            "UPDATE responsibility_period SET from_at = \
               (SELECT {change_at} FROM organization o WHERE o.id = responsibility_period.organization_id) \
             WHERE organization_id IN (SELECT o.id FROM {WITH_STORED} WHERE {CHANGED})"
        ),
        values,
    )
    .await?;
    execute(
        db,
        format!(
            "INSERT INTO responsibility_period \
               (organization_id, credit_code, from_at, basis, department_id) \
             SELECT o.id, o.credit_code, $1, \
               CASE WHEN st.fallback_department_id IS NULL THEN 'NONE' ELSE 'FALLBACK' END, \
               st.fallback_department_id \
             FROM {WITH_STORED} WHERE {CHANGED}"
        ),
        vec![Value::from(recorded)],
    )
    .await?;

    // Today's snapshot, then each month's scaled back from it.
    snapshots::take(db, now).await?;
    for back in 1..=MONTHS {
        let at = clock::start_of(first_of_month(today, back - 1));
        let k = i64::from(back);
        let moved = format!(
            "(s.party_affiliation * {k} / 36 + s.supervising_unit * {k} / 36 + s.ruled * {k} / 36)"
        );
        execute(
            db,
            format!(
                "INSERT INTO coverage_snapshot (taken_at, region_id, organizations, party_affiliation, \
                   supervising_unit, ruled, fallback_only, unassigned, organized, work_covered, \
                   should_establish) \
                 SELECT $1, s.region_id, s.organizations, \
                   s.party_affiliation - s.party_affiliation * {k} / 36, \
                   s.supervising_unit - s.supervising_unit * {k} / 36, \
                   s.ruled - s.ruled * {k} / 36, \
                   s.fallback_only + {moved} * 2 / 3, \
                   s.unassigned + {moved} - {moved} * 2 / 3, \
                   s.organized - s.organized * {k} / 30, \
                   s.work_covered - s.work_covered * {k} / 24, \
                   s.should_establish + s.should_establish * {k} / 24 \
                 FROM coverage_snapshot s WHERE s.taken_at = $2"
            ),
            vec![Value::from(periods::micros(at)), Value::from(periods::micros(now))],
        )
        .await?;
    }
    Ok(())
}
