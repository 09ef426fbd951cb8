//! The caller, API tokens and the audit trail.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};

use crate::domain::page::PageRequest;
use crate::domain::{audit, region, token};
use crate::graphql::context::{caller, db};
use crate::graphql::error::ApiResult;
use crate::graphql::types::TotalCount;
use crate::graphql::types::admin::{ApiToken, ChangeConnection, ChangeEntity, Me};

#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Who this request runs as: the token's name, role and region.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        let caller = caller(ctx)?;
        let region_code = match caller.scope.region_id {
            Some(id) => region::by_id(db(ctx)?, id).await?.map(|r| r.code),
            None => None,
        };
        Ok(Me::of(caller, region_code))
    }

    /// API tokens the caller may manage (admins; a region-bound admin sees
    /// its subtree's).
    async fn api_tokens(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiToken>> {
        let tokens = token::list(db(ctx)?, caller(ctx)?).await?;
        Ok(tokens.into_iter().map(ApiToken::from).collect())
    }

    /// The audit trail, oldest first (admins only): every write with who
    /// made it, when, and the values before and after.
    #[graphql(
        complexity = "crate::graphql::types::connection::page_complexity(first, child_complexity)"
    )]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only changes to this kind of entity.")] entity: Option<ChangeEntity>,
        #[graphql(desc = "Only changes made at or after this time (RFC 3339).")] since: Option<
            DateTime<Utc>,
        >,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<ChangeConnection> {
        let request = PageRequest::parse(first, after.as_deref())?;
        let db = db(ctx)?;
        let (page, select) =
            audit::trail::changes(db, caller(ctx)?, entity.map(Into::into), since, &request)
                .await?;
        Ok(ChangeConnection {
            page: page.map(Into::into),
            total: TotalCount::of(db, select),
        })
    }
}
