//! Opening ledger items: one per current gap of a region subtree and kinds
//! that has no item short of VERIFIED, in one `INSERT … SELECT` over the
//! gaps (and one for their opening events), never a statement per gap.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use serde_json::json;

use super::keys::{coordinator_sql, current_gaps_sql};
use super::{At, Status, actor, parse_date, record, require_milestone};
use crate::domain::access::{Caller, Role};
use crate::domain::gaps::GapKind;
use crate::domain::scope::Scope;
use crate::domain::{department, region, store};
use crate::error::{Error, Result};
use crate::msg;

/// What `open` takes: codes as the caller gives them.
#[derive(Clone, Debug, Default)]
pub struct OpenInput {
    pub region_code: Option<String>,
    /// Empty: every kind.
    pub kinds: Vec<GapKind>,
    pub milestone_code: Option<String>,
    pub due_date: Option<String>,
    pub owner_department_code: Option<String>,
}

/// What `open` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Opened {
    /// Items opened.
    pub opened: u64,
    /// Gaps that already had an item short of VERIFIED.
    pub already_open: u64,
    /// Gaps left unopened because no owner could be found (no department
    /// responsible and no coordinator up the region chain).
    pub without_owner: u64,
}

/// Opens an item for every current gap that matches and has none short of
/// VERIFIED. The due date is the given one, else the milestone's; one of
/// them is required. The owner is the given department, else the
/// organization's responsible department, else the coordinator of the
/// gap's region. One audit entry records the call and its counts (an entry
/// per item would double a province-wide opening's writes); each item's
/// history starts with its opening event.
pub async fn open(
    db: &DatabaseConnection,
    caller: &Caller,
    input: OpenInput,
    at: At,
) -> Result<Opened> {
    caller.require(Role::Editor)?;
    let due_date = input
        .due_date
        .as_deref()
        .map(|d| parse_date("dueDate", d))
        .transpose()?;
    let caller = caller.clone();
    store::write(db, move |txn| {
        let (input, caller) = (input.clone(), caller.clone());
        Box::pin(async move {
            let region = match input.region_code.as_deref() {
                Some(code) => {
                    let region = region::find(txn, &Default::default(), "regionCode", code)
                        .await?
                        .ok_or_else(|| {
                            Error::not_found(
                                "regionCode",
                                msg!("region-not-found", code = code.trim()),
                            )
                        })?;
                    caller.require_region(txn, region.id).await?;
                    Some(region.id)
                }
                None => caller.scope.region_id,
            };
            let milestone = match input.milestone_code.as_deref() {
                Some(code) => Some(require_milestone(txn, "milestoneCode", code).await?),
                None => None,
            };
            let due = match (due_date, &milestone) {
                (Some(date), _) => date.to_string(),
                (None, Some(m)) => m.due_date.clone(),
                (None, None) => {
                    return Err(Error::invalid("dueDate", msg!("ledger-due-date-required")));
                }
            };
            let owner = match input.owner_department_code.as_deref() {
                Some(code) => Some(
                    department::require(txn, &Scope::EVERYTHING, "ownerDepartmentCode", code).await?
                        .id,
                ),
                None => None,
            };

            let backend = txn.get_database_backend();
            let mut values: Vec<Value> = Vec::new();
            let region_placeholder = region.map(|id| {
                values.push(id.into());
                format!("${}", values.len())
            });
            let gaps = current_gaps_sql(&input.kinds, region_placeholder.as_deref());
            let active = format!(
                "EXISTS (SELECT 1 FROM rectification x WHERE x.gap_key = g.gap_key \
                 AND x.status <> '{}')",
                Status::Verified.code()
            );
            let counted = txn
                .query_one_raw(Statement::from_sql_and_values(
                    backend,
                    format!(
                        "SELECT CAST(COUNT(*) AS BIGINT) AS total, \
                                CAST(COALESCE(SUM(CASE WHEN {active} THEN 1 ELSE 0 END), 0) AS BIGINT) AS already \
                         FROM ({gaps}) g"
                    ),
                    values.clone(),
                ))
                .await?;
            let (total, already) = match counted {
                Some(row) => (
                    row.try_get::<i64>("", "total")?,
                    row.try_get::<i64>("", "already")?,
                ),
                None => (0, 0),
            };

            let mut bind = |value: Value| {
                values.push(value);
                format!("${}", values.len())
            };
            let owner_sql = match owner {
                Some(id) => bind(id.into()),
                None => format!(
                    "COALESCE(g.resp_department_id, {})",
                    coordinator_sql("g.region_id")
                ),
            };
            let milestone_sql = match &milestone {
                Some(m) => bind(m.id.into()),
                None => "CAST(NULL AS INTEGER)".to_owned(),
            };
            let due_sql = bind(due.clone().into());
            let now_sql = bind(at.now.into());
            let before = txn
                .query_one_raw(Statement::from_string(
                    backend,
                    "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS last FROM rectification",
                ))
                .await?
                .map(|row| row.try_get::<i64>("", "last"))
                .transpose()?
                .unwrap_or(0);
            let inserted = txn
                .execute_raw(Statement::from_sql_and_values(
                    backend,
                    format!(
                        "INSERT INTO rectification (gap_key, gap_kind, organization_id, category_id, \
                           region_id, department_id, department_kind_id, owner_department_id, \
                           milestone_id, due_date, status, opened_at, organization_gap_open) \
                         SELECT h.gap_key, h.gap_kind, h.organization_id, h.category_id, h.region_id, \
                                h.department_id, h.department_kind_id, h.owner_id, {milestone_sql}, \
                                {due_sql}, '{open}', {now_sql}, \
                                CASE WHEN h.organization_id IS NULL THEN NULL ELSE TRUE END \
                         FROM (SELECT g.*, {owner_sql} AS owner_id FROM ({gaps}) g \
                               WHERE NOT {active}) h \
                         WHERE h.owner_id IS NOT NULL",
                        open = Status::Open.code()
                    ),
                    values,
                ))
                .await?
                .rows_affected();
            // The opening event of each item inserted just now: those above
            // the last id that have no event yet.
            txn.execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO rectification_event (rectification_id, at, actor, status, note, \
                   owner_before_id, owner_after_id, due_date_before, due_date_after) \
                 SELECT r.id, $1, $2, r.status, NULL, NULL, r.owner_department_id, NULL, r.due_date \
                 FROM rectification r WHERE r.id > $3 \
                   AND NOT EXISTS (SELECT 1 FROM rectification_event e WHERE e.rectification_id = r.id)",
                [
                    at.now.into(),
                    actor(&caller).into(),
                    Value::BigInt(Some(before)),
                ],
            ))
            .await?;
            let candidates = u64::try_from(total - already).unwrap_or(0);
            let opened = Opened {
                opened: inserted,
                already_open: u64::try_from(already).unwrap_or(0),
                without_owner: candidates.saturating_sub(inserted),
            };
            if opened.opened > 0 {
                record(
                    txn,
                    &caller,
                    "rectification",
                    &format!("open:{}", input.region_code.as_deref().unwrap_or("*")),
                    "OPEN",
                    region,
                    None,
                    Some(json!({
                        "regionCode": input.region_code,
                        "kinds": input.kinds.iter().map(|k| k.code()).collect::<Vec<_>>(),
                        "milestoneCode": milestone.as_ref().map(|m| m.code.clone()),
                        "dueDate": due,
                        "ownerDepartmentCode": input.owner_department_code,
                        "opened": opened.opened,
                        "alreadyOpen": opened.already_open,
                    })),
                )
                .await?;
            }
            Ok(opened)
        })
    })
    .await
}
