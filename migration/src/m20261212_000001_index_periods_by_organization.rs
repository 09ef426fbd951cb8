//! The history's index narrows from a unique `(organization_id, from_at)`
//! to `(organization_id)` alone.
//!
//! A re-resolution of 100,000 organizations scattered over a province
//! inserts one row each into that index, and so rewrites nearly every one
//! of its pages whatever its width: at 1,000,000 organizations with a year
//! of history (2.9 million rows) the unique index took 129 MB on SQLite,
//! where `from_at` is text, and was 97 MB of the 174 MB of write-ahead log
//! one rule change wrote. The organization's own index is a fraction of
//! that. An organization has a handful of rows, so "its latest row at or
//! before T" is still one descent, now followed by a read of those few.
//!
//! The unique index was also the conflict target of a write that changes
//! one organization twice at one instant; the history now deletes the
//! earlier row of that instant itself (see `periods`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UNIQUE: &str = "ux_responsibility_period_organization_from";
const BY_ORGANIZATION: &str = "ix_responsibility_period_organization";

#[derive(DeriveIden)]
enum ResponsibilityPeriod {
    Table,
    OrganizationId,
    FromAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(UNIQUE)
                    .table(ResponsibilityPeriod::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BY_ORGANIZATION)
                    .table(ResponsibilityPeriod::Table)
                    .col(ResponsibilityPeriod::OrganizationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(BY_ORGANIZATION)
                    .table(ResponsibilityPeriod::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(UNIQUE)
                    .table(ResponsibilityPeriod::Table)
                    .col(ResponsibilityPeriod::OrganizationId)
                    .col(ResponsibilityPeriod::FromAt)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
