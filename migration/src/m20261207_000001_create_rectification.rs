//! The rectification ledger (整改台账): milestones (整改节点), ledger items
//! that each track one coverage gap by its stable key, and the events of
//! every item (status changes, notes, owner and due-date changes). Nothing
//! in these tables is ever deleted.
//!
//! Dates (`due_date`) are Asia/Shanghai calendar dates held as
//! `YYYY-MM-DD` text: they compare in date order as text on both engines
//! and need no time zone. The partial unique index makes "at most one item
//! short of VERIFIED per gap key" hold in the database itself.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Milestone::Table)
                    .if_not_exists()
                    .col(pk_auto(Milestone::Id))
                    .col(string_len_uniq(Milestone::Code, 50))
                    .col(string_len(Milestone::Name, 200))
                    .col(string_len(Milestone::DueDate, 10))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Rectification::Table)
                    .if_not_exists()
                    .col(pk_auto(Rectification::Id))
                    .col(string_len(Rectification::GapKey, 200))
                    .col(string_len(Rectification::GapKind, 32))
                    .col(integer_null(Rectification::OrganizationId))
                    .col(integer_null(Rectification::CategoryId))
                    .col(integer(Rectification::RegionId))
                    .col(integer_null(Rectification::DepartmentId))
                    .col(integer_null(Rectification::DepartmentKindId))
                    .col(integer(Rectification::OwnerDepartmentId))
                    .col(integer_null(Rectification::MilestoneId))
                    .col(string_len(Rectification::DueDate, 10))
                    .col(string_len(Rectification::Status, 16))
                    .col(timestamp_with_time_zone(Rectification::OpenedAt))
                    .col(timestamp_with_time_zone_null(Rectification::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_organization")
                            .from(Rectification::Table, Rectification::OrganizationId)
                            .to(Organization::Table, Organization::Id)
                            // An organization may be deleted; its item stays
                            // (by its key) and its gap is then gone.
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_category")
                            .from(Rectification::Table, Rectification::CategoryId)
                            .to(Category::Table, Category::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_region")
                            .from(Rectification::Table, Rectification::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_department")
                            .from(Rectification::Table, Rectification::DepartmentId)
                            .to(Department::Table, Department::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_department_kind")
                            .from(Rectification::Table, Rectification::DepartmentKindId)
                            .to(DepartmentKind::Table, DepartmentKind::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_owner")
                            .from(Rectification::Table, Rectification::OwnerDepartmentId)
                            .to(Department::Table, Department::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_milestone")
                            .from(Rectification::Table, Rectification::MilestoneId)
                            .to(Milestone::Table, Milestone::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RectificationEvent::Table)
                    .if_not_exists()
                    .col(pk_auto(RectificationEvent::Id))
                    .col(integer(RectificationEvent::RectificationId))
                    .col(timestamp_with_time_zone(RectificationEvent::At))
                    .col(string_len_null(RectificationEvent::Actor, 100))
                    .col(string_len(RectificationEvent::Status, 16))
                    .col(text_null(RectificationEvent::Note))
                    .col(integer_null(RectificationEvent::OwnerBeforeId))
                    .col(integer_null(RectificationEvent::OwnerAfterId))
                    .col(string_len_null(RectificationEvent::DueDateBefore, 10))
                    .col(string_len_null(RectificationEvent::DueDateAfter, 10))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_event_item")
                            .from(
                                RectificationEvent::Table,
                                RectificationEvent::RectificationId,
                            )
                            .to(Rectification::Table, Rectification::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_event_owner_before")
                            .from(RectificationEvent::Table, RectificationEvent::OwnerBeforeId)
                            .to(Department::Table, Department::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_rectification_event_owner_after")
                            .from(RectificationEvent::Table, RectificationEvent::OwnerAfterId)
                            .to(Department::Table, Department::Id),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in [
            // At most one item short of VERIFIED per gap, whoever opens it.
            "CREATE UNIQUE INDEX ux_rectification_active_key ON rectification (gap_key) \
             WHERE status <> 'VERIFIED'",
            // Every item of a key (the reopened count, the export by key).
            "CREATE INDEX ix_rectification_key ON rectification (gap_key, id)",
            // The default order of the list: due date, then id; by region
            // for a subtree's page and summary.
            "CREATE INDEX ix_rectification_due ON rectification (due_date, id)",
            "CREATE INDEX ix_rectification_region ON rectification (region_id, status, due_date)",
            "CREATE INDEX ix_rectification_status ON rectification (status, due_date, id)",
            "CREATE INDEX ix_rectification_owner ON rectification (owner_department_id, status)",
            "CREATE INDEX ix_rectification_milestone ON rectification (milestone_id, status)",
            "CREATE INDEX ix_rectification_organization ON rectification (organization_id)",
            "CREATE INDEX ix_rectification_event_item ON rectification_event (rectification_id, id)",
            // The live check of a MISSING_DEPARTMENT item looks its cells up
            // by administering region (the primary key leads by location).
            "CREATE INDEX ix_coverage_cell_missing ON coverage_cell \
             (admin_region_id, category_id, missing_kind_id)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX ix_coverage_cell_missing")
            .await?;
        manager
            .drop_table(Table::drop().table(RectificationEvent::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Rectification::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Milestone::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Milestone {
    Table,
    Id,
    Code,
    Name,
    DueDate,
}

#[derive(DeriveIden)]
enum Rectification {
    Table,
    Id,
    GapKey,
    GapKind,
    OrganizationId,
    CategoryId,
    RegionId,
    DepartmentId,
    DepartmentKindId,
    OwnerDepartmentId,
    MilestoneId,
    DueDate,
    Status,
    OpenedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum RectificationEvent {
    Table,
    Id,
    RectificationId,
    At,
    Actor,
    Status,
    Note,
    OwnerBeforeId,
    OwnerAfterId,
    DueDateBefore,
    DueDateAfter,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Category {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Region {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Department {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DepartmentKind {
    Table,
    Id,
}
