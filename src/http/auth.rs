//! Who a request comes from: its `Authorization: Bearer` token, or, when
//! the service is open for local use and no token is in force, the local
//! user. Every route learns its caller through the [`Caller`] extractor
//! defined here; its rejection is an [`Error`], whose answer (status, body,
//! `WWW-Authenticate`) is written once in [`super::error`].

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use sea_orm::DatabaseConnection;

use crate::domain::access::Caller;
use crate::domain::token;
use crate::error::{Error, Result};
use crate::http::state::{Access, AppState};
use crate::http::trace;
use crate::msg;

/// The caller of a request: the one its `Authorization` header names, else
/// (without one) the local user while the service is open and no token
/// is in force.
impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let caller = caller(
            &state.db,
            state.options.access,
            parts.headers.get(header::AUTHORIZATION),
        )
        .await?;
        trace::record_token(&caller.name);
        Ok(caller)
    }
}

/// The caller a request names in its `Authorization` header, None when it
/// has none: a browser cannot set headers on a WebSocket upgrade and sends
/// its credentials later, in `connection_init`.
impl OptionalFromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>> {
        match parts.headers.get(header::AUTHORIZATION) {
            Some(authorization) => caller(&state.db, state.options.access, Some(authorization))
                .await
                .map(Some),
            None => Ok(None),
        }
    }
}

/// The caller presenting `authorization` (the value of an `Authorization`
/// header, or of a WebSocket `connection_init` payload), or none.
pub async fn caller(
    db: &DatabaseConnection,
    access: Access,
    authorization: Option<&HeaderValue>,
) -> Result<Caller> {
    match authorization {
        Some(value) => {
            let secret = value
                .to_str()
                .ok()
                .and_then(bearer)
                .ok_or_else(|| Error::Unauthenticated(msg!("auth-bad-header")))?;
            token::authenticate(db, secret).await
        }
        None => {
            if access == Access::OpenUntilTokens && !token::any_active(db).await? {
                Ok(Caller::local())
            } else {
                Err(Error::Unauthenticated(msg!("auth-token-needed")))
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
