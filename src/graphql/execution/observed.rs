//! What the metrics learn of each GraphQL operation: its name, bounded so
//! that clients cannot grow the number of series at will, its outcome code
//! and its latency. Recorded through the `metrics` facade; the HTTP layer
//! owns the exporter.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use async_graphql::Response;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};

/// Distinct operation names kept as labels; later ones count as `other`.
const MAX_NAMES: usize = 200;
/// Longest operation name kept as a label.
const MAX_NAME_LEN: usize = 64;

/// The label of an operation: the name the request asks for, else the
/// document's one named operation, else `anonymous`; `other` once
/// [`MAX_NAMES`] names have been seen.
pub fn operation_label(requested: Option<&str>, document: Option<&ExecutableDocument>) -> String {
    let named = requested.map(str::to_owned).or_else(|| match document {
        Some(ExecutableDocument {
            operations: DocumentOperations::Multiple(operations),
            ..
        }) if operations.len() == 1 => operations.keys().next().map(|name| name.to_string()),
        _ => None,
    });
    match named {
        Some(name) if is_name(&name) => bounded(name),
        Some(_) => "other".to_owned(),
        None => "anonymous".to_owned(),
    }
}

/// A GraphQL Name of reasonable length: anything else a client sends as
/// `operationName` is no label.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= MAX_NAME_LEN
        && chars
            .next()
            .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// The name itself while fewer than [`MAX_NAMES`] names were seen, else `other`.
fn bounded(name: String) -> String {
    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let Ok(mut seen) = SEEN.lock() else {
        return "other".to_owned();
    };
    let seen = seen.get_or_insert_with(HashSet::new);
    if seen.contains(&name) {
        return name;
    }
    if seen.len() >= MAX_NAMES {
        return "other".to_owned();
    }
    seen.insert(name.clone());
    name
}

/// Counts one operation by name and outcome (`ok`, or the first error's
/// `extensions.code`) and records its latency.
pub fn record(operation: String, response: &Response, elapsed: Duration) {
    let outcome = match response.errors.first() {
        None => "ok".to_owned(),
        Some(error) => error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .and_then(|code| match code {
                async_graphql::Value::String(code) => Some(code.as_str()),
                async_graphql::Value::Enum(code) => Some(code.as_str()),
                _ => None,
            })
            .filter(|code| is_name(code))
            .map(str::to_owned)
            .unwrap_or_else(|| "unknown".to_owned()),
    };
    metrics::counter!(
        "orgmap_graphql_operations_total",
        "operation" => operation.clone(),
        "outcome" => outcome
    )
    .increment(1);
    metrics::histogram!("orgmap_graphql_operation_duration_seconds", "operation" => operation)
        .record(elapsed.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_become_labels_only_when_they_are_names() {
        assert_eq!(operation_label(Some("Regions"), None), "Regions");
        assert_eq!(operation_label(None, None), "anonymous");
        assert_eq!(operation_label(Some("drop table;"), None), "other");
        assert_eq!(operation_label(Some(&"a".repeat(65)), None), "other");
    }
}
