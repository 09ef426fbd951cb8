//! A line of work (部门条线) that exists at every level, e.g. EDUCATION.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "department_kind")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// COORDINATOR, SUPERVISOR or FALLBACK.
    pub role: String,
}

impl ActiveModelBehavior for ActiveModel {}
