//! The engine's staging table `resolution_next` also holds what moving a
//! staged organization between coverage cells reads: the organization's
//! own cell columns (region, administering region, category, party
//! organization, work coverage, members, category mismatch) and the
//! stored resolution it leaves (`was_*`), both read while staging, where
//! the organization and its stored resolution are joined anyway.
//!
//! The move then reads the staged rows alone. Before, it joined them to
//! `organization` and `responsibility` again: at 1,000,000 organizations
//! with 99,984 staged, PostgreSQL hashed them and scanned both tables
//! whole (1.3–1.5 s of a 9.8 s rule change).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The added columns and their definitions. A work table, empty between
/// writes: defaults only keep the NOT NULL columns valid while adding.
const STAGED: [(&str, &str); 14] = [
    ("region_id", "INTEGER NULL"),
    ("administering_region_id", "INTEGER NULL"),
    ("category_id", "INTEGER NULL"),
    ("party_organization", "VARCHAR(8) NOT NULL DEFAULT 'NONE'"),
    ("work_covered", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("party_member_count", "INTEGER NOT NULL DEFAULT 0"),
    ("category_mismatch", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("was_basis", "VARCHAR(20) NOT NULL DEFAULT 'NONE'"),
    ("was_department_id", "INTEGER NULL"),
    ("was_kind_id", "INTEGER NULL"),
    ("was_contested", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("was_rule_id", "INTEGER NULL"),
    ("was_rule_kind_id", "INTEGER NULL"),
    ("was_rule_department_id", "INTEGER NULL"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Empty outside a write; emptied here so that no row lacks them.
        db.execute_unprepared("DELETE FROM resolution_next").await?;
        for (name, definition) in STAGED {
            db.execute_unprepared(&format!(
                "ALTER TABLE resolution_next ADD COLUMN {name} {definition}"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in STAGED.iter().rev() {
            db.execute_unprepared(&format!("ALTER TABLE resolution_next DROP COLUMN {name}"))
                .await?;
        }
        Ok(())
    }
}
