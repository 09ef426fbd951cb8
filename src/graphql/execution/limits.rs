//! Limits on what one GraphQL document may ask, so that a hostile query
//! cannot take the service down or amplify itself.
//!
//! Depth, complexity, value nesting and directives are async-graphql's own
//! checks; tokens and aliases are counted here in one pass over the text,
//! before the document is parsed, so an oversized document costs no parse.

use crate::i18n::Message;
use crate::msg;

/// The limits of the schema, each with its default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest selection nesting.
    pub depth: usize,
    /// Highest complexity: each field counts 1, and a list field taking
    /// `first` counts `first` times its selection.
    pub complexity: usize,
    /// Deepest nesting of values (lists, input objects).
    pub recursive_depth: usize,
    /// Most directives on one field.
    pub directives: usize,
    /// Most aliased fields in a document.
    pub aliases: usize,
    /// Most lexical tokens in a document.
    pub tokens: usize,
    /// Most errors in one response; the rest are summed up in one last error.
    pub errors: usize,
    /// Whether `__schema` and `__type` answer.
    pub introspection: bool,
    /// Whether validation errors suggest field names ("did you mean …").
    pub suggestions: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 16,
            complexity: 50_000,
            recursive_depth: 32,
            directives: 10,
            aliases: 30,
            tokens: 5_000,
            errors: 20,
            introspection: true,
            suggestions: true,
        }
    }
}

/// What one pass over a document's text counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tokens: usize,
    pub aliases: usize,
}

/// Counts the lexical tokens of a GraphQL document and its aliases (a name
/// followed by `:` outside any parentheses: inside them a name and colon
/// are an argument or a variable definition). Stops counting at `stop`
/// tokens, so the cost is bounded whatever the text.
pub fn count(text: &str, stop: usize) -> Counts {
    let bytes = text.as_bytes();
    let mut counts = Counts::default();
    let mut parens = 0usize;
    let mut last_was_name = false;
    let mut i = 0;
    while i < bytes.len() && counts.tokens <= stop {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        counts.tokens += 1;
        let mut is_name = false;
        match b {
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'(' => {
                parens += 1;
                i += 1;
            }
            b')' => {
                parens = parens.saturating_sub(1);
                i += 1;
            }
            b':' => {
                if last_was_name && parens == 0 {
                    counts.aliases += 1;
                }
                i += 1;
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                while i < bytes.len() && (bytes[i] == b'_' || bytes[i].is_ascii_alphanumeric()) {
                    i += 1;
                }
                is_name = true;
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'+' | b'-'))
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        last_was_name = is_name;
    }
    counts
}

/// Checks a document's text against the token and alias limits; the error
/// says which limit and by how much.
pub fn check(text: &str, limits: &Limits) -> Result<(), Message> {
    let counts = count(text, limits.tokens);
    if counts.tokens > limits.tokens {
        return Err(msg!("limit-tokens", max = limits.tokens));
    }
    if counts.aliases > limits.aliases {
        return Err(msg!(
            "limit-aliases",
            given = counts.aliases,
            max = limits.aliases
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn counts_tokens_and_ignores_whitespace_commas_and_comments() {
        let c = count("{ a, b # comment\n c }", 100);
        assert_eq!(c.tokens, 5);
        assert_eq!(c.aliases, 0);
    }

    #[test]
    fn an_alias_is_a_name_and_colon_outside_parentheses() {
        let text = r#"query Q($x: String = "a:b") {
            first: region(code: $x) { n: name }
            second: regions(first: 2) { totalCount }
        }"#;
        assert_eq!(count(text, 1000).aliases, 3);
    }

    #[test]
    fn strings_are_one_token_whatever_they_hold() {
        assert_eq!(count(r#"{ a(x: "b: { c } \" d") }"#, 100).tokens, 8);
        assert_eq!(count(r#"{ a(x: """ b: " c """) }"#, 100).tokens, 8);
    }

    #[test]
    fn counting_stops_past_the_limit() {
        let huge = "{ a } ".repeat(100_000);
        assert_eq!(count(&huge, 10).tokens, 11);
    }

    #[test]
    fn check_names_the_limit_broken() {
        let limits = Limits {
            aliases: 1,
            ..Limits::default()
        };
        assert!(
            check("{ a: x b: y }", &limits)
                .unwrap_err()
                .render(Lang::En)
                .contains("aliases")
        );
        assert!(check("{ a: x }", &limits).is_ok());
        let tight = Limits {
            tokens: 3,
            ..Limits::default()
        };
        let refused = check("{ a b c }", &tight).unwrap_err();
        assert!(refused.render(Lang::En).contains("tokens"));
        assert!(refused.render(Lang::Zh).contains("词法单元"));
    }
}
