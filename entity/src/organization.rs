//! An organization (组织), keyed by its unified social credit code.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organization")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// 统一社会信用代码, normalised to upper case.
    #[sea_orm(unique)]
    pub credit_code: String,
    pub name: String,
    pub category_id: i32,
    /// Where the organization is located.
    pub region_id: i32,
    /// The level that manages it; None means its location.
    pub administering_region_id: Option<i32>,
    /// 业务主管单位.
    pub supervising_department_id: Option<i32>,
    /// 党组织关系隶属.
    pub party_affiliation_id: Option<i32>,
    /// OWN, JOINT or NONE.
    pub party_organization: String,
    pub work_covered: bool,
    pub party_member_count: i32,
    /// 典型: held up as a model.
    pub is_model: bool,
    /// Its credit code's type is not one its category admits (类别与代码不符);
    /// kept by the engine.
    pub category_mismatch: bool,
}

impl ActiveModelBehavior for ActiveModel {}
