//! A ledger item (整改台账条目): one coverage gap, tracked by its stable key,
//! with an owner department, a due date and a status.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rectification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The gap's stable key (its kind and the natural codes it concerns).
    pub gap_key: String,
    /// The gap kind, as the GraphQL enum spells it (UNASSIGNED …).
    pub gap_kind: String,
    pub organization_id: Option<i32>,
    pub category_id: Option<i32>,
    /// The organization's location, the administering region, the region
    /// without a rule, or the department's region.
    pub region_id: i32,
    pub department_id: Option<i32>,
    pub department_kind_id: Option<i32>,
    pub owner_department_id: i32,
    pub milestone_id: Option<i32>,
    /// YYYY-MM-DD, Asia/Shanghai.
    pub due_date: String,
    /// OPEN, IN_PROGRESS, RESOLVED or VERIFIED.
    pub status: String,
    pub opened_at: DateTimeUtc,
    /// When it first became RESOLVED.
    pub closed_at: Option<DateTimeUtc>,
    /// For a gap of one organization: whether it is there now, kept by every
    /// write of the organization. None for the other kinds (read live).
    pub organization_gap_open: Option<bool>,
}

impl ActiveModelBehavior for ActiveModel {}
