//! Who a request comes from: its `Authorization: Bearer` token, or, when
//! the service is open for local use and no token is in force, the local
//! user. Every route learns its caller through the [`Caller`] extractor
//! defined here; its rejection is an [`Error`], whose answer (status, body,
//! `WWW-Authenticate`) is written once in [`super::error`].
//!
//! What a credential stood for is remembered for a second
//! ([`super::credentials`]): without that, every request spent a statement
//! on it, as long as the statement of a lookup by credit code.

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
        let caller = remembered_caller(state, parts.headers.get(header::AUTHORIZATION)).await?;
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
            Some(authorization) => remembered_caller(state, Some(authorization))
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
    match secret_of(access, authorization)? {
        Some(secret) => token::authenticate(db, secret).await,
        None => open(db).await,
    }
}

/// [`caller`], answered from what the same credential stood for less than
/// [`super::credentials::FRESH`] ago when nothing about tokens has changed in this process
/// since.
async fn remembered_caller(
    state: &AppState,
    authorization: Option<&HeaderValue>,
) -> Result<Caller> {
    let secret = secret_of(state.options.access, authorization)?;
    let credential = secret.map(token::hash);
    if let Some(caller) = state.credentials.recall(&credential) {
        return Ok(caller);
    }
    // Taken before asking, so that a token written meanwhile leaves this
    // answer out of date at once.
    let generation = token::generation();
    let caller = match secret {
        Some(secret) => token::authenticate(&state.db, secret).await?,
        None => open(&state.db).await?,
    };
    state
        .credentials
        .keep(credential, generation, caller.clone());
    Ok(caller)
}

/// The secret an `Authorization` value presents; None for no value, when
/// the service may be open; an error for a value that is not a bearer
/// token, or no value when the service needs one.
fn secret_of(access: Access, authorization: Option<&HeaderValue>) -> Result<Option<&str>> {
    match authorization {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(bearer)
            .map(Some)
            .ok_or_else(|| Error::Unauthenticated(msg!("auth-bad-header"))),
        None if access == Access::OpenUntilTokens => Ok(None),
        None => Err(Error::Unauthenticated(msg!("auth-token-needed"))),
    }
}

/// The local user while no token is in force.
async fn open(db: &DatabaseConnection) -> Result<Caller> {
    if token::any_active(db).await? {
        Err(Error::Unauthenticated(msg!("auth-token-needed")))
    } else {
        Ok(Caller::local())
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
