//! orgmap: who is responsible for this organization, and where is nobody
//! responsible? A GraphQL service that maps two-new organizations (两新组织)
//! to the departments that oversee them.
//!
//! - [`domain`]: the aggregates, their validation and database access.
//! - [`graphql`]: the schema, its types, loaders and limits.
//! - [`http`]: the HTTP side: the router, GraphQL over HTTP, subscriptions
//!   over WebSocket, downloads, the dashboard, and the server.
//! - [`report`]: the coverage report as a spreadsheet.
//! - [`demo`]: the deterministic demo-province generator.
//! - [`commands`]: the command line and what each command does.
//! - [`i18n`]: the languages and the message catalogs (`locales/`).

pub mod commands;
pub mod demo;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod i18n;
pub mod report;
