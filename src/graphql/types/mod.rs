//! GraphQL objects wrapping entity models, and the enums and connections
//! of the contract.
//!
//! The object graph is cyclic by nature (a category lists its rules, a
//! rule names its category), so an object names another through this
//! module's re-exports below, never through a sibling file that may name
//! it back. Objects load what they need themselves (through the request's
//! loaders); the query and mutation roots above only pick the first one.

pub mod admin;
pub mod category;
pub mod connection;
pub mod coverage;
pub mod department;
pub mod enums;
pub mod ledger;
pub mod organization;
pub mod region;
pub mod responsibility;

pub use category::{Category, ResponsibilityRule};
pub use connection::{
    DepartmentConnection, OrganizationConnection, PageInfo, RegionConnection, TotalCount,
};
pub use coverage::{CoverageSummary, Oversight};
pub use department::{Contact, Department, DepartmentKind};
pub use ledger::Rectification;
pub use organization::Organization;
pub use region::Region;
pub use responsibility::Responsibility;

/// A row that a foreign key guarantees went missing: internal.
pub(crate) fn missing(what: &str) -> crate::graphql::error::ApiError {
    crate::error::Error::Database(sea_orm::DbErr::RecordNotFound(format!(
        "referenced {what} not found"
    )))
    .into()
}
