//! One event in a ledger item's history: its opening, a status change, a
//! note, an owner or due-date change, with who and when.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rectification_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub rectification_id: i32,
    pub at: DateTimeUtc,
    /// The token's name; None for open local use.
    pub actor: Option<String>,
    /// The item's status after the event.
    pub status: String,
    pub note: Option<String>,
    pub owner_before_id: Option<i32>,
    pub owner_after_id: Option<i32>,
    pub due_date_before: Option<String>,
    pub due_date_after: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
