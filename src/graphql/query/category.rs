//! Category queries.

use async_graphql::{Context, Object};

use crate::domain::category;
use crate::graphql::context::db;
use crate::graphql::error::ApiResult;
use crate::graphql::types::Category;

#[derive(Default)]
pub struct CategoryQuery;

#[Object]
impl CategoryQuery {
    /// The category with this code, or null.
    async fn category(&self, ctx: &Context<'_>, code: String) -> ApiResult<Option<Category>> {
        Ok(category::find(db(ctx)?, "code", &code).await?.map(Category))
    }

    /// Root categories; walk children for the tree.
    async fn categories(&self, ctx: &Context<'_>) -> ApiResult<Vec<Category>> {
        Ok(category::roots(db(ctx)?)
            .await?
            .into_iter()
            .map(Category)
            .collect())
    }
}
