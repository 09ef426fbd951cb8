//! What the metrics learn of each GraphQL operation: its name, bounded so
//! that clients cannot grow the number of series at will, its outcome code
//! and its latency. Recorded through the `metrics` facade; the HTTP layer
//! owns the exporter.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
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
        None => "ok",
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
            .unwrap_or("unknown"),
    };
    let (operations, duration) = handles(operation, outcome);
    operations.increment(1);
    duration.record(elapsed.as_secs_f64());
}

/// The counter of an operation and outcome, and the operation's histogram.
type Handles = (metrics::Counter, metrics::Histogram);

/// Set once the process-wide recorder is installed (by the HTTP layer,
/// which owns the exporter): handles registered before it would count
/// nowhere for good, so none is kept until then.
static RECORDER_INSTALLED: AtomicBool = AtomicBool::new(false);

/// Says that the process-wide recorder is installed, so that the handles of
/// each operation and outcome may be kept from now on.
pub fn recorder_installed() {
    RECORDER_INSTALLED.store(true, Ordering::Release);
}

/// The handles of `operation` and `outcome`, registered on their first use
/// and kept: registering builds the labelled key and looks it up in the
/// recorder's registry, which every request would pay again. As many are
/// kept as there are labels (operation names are bounded, outcomes are
/// error codes).
fn handles(operation: String, outcome: &str) -> Handles {
    type Known = HashMap<String, Vec<(String, Handles)>>;
    static KNOWN: Mutex<Option<Known>> = Mutex::new(None);
    let register = |operation: String, outcome: &str| -> Handles {
        (
            metrics::counter!(
                "orgmap_graphql_operations_total",
                "operation" => operation.clone(),
                "outcome" => outcome.to_owned()
            ),
            metrics::histogram!("orgmap_graphql_operation_duration_seconds", "operation" => operation),
        )
    };
    if !RECORDER_INSTALLED.load(Ordering::Acquire) {
        return register(operation, outcome);
    }
    let mut known = match KNOWN.lock() {
        Ok(known) => known,
        // The map is whole even if a panic happened while it was held.
        Err(poisoned) => poisoned.into_inner(),
    };
    let known = known.get_or_insert_with(HashMap::new);
    if let Some((_, handles)) = known
        .get(&operation)
        .and_then(|outcomes| outcomes.iter().find(|(o, _)| o == outcome))
    {
        return handles.clone();
    }
    let handles = register(operation.clone(), outcome);
    known
        .entry(operation)
        .or_default()
        .push((outcome.to_owned(), handles.clone()));
    handles
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
