//! The Query root, one module per aggregate.

mod admin;
mod category;
mod department;
mod ledger;
mod organization;
mod region;
mod responsibility;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Query(
    region::RegionQuery,
    department::DepartmentQuery,
    category::CategoryQuery,
    organization::OrganizationQuery,
    responsibility::ResponsibilityQuery,
    admin::AdminQuery,
    ledger::LedgerQuery,
);
