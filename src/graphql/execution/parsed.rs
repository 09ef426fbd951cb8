//! Queries parsed before, by their text.
//!
//! async-graphql's parser was a fifth of the server's time on a small
//! query (perf, whoOversees one at a time), and clients send the same text
//! again and again with other variables. A parsed document holds no data,
//! only the query's syntax, so the cache is shared by all callers.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::Request;
use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

/// Documents kept at most.
const CAPACITY: usize = 512;
/// Longer query texts are parsed every time, so that the cache stays small
/// (at most a few megabytes).
const MAX_TEXT: usize = 4096;

pub struct ParsedQueries(Mutex<LruCache<String, Arc<ExecutableDocument>>>);

impl Default for ParsedQueries {
    fn default() -> Self {
        ParsedQueries(Mutex::new(LruCache::new(
            NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN),
        )))
    }
}

impl ParsedQueries {
    /// Gives `request` its parsed document, from the cache when its text
    /// was parsed before, and returns the document; None when the text
    /// does not parse (the schema then answers with the parse error).
    pub fn prepare(&self, request: &mut Request) -> Option<Arc<ExecutableDocument>> {
        let cacheable = request.query.len() <= MAX_TEXT;
        if cacheable
            && let Some(document) = self
                .0
                .lock()
                .ok()
                .and_then(|mut cache| cache.get(&request.query).cloned())
        {
            request.set_parsed_query((*document).clone());
            return Some(document);
        }
        let document = Arc::new(request.parsed_query().ok()?.clone());
        if cacheable && let Ok(mut cache) = self.0.lock() {
            cache.put(request.query.clone(), document.clone());
        }
        Some(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_parsed_before_gets_the_same_document() {
        let parsed = ParsedQueries::default();
        let mut first = Request::new("{ regions { totalCount } }");
        let mut again = Request::new("{ regions { totalCount } }");

        let a = parsed.prepare(&mut first).unwrap();
        let b = parsed.prepare(&mut again).unwrap();

        assert!(Arc::ptr_eq(&a, &b), "the second is taken from the cache");
        assert_eq!(
            format!("{:?}", again.parsed_query().unwrap()),
            format!("{a:?}")
        );
    }

    #[test]
    fn a_text_that_does_not_parse_is_not_kept() {
        let parsed = ParsedQueries::default();
        let mut bad = Request::new("{ regions {");

        assert!(parsed.prepare(&mut bad).is_none());
        assert_eq!(parsed.0.lock().unwrap().len(), 0);
    }

    #[test]
    fn a_long_text_is_parsed_but_not_kept() {
        let parsed = ParsedQueries::default();
        let long = format!("{{ regions {{ totalCount }} }}{}", " ".repeat(MAX_TEXT));
        let mut request = Request::new(long);

        assert!(parsed.prepare(&mut request).is_some());
        assert_eq!(parsed.0.lock().unwrap().len(), 0);
    }
}
