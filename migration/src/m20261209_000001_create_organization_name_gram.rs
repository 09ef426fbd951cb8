//! The character bigrams of every organization's name
//! (`organization_name_gram`): what `nameContains` looks a query's rarest
//! bigrams up in, instead of reading every name. One row per distinct
//! bigram of the lower-cased name and organization; the domain
//! (`src/domain/search.rs`) keeps it current on every write of a name. This
//! migration fills it for the organizations already stored, in one
//! statement.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A frozen copy of the domain's gram statement: every distinct pair of
/// adjacent characters of `lower(name)` (characters, not bytes, on both
/// engines), generated in SQL so that the grams are lower-cased by the
/// same `lower` that the substring predicate uses.
const FILL: &str = "INSERT INTO organization_name_gram (gram, organization_id) \
    WITH RECURSIVE gram_position (i) AS ( \
      SELECT 1 UNION ALL SELECT i + 1 FROM gram_position \
      WHERE i < (SELECT MAX(length(name)) FROM organization)) \
    SELECT DISTINCT substr(lower(o.name), p.i, 2), o.id \
    FROM organization o JOIN gram_position p ON p.i < length(lower(o.name))";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Raw SQL: sea-query cannot say WITHOUT ROWID (SQLite keeps the
        // rows in the primary key's tree, with no second copy) nor the "C"
        // collation (PostgreSQL compares the grams as bytes, which is all
        // an equality lookup needs).
        let create = match db.get_database_backend() {
            DbBackend::Sqlite => {
                "CREATE TABLE organization_name_gram ( \
                   gram TEXT NOT NULL, \
                   organization_id INTEGER NOT NULL \
                     REFERENCES organization (id) ON DELETE CASCADE, \
                   PRIMARY KEY (gram, organization_id) \
                 ) WITHOUT ROWID"
            }
            _ => {
                "CREATE TABLE organization_name_gram ( \
                   gram TEXT COLLATE \"C\" NOT NULL, \
                   organization_id INTEGER NOT NULL \
                     REFERENCES organization (id) ON DELETE CASCADE, \
                   PRIMARY KEY (gram, organization_id) \
                 )"
            }
        };
        db.execute_unprepared(create).await?;
        // Renames and deletes find an organization's grams by this index.
        db.execute_unprepared(
            "CREATE INDEX ix_organization_name_gram_organization \
             ON organization_name_gram (organization_id)",
        )
        .await?;
        db.execute_unprepared(FILL).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE organization_name_gram")
            .await?;
        Ok(())
    }
}
