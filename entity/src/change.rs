//! One write in the audit trail.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: DateTimeUtc,
    /// The name of the token that made the write (or the local user).
    pub actor: String,
    /// region, departmentKind, department, category, rule or organization.
    pub entity: String,
    /// The natural key of the changed row.
    pub entity_key: String,
    /// CREATE, UPDATE or DELETE.
    pub action: String,
    /// The region the row belongs to, for region-bound readers.
    pub region_id: Option<i32>,
    /// JSON of the values before (None when created).
    pub before: Option<String>,
    /// JSON of the values after (None when deleted).
    pub after: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
