//! Who a request comes from: its `Authorization: Bearer` token, or, when
//! the service is open for local use and no token is in force, the local
//! user.

use axum::http::{HeaderMap, header};
use sea_orm::DatabaseConnection;

use crate::domain::access::Caller;
use crate::domain::token;
use crate::error::{Error, Result};

/// Whether requests without a token are let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Listening on loopback (or told `--insecure-open`): without a token in
    /// force, anyone who reaches the port is the local admin. Once a token
    /// exists, every request needs one.
    OpenUntilTokens,
    /// Every request needs a token.
    TokensRequired,
}

/// The caller of a request with these headers.
pub async fn caller(
    db: &DatabaseConnection,
    access: Access,
    headers: &HeaderMap,
) -> Result<Caller> {
    match headers.get(header::AUTHORIZATION) {
        Some(value) => {
            let secret = value.to_str().ok().and_then(bearer).ok_or_else(|| {
                Error::Unauthenticated(
                    "the Authorization header must be 'Bearer <token>'".to_owned(),
                )
            })?;
            token::authenticate(db, secret).await
        }
        None => {
            if access == Access::OpenUntilTokens && !token::any_active(db).await? {
                Ok(Caller::local())
            } else {
                Err(Error::Unauthenticated(
                    "this service needs an API token: send 'Authorization: Bearer <token>'"
                        .to_owned(),
                ))
            }
        }
    }
}

/// The token of a `Bearer` credential (the scheme is case-insensitive).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_takes_the_token_of_the_bearer_scheme_only() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer   abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }
}
