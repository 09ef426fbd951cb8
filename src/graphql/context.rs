//! What resolvers take from the context: the database, the request's
//! loaders and the caller's scope.

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;

use super::error::ApiResult;
use super::loaders::Loaders;
use crate::domain::access::Caller;
use crate::domain::scope::Scope;
use crate::error::Error;

pub fn db<'a>(ctx: &Context<'a>) -> ApiResult<&'a DatabaseConnection> {
    Ok(ctx.data::<DatabaseConnection>()?)
}

pub fn loader<'a>(ctx: &Context<'a>) -> ApiResult<&'a DataLoader<Loaders>> {
    Ok(ctx.data::<DataLoader<Loaders>>()?)
}

/// The caller's scope; a request without one sees everything.
pub fn scope(ctx: &Context<'_>) -> Scope {
    ctx.data_opt::<Scope>().copied().unwrap_or_default()
}

/// The caller of the request; UNAUTHENTICATED when the request came without
/// one (the HTTP layer always sets it, so this guards other entry points).
pub fn caller<'a>(ctx: &Context<'a>) -> ApiResult<&'a Caller> {
    ctx.data_opt::<Caller>().ok_or_else(|| {
        Error::Unauthenticated("this request carries no credentials".to_owned()).into()
    })
}
