//! A department (部门): one kind at one region.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "department")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub kind_id: i32,
    pub region_id: i32,
    /// 专门组织: the unit dedicated to the work.
    pub dedicated_unit: Option<String>,
    /// 专门办法: the document that sets out the method.
    pub method: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
