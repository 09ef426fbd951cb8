//! 类别与代码不符 (CATEGORY_MISMATCH): the credit-code types a category
//! admits (`category.credit_code_types`, the code's first two characters
//! joined by `|`, e.g. `91|93`; empty: those of its parent), whether an
//! organization's code has a type its category does not admit
//! (`organization.category_mismatch`, kept by the engine on every write),
//! their count in the coverage cells (`mismatched`), and a partial index
//! over the mismatched organizations for the gap list.
//!
//! Existing databases get the reference categories' types by code (GB
//! 32100-2015, as the reference data loads them into a new database), and
//! the engine's version goes back to 0, so that the next start-up computes
//! every flag and recounts every cell.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "ix_organization_category_mismatch";

/// The reference categories' types, as `src/domain/reference.rs` has them
/// when this migration was written (migrations are frozen history).
const REFERENCE_TYPES: [(&str, &str); 18] = [
    ("NON_PUBLIC_ECONOMIC", "91|93"),
    ("SOLE_PROPRIETOR", "92"),
    ("SOCIAL_ORGANIZATION", "51|52|53"),
    ("SOCIAL_GROUP", "51"),
    ("ACADEMIC_SOCIETY", "51"),
    ("RESEARCH_ASSOCIATION", "51"),
    ("HEALTH_ASSOCIATION", "51"),
    ("TRADE_ASSOCIATION", "51"),
    ("CHAMBER_OF_COMMERCE", "51"),
    ("PRIVATE_NON_ENTERPRISE", "52"),
    ("FOUNDATION", "53"),
    ("EDUCATION_FOUNDATION", "53"),
    ("DISEASE_PREVENTION_FOUNDATION", "53"),
    ("PRIVATE_SCHOOL", "52|91"),
    ("PRIVATE_HOSPITAL", "52|91"),
    ("LAW_FIRM", "31|51"),
    ("NOTARY", "32"),
    ("FORENSIC_APPRAISAL", "34"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Category::Table)
                    .add_column(string_len(Category::CreditCodeTypes, 100).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .add_column(boolean(Organization::CategoryMismatch).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CoverageCell::Table)
                    .add_column(big_integer(CoverageCell::Mismatched).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // The predicate is the gap list's (gaps.rs), word for word.
        db.execute_unprepared(&format!(
            "CREATE INDEX {INDEX} ON organization (id, region_id) WHERE category_mismatch = TRUE"
        ))
        .await?;
        for (code, types) in REFERENCE_TYPES {
            // Codes and types are this file's constants, not input.
            db.execute_unprepared(&format!(
                "UPDATE category SET credit_code_types = '{types}' WHERE code = '{code}'"
            ))
            .await?;
        }
        db.execute_unprepared("UPDATE engine_state SET version = 0")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(Organization::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CoverageCell::Table)
                    .drop_column(CoverageCell::Mismatched)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organization::Table)
                    .drop_column(Organization::CategoryMismatch)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Category::Table)
                    .drop_column(Category::CreditCodeTypes)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Category {
    Table,
    CreditCodeTypes,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    CategoryMismatch,
}

#[derive(DeriveIden)]
enum CoverageCell {
    Table,
    Mismatched,
}
