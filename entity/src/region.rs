//! An administrative region (行政区划): province, city, county, township or subdistrict.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "region")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// GB/T 2260 code: 6 digits down to county, 9 for townships and subdistricts.
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// PROVINCE, CITY, COUNTY, TOWNSHIP or SUBDISTRICT.
    pub level: String,
    pub parent_id: Option<i32>,
}

impl ActiveModelBehavior for ActiveModel {}
