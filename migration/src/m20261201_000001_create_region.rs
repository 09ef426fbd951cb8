//! Regions and their closure table (ancestor, descendant, depth).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .if_not_exists()
                    .col(pk_auto(Region::Id))
                    .col(string_len_uniq(Region::Code, 12))
                    .col(string_len(Region::Name, 100))
                    .col(string_len(Region::Level, 16))
                    .col(integer_null(Region::ParentId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_region_parent")
                            .from(Region::Table, Region::ParentId)
                            .to(Region::Table, Region::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_region_parent")
                    .table(Region::Table)
                    .col(Region::ParentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_region_level")
                    .table(Region::Table)
                    .col(Region::Level)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RegionClosure::Table)
                    .if_not_exists()
                    .col(integer(RegionClosure::AncestorId))
                    .col(integer(RegionClosure::DescendantId))
                    .col(integer(RegionClosure::Depth))
                    .primary_key(
                        Index::create()
                            .col(RegionClosure::AncestorId)
                            .col(RegionClosure::DescendantId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_region_closure_ancestor")
                            .from(RegionClosure::Table, RegionClosure::AncestorId)
                            .to(Region::Table, Region::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_region_closure_descendant")
                            .from(RegionClosure::Table, RegionClosure::DescendantId)
                            .to(Region::Table, Region::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_region_closure_descendant")
                    .table(RegionClosure::Table)
                    .col(RegionClosure::DescendantId)
                    .col(RegionClosure::Depth)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RegionClosure::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Region::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Region {
    Table,
    Id,
    Code,
    Name,
    Level,
    ParentId,
}

#[derive(DeriveIden)]
enum RegionClosure {
    Table,
    AncestorId,
    DescendantId,
    Depth,
}
