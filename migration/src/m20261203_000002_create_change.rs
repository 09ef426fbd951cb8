//! The audit trail: one row per write, with who made it, when, the entity
//! and its natural key, and the values before and after (JSON text).
//! `region_id` is the region the changed row belongs to, so that a
//! region-bound administrator sees only the changes in its subtree.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Change::Table)
                    .if_not_exists()
                    .col(pk_auto(Change::Id))
                    .col(timestamp_with_time_zone(Change::At))
                    .col(string_len(Change::Actor, 100))
                    .col(string_len(Change::Entity, 32))
                    .col(string_len(Change::EntityKey, 200))
                    .col(string_len(Change::Action, 16))
                    .col(integer_null(Change::RegionId))
                    .col(text_null(Change::Before))
                    .col(text_null(Change::After))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_change_entity_at")
                    .table(Change::Table)
                    .col(Change::Entity)
                    .col(Change::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_change_at")
                    .table(Change::Table)
                    .col(Change::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Change::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Change {
    Table,
    Id,
    At,
    Actor,
    Entity,
    EntityKey,
    Action,
    RegionId,
    Before,
    After,
}
