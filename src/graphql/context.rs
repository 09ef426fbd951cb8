//! What resolvers take from the context: the database, the request's
//! loaders, the caller's scope and the language to answer in.

use std::collections::HashMap;
use std::sync::Mutex;

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use entity::organization;
use sea_orm::DatabaseConnection;

use super::error::ApiResult;
use super::loaders::Loaders;
use crate::domain::access::Caller;
use crate::domain::organization::{Along, Explained, Related};
use crate::domain::scope::Scope;
use crate::error::Error;
use crate::i18n::Lang;
use crate::msg;

pub fn db<'a>(ctx: &Context<'a>) -> ApiResult<&'a DatabaseConnection> {
    Ok(ctx.data::<DatabaseConnection>()?)
}

pub fn loader<'a>(ctx: &Context<'a>) -> ApiResult<&'a DataLoader<Loaders>> {
    Ok(ctx.data::<DataLoader<Loaders>>()?)
}

/// The language the request asked for; Chinese when it did not say.
pub fn lang(ctx: &Context<'_>) -> Lang {
    ctx.data_opt::<Lang>().copied().unwrap_or_default()
}

/// The caller's scope; a request without one sees everything.
pub fn scope(ctx: &Context<'_>) -> Scope {
    ctx.data_opt::<Scope>().copied().unwrap_or_default()
}

/// The caller of the request; UNAUTHENTICATED when the request came without
/// one (the HTTP layer always sets it, so this guards other entry points).
pub fn caller<'a>(ctx: &Context<'a>) -> ApiResult<&'a Caller> {
    ctx.data_opt::<Caller>()
        .ok_or_else(|| Error::Unauthenticated(msg!("auth-no-credentials")).into())
}

/// What a resolver read together with an organization, kept for the
/// request: the organization's `Responsibility` uses it instead of loading
/// the explanation's names and the responsible department again.
#[derive(Default)]
pub struct KnownFacts(Mutex<HashMap<i32, Explained>>);

impl KnownFacts {
    pub fn insert(&self, explained: Explained) {
        if let Ok(mut known) = self.0.lock() {
            known.insert(explained.organization.id, explained);
        }
    }

    /// What was read with this very organization row (an organization read
    /// again elsewhere in the request, and found changed, gets nothing).
    pub fn get<T>(
        &self,
        organization: &organization::Model,
        part: impl FnOnce(&Explained) -> T,
    ) -> Option<T> {
        let known = self.0.lock().ok()?;
        known
            .get(&organization.id)
            .filter(|explained| explained.organization == *organization)
            .map(part)
    }
}

/// The request's known facts; none outside `graphql::execute`.
pub fn known_facts<'a>(ctx: &Context<'a>) -> Option<&'a KnownFacts> {
    ctx.data_opt::<KnownFacts>()
}

/// Categories and regions that a page of organizations read along, kept
/// for the request: the organizations' `category` and `region` use them
/// instead of loading them again.
#[derive(Default)]
pub struct KnownRows(Mutex<Related>);

impl KnownRows {
    pub fn add(&self, related: Related) {
        if let Ok(mut known) = self.0.lock() {
            known.categories.extend(related.categories);
            known.regions.extend(related.regions);
            known.responsibilities.extend(related.responsibilities);
        }
    }

    /// The stored responsibility of the organization with this id.
    pub fn responsibility(&self, id: i32) -> Option<entity::responsibility::Model> {
        self.0.lock().ok()?.responsibilities.get(&id).cloned()
    }

    pub fn category(&self, id: i32) -> Option<entity::category::Model> {
        self.0.lock().ok()?.categories.get(&id).cloned()
    }

    pub fn region(&self, id: i32) -> Option<entity::region::Model> {
        self.0.lock().ok()?.regions.get(&id).cloned()
    }
}

/// The request's known rows; none outside `graphql::execute`.
pub fn known_rows<'a>(ctx: &Context<'a>) -> Option<&'a KnownRows> {
    ctx.data_opt::<KnownRows>()
}

/// What a page of organizations should read along: the category, the
/// region of location and the stored responsibility, when its nodes ask
/// for them.
pub fn along(ctx: &Context<'_>) -> Along {
    if known_rows(ctx).is_none() {
        return Along::default();
    }
    let node = ctx.look_ahead().field("edges").field("node");
    Along {
        category: node.field("category").exists(),
        region: node.field("region").exists(),
        responsibility: node.field("responsibility").exists(),
    }
}
