//! One row of an organization's responsibility history, append-only: from
//! `from_at` its stored basis and department were these, up to (not
//! including) the `from_at` of its next row; the last row holds still.
//! A row without a basis closes without opening: the organization was
//! deleted then.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "responsibility_period")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// None once the organization was deleted (its rows stay).
    pub organization_id: Option<i32>,
    /// The organization's credit code, kept past its deletion.
    pub credit_code: String,
    pub from_at: DateTimeUtc,
    /// A `ResponsibilityBasis` value, as `responsibility.basis`; None:
    /// the organization was deleted at `from_at`.
    pub basis: Option<String>,
    pub department_id: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
