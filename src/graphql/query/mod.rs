//! The Query root, one module per aggregate.

mod admin;
mod category;
pub(crate) use responsibility::{coordinator_of, coverage_of, oversight_of};

mod department;
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
);

/// The complexity of a connection field: its selection counted once per
/// item it may return.
pub fn page_complexity(first: Option<i32>, child_complexity: usize) -> usize {
    let items = first.map_or(crate::domain::page::DEFAULT_PAGE_SIZE as usize, |n| {
        n.clamp(0, crate::domain::page::MAX_PAGE_SIZE as i32) as usize
    });
    1 + items.max(1) * child_complexity
}
