//! The one integration-test binary: one module per feature.

mod helpers;

mod http;
mod reference_data;
