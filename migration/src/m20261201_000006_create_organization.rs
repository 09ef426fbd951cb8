//! Organizations, keyed by credit code, with an index for every lookup the API makes.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261201_000001_create_region::Region;
use crate::m20261201_000003_create_department::Department;
use crate::m20261201_000004_create_category::Category;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organization::Table)
                    .if_not_exists()
                    .col(pk_auto(Organization::Id))
                    .col(char_len_uniq(Organization::CreditCode, 18))
                    .col(string_len(Organization::Name, 200))
                    .col(integer(Organization::CategoryId))
                    .col(integer(Organization::RegionId))
                    .col(integer_null(Organization::AdministeringRegionId))
                    .col(integer_null(Organization::SupervisingDepartmentId))
                    .col(integer_null(Organization::PartyAffiliationId))
                    .col(string_len(Organization::PartyOrganization, 8))
                    .col(boolean(Organization::WorkCovered))
                    .col(integer(Organization::PartyMemberCount))
                    .col(boolean(Organization::IsModel))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organization_category")
                            .from(Organization::Table, Organization::CategoryId)
                            .to(Category::Table, Category::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organization_region")
                            .from(Organization::Table, Organization::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organization_administering_region")
                            .from(Organization::Table, Organization::AdministeringRegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organization_supervising_department")
                            .from(Organization::Table, Organization::SupervisingDepartmentId)
                            .to(Department::Table, Department::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organization_party_affiliation")
                            .from(Organization::Table, Organization::PartyAffiliationId)
                            .to(Department::Table, Department::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_organization_region", Organization::RegionId),
            ("ix_organization_category", Organization::CategoryId),
            (
                "ix_organization_administering_region",
                Organization::AdministeringRegionId,
            ),
            (
                "ix_organization_supervising_department",
                Organization::SupervisingDepartmentId,
            ),
            (
                "ix_organization_party_affiliation",
                Organization::PartyAffiliationId,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Organization::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Organization::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
#[allow(clippy::enum_variant_names)]
enum Organization {
    Table,
    Id,
    CreditCode,
    Name,
    CategoryId,
    RegionId,
    AdministeringRegionId,
    SupervisingDepartmentId,
    PartyAffiliationId,
    PartyOrganization,
    WorkCovered,
    PartyMemberCount,
    IsModel,
}
