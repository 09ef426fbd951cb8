//! Queries over time: the coverage figures of a region through its snapshots.

use async_graphql::{Context, Object};

use crate::domain::history::{When, snapshots};
use crate::domain::region;
use crate::graphql::context::{db, scope};
use crate::graphql::error::ApiResult;
use crate::graphql::types::CoveragePoint;

#[derive(Default)]
pub struct HistoryQuery;

#[Object]
impl HistoryQuery {
    /// Coverage snapshots of a region subtree (none: the whole database)
    /// taken from..to inclusive (RFC 3339 times or YYYY-MM-DD dates,
    /// Asia/Shanghai), oldest first.
    async fn coverage_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region whose subtree is counted; none: the caller's whole scope.")]
        region_code: Option<String>,
        #[graphql(desc = "From this time, or the start of this date.")] from: String,
        #[graphql(desc = "Up to this time, or the end of this date.")] to: String,
    ) -> ApiResult<Vec<CoveragePoint>> {
        let db = db(ctx)?;
        let scope = scope(ctx);
        let from = When::parse("from", &from)?.start();
        let to = When::parse("to", &to)?.end();
        let region_id = match region_code {
            Some(code) => Some(region::require(db, &scope, "regionCode", &code).await?.id),
            None => None,
        };
        let points = snapshots::history(db, &scope, region_id, from, to).await?;
        Ok(points.into_iter().map(CoveragePoint).collect())
    }
}
