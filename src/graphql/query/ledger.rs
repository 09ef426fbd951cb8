//! The ledger's reads: milestones, pages of items, the summary.

use async_graphql::{Context, InputObject, Object};

use crate::domain::clock::Clock;
use crate::domain::ledger::reading::{self, Filter};
use crate::domain::ledger::{self, require_milestone};
use crate::domain::page::Page;
use crate::domain::scope::Scope;
use crate::domain::{department, region};
use crate::graphql::context::{db, scope};
use crate::graphql::error::ApiResult;
use crate::graphql::types::TotalCount;
use crate::graphql::types::enums::GapKindEnum;
use crate::graphql::types::ledger::{
    Milestone, Rectification, RectificationConnection, RectificationStatus, RectificationSummary,
};

/// Which ledger items to list; every field narrows the list.
#[derive(InputObject, Default)]
pub struct RectificationFilter {
    /// The region subtree (default: the token's region, or everything).
    pub region_code: Option<String>,
    pub statuses: Option<Vec<RectificationStatus>>,
    pub kinds: Option<Vec<GapKindEnum>>,
    pub milestone_code: Option<String>,
    pub owner_department_code: Option<String>,
    /// Past the due date (Asia/Shanghai) and neither RESOLVED nor VERIFIED.
    pub overdue: Option<bool>,
    /// Whether the gap is still there now.
    pub gap_open: Option<bool>,
}

#[derive(Default)]
pub struct LedgerQuery;

/// The subtree a read covers: the given region (within the caller's
/// scope, else NOT_FOUND), else the caller's own.
async fn subtree(ctx: &Context<'_>, code: Option<&str>) -> ApiResult<Option<i32>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Ok(Some(
            region::require(db(ctx)?, &scope(ctx), "regionCode", code)
                .await?
                .id,
        )),
        None => Ok(scope(ctx).region_id),
    }
}

async fn milestone_id(ctx: &Context<'_>, code: Option<&str>) -> ApiResult<Option<i32>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Ok(Some(
            require_milestone(db(ctx)?, "milestoneCode", code).await?.id,
        )),
        None => Ok(None),
    }
}

#[Object]
impl LedgerQuery {
    /// The rectification milestones (整改节点), by due date.
    async fn milestones(&self, ctx: &Context<'_>) -> ApiResult<Vec<Milestone>> {
        Ok(ledger::milestones(db(ctx)?)
            .await?
            .into_iter()
            .map(Milestone)
            .collect())
    }

    /// The rectification ledger (整改台账): overdue items first, then by due date, then by id.
    #[graphql(
        complexity = "crate::graphql::types::connection::page_complexity(first, child_complexity)"
    )]
    async fn rectifications(
        &self,
        ctx: &Context<'_>,
        filter: Option<RectificationFilter>,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> ApiResult<RectificationConnection> {
        let db = db(ctx)?;
        let today = ctx.data::<Clock>()?.today();
        let input = filter.unwrap_or_default();
        let owner_id = match input.owner_department_code.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => Some(
                department::require(db, &Scope::EVERYTHING, "ownerDepartmentCode", code)
                    .await?
                    .id,
            ),
            _ => None,
        };
        let filter = Filter {
            region_id: subtree(ctx, input.region_code.as_deref()).await?,
            statuses: input
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            kinds: input
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            milestone_id: milestone_id(ctx, input.milestone_code.as_deref()).await?,
            owner_id,
            overdue: input.overdue,
            gap_open: input.gap_open,
        };
        let (items, has_next) = reading::page(db, &filter, today, first, after.as_deref()).await?;
        let counted = db.clone();
        Ok(RectificationConnection {
            page: Page {
                items: items
                    .into_iter()
                    .map(|(position, item)| (position, Rectification(item)))
                    .collect(),
                has_next,
                has_previous: after.is_some(),
            },
            total: TotalCount::from_fn(move || {
                let (db, filter) = (counted.clone(), filter.clone());
                Box::pin(async move { reading::count(&db, &filter, today).await })
            }),
        })
    }

    /// The figures of the ledger of a region subtree (default: the token's region, or everything), optionally of one milestone.
    async fn rectification_summary(
        &self,
        ctx: &Context<'_>,
        region_code: Option<String>,
        milestone_code: Option<String>,
    ) -> ApiResult<RectificationSummary> {
        let today = ctx.data::<Clock>()?.today();
        let region_id = subtree(ctx, region_code.as_deref()).await?;
        let milestone_id = milestone_id(ctx, milestone_code.as_deref()).await?;
        Ok(reading::summary(db(ctx)?, region_id, milestone_id, today)
            .await?
            .into())
    }
}
