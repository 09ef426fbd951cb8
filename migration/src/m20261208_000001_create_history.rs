//! Time: the periods of every organization's responsibility and the daily
//! coverage snapshots of every region.
//!
//! `responsibility_period` holds one row per stretch of time during which
//! an organization's stored basis and department stayed the same: the
//! half-open interval [`from_at`, `to_at`), `to_at` NULL while it lasts.
//! `(organization_id, from_at)` makes "who was responsible at T" one index
//! descent; a partial unique index allows at most one open period per
//! organization. A deleted organization's periods stay (closed), with its
//! credit code, and lose only the link to the deleted row.
//!
//! `coverage_snapshot` holds one row per region per snapshot: the counts
//! the figures are computed from (rates are computed when read), so a
//! snapshot of every region is one INSERT … SELECT over the coverage cells.
//!
//! Existing organizations get one open period starting now, with their
//! stored basis and department: before the migration nothing was kept.

use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const OPEN_INDEX: &str = "ux_responsibility_period_open";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ResponsibilityPeriod::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ResponsibilityPeriod::Id))
                    .col(integer_null(ResponsibilityPeriod::OrganizationId))
                    .col(string_len(ResponsibilityPeriod::CreditCode, 18))
                    .col(timestamp_with_time_zone(ResponsibilityPeriod::FromAt))
                    .col(timestamp_with_time_zone_null(ResponsibilityPeriod::ToAt))
                    .col(string_len(ResponsibilityPeriod::Basis, 32))
                    .col(integer_null(ResponsibilityPeriod::DepartmentId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ResponsibilityPeriod::Table,
                                ResponsibilityPeriod::OrganizationId,
                            )
                            .to(Organization::Table, Organization::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                ResponsibilityPeriod::Table,
                                ResponsibilityPeriod::DepartmentId,
                            )
                            .to(Department::Table, Department::Id),
                    )
                    .to_owned(),
            )
            .await?;
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
        // Prune removes closed periods by their end.
        manager
            .create_index(
                Index::create()
                    .name("ix_responsibility_period_to")
                    .table(ResponsibilityPeriod::Table)
                    .col(ResponsibilityPeriod::ToAt)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // Partial indexes are not in sea-query's builder for both engines.
        db.execute_unprepared(&format!(
            "CREATE UNIQUE INDEX {OPEN_INDEX} ON responsibility_period (organization_id) \
             WHERE to_at IS NULL"
        ))
        .await?;
        // A re-created organization takes back the periods it had before
        // its deletion: found by credit code among the unlinked ones.
        db.execute_unprepared(
            "CREATE INDEX ix_responsibility_period_unlinked ON responsibility_period (credit_code) \
             WHERE organization_id IS NULL",
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(CoverageSnapshot::Table)
                    .if_not_exists()
                    .col(big_pk_auto(CoverageSnapshot::Id))
                    .col(timestamp_with_time_zone(CoverageSnapshot::TakenAt))
                    .col(integer(CoverageSnapshot::RegionId))
                    .col(big_integer(CoverageSnapshot::Organizations))
                    .col(big_integer(CoverageSnapshot::PartyAffiliation))
                    .col(big_integer(CoverageSnapshot::SupervisingUnit))
                    .col(big_integer(CoverageSnapshot::Ruled))
                    .col(big_integer(CoverageSnapshot::FallbackOnly))
                    .col(big_integer(CoverageSnapshot::Unassigned))
                    .col(big_integer(CoverageSnapshot::Organized))
                    .col(big_integer(CoverageSnapshot::WorkCovered))
                    .col(big_integer(CoverageSnapshot::ShouldEstablish))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CoverageSnapshot::Table, CoverageSnapshot::RegionId)
                            .to(Region::Table, Region::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_coverage_snapshot_region_taken")
                    .table(CoverageSnapshot::Table)
                    .col(CoverageSnapshot::RegionId)
                    .col(CoverageSnapshot::TakenAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_coverage_snapshot_taken")
                    .table(CoverageSnapshot::Table)
                    .col(CoverageSnapshot::TakenAt)
                    .to_owned(),
            )
            .await?;
        // The time is bound from chrono, as the service writes it, so that
        // both engines compare it with the periods the service opens later.
        // Whole microseconds, as the service writes them.
        use sea_orm_migration::sea_orm::prelude::{ChronoDateTimeUtc, ChronoUtc};
        let now = ChronoUtc::now();
        let now = ChronoDateTimeUtc::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
        let backend = db.get_database_backend();
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO responsibility_period \
               (organization_id, credit_code, from_at, to_at, basis, department_id) \
             SELECT id, credit_code, $1, NULL, resp_basis, resp_department_id FROM organization",
            [now.into()],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CoverageSnapshot::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ResponsibilityPeriod::Table).to_owned())
            .await
    }
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
enum CoverageSnapshot {
    Table,
    Id,
    TakenAt,
    RegionId,
    Organizations,
    PartyAffiliation,
    SupervisingUnit,
    Ruled,
    FallbackOnly,
    Unassigned,
    Organized,
    WorkCovered,
    ShouldEstablish,
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

#[derive(DeriveIden)]
enum Region {
    Table,
    Id,
}
