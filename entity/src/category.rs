//! An organization category (组织类别), a node of the category tree.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "category")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<i32>,
    /// The credit-code types (first two characters) its organizations may
    /// carry, joined by `|` (`91|93`); empty: those of its parent.
    pub credit_code_types: String,
}

impl ActiveModelBehavior for ActiveModel {}
