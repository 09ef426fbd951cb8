//! The stored responsibility moves from eight `resp_*` columns of the wide
//! `organization` row to a narrow table of its own, `responsibility` (the
//! organization's id plus those columns, with foreign keys to what they
//! name). A re-resolution then rewrites a narrow row per organization
//! instead of a whole organization row: a rule whose organizations are
//! scattered over the province no longer rewrites nearly every page of the
//! organization table.
//!
//! The foreign keys to rules, departments and kinds are checked at commit:
//! a structural write deletes a rule first and re-resolves the
//! organizations it decided afterwards, in the same transaction.
//!
//! The engine's staging table `resolution_next` also gets the credit code
//! and whether the basis or department moves, both found while staging, so
//! that the history records a re-resolution from the staged rows alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The moved columns: (name on `responsibility`, name on `organization`,
/// its type and default there).
const COLUMNS: [(&str, &str, &str); 8] = [
    ("basis", "resp_basis", "VARCHAR(20) NOT NULL DEFAULT 'NONE'"),
    ("department_id", "resp_department_id", "INTEGER NULL"),
    ("kind_id", "resp_kind_id", "INTEGER NULL"),
    ("rule_id", "resp_rule_id", "INTEGER NULL"),
    ("rule_kind_id", "resp_rule_kind_id", "INTEGER NULL"),
    (
        "rule_department_id",
        "resp_rule_department_id",
        "INTEGER NULL",
    ),
    (
        "fallback_department_id",
        "resp_fallback_department_id",
        "INTEGER NULL",
    ),
    (
        "contested",
        "resp_contested",
        "BOOLEAN NOT NULL DEFAULT FALSE",
    ),
];

/// The indexes of the old columns, as the earlier migrations made them.
const OLD_INDEXES: [(&str, &str); 5] = [
    ("ix_organization_resp_basis", "resp_basis, region_id"),
    ("ix_organization_resp_department", "resp_department_id"),
    ("ix_organization_resp_contested", "resp_contested"),
    (
        "ix_organization_contested_region",
        "resp_contested, region_id",
    ),
    ("ix_organization_basis_id", "resp_basis, id, region_id"),
];

const DEFERRED: &str = "DEFERRABLE INITIALLY DEFERRED";

/// The staging table's new columns (it holds rows only inside a write).
const STAGED: [&str; 2] = [
    "credit_code VARCHAR(18) NULL",
    "moved BOOLEAN NOT NULL DEFAULT FALSE",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE TABLE responsibility ( \
               id INTEGER NOT NULL PRIMARY KEY REFERENCES organization (id) ON DELETE CASCADE, \
               basis VARCHAR(20) NOT NULL, \
               department_id INTEGER NULL REFERENCES department (id) {DEFERRED}, \
               kind_id INTEGER NULL REFERENCES department_kind (id) {DEFERRED}, \
               rule_id INTEGER NULL REFERENCES responsibility_rule (id) {DEFERRED}, \
               rule_kind_id INTEGER NULL REFERENCES department_kind (id) {DEFERRED}, \
               rule_department_id INTEGER NULL REFERENCES department (id) {DEFERRED}, \
               fallback_department_id INTEGER NULL REFERENCES department (id) {DEFERRED}, \
               contested BOOLEAN NOT NULL)"
        ))
        .await?;
        for index in [
            // Gap pages (unassigned, fallback only) read a basis in id order.
            "CREATE INDEX ix_responsibility_basis ON responsibility (basis, id)",
            // A department's organizations, and their counts.
            "CREATE INDEX ix_responsibility_department ON responsibility (department_id)",
            // The contested are few: their list reads exactly them.
            "CREATE INDEX ix_responsibility_contested ON responsibility (id) WHERE contested = TRUE",
        ] {
            db.execute_unprepared(index).await?;
        }
        // Filled after its indexes exist: PostgreSQL refuses an index on a
        // table whose rows still await their foreign-key checks.
        let (new, old): (Vec<&str>, Vec<&str>) = COLUMNS.iter().map(|(n, o, _)| (*n, *o)).unzip();
        db.execute_unprepared(&format!(
            "INSERT INTO responsibility (id, {}) SELECT id, {} FROM organization",
            new.join(", "),
            old.join(", ")
        ))
        .await?;
        for (name, _) in OLD_INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        for (_, column, _) in COLUMNS {
            db.execute_unprepared(&format!("ALTER TABLE organization DROP COLUMN {column}"))
                .await?;
        }
        for column in STAGED {
            db.execute_unprepared(&format!("ALTER TABLE resolution_next ADD COLUMN {column}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for column in STAGED {
            let name = column.split(' ').next().unwrap_or(column);
            db.execute_unprepared(&format!("ALTER TABLE resolution_next DROP COLUMN {name}"))
                .await?;
        }
        for (_, column, definition) in COLUMNS {
            db.execute_unprepared(&format!(
                "ALTER TABLE organization ADD COLUMN {column} {definition}"
            ))
            .await?;
        }
        let assignments: Vec<String> = COLUMNS
            .iter()
            .map(|(new, old, _)| format!("{old} = r.{new}"))
            .collect();
        db.execute_unprepared(&format!(
            "UPDATE organization SET {} FROM responsibility r WHERE r.id = organization.id",
            assignments.join(", ")
        ))
        .await?;
        for (name, columns) in OLD_INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON organization ({columns})"))
                .await?;
        }
        db.execute_unprepared("DROP TABLE responsibility").await?;
        Ok(())
    }
}
