//! The GraphQL schema: types, loaders and limits.
//!
//! [`schema`] registers types only (SDL export needs no database);
//! [`build`] adds the database and the limits; [`prepare`] gives each
//! request its own loaders and scope.

pub mod batching;
pub mod context;
pub mod error;
pub mod loaders;
pub mod mutation;
pub mod ordering;
pub mod query;
pub mod subscription;
pub mod types;

use async_graphql::dataloader::DataLoader;
use std::time::Duration;

use async_graphql::{BatchRequest, BatchResponse, Request, Response, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use crate::domain::feed::ChangeFeed;
use crate::domain::scope::Scope;
use batching::LoadQueue;
use loaders::Loaders;
use mutation::Mutation;
use query::Query;
use subscription::{PublishChanges, Subscription};

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Deepest selection nesting a query may have.
pub const MAX_DEPTH: usize = 16;
/// Highest complexity a query may have: each field counts 1, and a list
/// field taking `first` counts `first` times its selection.
pub const MAX_COMPLEXITY: usize = 50_000;
/// Deepest nesting of values (lists, input objects) in a query.
pub const MAX_RECURSIVE_DEPTH: usize = 32;
/// Most directives on one field.
pub const MAX_DIRECTIVES: usize = 10;

/// The schema's types, without data or limits.
pub fn schema() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription)
}

/// The production schema over `db`, with this process's change feed (on
/// PostgreSQL fed by other replicas too).
pub fn build(db: DatabaseConnection) -> AppSchema {
    let feed = ChangeFeed::new();
    subscription::listen(&db, &feed);
    schema()
        .data(db)
        .data(feed.clone())
        .extension(PublishChanges(feed))
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(MAX_RECURSIVE_DEPTH)
        .limit_directives(MAX_DIRECTIVES)
        .finish()
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    schema().finish().sdl()
}

/// Runs one request with its own DataLoader (a loader shared between
/// requests would serve stale answers) and the caller's scope, batching
/// each level of loads completely (see [`batching`]).
pub async fn execute(
    schema: &AppSchema,
    request: Request,
    db: &DatabaseConnection,
    scope: Scope,
) -> Response {
    let queue = LoadQueue::default();
    let loader = DataLoader::new(
        Loaders {
            db: db.clone(),
            scope,
        },
        queue.spawner(),
    )
    .delay(Duration::ZERO)
    .max_batch_size(MAX_BATCH);
    let query = request.query.clone();
    let operation_name = request.operation_name.clone();
    let request = request.data(loader).data(scope);
    let mut response = queue.drive(schema.execute(request)).await;
    ordering::reorder(&query, operation_name.as_deref(), &mut response.data);
    for error in &mut response.errors {
        with_code(error);
    }
    response
}

/// Gives an error of async-graphql's own (a query that does not parse or
/// validate, or breaks a limit) the code of a bad request, so that every
/// error a client sees carries `extensions.code`.
fn with_code(error: &mut async_graphql::ServerError) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", crate::error::BAD_USER_INPUT);
    }
}

/// Runs a batch of requests one after the other.
pub async fn execute_batch(
    schema: &AppSchema,
    batch: BatchRequest,
    db: &DatabaseConnection,
    scope: Scope,
) -> BatchResponse {
    match batch {
        BatchRequest::Single(request) => {
            BatchResponse::Single(execute(schema, request, db, scope).await)
        }
        BatchRequest::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(execute(schema, request, db, scope).await);
            }
            BatchResponse::Batch(responses)
        }
    }
}

/// Keys one loader statement takes at most (bound parameters stay far
/// below SQLite's and PostgreSQL's limits).
const MAX_BATCH: usize = 5_000;
