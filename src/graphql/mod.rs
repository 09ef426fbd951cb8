//! The GraphQL schema: types, loaders and limits.
//!
//! [`schema`] registers types only (SDL export needs no database);
//! [`build`] adds the database and the limits; [`execute`] (in
//! [`execution`]) runs each request with its own loaders and scope.

pub mod context;
pub mod error;
pub mod execution;
pub mod inputs;
pub mod loaders;
pub mod mutation;
pub mod query;
pub mod subscription;
pub mod types;

use async_graphql::{Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use crate::domain::clock::Clock;
use crate::domain::feed::ChangeFeed;
pub use execution::limits::Limits;
use execution::parsed;
pub use execution::{execute, execute_batch};
use mutation::Mutation;
use query::Query;
use subscription::Subscription;

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// The schema's types, without data or limits.
pub fn schema() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription)
}

/// The production schema over `db`, with the default limits.
pub fn build(db: DatabaseConnection) -> AppSchema {
    build_with(db, &Limits::default())
}

/// The production schema over `db` with these limits, and this process's
/// change feed (on PostgreSQL fed by other replicas too).
pub fn build_with(db: DatabaseConnection, limits: &Limits) -> AppSchema {
    build_at(db, limits, Clock::system())
}

/// The production schema, its "now" read from `clock` (tests set it).
pub fn build_at(db: DatabaseConnection, limits: &Limits, clock: Clock) -> AppSchema {
    let feed = ChangeFeed::new();
    subscription::listen(&db, &feed);
    let mut builder = schema()
        .data(db)
        .data(clock)
        .data(feed)
        .data(parsed::ParsedQueries::default())
        .data(limits.clone())
        .limit_depth(limits.depth)
        .limit_complexity(limits.complexity)
        .limit_recursive_depth(limits.recursive_depth)
        .limit_directives(limits.directives);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    if !limits.suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    schema().finish().sdl()
}
