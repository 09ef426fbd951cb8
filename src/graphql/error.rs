//! The boundary between domain errors and GraphQL errors.
//!
//! Resolvers return [`ApiResult`]. [`ApiError`] has no `Display`, so
//! async-graphql's blanket conversion (which would drop the code and show
//! the raw message) cannot apply: every domain error passes through
//! [`From<Error>`], which sets `extensions.code` and hides database detail.
//!
//! The message is rendered in the default language here and the
//! [`Message`] is kept as the error's `source`: the execution boundary
//! (`graphql::execution`) renders it again in the request's language.

use std::sync::Arc;

use async_graphql::ErrorExtensions;

use crate::error::Error;
use crate::i18n::{Lang, Message};
use crate::msg;

#[derive(Clone)]
pub struct ApiError(async_graphql::Error);

pub type ApiResult<T> = Result<T, ApiError>;

/// The GraphQL error a client sees for `err`: its message (database and
/// internal errors hidden) and `extensions.code`. What is hidden is logged
/// here.
fn to_graphql(err: &Error) -> async_graphql::Error {
    err.log_hidden();
    localized(err.public(), err.code())
}

/// A GraphQL error whose text is `message`, to be rendered in the
/// request's language at the boundary, with its `extensions.code`.
pub fn localized(message: Message, code: &'static str) -> async_graphql::Error {
    async_graphql::Error {
        message: message.render(Lang::default()),
        source: Some(Arc::new(message)),
        extensions: None,
    }
    .extend_with(|_, ext| ext.set("code", code))
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError(to_graphql(&err))
    }
}

impl From<Arc<Error>> for ApiError {
    fn from(err: Arc<Error>) -> Self {
        ApiError(to_graphql(&err))
    }
}

/// Errors of async-graphql itself (a missing context value): internal.
impl From<async_graphql::Error> for ApiError {
    fn from(err: async_graphql::Error) -> Self {
        tracing::error!(error = %err.message, "resolver error");
        ApiError(localized(msg!("error-internal"), crate::error::INTERNAL))
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.0
    }
}
