//! A responsibility rule (主管责任): in a scope region and below (or everywhere),
//! organizations of a category and its subtree are overseen by a department kind.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responsibility_rule")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub category_id: i32,
    pub department_kind_id: i32,
    /// None: the rule holds everywhere.
    pub scope_region_id: Option<i32>,
    /// The document that established the rule.
    pub basis: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
