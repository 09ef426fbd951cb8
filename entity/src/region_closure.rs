//! Ancestor/descendant pairs of the region tree, the region itself included at depth 0.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region_closure")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ancestor_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub descendant_id: i32,
    /// Steps from the ancestor down to the descendant.
    pub depth: i32,
}

impl ActiveModelBehavior for ActiveModel {}
