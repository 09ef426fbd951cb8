//! The rule in force for organizations of a category located in a region:
//! the most specific category first, then the most local scope. Derived,
//! kept by the engine.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "effective_rule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: i32,
    pub rule_id: i32,
    pub kind_id: i32,
}

impl ActiveModelBehavior for ActiveModel {}
