//! The coverage counts of one region subtree at one moment: one row per
//! region per snapshot. Rates are computed from the counts when read.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coverage_snapshot")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub taken_at: DateTimeUtc,
    pub region_id: i32,
    pub organizations: i64,
    /// Counts by basis: PARTY_AFFILIATION, SUPERVISING_UNIT, RULE,
    /// FALLBACK (fallback only) and NONE (unassigned).
    pub party_affiliation: i64,
    pub supervising_unit: i64,
    pub ruled: i64,
    pub fallback_only: i64,
    pub unassigned: i64,
    /// Party organization OWN or JOINT.
    pub organized: i64,
    /// OWN, JOINT, or NONE with work coverage.
    pub work_covered: i64,
    /// 应建未建.
    pub should_establish: i64,
}

impl ActiveModelBehavior for ActiveModel {}
