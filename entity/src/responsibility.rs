//! An organization's stored responsibility, kept by the engine on every
//! write: a narrow row of its own beside the organization (same id), so
//! that a re-resolution rewrites these few columns and not the whole
//! organization row.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responsibility")]
pub struct Model {
    /// The organization's id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// The step that decided: PARTY_AFFILIATION, SUPERVISING_UNIT, RULE,
    /// FALLBACK or NONE.
    pub basis: String,
    /// The responsible department; None for a blind spot.
    pub department_id: Option<i32>,
    /// The kind of the responsible department.
    pub kind_id: Option<i32>,
    /// The rule in force for the category at the location, whether or not it decided.
    pub rule_id: Option<i32>,
    /// The kind that rule names.
    pub rule_kind_id: Option<i32>,
    /// The department that rule names; None when its kind has none up the chain.
    pub rule_department_id: Option<i32>,
    /// The township fallback department of the location, if any.
    pub fallback_department_id: Option<i32>,
    /// True when steps 1-3 name more than one distinct department.
    pub contested: bool,
}

impl ActiveModelBehavior for ActiveModel {}
