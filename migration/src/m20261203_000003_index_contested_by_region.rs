//! Contested organizations by region: the CONTESTED gap list of a region
//! subtree reads this index's range for each region of the subtree instead
//! of walking every contested organization in id order and probing its
//! region (2.4 s for a province of 1,000,000 organizations, 0.5 ms with
//! it), as UNASSIGNED and FALLBACK_ONLY do with (resp_basis, region_id).
//! The single-column index stays: it serves the list without a region in
//! id order.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_organization_contested_region")
                    .table(Organization::Table)
                    .col(Organization::RespContested)
                    .col(Organization::RegionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_organization_contested_region")
                    .table(Organization::Table)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    RespContested,
    RegionId,
}
