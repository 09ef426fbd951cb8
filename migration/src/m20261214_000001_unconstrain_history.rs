//! The history's rows no longer carry foreign keys to the organization and
//! department they name.
//!
//! The history is a log: its rows outlive what they name (a deleted
//! organization's rows stay, under its credit code), and the engine appends
//! one per organization a re-resolution moves. A foreign key is checked on
//! each row appended: on PostgreSQL a trigger call per key and row, which
//! took 1.2 s of a rule change re-resolving 95,000 organizations at
//! 1,000,000 (the insert 1.58 s with the checks, 0.39 s without); on SQLite
//! a lookup in the organization table per row, about half of the insert.
//! What the key to the organization did, unlinking the rows of a deleted
//! organization, the deletion now does itself (`periods::end`).
//!
//! SQLite cannot drop a foreign key: the table is rebuilt, rows and ids as
//! they are. PostgreSQL drops the two constraints.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table being built on SQLite, renamed to `responsibility_period`.
const NEXT: &str = "responsibility_period_next";

/// The columns, in order.
const COLUMNS: &str = "id, organization_id, credit_code, from_at, basis, department_id";

/// The indexes, as m20261212_000001_index_periods_by_organization left them.
const INDEXES: [&str; 2] = [
    "CREATE INDEX ix_responsibility_period_organization ON responsibility_period (organization_id)",
    "CREATE INDEX ix_responsibility_period_unlinked ON responsibility_period (credit_code) \
     WHERE organization_id IS NULL",
];

#[derive(DeriveIden)]
enum ResponsibilityPeriod {
    Id,
    OrganizationId,
    CreditCode,
    FromAt,
    Basis,
    DepartmentId,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Department {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            // The constraints' names follow the table's first name; found,
            // not assumed.
            db.execute_unprepared(
                "DO $$ DECLARE c record; BEGIN \
                   FOR c IN SELECT conname FROM pg_constraint \
                     WHERE conrelid = 'responsibility_period'::regclass AND contype = 'f' LOOP \
                     EXECUTE format('ALTER TABLE responsibility_period DROP CONSTRAINT %I', c.conname); \
                   END LOOP; END $$",
            )
            .await?;
            return Ok(());
        }
        rebuild(manager, false).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            for statement in [
                "ALTER TABLE responsibility_period ADD FOREIGN KEY (organization_id) \
                 REFERENCES organization (id) ON DELETE SET NULL",
                "ALTER TABLE responsibility_period ADD FOREIGN KEY (department_id) \
                 REFERENCES department (id)",
            ] {
                db.execute_unprepared(statement).await?;
            }
            return Ok(());
        }
        rebuild(manager, true).await
    }
}

/// Rebuilds the SQLite table with or without its foreign keys, rows, ids
/// and indexes as they are.
async fn rebuild(manager: &SchemaManager<'_>, keys: bool) -> Result<(), DbErr> {
    let mut table = Table::create();
    table
        .table(Alias::new(NEXT))
        .col(big_pk_auto(ResponsibilityPeriod::Id))
        .col(integer_null(ResponsibilityPeriod::OrganizationId))
        .col(string_len(ResponsibilityPeriod::CreditCode, 18))
        .col(timestamp_with_time_zone(ResponsibilityPeriod::FromAt))
        .col(string_len_null(ResponsibilityPeriod::Basis, 32))
        .col(integer_null(ResponsibilityPeriod::DepartmentId));
    if keys {
        table
            .foreign_key(
                ForeignKey::create()
                    .from(Alias::new(NEXT), ResponsibilityPeriod::OrganizationId)
                    .to(Organization::Table, Organization::Id)
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(Alias::new(NEXT), ResponsibilityPeriod::DepartmentId)
                    .to(Department::Table, Department::Id),
            );
    }
    manager.create_table(table.to_owned()).await?;
    let db = manager.get_connection();
    db.execute_unprepared(&format!(
        "INSERT INTO {NEXT} ({COLUMNS}) SELECT {COLUMNS} FROM responsibility_period ORDER BY id"
    ))
    .await?;
    db.execute_unprepared("DROP TABLE responsibility_period")
        .await?;
    db.execute_unprepared(&format!(
        "ALTER TABLE {NEXT} RENAME TO responsibility_period"
    ))
    .await?;
    for index in INDEXES {
        db.execute_unprepared(index).await?;
    }
    Ok(())
}
