//! Region queries.

use async_graphql::{Context, Object};

use crate::domain::page::PageRequest;
use crate::domain::region::{self, RegionFilter};
use crate::graphql::context::{db, scope};
use crate::graphql::error::ApiResult;
use crate::graphql::types::enums::RegionLevel;
use crate::graphql::types::{Region, RegionConnection, TotalCount};

#[derive(Default)]
pub struct RegionQuery;

#[Object]
impl RegionQuery {
    /// The region with this code, or null.
    async fn region(&self, ctx: &Context<'_>, code: String) -> ApiResult<Option<Region>> {
        let found = region::find(db(ctx)?, &scope(ctx), "code", &code).await?;
        Ok(found.map(Region))
    }

    /// Regions, optionally of one level and/or directly under one parent, in creation order.
    #[graphql(
        complexity = "crate::graphql::types::connection::page_complexity(first, child_complexity)"
    )]
    async fn regions(
        &self,
        ctx: &Context<'_>,
        level: Option<RegionLevel>,
        #[graphql(desc = "Only the regions directly under this one.")] parent_code: Option<String>,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> ApiResult<RegionConnection> {
        let db = db(ctx)?;
        let request = PageRequest::parse(first, after.as_deref())?;
        let filter = RegionFilter {
            level: level.map(Into::into),
            parent_code,
        };
        let (page, select) = region::list(db, &scope(ctx), &filter, &request).await?;
        Ok(RegionConnection {
            page: page.map(Region),
            total: TotalCount::of(db, select),
        })
    }
}
