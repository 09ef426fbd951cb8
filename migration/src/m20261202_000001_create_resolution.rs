//! The responsibility engine's storage: each organization's resolved
//! responsibility (maintained on every write), the effective rule per
//! (category, region), the nearest department per (kind, region), the
//! township fallback per region, their staging and work tables, and the
//! engine's version row.
//!
//! The `resp_*` columns are derived data kept by the engine inside the
//! writing transaction; they carry no foreign keys so that a rule can be
//! deleted and the organizations it decided re-resolved in one transaction.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            string_len(Organization::RespBasis, 20)
                .default("NONE")
                .take(),
            integer_null(Organization::RespDepartmentId),
            integer_null(Organization::RespKindId),
            integer_null(Organization::RespRuleId),
            integer_null(Organization::RespRuleKindId),
            integer_null(Organization::RespRuleDepartmentId),
            integer_null(Organization::RespFallbackDepartmentId),
            boolean(Organization::RespContested).default(false).take(),
        ];
        // SQLite alters one column per statement.
        for column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organization::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for (name, cols) in [
            (
                "ix_organization_resp_basis",
                vec![Organization::RespBasis, Organization::RegionId],
            ),
            (
                "ix_organization_resp_department",
                vec![Organization::RespDepartmentId],
            ),
            (
                "ix_organization_resp_contested",
                vec![Organization::RespContested],
            ),
            (
                "ix_organization_category_region",
                vec![Organization::CategoryId, Organization::RegionId],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(Organization::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        for table in [EffectiveRule::Table, EffectiveRule::NextTable] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .if_not_exists()
                        .col(integer(EffectiveRule::CategoryId))
                        .col(integer(EffectiveRule::RegionId))
                        .col(integer(EffectiveRule::RuleId))
                        .col(integer(EffectiveRule::KindId))
                        .primary_key(
                            Index::create()
                                .col(EffectiveRule::CategoryId)
                                .col(EffectiveRule::RegionId),
                        )
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_effective_rule_region_kind")
                    .table(EffectiveRule::Table)
                    .col(EffectiveRule::RegionId)
                    .col(EffectiveRule::KindId)
                    .to_owned(),
            )
            .await?;
        for table in [EffectiveDepartment::Table, EffectiveDepartment::NextTable] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .if_not_exists()
                        .col(integer(EffectiveDepartment::KindId))
                        .col(integer(EffectiveDepartment::RegionId))
                        .col(integer(EffectiveDepartment::DepartmentId))
                        .primary_key(
                            Index::create()
                                .col(EffectiveDepartment::KindId)
                                .col(EffectiveDepartment::RegionId),
                        )
                        .to_owned(),
                )
                .await?;
        }
        for table in [EffectiveFallback::Table, EffectiveFallback::NextTable] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .if_not_exists()
                        .col(integer(EffectiveFallback::RegionId).primary_key())
                        .col(integer(EffectiveFallback::DepartmentId))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(DirtyRulePair::Table)
                    .if_not_exists()
                    .col(integer(DirtyRulePair::CategoryId))
                    .col(integer(DirtyRulePair::RegionId))
                    .primary_key(
                        Index::create()
                            .col(DirtyRulePair::CategoryId)
                            .col(DirtyRulePair::RegionId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DirtyDepartmentPair::Table)
                    .if_not_exists()
                    .col(integer(DirtyDepartmentPair::KindId))
                    .col(integer(DirtyDepartmentPair::RegionId))
                    .primary_key(
                        Index::create()
                            .col(DirtyDepartmentPair::KindId)
                            .col(DirtyDepartmentPair::RegionId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DirtyFallbackRegion::Table)
                    .if_not_exists()
                    .col(integer(DirtyFallbackRegion::RegionId).primary_key())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DirtyOrganization::Table)
                    .if_not_exists()
                    .col(integer(DirtyOrganization::Id).primary_key())
                    .to_owned(),
            )
            .await?;
        // The new resolution of the organizations a write changes, between
        // computing it and storing it.
        manager
            .create_table(
                Table::create()
                    .table(ResolutionNext::Table)
                    .if_not_exists()
                    .col(integer(ResolutionNext::Id).primary_key())
                    .col(string_len(ResolutionNext::Basis, 20))
                    .col(integer_null(ResolutionNext::DepartmentId))
                    .col(integer_null(ResolutionNext::KindId))
                    .col(integer_null(ResolutionNext::RuleId))
                    .col(integer_null(ResolutionNext::RuleKindId))
                    .col(integer_null(ResolutionNext::RuleDepartmentId))
                    .col(integer_null(ResolutionNext::FallbackDepartmentId))
                    .col(boolean(ResolutionNext::Contested))
                    .to_owned(),
            )
            .await?;
        // Organization counts by everything coverage and gaps group on,
        // kept with every write: figures sum a few thousand cells instead
        // of counting a million organizations.
        manager
            .create_table(
                Table::create()
                    .table(CoverageCell::Table)
                    .if_not_exists()
                    .col(integer(CoverageCell::RegionId))
                    .col(integer(CoverageCell::AdminRegionId))
                    .col(integer(CoverageCell::CategoryId))
                    .col(string_len(CoverageCell::Basis, 20))
                    .col(integer(CoverageCell::DepartmentId))
                    .col(integer(CoverageCell::KindId))
                    .col(integer(CoverageCell::Contested))
                    .col(integer(CoverageCell::Ruled))
                    .col(integer(CoverageCell::MissingKindId))
                    .col(big_integer(CoverageCell::N))
                    .col(big_integer(CoverageCell::Organized))
                    .col(big_integer(CoverageCell::Covered))
                    .primary_key(
                        Index::create()
                            .col(CoverageCell::RegionId)
                            .col(CoverageCell::AdminRegionId)
                            .col(CoverageCell::CategoryId)
                            .col(CoverageCell::Basis)
                            .col(CoverageCell::DepartmentId)
                            .col(CoverageCell::KindId)
                            .col(CoverageCell::Contested)
                            .col(CoverageCell::Ruled)
                            .col(CoverageCell::MissingKindId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_coverage_cell_department")
                    .table(CoverageCell::Table)
                    .col(CoverageCell::DepartmentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EngineState::Table)
                    .if_not_exists()
                    .col(integer(EngineState::Id).primary_key())
                    .col(big_integer(EngineState::Version))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EngineState::Table.into_iden(),
            CoverageCell::Table.into_iden(),
            ResolutionNext::Table.into_iden(),
            DirtyOrganization::Table.into_iden(),
            DirtyFallbackRegion::Table.into_iden(),
            DirtyDepartmentPair::Table.into_iden(),
            DirtyRulePair::Table.into_iden(),
            EffectiveFallback::NextTable.into_iden(),
            EffectiveFallback::Table.into_iden(),
            EffectiveDepartment::NextTable.into_iden(),
            EffectiveDepartment::Table.into_iden(),
            EffectiveRule::NextTable.into_iden(),
            EffectiveRule::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for index in [
            "ix_organization_resp_basis",
            "ix_organization_resp_department",
            "ix_organization_resp_contested",
            "ix_organization_category_region",
        ] {
            manager
                .drop_index(
                    Index::drop()
                        .name(index)
                        .table(Organization::Table)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Organization::RespBasis,
            Organization::RespDepartmentId,
            Organization::RespKindId,
            Organization::RespRuleId,
            Organization::RespRuleKindId,
            Organization::RespRuleDepartmentId,
            Organization::RespFallbackDepartmentId,
            Organization::RespContested,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Organization::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    CategoryId,
    RegionId,
    RespBasis,
    RespDepartmentId,
    RespKindId,
    RespRuleId,
    RespRuleKindId,
    RespRuleDepartmentId,
    RespFallbackDepartmentId,
    RespContested,
}

#[derive(DeriveIden)]
enum EffectiveRule {
    Table,
    #[sea_orm(iden = "effective_rule_next")]
    NextTable,
    CategoryId,
    RegionId,
    RuleId,
    KindId,
}

#[derive(DeriveIden)]
enum EffectiveDepartment {
    Table,
    #[sea_orm(iden = "effective_department_next")]
    NextTable,
    KindId,
    RegionId,
    DepartmentId,
}

#[derive(DeriveIden)]
enum EffectiveFallback {
    Table,
    #[sea_orm(iden = "effective_fallback_next")]
    NextTable,
    RegionId,
    DepartmentId,
}

#[derive(DeriveIden)]
enum DirtyRulePair {
    Table,
    CategoryId,
    RegionId,
}

#[derive(DeriveIden)]
enum DirtyDepartmentPair {
    Table,
    KindId,
    RegionId,
}

#[derive(DeriveIden)]
enum DirtyFallbackRegion {
    Table,
    RegionId,
}

#[derive(DeriveIden)]
enum DirtyOrganization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ResolutionNext {
    Table,
    Id,
    Basis,
    DepartmentId,
    KindId,
    RuleId,
    RuleKindId,
    RuleDepartmentId,
    FallbackDepartmentId,
    Contested,
}

#[derive(DeriveIden)]
enum CoverageCell {
    Table,
    RegionId,
    AdminRegionId,
    CategoryId,
    Basis,
    DepartmentId,
    KindId,
    Contested,
    Ruled,
    MissingKindId,
    N,
    Organized,
    Covered,
}

#[derive(DeriveIden)]
enum EngineState {
    Table,
    Id,
    Version,
}
