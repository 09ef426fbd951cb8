//! The questions orgmap exists for: who oversees, who coordinates, who is
//! unassigned, where the gaps are, the coverage figures, and what a rule
//! change would do.

use async_graphql::{Context, Object, Value};

use crate::domain::coverage::{self, Subject};
use crate::domain::gaps::{self, GapFilter};
use crate::domain::impact;
use crate::domain::organization::{self, OrganizationFilter as DomainFilter};
use crate::domain::page::{Page, PageRequest};
use crate::domain::responsibility::Basis;
use crate::domain::{category, region};
use crate::graphql::context::{along, db, known_rows, scope};
use crate::graphql::error::ApiResult;
use crate::graphql::inputs::RuleInput;
use crate::graphql::types::coverage::{
    CoverageCell, CoverageGap, CoverageGapConnection, CoverageSummary, Oversight, RuleImpact,
};
use crate::graphql::types::enums::GapKindEnum;
use crate::graphql::types::{Department, Organization, OrganizationConnection, TotalCount};

#[derive(Default)]
pub struct ResponsibilityQuery;

async fn optional_region(ctx: &Context<'_>, code: Option<&str>) -> ApiResult<Option<i32>> {
    let db = db(ctx)?;
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Ok(Some(
            region::require(db, &scope(ctx), "regionCode", code)
                .await?
                .id,
        )),
        None => Ok(scope(ctx).region_id),
    }
}

async fn optional_category(ctx: &Context<'_>, code: Option<&str>) -> ApiResult<Option<i32>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Ok(Some(
            category::require(db(ctx)?, "categoryCode", code).await?.id,
        )),
        None => Ok(None),
    }
}

/// `first` and `after` as given to the `changes` field under this one.
fn changes_page(ctx: &Context<'_>) -> ApiResult<PageRequest> {
    let mut first = None;
    let mut after = None;
    if let Some(changes) = ctx
        .field()
        .selection_set()
        .find(|field| field.name() == "changes")
    {
        for (name, value) in changes.arguments().unwrap_or_default() {
            match (name.as_str(), value) {
                ("first", Value::Number(n)) => {
                    first = n
                        .as_i64()
                        .map(|n| n.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
                }
                ("after", Value::String(s)) => after = Some(s),
                _ => {}
            }
        }
    }
    Ok(PageRequest::parse(first, after.as_deref())?)
}

#[Object]
impl ResponsibilityQuery {
    /// Who oversees organizations of this category located in this region (no region: the rules that hold everywhere).
    async fn who_oversees(
        &self,
        ctx: &Context<'_>,
        category_code: String,
        region_code: Option<String>,
    ) -> ApiResult<Oversight> {
        Oversight::of(ctx, &category_code, region_code.as_deref()).await
    }

    /// The department of a COORDINATOR-role kind at the region or its nearest ancestor.
    async fn coordinator(
        &self,
        ctx: &Context<'_>,
        region_code: String,
    ) -> ApiResult<Option<Department>> {
        let region = region::require(db(ctx)?, &scope(ctx), "regionCode", &region_code).await?;
        Department::coordinator_of(ctx, region.id).await
    }

    /// Organizations with basis NONE, optionally within a region subtree and/or category subtree.
    #[graphql(
        complexity = "crate::graphql::types::connection::page_complexity(first, child_complexity)"
    )]
    async fn unassigned_organizations(
        &self,
        ctx: &Context<'_>,
        region_code: Option<String>,
        category_code: Option<String>,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> ApiResult<OrganizationConnection> {
        let db = db(ctx)?;
        let request = PageRequest::parse(first, after.as_deref())?;
        let filter = DomainFilter {
            region_code,
            category_code,
            basis: Some(Basis::None),
            ..DomainFilter::default()
        };
        let (page, select, related) =
            organization::list(db, &scope(ctx), &filter, &request, along(ctx)).await?;
        if let Some(known) = known_rows(ctx) {
            known.add(related);
        }
        Ok(OrganizationConnection {
            page: page.map(Organization),
            total: TotalCount::of(db, select),
        })
    }

    /// Coverage gaps, kind by kind in the order of GapKind, optionally of
    /// some kinds and within a region subtree (by the organization's
    /// location, the administering region, the region without a rule, or the
    /// department's region).
    #[graphql(
        complexity = "crate::graphql::types::connection::page_complexity(first, child_complexity)"
    )]
    async fn coverage_gaps(
        &self,
        ctx: &Context<'_>,
        region_code: Option<String>,
        kinds: Option<Vec<GapKindEnum>>,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> ApiResult<CoverageGapConnection> {
        let db = db(ctx)?;
        let filter = GapFilter {
            region_id: optional_region(ctx, region_code.as_deref()).await?,
            kinds: kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let (gaps, has_next) = gaps::list(db, &filter, first, after.as_deref()).await?;
        let counted = db.clone();
        Ok(CoverageGapConnection {
            page: Page {
                items: gaps
                    .into_iter()
                    .map(|gap| (gap.position(), CoverageGap(gap)))
                    .collect(),
                has_next,
                has_previous: after.is_some(),
            },
            total: TotalCount::from_fn(move || {
                let (db, filter) = (counted.clone(), filter.clone());
                Box::pin(async move { gaps::count(&db, &filter).await })
            }),
        })
    }

    /// Coverage figures of the organizations located in a region subtree and/or of a category subtree.
    async fn coverage(
        &self,
        ctx: &Context<'_>,
        region_code: Option<String>,
        category_code: Option<String>,
    ) -> ApiResult<CoverageSummary> {
        let subject = Subject {
            region_id: optional_region(ctx, region_code.as_deref()).await?,
            category_id: optional_category(ctx, category_code.as_deref()).await?,
            department_id: None,
        };
        CoverageSummary::of(ctx, subject).await
    }

    /// Organization counts by category x department kind that decides them, within a region subtree.
    async fn coverage_matrix(
        &self,
        ctx: &Context<'_>,
        region_code: Option<String>,
    ) -> ApiResult<Vec<CoverageCell>> {
        let region_id = optional_region(ctx, region_code.as_deref()).await?;
        let cells = coverage::matrix(db(ctx)?, region_id).await?;
        Ok(cells.into_iter().map(CoverageCell).collect())
    }

    /// What upserting this rule (or, with remove: true, deleting it) would change, changing nothing.
    async fn rule_impact(
        &self,
        ctx: &Context<'_>,
        input: RuleInput,
        #[graphql(
            default_with = "Some(false)",
            desc = "True: preview deleting the rule of this category and scope."
        )]
        remove: Option<bool>,
    ) -> ApiResult<RuleImpact> {
        let remove = remove.unwrap_or(false);
        let request = changes_page(ctx)?;
        let input = input.into();
        let impact = impact::rule_impact(db(ctx)?, &scope(ctx), &input, remove, &request).await?;
        Ok(RuleImpact {
            input,
            remove,
            request,
            impact,
        })
    }
}
