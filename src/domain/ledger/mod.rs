//! The rectification ledger (整改台账): milestones (整改节点) and ledger items
//! that each track one coverage gap by its stable key through OPEN →
//! IN_PROGRESS → RESOLVED → VERIFIED, with every change in the item's
//! history and the audit trail. Nothing here is ever deleted.
//!
//! Split by concern: [`keys`] says which gaps exist now and whether an
//! item's gap is still there (SQL shared by every part), [`opening`] opens
//! items set-based, [`workflow`] moves one item along, [`reading`] lists,
//! counts and summarises them; milestones live here.

pub mod follow;
pub mod keys;
pub mod opening;
pub mod reading;
pub mod workflow;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;

use entity::{change, milestone};

use super::access::{Caller, Role};
use super::store;
use super::values::parse_name;
use crate::error::{Error, Result};
use crate::msg;

/// Where a ledger item stands. Forward only: OPEN → IN_PROGRESS →
/// RESOLVED → VERIFIED, and OPEN → RESOLVED when the gap closed before
/// anyone started on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Open,
    InProgress,
    Resolved,
    Verified,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::InProgress,
        Status::Resolved,
        Status::Verified,
    ];

    /// As stored and as the API spells it.
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "OPEN",
            Status::InProgress => "IN_PROGRESS",
            Status::Resolved => "RESOLVED",
            Status::Verified => "VERIFIED",
        }
    }

    /// The status a stored code names (OPEN for any other text, which no
    /// write of ours stores).
    pub fn of(code: &str) -> Status {
        Status::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .unwrap_or(Status::Open)
    }

    /// Neither RESOLVED nor VERIFIED: the work is still to do.
    pub fn active(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }
}

/// A YYYY-MM-DD date (Asia/Shanghai) given by a person; BAD_USER_INPUT
/// naming `field` otherwise.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, msg!("ledger-date-invalid", value = text.trim())))
}

/// Past its due date on `today` (Asia/Shanghai) and neither RESOLVED nor
/// VERIFIED.
pub fn overdue(status: Status, due_date: &str, today: NaiveDate) -> bool {
    status.active() && due_date < today.to_string().as_str()
}

/// What `upsert_milestone` takes.
#[derive(Clone, Debug)]
pub struct MilestoneInput {
    pub code: String,
    pub name: String,
    pub due_date: String,
}

/// Every milestone, by due date (then code).
pub async fn milestones(db: &impl ConnectionTrait) -> Result<Vec<milestone::Model>> {
    Ok(milestone::Entity::find()
        .order_by_asc(milestone::Column::DueDate)
        .order_by_asc(milestone::Column::Code)
        .all(db)
        .await?)
}

/// The milestone with this code, or NOT_FOUND naming `field`.
pub async fn require_milestone(
    db: &impl ConnectionTrait,
    field: &str,
    code: &str,
) -> Result<milestone::Model> {
    milestone::Entity::find()
        .filter(milestone::Column::Code.eq(code.trim()))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(field, msg!("milestone-not-found", code = code.trim())))
}

/// Creates the milestone or changes its name and due date. Milestones are
/// the province's (the seed's three batches), so a region-bound token may
/// not change them. The items opened with it keep the due date they were
/// given.
pub async fn upsert_milestone(
    db: &DatabaseConnection,
    caller: &Caller,
    input: MilestoneInput,
) -> Result<milestone::Model> {
    caller.require(Role::Editor)?;
    caller.require_everywhere(msg!("what-milestones"))?;
    let code = input.code.trim().to_owned();
    if code.is_empty() || code.len() > 50 || code.chars().any(char::is_whitespace) {
        return Err(Error::invalid("code", msg!("milestone-code-invalid")));
    }
    let name = parse_name("name", &input.name, 200)?;
    let due_date = parse_date("dueDate", &input.due_date)?.to_string();
    let caller = caller.clone();
    store::write(db, move |txn| {
        let (code, name, due_date, caller) =
            (code.clone(), name.clone(), due_date.clone(), caller.clone());
        Box::pin(async move {
            let existing = milestone::Entity::find()
                .filter(milestone::Column::Code.eq(code.as_str()))
                .one(txn)
                .await?;
            let values = |m: &milestone::Model| json!({"code": m.code, "name": m.name, "dueDate": m.due_date});
            let (saved, before) = match existing {
                Some(existing) if existing.name == name && existing.due_date == due_date => {
                    return Ok(existing);
                }
                Some(existing) => {
                    let before = values(&existing);
                    let mut active: milestone::ActiveModel = existing.into();
                    active.name = Set(name);
                    active.due_date = Set(due_date);
                    (active.update(txn).await?, Some(before))
                }
                None => (
                    milestone::ActiveModel {
                        code: Set(code),
                        name: Set(name),
                        due_date: Set(due_date),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?,
                    None,
                ),
            };
            let action = if before.is_some() { "UPDATE" } else { "CREATE" };
            let after = values(&saved);
            record(txn, &caller, "milestone", &saved.code, action, None, before, Some(after))
                .await?;
            Ok(saved)
        })
    })
    .await
}

/// An entry in the audit trail (`change`), in the write's transaction:
/// the ledger's entries are read with the others by the audit trail.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    caller: &Caller,
    entity: &str,
    key: &str,
    action: &str,
    region_id: Option<i32>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<()> {
    change::ActiveModel {
        at: Set(Utc::now()),
        actor: Set(caller.name.clone()),
        entity: Set(entity.to_owned()),
        entity_key: Set(key.chars().take(200).collect()),
        action: Set(action.to_owned()),
        region_id: Set(region_id),
        before: Set(before.map(|v| v.to_string())),
        after: Set(after.map(|v| v.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The name a ledger event records: the token's, none for open local use.
pub(crate) fn actor(caller: &Caller) -> Option<String> {
    (*caller != Caller::local()).then(|| caller.name.clone())
}

/// The instant and the Asia/Shanghai date a ledger operation acts at.
#[derive(Clone, Copy, Debug)]
pub struct At {
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

impl At {
    pub fn of(now: DateTime<Utc>) -> At {
        At {
            now,
            today: super::clock::date_of(now),
        }
    }
}
