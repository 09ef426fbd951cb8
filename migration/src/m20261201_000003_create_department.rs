//! Departments (one kind at one region) and their dedicated-staff contacts.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261201_000001_create_region::Region;
use crate::m20261201_000002_create_department_kind::DepartmentKind;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Department::Table)
                    .if_not_exists()
                    .col(pk_auto(Department::Id))
                    .col(string_len_uniq(Department::Code, 64))
                    .col(string_len(Department::Name, 200))
                    .col(integer(Department::KindId))
                    .col(integer(Department::RegionId))
                    .col(string_len_null(Department::DedicatedUnit, 200))
                    .col(string_len_null(Department::Method, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_department_kind")
                            .from(Department::Table, Department::KindId)
                            .to(DepartmentKind::Table, DepartmentKind::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_department_region")
                            .from(Department::Table, Department::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_department_kind_region")
                    .table(Department::Table)
                    .col(Department::KindId)
                    .col(Department::RegionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_department_region")
                    .table(Department::Table)
                    .col(Department::RegionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DepartmentContact::Table)
                    .if_not_exists()
                    .col(pk_auto(DepartmentContact::Id))
                    .col(integer(DepartmentContact::DepartmentId))
                    .col(integer(DepartmentContact::Position))
                    .col(string_len(DepartmentContact::Name, 100))
                    .col(string_len_null(DepartmentContact::Title, 100))
                    .col(string_len_null(DepartmentContact::Phone, 40))
                    .col(string_len_null(DepartmentContact::Email, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_department_contact_department")
                            .from(DepartmentContact::Table, DepartmentContact::DepartmentId)
                            .to(Department::Table, Department::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_department_contact_position")
                    .table(DepartmentContact::Table)
                    .col(DepartmentContact::DepartmentId)
                    .col(DepartmentContact::Position)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DepartmentContact::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Department::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Department {
    Table,
    Id,
    Code,
    Name,
    KindId,
    RegionId,
    DedicatedUnit,
    Method,
}

#[derive(DeriveIden)]
enum DepartmentContact {
    Table,
    Id,
    DepartmentId,
    Position,
    Name,
    Title,
    Phone,
    Email,
}
