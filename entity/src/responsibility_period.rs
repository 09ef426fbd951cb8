//! One period of an organization's responsibility: from `from_at` up to
//! (not including) `to_at`, its stored basis and department stayed the same.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responsibility_period")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// None once the organization was deleted (its periods stay, closed).
    pub organization_id: Option<i32>,
    /// The organization's credit code, kept past its deletion.
    pub credit_code: String,
    pub from_at: DateTimeUtc,
    /// None: still current.
    pub to_at: Option<DateTimeUtc>,
    /// A `ResponsibilityBasis` value, as `organization.resp_basis`.
    pub basis: String,
    pub department_id: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
