//! 应建未建 (SHOULD_ESTABLISH): organizations with three or more party
//! members and no party organization of their own. The coverage cells count
//! them (`should_establish`), so that the figures and the gap count sum
//! cells instead of scanning organizations; a partial index over exactly
//! those organizations, in id order with their region, serves the gap list
//! of a province or of any subtree page by page.
//!
//! Existing cells have no count yet: the engine's version goes back to 0,
//! which makes the next start-up rebuild and recount every cell (as for a
//! database whose engine has never run).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "ix_organization_should_establish";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CoverageCell::Table)
                    .add_column(big_integer(CoverageCell::ShouldEstablish).default(0))
                    .to_owned(),
            )
            .await?;
        // The predicate is the one the gap list writes (gaps.rs), word for
        // word: SQLite uses a partial index only for a query whose WHERE
        // contains its terms.
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE INDEX {INDEX} ON organization (id, region_id) \
             WHERE party_member_count >= 3 AND party_organization <> 'OWN'"
        ))
        .await?;
        db.execute_unprepared("UPDATE engine_state SET version = 0")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(Organization::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CoverageCell::Table)
                    .drop_column(CoverageCell::ShouldEstablish)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum CoverageCell {
    Table,
    ShouldEstablish,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
}
