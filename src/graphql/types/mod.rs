//! GraphQL objects wrapping entity models, and the enums and connections
//! of the contract.

pub mod admin;
pub mod category;
pub mod connection;
pub mod coverage;
pub mod department;
pub mod enums;
pub mod organization;
pub mod region;
pub mod responsibility;

pub use category::{Category, ResponsibilityRule};
pub use connection::{
    DepartmentConnection, OrganizationConnection, PageInfo, RegionConnection, TotalCount,
};
pub use department::{Contact, Department, DepartmentKind};
pub use organization::Organization;
pub use region::Region;
pub use responsibility::Responsibility;
