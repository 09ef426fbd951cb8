//! Schema migrations of orgmap: frozen history, one file per step, each with
//! a real `down`. No seed data here; the service loads reference data.

pub use sea_orm_migration::prelude::*;

mod m20261201_000001_create_region;
mod m20261201_000002_create_department_kind;
mod m20261201_000003_create_department;
mod m20261201_000004_create_category;
mod m20261201_000005_create_responsibility_rule;
mod m20261201_000006_create_organization;
mod m20261202_000001_create_resolution;
mod m20261203_000001_create_api_token;
mod m20261203_000002_create_change;
mod m20261203_000003_index_contested_by_region;
mod m20261204_000001_stage_index_changes;
mod m20261204_000002_credit_code_as_varchar;
mod m20261205_000001_index_basis_in_id_order;
mod m20261206_000001_count_should_establish;
mod m20261206_000002_add_credit_code_types;
mod m20261206_000010_fill_category_reference_text;
mod m20261207_000001_create_rectification;
mod m20261208_000001_create_history;
mod m20261209_000001_create_organization_name_gram;
mod m20261210_000001_append_responsibility_periods;
mod m20261210_000002_store_organization_gap_state;
mod m20261211_000001_narrow_responsibility;
mod m20261212_000001_index_periods_by_organization;
mod m20261213_000001_stage_cell_keys;
mod m20261214_000001_unconstrain_history;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261201_000001_create_region::Migration),
            Box::new(m20261201_000002_create_department_kind::Migration),
            Box::new(m20261201_000003_create_department::Migration),
            Box::new(m20261201_000004_create_category::Migration),
            Box::new(m20261201_000005_create_responsibility_rule::Migration),
            Box::new(m20261201_000006_create_organization::Migration),
            Box::new(m20261202_000001_create_resolution::Migration),
            Box::new(m20261203_000001_create_api_token::Migration),
            Box::new(m20261203_000002_create_change::Migration),
            Box::new(m20261203_000003_index_contested_by_region::Migration),
            Box::new(m20261204_000001_stage_index_changes::Migration),
            Box::new(m20261204_000002_credit_code_as_varchar::Migration),
            Box::new(m20261205_000001_index_basis_in_id_order::Migration),
            Box::new(m20261206_000001_count_should_establish::Migration),
            Box::new(m20261206_000002_add_credit_code_types::Migration),
            Box::new(m20261206_000010_fill_category_reference_text::Migration),
            Box::new(m20261207_000001_create_rectification::Migration),
            Box::new(m20261208_000001_create_history::Migration),
            Box::new(m20261209_000001_create_organization_name_gram::Migration),
            Box::new(m20261210_000001_append_responsibility_periods::Migration),
            Box::new(m20261210_000002_store_organization_gap_state::Migration),
            Box::new(m20261211_000001_narrow_responsibility::Migration),
            Box::new(m20261212_000001_index_periods_by_organization::Migration),
            Box::new(m20261213_000001_stage_cell_keys::Migration),
            Box::new(m20261214_000001_unconstrain_history::Migration),
        ]
    }
}
