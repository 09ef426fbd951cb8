//! Moving one ledger item along: OPEN → IN_PROGRESS → RESOLVED → VERIFIED
//! (and OPEN → RESOLVED), notes, owner and due-date changes. Each accepted
//! update writes one event in the item's history and one audit entry, in
//! the same transaction; a refused one writes nothing.
//!
//! RESOLVED is refused while the data still shows the gap (checked live in
//! the transaction). VERIFIED is given by the level above the owner: a
//! caller whose scope holds the parent of the owner department's region
//! (an unbound caller may always).

use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement};
use serde_json::json;

use crate::domain::department as departments;
use crate::domain::scope::Scope;
use entity::{department, rectification, rectification_event, region};

use super::keys::gap_open_sql;
use super::{At, Status, actor, parse_date, record};
use crate::domain::access::{self, Caller, Role};
use crate::domain::store;
use crate::error::{Error, Result};
use crate::msg;

/// What `update` takes.
#[derive(Clone, Debug, Default)]
pub struct UpdateInput {
    pub id: i32,
    pub status: Option<Status>,
    pub note: Option<String>,
    pub due_date: Option<String>,
    pub owner_department_code: Option<String>,
}

/// Whether the workflow allows going from `from` to `to` (a different
/// status). Forward only; OPEN may go straight to RESOLVED when the gap
/// closed before the work was started; VERIFIED only from RESOLVED.
pub fn allowed(from: Status, to: Status) -> bool {
    matches!(
        (from, to),
        (Status::Open, Status::InProgress)
            | (Status::Open, Status::Resolved)
            | (Status::InProgress, Status::Resolved)
            | (Status::Resolved, Status::Verified)
    )
}

/// Whether the gap of item `id` is there now.
pub async fn gap_open(db: &impl ConnectionTrait, id: i32) -> Result<bool> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT CASE WHEN {} THEN 1 ELSE 0 END AS gap_open FROM rectification x WHERE x.id = $1",
                gap_open_sql("x")
            ),
            [id.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i32>("", "gap_open")? != 0,
        None => false,
    })
}

/// Applies the update and returns the item as it now is.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    input: UpdateInput,
    at: At,
) -> Result<rectification::Model> {
    caller.require(Role::Editor)?;
    let note = match input.note.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(text) if text.chars().count() > 2000 => {
            return Err(Error::invalid(
                "note",
                msg!("ledger-note-too-long", max = 2000),
            ));
        }
        Some(text) => Some(text.to_owned()),
    };
    let due_date = input
        .due_date
        .as_deref()
        .map(|d| parse_date("dueDate", d))
        .transpose()?
        .map(|d| d.to_string());
    if input.status.is_none()
        && note.is_none()
        && due_date.is_none()
        && input.owner_department_code.is_none()
    {
        return Err(Error::invalid("input", msg!("ledger-update-empty")));
    }
    let caller = caller.clone();
    store::write(db, move |txn| {
        let (input, caller, note, due_date) =
            (input.clone(), caller.clone(), note.clone(), due_date.clone());
        Box::pin(async move {
            let item = rectification::Entity::find_by_id(input.id)
                .one(txn)
                .await?
                .ok_or_else(|| {
                    Error::not_found("id", msg!("rectification-not-found", id = input.id))
                })?;
            caller.require_region(txn, item.region_id).await?;
            let from = Status::of(&item.status);
            let to = input.status.unwrap_or(from);
            if to != from && !allowed(from, to) {
                return Err(Error::Conflict(msg!(
                    "ledger-transition-refused",
                    from = from.code(),
                    to = to.code()
                )));
            }
            let owner = match input.owner_department_code.as_deref() {
                Some(code) => Some(
                    departments::require(txn, &Scope::EVERYTHING, "ownerDepartmentCode", code).await?,
                ),
                None => None,
            };
            let owner_changes = owner.as_ref().filter(|o| o.id != item.owner_department_id);
            let due_changes = due_date.as_ref().filter(|d| **d != item.due_date);
            if from == Status::Verified && (owner_changes.is_some() || due_changes.is_some()) {
                return Err(Error::Conflict(msg!("ledger-verified-fixed")));
            }
            if let Some(owner) = owner_changes {
                caller.require_region(txn, owner.region_id).await?;
            }
            if to == Status::Resolved && from != Status::Resolved && gap_open(txn, item.id).await?
            {
                return Err(Error::Conflict(msg!("ledger-gap-still-open")));
            }
            if to == Status::Verified && from != Status::Verified {
                require_verifier(txn, &caller, item.owner_department_id).await?;
            }
            if to == from && note.is_none() && owner_changes.is_none() && due_changes.is_none() {
                return Ok(item);
            }

            let before = json!({"status": item.status, "ownerDepartmentId": item.owner_department_id, "dueDate": item.due_date});
            let mut active: rectification::ActiveModel = item.clone().into();
            active.status = Set(to.code().to_owned());
            if !to.active() && item.closed_at.is_none() {
                active.closed_at = Set(Some(at.now));
            }
            if let Some(owner) = owner_changes {
                active.owner_department_id = Set(owner.id);
            }
            if let Some(due) = due_changes {
                active.due_date = Set(due.clone());
            }
            let saved = active.update(txn).await?;
            rectification_event::ActiveModel {
                rectification_id: Set(saved.id),
                at: Set(at.now),
                actor: Set(actor(&caller)),
                status: Set(saved.status.clone()),
                note: Set(note.clone()),
                owner_before_id: Set(owner_changes.map(|_| item.owner_department_id)),
                owner_after_id: Set(owner_changes.map(|o| o.id)),
                due_date_before: Set(due_changes.map(|_| item.due_date.clone())),
                due_date_after: Set(due_changes.cloned()),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            record(
                txn,
                &caller,
                "rectification",
                &saved.gap_key,
                "UPDATE",
                Some(saved.region_id),
                Some(before),
                Some(json!({"status": saved.status, "ownerDepartmentId": saved.owner_department_id, "dueDate": saved.due_date, "note": note})),
            )
            .await?;
            Ok(saved)
        })
    })
    .await
}

/// FORBIDDEN unless the caller's scope holds the parent of the owner
/// department's region: the level above the owner verifies. An unbound
/// caller may; a bound caller cannot verify a province-level owner.
async fn require_verifier(db: &impl ConnectionTrait, caller: &Caller, owner_id: i32) -> Result<()> {
    if caller.scope.region_id.is_none() {
        return Ok(());
    }
    let owner_region = match department::Entity::find_by_id(owner_id).one(db).await? {
        Some(owner) => region::Entity::find_by_id(owner.region_id).one(db).await?,
        None => None,
    };
    let parent = owner_region.and_then(|r| r.parent_id);
    let allowed = match parent {
        Some(parent) => access::within(db, &caller.scope, parent).await?,
        None => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::Forbidden(msg!("ledger-verify-forbidden")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_goes_forward_only() {
        use Status::*;
        assert!(allowed(Open, InProgress));
        assert!(allowed(Open, Resolved));
        assert!(allowed(InProgress, Resolved));
        assert!(allowed(Resolved, Verified));
        assert!(!allowed(Open, Verified));
        assert!(!allowed(InProgress, Open));
        assert!(!allowed(Resolved, InProgress));
        assert!(!allowed(Verified, Resolved));
    }
}
