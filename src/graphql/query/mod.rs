//! The Query root, one module per aggregate.

mod category;
mod department;
mod organization;
mod region;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Query(
    region::RegionQuery,
    department::DepartmentQuery,
    category::CategoryQuery,
    organization::OrganizationQuery,
);
