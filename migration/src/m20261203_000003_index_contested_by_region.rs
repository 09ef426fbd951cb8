//! Contested organizations by region: the CONTESTED gap list of a region
//! subtree reads this index's range for each region of the subtree instead
//! of walking every organization of the subtree, as UNASSIGNED and
//! FALLBACK_ONLY do with (resp_basis, region_id).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_organization_resp_contested")
                    .table(Organization::Table)
                    .to_owned(),
            )
            .await?;
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
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_organization_resp_contested")
                    .table(Organization::Table)
                    .col(Organization::RespContested)
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
