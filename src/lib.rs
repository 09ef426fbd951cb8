//! orgmap: who is responsible for this organization, and where is nobody
//! responsible? A GraphQL service that maps two-new organizations (两新组织)
//! to the departments that oversee them.
//!
//! - [`domain`]: the aggregates, their validation and database access.
//! - [`graphql`]: the schema, its types, loaders and limits.
//! - [`app`]: the HTTP router, its protections and the server; [`downloads`]: file downloads.
//! - [`dashboard`]: the embedded web dashboard at `/dashboard`.
//! - [`live`]: GraphQL subscriptions over WebSocket.
//! - [`report`]: the coverage report as a spreadsheet.
//! - [`demo`]: the deterministic demo-province generator.
//! - [`commands`]: the command line and what each command does.

pub mod app;
pub mod commands;
pub mod dashboard;
pub mod demo;
pub mod domain;
pub mod downloads;
pub mod error;
pub mod graphql;
pub mod live;
pub mod report;
