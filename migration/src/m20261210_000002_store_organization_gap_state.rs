//! Whether the gap of a ledger item about one organization is still there
//! (`rectification.organization_gap_open`), stored on the item and kept
//! by the write that changes the organization (`src/domain/ledger/follow.rs`),
//! so that a province's summary counts its items without looking up every
//! organization. NULL on items whose gap concerns a region, category or
//! department: those are few and read live from the coverage cells. This
//! migration fills it for the items already stored, in one statement.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A frozen copy of the domain's conditions (`ledger::keys`) under which
/// an organization `o` is a gap of each kind counted per organization.
const FILL: &str = "UPDATE rectification SET organization_gap_open = CASE \
      WHEN organization_id IS NULL THEN FALSE ELSE EXISTS ( \
        SELECT 1 FROM organization o WHERE o.id = rectification.organization_id AND CASE gap_kind \
          WHEN 'UNASSIGNED' THEN o.resp_basis = 'NONE' \
          WHEN 'FALLBACK_ONLY' THEN o.resp_basis = 'FALLBACK' \
          WHEN 'CONTESTED' THEN o.resp_contested = TRUE \
          WHEN 'SHOULD_ESTABLISH' THEN o.party_member_count >= 3 AND o.party_organization <> 'OWN' \
          WHEN 'CATEGORY_MISMATCH' THEN o.category_mismatch = TRUE \
          ELSE FALSE END) END \
    WHERE gap_kind IN ('UNASSIGNED', 'FALLBACK_ONLY', 'CONTESTED', 'SHOULD_ESTABLISH', 'CATEGORY_MISMATCH')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE rectification ADD COLUMN organization_gap_open BOOLEAN NULL",
        )
        .await?;
        db.execute_unprepared(FILL).await?;
        // The summary counts a subtree's items from this index alone, and
        // finds the few items read live by their kind.
        for index in [
            "CREATE INDEX ix_rectification_tally ON rectification \
               (region_id, status, due_date, milestone_id, organization_gap_open)",
            "CREATE INDEX ix_rectification_kind ON rectification (gap_kind, region_id, status)",
        ] {
            db.execute_unprepared(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for statement in [
            "DROP INDEX ix_rectification_kind",
            "DROP INDEX ix_rectification_tally",
            "ALTER TABLE rectification DROP COLUMN organization_gap_open",
        ] {
            db.execute_unprepared(statement).await?;
        }
        Ok(())
    }
}
