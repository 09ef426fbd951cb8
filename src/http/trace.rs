//! Access logs and request ids: every request runs in a `request` span that
//! carries its id (the client's `x-request-id` when it is sane, else a new
//! UUID), method and path, and later the operation and token names that
//! the handlers record; the id is echoed in the response; and one `access`
//! line at info ends each request with its status and duration.
//!
//! tower-http's `TraceLayer` logs at debug and its request-id layers do not
//! judge a client's id, so this is a middleware of our own: twenty lines,
//! and the span's fields are the ones an operator searches by.

use std::time::Instant;

use async_graphql::BatchRequest;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing::field::Empty;

/// The header that carries a request's id, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The longest request id taken from a client.
const MAX_ID_LEN: usize = 128;

/// Middleware around every route: the span, the id, the access line.
pub async fn access(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(request.headers());
    let span = tracing::info_span!(
        "request",
        id = %id.to_str().unwrap_or_default(),
        method = %request.method(),
        path = %request.uri().path(),
        operation = Empty,
        token = Empty,
    );
    // Handlers and what they call see the id the response will carry.
    request.headers_mut().insert(REQUEST_ID, id.clone());
    let mut response = next.run(request).instrument(span.clone()).await;
    response.headers_mut().insert(REQUEST_ID, id);
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            duration_ms = started.elapsed().as_secs_f64() * 1000.0,
            "access"
        );
    });
    response
}

/// The client's id when it is sane (1 to 128 visible ASCII characters, so
/// that it cannot break a log line or a header), else a new UUID.
fn request_id(headers: &HeaderMap) -> HeaderValue {
    headers
        .get(&REQUEST_ID)
        .filter(|value| {
            let bytes = value.as_bytes();
            (1..=MAX_ID_LEN).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_graphic)
        })
        .cloned()
        .unwrap_or_else(|| {
            // Written on the stack: a hyphenated UUID is always a valid
            // header value.
            let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
            let text = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text);
            HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("-"))
        })
}

/// Records the token's name on the request's span.
pub fn record_token(name: &str) {
    tracing::Span::current().record("token", name);
}

/// Records the names of the operations a request asks for on its span
/// (a batch's joined by commas; `-` for an unnamed one).
pub fn record_operations(batch: &BatchRequest) {
    let span = tracing::Span::current();
    // Without a subscriber that wants the span, the names are not built.
    if span.is_disabled() {
        return;
    }
    let name = |request: &async_graphql::Request| {
        request
            .operation_name
            .clone()
            .unwrap_or_else(|| "-".to_owned())
    };
    let names = match batch {
        BatchRequest::Single(request) => name(request),
        BatchRequest::Batch(requests) => requests.iter().map(name).collect::<Vec<_>>().join(","),
    };
    span.record("operation", names.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_id(id: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_bytes(id).unwrap());
        headers
    }

    #[test]
    fn a_sane_client_id_is_kept_and_any_other_replaced() {
        assert_eq!(request_id(&with_id(b"abc-123_X")), "abc-123_X");
        let long = vec![b'a'; MAX_ID_LEN];
        assert_eq!(request_id(&with_id(&long)).as_bytes(), long.as_slice());
        for insane in [
            &b"has space"[..],
            &[b'a'; MAX_ID_LEN + 1],
            b"tab\there",
            b"\xe4\xb8\xad",
        ] {
            let id = request_id(&with_id(insane));
            assert_ne!(id.as_bytes(), insane);
            assert_eq!(id.len(), 36, "a UUID replaces {insane:?}");
        }
        assert_eq!(request_id(&HeaderMap::new()).len(), 36);
    }
}
