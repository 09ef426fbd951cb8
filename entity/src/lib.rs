//! SeaORM entities of orgmap: one module per table, plain columns only.
//!
//! Relations are resolved by the service (set-based SQL and per-request
//! DataLoaders), so the entities declare columns and custom finders, not
//! relation graphs.

pub mod api_token;
pub mod category;
pub mod category_closure;
pub mod change;
pub mod coverage_snapshot;
pub mod department;
pub mod department_contact;
pub mod department_kind;
pub mod effective_department;
pub mod effective_rule;
pub mod enums;
pub mod milestone;
pub mod organization;
pub mod rectification;
pub mod rectification_event;
pub mod region;
pub mod region_closure;
pub mod responsibility;
pub mod responsibility_period;
pub mod responsibility_rule;

pub mod prelude {
    pub use super::category::Entity as Category;
    pub use super::category_closure::Entity as CategoryClosure;
    pub use super::department::Entity as Department;
    pub use super::department_contact::Entity as DepartmentContact;
    pub use super::department_kind::Entity as DepartmentKind;
    pub use super::organization::Entity as Organization;
    pub use super::region::Entity as Region;
    pub use super::region_closure::Entity as RegionClosure;
    pub use super::responsibility::Entity as Responsibility;
    pub use super::responsibility_rule::Entity as ResponsibilityRule;
}
