//! A rectification milestone (整改节点): a batch of the ledger and the date
//! by which its items are due.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "milestone")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// YYYY-MM-DD, Asia/Shanghai.
    pub due_date: String,
}

impl ActiveModelBehavior for ActiveModel {}
