//! What resolvers take from the context: the database, the request's
//! loaders and the caller's scope.

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use sea_orm::DatabaseConnection;

use super::error::ApiResult;
use super::loaders::Loaders;
use crate::domain::scope::Scope;

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
