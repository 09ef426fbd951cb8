//! Responsibility rules, unique per (category, scope) with the unscoped rule
//! included: NULL scopes are distinct in a plain unique index, so a partial
//! unique index covers the rule that holds everywhere.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261201_000001_create_region::Region;
use crate::m20261201_000002_create_department_kind::DepartmentKind;
use crate::m20261201_000004_create_category::Category;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ResponsibilityRule::Table)
                    .if_not_exists()
                    .col(pk_auto(ResponsibilityRule::Id))
                    .col(integer(ResponsibilityRule::CategoryId))
                    .col(integer(ResponsibilityRule::DepartmentKindId))
                    .col(integer_null(ResponsibilityRule::ScopeRegionId))
                    .col(string_len_null(ResponsibilityRule::Basis, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rule_category")
                            .from(ResponsibilityRule::Table, ResponsibilityRule::CategoryId)
                            .to(Category::Table, Category::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rule_kind")
                            .from(
                                ResponsibilityRule::Table,
                                ResponsibilityRule::DepartmentKindId,
                            )
                            .to(DepartmentKind::Table, DepartmentKind::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rule_scope")
                            .from(ResponsibilityRule::Table, ResponsibilityRule::ScopeRegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_rule_category_scope")
                    .table(ResponsibilityRule::Table)
                    .col(ResponsibilityRule::CategoryId)
                    .col(ResponsibilityRule::ScopeRegionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX ux_rule_category_everywhere \
                 ON responsibility_rule (category_id) WHERE scope_region_id IS NULL",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_rule_scope")
                    .table(ResponsibilityRule::Table)
                    .col(ResponsibilityRule::ScopeRegionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_rule_kind")
                    .table(ResponsibilityRule::Table)
                    .col(ResponsibilityRule::DepartmentKindId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ResponsibilityRule::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ResponsibilityRule {
    Table,
    Id,
    CategoryId,
    DepartmentKindId,
    ScopeRegionId,
    Basis,
}
