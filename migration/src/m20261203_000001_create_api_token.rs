//! API tokens: a name, a role, an optional region the token is bound to, and
//! the SHA-256 of the secret (the secret itself is shown once and never
//! stored). A revoked token keeps its row, so the audit trail can name it.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261201_000001_create_region::Region;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiToken::Table)
                    .if_not_exists()
                    .col(pk_auto(ApiToken::Id))
                    .col(string_len_uniq(ApiToken::Name, 100))
                    .col(string_len(ApiToken::Role, 16))
                    .col(integer_null(ApiToken::RegionId))
                    .col(string_len_uniq(ApiToken::SecretHash, 64))
                    .col(timestamp_with_time_zone(ApiToken::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiToken::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_api_token_region")
                            .from(ApiToken::Table, ApiToken::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiToken::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum ApiToken {
    Table,
    Id,
    Name,
    Role,
    RegionId,
    SecretHash,
    CreatedAt,
    RevokedAt,
}
