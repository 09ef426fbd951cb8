//! The one integration-test binary: one module per feature.

// Tests may panic on what cannot happen (STYLE.md §8: unwrap is allowed in tests).
#![allow(clippy::unwrap_used)]

mod helpers;

mod categories;
mod demo;
mod departments;
mod http;
mod limits;
mod organizations;
mod pagination;
mod reference_data;
mod regions;
mod rules;
mod schema;
