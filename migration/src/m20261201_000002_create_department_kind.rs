//! Department kinds (部门条线).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DepartmentKind::Table)
                    .if_not_exists()
                    .col(pk_auto(DepartmentKind::Id))
                    .col(string_len_uniq(DepartmentKind::Code, 64))
                    .col(string_len(DepartmentKind::Name, 100))
                    .col(string_len(DepartmentKind::Role, 16))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DepartmentKind::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum DepartmentKind {
    Table,
    Id,
    Code,
    Name,
    Role,
}
