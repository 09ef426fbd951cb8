//! The department of a kind at a region or its nearest ancestor that has
//! one. Derived, kept by the engine.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "effective_department")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub region_id: i32,
    pub department_id: i32,
}

impl ActiveModelBehavior for ActiveModel {}
