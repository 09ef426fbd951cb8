//! Periods of responsibility become append-only: `responsibility_period`
//! loses `to_at`. A change of an organization's stored responsibility
//! inserts one row; a period ends where the organization's next row
//! starts, computed when read. Closing a period no longer rewrites a row
//! somewhere in a million-row table: a re-resolution of 100,000
//! organizations only appends.
//!
//! A row with a NULL `basis` closes without opening: the organization was
//! deleted at `from_at` (its rows stay, unlinked, under its credit code).
//!
//! Layout, measured at 1,000,000 organizations with a year of history
//! (100,000 scattered inserts, SQLite): a rowid table, which appends its
//! rows to its last pages, with a unique index on `(organization_id,
//! from_at)` took 0.26 s to insert and 0.31 s to commit (68 MB of WAL);
//! the same columns WITHOUT ROWID, clustered on `(organization_id,
//! from_at)`, 0.51 s and 1.63 s (98 MB): every insert lands on a leaf of
//! the wide table instead of the narrow index. The unique index is both
//! "the latest row at or before T" (one descent) and the conflict target
//! of a write that changes one organization twice at the same instant.
//!
//! Up carries every period over (each closed period whose successor does
//! not start where it ended gets a closing row at its end); down computes
//! `to_at` back from the next row and drops the closing rows.

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The table being built, renamed to `responsibility_period` at the end.
const NEXT: &str = "responsibility_period_next";

/// The unlinked rows (a deleted organization's), found by credit code when
/// it is recorded again.
const UNLINKED_INDEX: &str = "CREATE INDEX ix_responsibility_period_unlinked \
     ON responsibility_period (credit_code) WHERE organization_id IS NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on SQLite too: the table is rebuilt and renamed, and
    /// on a pool each statement could otherwise run on a connection whose
    /// view of the schema predates the last; and a failure leaves the old
    /// table as it was.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            Table::create()
                .table(Alias::new(NEXT))
                .col(big_pk_auto(ResponsibilityPeriod::Id))
                .col(integer_null(ResponsibilityPeriod::OrganizationId))
                .col(string_len(ResponsibilityPeriod::CreditCode, 18))
                .col(timestamp_with_time_zone(ResponsibilityPeriod::FromAt))
                .col(string_len_null(ResponsibilityPeriod::Basis, 32))
                .col(integer_null(ResponsibilityPeriod::DepartmentId))
                .to_owned(),
        )
        .await?;
        let db = manager.get_connection();
        // Every period as it was, in the order it was written.
        db.execute_unprepared(&format!(
            "INSERT INTO {NEXT} (organization_id, credit_code, from_at, basis, department_id) \
             SELECT organization_id, credit_code, from_at, basis, department_id \
             FROM responsibility_period ORDER BY id"
        ))
        .await?;
        // A closed period whose organization has no row starting at its end
        // (deleted there): a closing row. Linked and unlinked apart, each
        // by its own index.
        for (linked, same) in [
            ("IS NOT NULL", "q.organization_id = p.organization_id"),
            (
                "IS NULL",
                "q.organization_id IS NULL AND q.credit_code = p.credit_code",
            ),
        ] {
            db.execute_unprepared(&format!(
                "INSERT INTO {NEXT} (organization_id, credit_code, from_at, basis, department_id) \
                 SELECT p.organization_id, p.credit_code, p.to_at, NULL, NULL \
                 FROM responsibility_period p \
                 WHERE p.to_at IS NOT NULL AND p.organization_id {linked} AND NOT EXISTS \
                   (SELECT 1 FROM responsibility_period q WHERE {same} AND q.from_at = p.to_at)"
            ))
            .await?;
        }
        manager
            .drop_table(Table::drop().table(ResponsibilityPeriod::Table).to_owned())
            .await?;
        rename(manager, NEXT, "responsibility_period").await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_responsibility_period_organization_from")
                    .table(ResponsibilityPeriod::Table)
                    .col(ResponsibilityPeriod::OrganizationId)
                    .col(ResponsibilityPeriod::FromAt)
                    .unique()
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(UNLINKED_INDEX).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            Table::create()
                .table(Alias::new(NEXT))
                .col(big_pk_auto(ResponsibilityPeriod::Id))
                .col(integer_null(ResponsibilityPeriod::OrganizationId))
                .col(string_len(ResponsibilityPeriod::CreditCode, 18))
                .col(timestamp_with_time_zone(ResponsibilityPeriod::FromAt))
                .col(timestamp_with_time_zone_null(ResponsibilityPeriod::ToAt))
                .col(string_len(ResponsibilityPeriod::Basis, 32))
                .col(integer_null(ResponsibilityPeriod::DepartmentId))
                .to_owned(),
        )
        .await?;
        let db = manager.get_connection();
        // Each period ends where the next row of its organization starts.
        db.execute_unprepared(&format!(
            "INSERT INTO {NEXT} (organization_id, credit_code, from_at, to_at, basis, department_id) \
             SELECT p.organization_id, p.credit_code, p.from_at, \
               CASE WHEN p.organization_id IS NULL THEN \
                 (SELECT MIN(q.from_at) FROM responsibility_period q WHERE q.organization_id IS NULL \
                    AND q.credit_code = p.credit_code AND q.from_at > p.from_at) \
               ELSE (SELECT MIN(q.from_at) FROM responsibility_period q \
                    WHERE q.organization_id = p.organization_id AND q.from_at > p.from_at) END, \
               p.basis, p.department_id \
             FROM responsibility_period p WHERE p.basis IS NOT NULL ORDER BY p.id"
        ))
        .await?;
        manager
            .drop_table(Table::drop().table(ResponsibilityPeriod::Table).to_owned())
            .await?;
        rename(manager, NEXT, "responsibility_period").await?;
        // The indexes of m20261208_000001_create_history, as they were.
        manager
            .create_index(
                Index::create()
                    .name("ix_responsibility_period_organization")
                    .table(ResponsibilityPeriod::Table)
                    .col(ResponsibilityPeriod::OrganizationId)
                    .col(ResponsibilityPeriod::FromAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_responsibility_period_to")
                    .table(ResponsibilityPeriod::Table)
                    .col(ResponsibilityPeriod::ToAt)
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX ux_responsibility_period_open ON responsibility_period \
             (organization_id) WHERE to_at IS NULL",
        )
        .await?;
        db.execute_unprepared(UNLINKED_INDEX).await?;
        Ok(())
    }
}

/// Creates `table` with the foreign keys every version of the table has.
async fn create(manager: &SchemaManager<'_>, mut table: TableCreateStatement) -> Result<(), DbErr> {
    manager
        .create_table(
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
                )
                .to_owned(),
        )
        .await
}

async fn rename(manager: &SchemaManager<'_>, from: &str, to: &str) -> Result<(), DbErr> {
    manager
        .rename_table(
            Table::rename()
                .table(Alias::new(from), Alias::new(to))
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden)]
enum ResponsibilityPeriod {
    Table,
    Id,
    OrganizationId,
    CreditCode,
    FromAt,
    ToAt,
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
