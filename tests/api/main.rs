//! The one integration-test binary: one module per feature.

// Tests may panic on what cannot happen (STYLE.md §8: unwrap is allowed in tests).
#![allow(clippy::unwrap_used)]

mod helpers;

mod access_log;
mod audit_trail;
mod authentication;
mod backup;
mod catalogs;
mod categories;
mod category_mismatch;
mod command_line;
mod compression;
mod concurrency;
mod connections;
mod coverage;
mod crash_safety;
mod dashboard;
mod deadlines;
mod demo;
mod departments;
mod gaps;
mod history;
mod history_report;
mod http;
mod impact;
mod import_export;
mod import_write_path;
mod introspection;
mod kind_roles;
mod languages;
mod ledger;
mod ledger_state;
mod limits;
mod maintenance;
mod metrics;
mod name_search;
mod organizations;
mod outage;
mod pagination;
mod panics;
mod probes;
mod reference_data;
mod refused_requests;
mod region_scope;
mod regions;
mod report;
mod resolution;
mod roles;
mod rules;
mod schema;
mod sessions;
mod should_establish;
mod stored_responsibility;
mod subscription;
