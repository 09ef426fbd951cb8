//! API tokens through the API (admins; the CLI's `orgmap token` does the same).

use async_graphql::{Context, Object};

use crate::domain::token;
use crate::graphql::context::{caller, db};
use crate::graphql::error::ApiResult;
use crate::graphql::types::admin::{ApiToken, CreatedApiToken, TokenRole};

#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Creates an API token; its secret is in the answer and nowhere else.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        role: TokenRole,
        #[graphql(desc = "Bind the token to this region's subtree.")] region_code: Option<String>,
        #[graphql(desc = "A unique name; by default one is made from role and region.")]
        name: Option<String>,
    ) -> ApiResult<CreatedApiToken> {
        let created = token::create(
            db(ctx)?,
            caller(ctx)?,
            role.into(),
            region_code.as_deref(),
            name.as_deref(),
        )
        .await?;
        Ok(CreatedApiToken {
            token: ApiToken::from(created.info),
            secret: created.secret,
        })
    }

    /// Revokes the named token at once; false when it was already revoked.
    async fn revoke_api_token(&self, ctx: &Context<'_>, name: String) -> ApiResult<bool> {
        Ok(token::revoke(db(ctx)?, caller(ctx)?, &name).await?)
    }
}
