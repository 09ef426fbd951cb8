//! Organization categories and their closure table.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Category::Table)
                    .if_not_exists()
                    .col(pk_auto(Category::Id))
                    .col(string_len_uniq(Category::Code, 64))
                    .col(string_len(Category::Name, 100))
                    .col(string_len_null(Category::Description, 1000))
                    .col(integer_null(Category::ParentId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_category_parent")
                            .from(Category::Table, Category::ParentId)
                            .to(Category::Table, Category::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_category_parent")
                    .table(Category::Table)
                    .col(Category::ParentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CategoryClosure::Table)
                    .if_not_exists()
                    .col(integer(CategoryClosure::AncestorId))
                    .col(integer(CategoryClosure::DescendantId))
                    .col(integer(CategoryClosure::Depth))
                    .primary_key(
                        Index::create()
                            .col(CategoryClosure::AncestorId)
                            .col(CategoryClosure::DescendantId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_category_closure_ancestor")
                            .from(CategoryClosure::Table, CategoryClosure::AncestorId)
                            .to(Category::Table, Category::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_category_closure_descendant")
                            .from(CategoryClosure::Table, CategoryClosure::DescendantId)
                            .to(Category::Table, Category::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_category_closure_descendant")
                    .table(CategoryClosure::Table)
                    .col(CategoryClosure::DescendantId)
                    .col(CategoryClosure::Depth)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CategoryClosure::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Category::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Category {
    Table,
    Id,
    Code,
    Name,
    Description,
    ParentId,
}

#[derive(DeriveIden)]
enum CategoryClosure {
    Table,
    AncestorId,
    DescendantId,
    Depth,
}
