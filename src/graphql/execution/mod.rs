//! Running one request: the limits checked before it, its own loaders
//! batched level by level, the response put in the document's order, and
//! every error given a code and rendered in the request's language.

pub mod batching;
pub mod limits;
pub mod observed;
pub mod ordering;
pub mod parsed;

use std::any::TypeId;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::dataloader::DataLoader;
use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use sea_orm::DatabaseConnection;

use super::AppSchema;
use super::context;
use super::loaders::Loaders;
use super::subscription::publishing;
use crate::domain::access::Caller;
use crate::domain::feed::ChangeFeed;
use crate::i18n::{Lang, Message};
use crate::msg;
use batching::LoadQueue;
use limits::Limits;

/// Runs one request with its own DataLoader (a loader shared between
/// requests would serve stale answers) and the caller's scope, batching
/// each level of loads completely (see [`batching`]).
pub async fn execute(
    schema: &AppSchema,
    mut request: Request,
    db: &DatabaseConnection,
    caller: &Caller,
) -> Response {
    let started = Instant::now();
    let scope = caller.scope;
    let lang = lang_of(&request);
    let limits = schema.data::<Limits>().cloned().unwrap_or_default();
    if let Err(message) = limits::check(&request.query, &limits) {
        let mut error = async_graphql::ServerError::new(message.render(lang), None);
        with_code(&mut error);
        let response = Response::from_errors(vec![error]);
        let operation = observed::operation_label(request.operation_name.as_deref(), None);
        observed::record(operation, &response, started.elapsed());
        return response;
    }
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
    // Parsed once, here, or taken from the queries parsed before: the
    // schema runs this document, and the response is put in its order
    // afterwards. A query that does not parse is left to the schema, which
    // answers with the parse error.
    let document = match schema.data::<parsed::ParsedQueries>() {
        Some(parsed) => parsed.prepare(&mut request),
        None => request.parsed_query().ok().cloned().map(Arc::new),
    };
    let operation_name = request.operation_name.clone();
    let operation = observed::operation_label(operation_name.as_deref(), document.as_deref());
    let request = request
        .data(loader)
        .data(context::KnownFacts::default())
        .data(context::KnownRows::default())
        .data(scope)
        .data(caller.clone());
    let feed = schema.data::<ChangeFeed>();
    let mut response = publishing(feed, queue.drive(schema.execute(request))).await;
    if let Some(document) = &document {
        ordering::reorder(document, operation_name.as_deref(), &mut response.data);
    }
    for error in &mut response.errors {
        with_code(error);
        localize(error, lang, &limits);
    }
    cap_errors(&mut response.errors, limits.errors, lang);
    observed::record(operation, &response, started.elapsed());
    response
}

/// The language the request asked for (the HTTP handler and the WebSocket
/// driver put it in the request's data); Chinese when it did not say.
pub fn lang_of(request: &Request) -> Lang {
    request
        .data
        .get(&TypeId::of::<Lang>())
        .and_then(|value| value.downcast_ref::<Lang>())
        .copied()
        .unwrap_or_default()
}

/// Renders an error of ours in `lang`: its [`Message`] travels as the
/// error's source (`graphql::error`). async-graphql's refusals for depth
/// and complexity are our limits too and are said in our words; its other
/// parse and validation messages stay as it writes them (English).
pub fn localize(error: &mut async_graphql::ServerError, lang: Lang, limits: &Limits) {
    if let Some(message) = error.source::<Message>() {
        error.message = message.render(lang);
        return;
    }
    let ours = match error.message.as_str() {
        "Query is nested too deep." => msg!("limit-depth", max = limits.depth),
        "Query is too complex." => msg!("limit-complexity", max = limits.complexity),
        _ => return,
    };
    error.message = ours.render(lang);
}

/// Keeps at most `max` errors and sums up the rest in one last error, so
/// that a query cannot make the answer much larger than itself.
fn cap_errors(errors: &mut Vec<async_graphql::ServerError>, max: usize, lang: Lang) {
    if errors.len() <= max {
        return;
    }
    let omitted = errors.len() - max;
    errors.truncate(max);
    let mut summary = async_graphql::ServerError::new(
        msg!("limit-errors-omitted", count = omitted).render(lang),
        None,
    );
    with_code(&mut summary);
    errors.push(summary);
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
    caller: &Caller,
) -> BatchResponse {
    match batch {
        BatchRequest::Single(request) => {
            BatchResponse::Single(execute(schema, request, db, caller).await)
        }
        BatchRequest::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(execute(schema, request, db, caller).await);
            }
            BatchResponse::Batch(responses)
        }
    }
}

/// Keys one loader statement takes at most (bound parameters stay far
/// below SQLite's and PostgreSQL's limits).
const MAX_BATCH: usize = 5_000;
