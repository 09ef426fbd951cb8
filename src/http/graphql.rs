//! GraphQL over HTTP, as the GraphQL-over-HTTP specification asks:
//!
//! - POST with `application/json` (or `application/graphql-response+json`)
//!   bodies; any other content type is 415, so a browser's simple request
//!   (`text/plain`, a form, no content type) never reaches a resolver
//!   (CSRF). Multipart (uploads) is accepted only with a preflight header,
//!   which a simple request cannot carry.
//! - GET with `query`, `operationName`, `variables` and `extensions` in the
//!   query string, for queries only: a mutation over GET is 405.
//! - The answer's media type follows `Accept`: `application/json` (the
//!   default), or `application/graphql-response+json`, under which a
//!   request that cannot run (it does not parse or validate, or its
//!   variables do not fit) is 400 without a `data` entry.
//! - The caller is authenticated before anything runs, and each request
//!   has a deadline.

use std::collections::HashMap;
use std::io;

use async_graphql::http::MultipartOptions;
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse, Request, Variables};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{Map, Value, json};

use crate::domain::access::Caller;
use crate::error::{self, Error};
use crate::graphql;
use crate::http::error as answers;
use crate::http::state::AppState;
use crate::i18n::{Lang, Message};
use crate::msg;

const JSON: &str = "application/json";
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Headers a browser's simple request cannot carry; one of them must come
/// with a multipart request.
const PREFLIGHT_HEADERS: [&str; 3] = [
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-apollo-operation-name",
];

/// The media type of the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MediaType {
    Json,
    GraphQLResponse,
}

impl MediaType {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::Json => "application/json; charset=utf-8",
            MediaType::GraphQLResponse => "application/graphql-response+json; charset=utf-8",
        })
    }
}

/// The answer's media type from `Accept`, or None when the client accepts
/// neither JSON type. Without `Accept`, JSON. On a tie the newer
/// `application/graphql-response+json` wins.
fn negotiate(headers: &HeaderMap) -> Option<MediaType> {
    let Some(accept) = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .reduce(|a, b| format!("{a},{b}"))
        .filter(|a| !a.trim().is_empty())
    else {
        return Some(MediaType::Json);
    };
    let (mut json_q, mut response_q) = (0.0f32, 0.0f32);
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let range = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match range.as_str() {
            GRAPHQL_RESPONSE => response_q = response_q.max(q),
            JSON => json_q = json_q.max(q),
            "*/*" | "application/*" => json_q = json_q.max(q),
            _ => {}
        }
    }
    if response_q > 0.0 && response_q >= json_q {
        Some(MediaType::GraphQLResponse)
    } else if json_q > 0.0 {
        Some(MediaType::Json)
    } else {
        None
    }
}

/// An answer that is one error raised before execution (most are the
/// protocol's own, such as UNSUPPORTED_MEDIA_TYPE), in the negotiated
/// media type.
fn error_response(status: StatusCode, code: &str, message: &Message, media: MediaType) -> Response {
    answers::answer(status, code, message, media.content_type())
}

// The caller is extracted first but its refusal is answered only after
// the request is read and checked, so that a malformed request gets the
// same answer with or without credentials.

/// POST /graphql.
pub async fn post(
    State(state): State<AppState>,
    caller: Result<Caller, Error>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let batch = match essence.as_str() {
        JSON | GRAPHQL_RESPONSE => {
            if !utf8_or_unspecified(&content_type) {
                return error_response(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "UNSUPPORTED_MEDIA_TYPE",
                    &msg!("http-body-not-utf8"),
                    media,
                );
            }
            let bytes = match read_limited(body, &headers, state.options.body_bytes).await {
                Ok(bytes) => bytes,
                Err(response) => return response(media),
            };
            match parse_json_body(&bytes, state.options.batch) {
                Ok(batch) => batch,
                Err(message) => {
                    return error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message, media);
                }
            }
        }
        "multipart/form-data" if has_preflight(&headers) => {
            match read_multipart(&state, &content_type, body).await {
                Ok(batch) => batch,
                Err(response) => return response(media),
            }
        }
        "multipart/form-data" => {
            return error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                &msg!("http-multipart-preflight"),
                media,
            );
        }
        _ => {
            return error_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                &msg!("http-content-type"),
                media,
            );
        }
    };
    run(
        &state,
        caller,
        batch,
        media,
        essence.starts_with("multipart/"),
        answers::lang(&headers),
    )
    .await
}

/// GET /graphql: queries only.
pub async fn get(
    State(state): State<AppState>,
    caller: Result<Caller, Error>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let params = match Query::<HashMap<String, String>>::try_from_uri(&uri) {
        Ok(Query(params)) => params,
        Err(_) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &msg!("http-query-string"),
                media,
            );
        }
    };
    let mut object = Map::new();
    for name in ["query", "operationName"] {
        if let Some(value) = params.get(name) {
            object.insert(name.to_owned(), Value::String(value.clone()));
        }
    }
    for name in ["variables", "extensions"] {
        if let Some(text) = params.get(name).filter(|t| !t.is_empty()) {
            match serde_json::from_str::<Value>(text) {
                Ok(value) => {
                    object.insert(name.to_owned(), value);
                }
                Err(_) => {
                    return error_response(
                        StatusCode::BAD_REQUEST,
                        "BAD_REQUEST",
                        &msg!("http-parameter-object", name = name),
                        media,
                    );
                }
            }
        }
    }
    let request = match parse_request(object) {
        Ok(request) => request,
        Err(message) => {
            return error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message, media);
        }
    };
    if operation_type(&request) == Some(OperationType::Mutation) {
        let mut response = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            &msg!("http-mutation-over-get"),
            media,
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let lang = answers::lang(&headers);
    run(
        &state,
        caller,
        BatchRequest::Single(request),
        media,
        false,
        lang,
    )
    .await
}

/// Refuses an unknown caller, else runs the batch under the deadline and
/// answers.
async fn run(
    state: &AppState,
    caller: Result<Caller, Error>,
    batch: BatchRequest,
    media: MediaType,
    upload: bool,
    lang: Lang,
) -> Response {
    let caller = match caller {
        Ok(caller) => caller,
        Err(err @ Error::Unauthenticated(_)) => {
            return answers::respond_as(&err, media.content_type());
        }
        Err(err) => {
            // The database did not answer: unavailable rather than broken.
            tracing::error!(error = %err, "authenticating a request failed");
            return error_response(
                StatusCode::SERVICE_UNAVAILABLE,
                error::INTERNAL,
                &msg!("error-internal"),
                media,
            );
        }
    };
    crate::http::trace::record_operations(&batch);
    let deadline = if upload {
        state.options.upload_timeout
    } else {
        state.options.timeout
    };
    let writes = match &batch {
        BatchRequest::Single(request) => is_mutation(request),
        BatchRequest::Batch(requests) => requests.iter().any(is_mutation),
    };
    // Resolvers' errors are rendered in this language (graphql::execution).
    let batch = match batch {
        BatchRequest::Single(request) => BatchRequest::Single(request.data(lang)),
        BatchRequest::Batch(requests) => {
            BatchRequest::Batch(requests.into_iter().map(|r| r.data(lang)).collect())
        }
    };
    let work = async {
        let _pass = state.gate.enter(writes).await;
        graphql::execute_batch(&state.schema, batch, &state.db, &caller).await
    };
    match tokio::time::timeout(deadline, work).await {
        Ok(response) => respond(response, media),
        Err(_) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "TIMEOUT",
            &msg!("http-timeout", seconds = deadline.as_secs()),
            media,
        ),
    }
}

/// True when the response holds only errors raised before execution (the
/// document does not parse or validate, a limit or the variables refuse
/// it): none of them has a path.
fn did_not_run(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// Serialises straight to text: a `serde_json::Value` would sort the
/// fields, and the answer keeps the order the query selected them in.
fn respond(response: BatchResponse, media: MediaType) -> Response {
    let (status, body) = match response {
        BatchResponse::Single(response) if did_not_run(&response) => {
            // Nothing ran: no `data` entry, and 400 under the newer media type.
            let status = match media {
                MediaType::GraphQLResponse => StatusCode::BAD_REQUEST,
                MediaType::Json => StatusCode::OK,
            };
            (
                status,
                serde_json::to_string(&json!({ "errors": response.errors })),
            )
        }
        BatchResponse::Single(response) => (StatusCode::OK, serde_json::to_string(&response)),
        BatchResponse::Batch(responses) => (StatusCode::OK, serde_json::to_string(&responses)),
    };
    let Ok(body) = body else {
        let err = Error::Internal("a response could not be serialised".to_owned());
        return answers::respond_as(&err, media.content_type());
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

fn not_acceptable() -> Response {
    error_response(
        StatusCode::NOT_ACCEPTABLE,
        "NOT_ACCEPTABLE",
        &msg!("http-not-acceptable"),
        MediaType::Json,
    )
}

fn utf8_or_unspecified(content_type: &str) -> bool {
    content_type
        .split(';')
        .skip(1)
        .filter_map(|p| p.trim().split_once('='))
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .all(|(_, v)| {
            let v = v.trim().trim_matches('"');
            v.eq_ignore_ascii_case("utf-8") || v.eq_ignore_ascii_case("utf8")
        })
}

fn has_preflight(headers: &HeaderMap) -> bool {
    PREFLIGHT_HEADERS.iter().any(|h| headers.contains_key(*h))
}

type Refusal = Box<dyn FnOnce(MediaType) -> Response + Send>;

fn too_large(limit: usize) -> Refusal {
    Box::new(move |media| {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            &msg!("http-body-too-large", max = limit),
            media,
        )
    })
}

/// The body, or 413 past `limit` bytes (refused on `Content-Length`
/// before reading when it announces more).
async fn read_limited(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<bytes::Bytes, Refusal> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(limit)),
        Err(_) => Err(Box::new(|media| {
            error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &msg!("http-body-unreadable"),
                media,
            )
        })),
    }
}

async fn read_multipart(
    state: &AppState,
    content_type: &str,
    body: Body,
) -> Result<BatchRequest, Refusal> {
    let limit = state.options.upload_bytes;
    let stream = TryStreamExt::map_err(
        Body::new(Limited::new(body, limit)).into_data_stream(),
        io::Error::other,
    );
    let options = MultipartOptions::default()
        .max_file_size(limit)
        .max_num_files(8);
    match async_graphql::http::receive_batch_body(
        Some(content_type),
        stream.into_async_read(),
        options,
    )
    .await
    {
        Ok(batch) => {
            if let BatchRequest::Batch(requests) = &batch
                && requests.len() > state.options.batch
            {
                let max = state.options.batch;
                return Err(Box::new(move |media| {
                    error_response(
                        StatusCode::BAD_REQUEST,
                        "BAD_REQUEST",
                        &msg!("http-batch-too-large", max = max),
                        media,
                    )
                }));
            }
            Ok(batch)
        }
        Err(async_graphql::ParseRequestError::PayloadTooLarge) => Err(too_large(limit)),
        Err(err) => {
            let message = match err {
                async_graphql::ParseRequestError::InvalidRequest(_) => {
                    msg!("http-multipart-operations")
                }
                async_graphql::ParseRequestError::InvalidFilesMap(_) => msg!("http-multipart-map"),
                _ => msg!("http-multipart-malformed"),
            };
            Err(Box::new(move |media| {
                error_response(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message, media)
            }))
        }
    }
}

/// A JSON body: one request object, or a batch of them (at most `max_batch`).
fn parse_json_body(bytes: &[u8], max_batch: usize) -> Result<BatchRequest, Message> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(msg!("http-body-empty"));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|err| msg!("http-body-not-json", detail = err.to_string()))?;
    match value {
        Value::Object(object) => Ok(BatchRequest::Single(parse_request(object)?)),
        Value::Array(items) if items.is_empty() => Err(msg!("http-batch-empty")),
        Value::Array(items) if items.len() > max_batch => Err(msg!(
            "http-batch-too-many",
            max = max_batch,
            given = items.len()
        )),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(object) => parse_request(object),
                _ => Err(msg!("http-batch-item-not-object")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(BatchRequest::Batch),
        _ => Err(msg!("http-body-not-object")),
    }
}

/// One request's parameters, each of the type the specification gives it.
fn parse_request(mut object: Map<String, Value>) -> Result<Request, Message> {
    let query = match object.remove("query") {
        Some(Value::String(query)) => query,
        Some(_) => return Err(msg!("http-parameter-string", name = "query")),
        None => return Err(msg!("http-no-query")),
    };
    let mut request = Request::new(query);
    match object.remove("operationName") {
        Some(Value::String(name)) => request = request.operation_name(name),
        None | Some(Value::Null) => {}
        Some(_) => return Err(msg!("http-parameter-string", name = "operationName")),
    }
    match object.remove("variables") {
        Some(Value::Object(map)) => {
            request = request.variables(Variables::from_json(Value::Object(map)));
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(msg!("http-parameter-object", name = "variables")),
    }
    match object.remove("extensions") {
        Some(Value::Object(map)) => {
            for (key, value) in map {
                let value = async_graphql::Value::from_json(value)
                    .map_err(|_| msg!("http-parameter-object", name = "extensions"))?;
                request.extensions.insert(key, value);
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => return Err(msg!("http-parameter-object", name = "extensions")),
    }
    Ok(request)
}

/// True when the request runs a mutation (the text is searched first, so
/// most queries cost no parse).
fn is_mutation(request: &Request) -> bool {
    request.query.contains("mutation") && operation_type(request) == Some(OperationType::Mutation)
}

/// The type of the operation the request would run; None when the document
/// does not parse (the executor then reports why) or names no operation.
fn operation_type(request: &Request) -> Option<OperationType> {
    let document = async_graphql::parser::parse_query(&request.query).ok()?;
    match &request.operation_name {
        Some(name) => document
            .operations
            .iter()
            .find(|(op_name, _)| op_name.map(|n| n.as_str()) == Some(name.as_str()))
            .map(|(_, op)| op.node.ty),
        None => document.operations.iter().next().map(|(_, op)| op.node.ty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn accept_picks_the_media_type() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(MediaType::Json));
        assert_eq!(
            negotiate(&accept("application/json")),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(&accept("*/*")), Some(MediaType::Json));
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(MediaType::GraphQLResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(&accept("text/html")), None);
    }

    #[test]
    fn request_parameters_must_have_their_types() {
        assert!(parse_json_body(br#"{"query": "{ a }"}"#, 10).is_ok());
        assert!(parse_json_body(br#"{"query": 1}"#, 10).is_err());
        assert!(parse_json_body(br#"{"query": "{a}", "variables": "x"}"#, 10).is_err());
        assert!(parse_json_body(br#"{"query": "{a}", "operationName": 3}"#, 10).is_err());
        assert!(parse_json_body(br#"{"query": "{a}", "extensions": []}"#, 10).is_err());
        assert!(parse_json_body(b"{", 10).is_err());
        assert!(parse_json_body(b"  ", 10).is_err());
        assert!(parse_json_body(br#"[{"query": "{a}"}, {"query": "{b}"}]"#, 1).is_err());
        assert!(parse_json_body(br#"[]"#, 10).is_err());
    }

    #[test]
    fn only_utf8_is_accepted() {
        assert!(utf8_or_unspecified("application/json"));
        assert!(utf8_or_unspecified("application/json; charset=UTF-8"));
        assert!(!utf8_or_unspecified("application/json; charset=latin1"));
    }
}
