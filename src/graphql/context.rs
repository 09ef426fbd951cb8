//! What resolvers take from the context: the database, the request's
//! loaders and the caller's scope.

use std::collections::HashMap;
use std::sync::Mutex;

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use entity::organization;
use sea_orm::DatabaseConnection;

use super::error::ApiResult;
use super::loaders::Loaders;
use crate::domain::access::Caller;
use crate::domain::responsibility::Facts;
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

/// Explanation facts that a resolver read together with their
/// organization, kept for the request: its `Responsibility` uses them
/// instead of loading the names again.
#[derive(Default)]
pub struct KnownFacts(Mutex<HashMap<i32, (organization::Model, Facts)>>);

impl KnownFacts {
    pub fn insert(&self, organization: &organization::Model, facts: Facts) {
        if let Ok(mut known) = self.0.lock() {
            known.insert(organization.id, (organization.clone(), facts));
        }
    }

    /// The facts read with this very organization row (an organization read
    /// again elsewhere in the request, and found changed, gets none).
    pub fn get(&self, organization: &organization::Model) -> Option<Facts> {
        let known = self.0.lock().ok()?;
        known
            .get(&organization.id)
            .filter(|(read, _)| read == organization)
            .map(|(_, facts)| facts.clone())
    }
}

/// The request's known facts; none outside `graphql::execute`.
pub fn known_facts<'a>(ctx: &Context<'a>) -> Option<&'a KnownFacts> {
    ctx.data_opt::<KnownFacts>()
}
