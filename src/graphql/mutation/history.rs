//! Mutations over time: a coverage snapshot on demand.

use async_graphql::{Context, Object};

use crate::domain::clock::Clock;
use crate::domain::history::snapshots;
use crate::graphql::context::{caller, db};
use crate::graphql::error::ApiResult;

#[derive(Default)]
pub struct HistoryMutation;

#[Object]
impl HistoryMutation {
    /// Takes a coverage snapshot of every region now (the server also takes
    /// one each day); answers how many regions. For an editor of the whole
    /// database.
    async fn record_coverage_snapshot(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let now = ctx.data::<Clock>()?.now();
        let regions = snapshots::record(db(ctx)?, caller(ctx)?, now).await?;
        Ok(i32::try_from(regions).unwrap_or(i32::MAX))
    }
}
