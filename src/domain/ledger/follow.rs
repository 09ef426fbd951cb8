//! The stored state of a ledger item's gap when the gap concerns one
//! organization (`rectification.organization_gap_open`): kept by the write
//! that changes the organization, in its transaction, so that a summary of
//! a province's items reads a column instead of looking up every
//! organization. The engine calls [`follow`] where it counts written
//! organizations into the coverage cells, which every write of an
//! organization's stored state reaches; a deletion calls [`forget`].
//!
//! A leaf: the engine imports it, so it imports nothing that leads back.

use sea_orm::ConnectionTrait;

use crate::domain::conditions::{ORGANIZATION_GAP_KINDS, organization_gap};
use crate::domain::store::db;
use crate::error::Result;

/// Whether the gap of the item `x` (a `rectification` row of a kind
/// counted per organization) is there in the organization as stored now.
pub(crate) fn live_sql(x: &str) -> String {
    let cases: String = ORGANIZATION_GAP_KINDS
        .into_iter()
        .filter_map(|code| organization_gap(code).map(|c| format!(" WHEN '{code}' THEN {c}")))
        .collect();
    format!(
        "EXISTS (SELECT 1 FROM organization o JOIN responsibility st ON st.id = o.id \
           WHERE o.id = {x}.organization_id \
           AND CASE {x}.gap_kind{cases} ELSE FALSE END)"
    )
}

/// Brings the stored gap state of the items about the organizations that
/// `source` (a FROM and WHERE over `o`) yields in line with their rows:
/// one set-based statement, writing only the items whose state changed.
pub async fn follow(db: &impl ConnectionTrait, source: &str) -> Result<()> {
    let live = live_sql("rectification");
    db::execute_unprepared(
        db,
        &format!(
            "UPDATE rectification SET organization_gap_open = {live} \
             WHERE organization_id IN (SELECT o.id FROM {source}) \
               AND organization_gap_open IS NOT NULL AND organization_gap_open <> {live}"
        ),
    )
    .await?;
    Ok(())
}

/// Before an organization is deleted: the gaps its items track are gone
/// with it (the items stay, unlinked from the row).
pub async fn forget(db: &impl ConnectionTrait, organization_id: i32) -> Result<()> {
    db::execute_unprepared(
        db,
        &format!(
            "UPDATE rectification SET organization_gap_open = FALSE \
             WHERE organization_id = {organization_id} AND organization_gap_open = TRUE"
        ),
    )
    .await?;
    Ok(())
}
