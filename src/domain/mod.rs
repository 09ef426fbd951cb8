//! The domain of orgmap: one module per aggregate, value types that parse
//! their input, and the database access they need. Nothing here knows of
//! GraphQL or HTTP.

pub mod category;
pub mod db;
pub mod department;
pub mod kind;
pub mod organization;
pub mod page;
pub mod reference;
pub mod region;
pub mod rule;
pub mod scope;
pub mod values;
