//! Coverage figures, oversight answers, gaps and rule impact.

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject};
use entity::{department, responsibility_rule};

use super::connection::TotalCount;
use super::enums::{GapKindEnum, ResponsibilityBasis};

use super::{
    Category, Department, DepartmentKind, Organization, Rectification, Region, Responsibility,
    ResponsibilityRule, missing,
};
use crate::domain::coverage::{Cell, Subject, Summary};
use crate::domain::gaps::{Gap, GapPosition};
use crate::domain::impact::{self, Impact};
use crate::domain::page::Page;
use crate::domain::page::PageRequest;
use crate::domain::rule::RuleInput;
use crate::domain::{category, oversight};
use crate::graphql::context::{db, lang, loader, scope};
use crate::graphql::error::ApiResult;
use crate::graphql::loaders::{
    CategoryById, CoverageOf, DepartmentById, KindById, OrganizationById, RegionById,
    ResponsibilityById,
};

/// How many organizations one basis decided.
#[derive(SimpleObject, Clone, Debug)]
pub struct BasisCount {
    pub basis: ResponsibilityBasis,
    pub count: i32,
}

fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Coverage figures of a set of organizations.
#[derive(Clone, Debug)]
pub struct CoverageSummary(pub Summary);

impl CoverageSummary {
    /// The figures of a subject, through the request's loaders.
    pub(crate) async fn of(ctx: &Context<'_>, subject: Subject) -> ApiResult<CoverageSummary> {
        let summary = loader(ctx)?.load_one(CoverageOf(subject)).await?;
        Ok(CoverageSummary(summary.unwrap_or_default()))
    }
}

#[Object]
impl CoverageSummary {
    async fn organizations(&self) -> i32 {
        int(self.0.organizations)
    }

    /// Organization counts for every basis, zeros included, in resolution order.
    async fn by_basis(&self) -> Vec<BasisCount> {
        self.0
            .by_basis
            .iter()
            .map(|(basis, count)| BasisCount {
                basis: (*basis).into(),
                count: int(*count),
            })
            .collect()
    }

    /// Organizations with basis NONE (盲区).
    async fn unassigned(&self) -> i32 {
        int(self.0.count(crate::domain::responsibility::Basis::None))
    }

    /// Organizations covered only by the township fallback (仅乡镇（街道）兜底).
    async fn fallback_only(&self) -> i32 {
        int(self.0.count(crate::domain::responsibility::Basis::Fallback))
    }

    /// Organizations with basis other than NONE, divided by all; 1.0 when there are none.
    async fn responsibility_rate(&self) -> f64 {
        self.0.responsibility_rate()
    }

    /// fallbackOnly divided by all; 0.0 when there are none.
    async fn fallback_share(&self) -> f64 {
        self.0.fallback_share()
    }

    /// (OWN + JOINT) / all: 党的组织覆盖率; 1.0 when there are none.
    async fn organizational_coverage_rate(&self) -> f64 {
        self.0.organizational_coverage_rate()
    }

    /// (OWN + JOINT + work-covered NONE) / all: 党的工作覆盖率; 1.0 when there are none.
    async fn work_coverage_rate(&self) -> f64 {
        self.0.work_coverage_rate()
    }

    /// 应建未建: organizations with at least 3 party members and no party
    /// organization of their own (NONE or JOINT).
    async fn should_establish(&self) -> i32 {
        int(self.0.should_establish)
    }
}

/// Who oversees organizations of a category in a region.
#[derive(Clone, Debug, Default)]
pub struct Oversight {
    pub rule: Option<responsibility_rule::Model>,
    pub kind_id: Option<i32>,
    pub department: Option<department::Model>,
    /// The kind, when it was read with the answer.
    pub kind: Option<entity::department_kind::Model>,
}

impl Oversight {
    /// Who oversees a category in a region (one statement), or, with no
    /// region, by the rule that holds everywhere. Shared by whoOversees and
    /// Category.oversight.
    pub(crate) async fn of(
        ctx: &Context<'_>,
        category_code: &str,
        region_code: Option<&str>,
    ) -> ApiResult<Oversight> {
        let db = db(ctx)?;
        let answer = match region_code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(region_code) => {
                oversight::who_oversees_in(db, &scope(ctx), category_code, region_code).await?
            }
            None => {
                let category = category::require(db, "categoryCode", category_code).await?;
                oversight::who_oversees_everywhere(db, category.id).await?
            }
        };
        Ok(Oversight {
            rule: answer.rule,
            kind_id: answer.kind_id,
            department: answer.department,
            kind: answer.kind,
        })
    }
}

#[Object]
impl Oversight {
    /// Null when no rule is in force for the category (or an ancestor) in the region.
    async fn rule(&self) -> Option<ResponsibilityRule> {
        self.rule.clone().map(ResponsibilityRule)
    }

    /// The kind the rule names.
    async fn department_kind(&self, ctx: &Context<'_>) -> ApiResult<Option<DepartmentKind>> {
        if let Some(kind) = &self.kind {
            return Ok(Some(DepartmentKind(kind.clone())));
        }
        let Some(id) = self.kind_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(KindById(id))
            .await?
            .map(DepartmentKind))
    }

    /// The department of that kind at the region or its nearest ancestor; null when none exists.
    async fn department(&self) -> Option<Department> {
        self.department.clone().map(Department)
    }
}

/// Organizations of a category that a department of a kind decides on a basis.
#[derive(Clone, Debug)]
pub struct CoverageCell(pub Cell);

#[Object]
impl CoverageCell {
    async fn category(&self, ctx: &Context<'_>) -> ApiResult<Category> {
        let category = loader(ctx)?
            .load_one(CategoryById(self.0.category_id))
            .await?;
        category.map(Category).ok_or_else(|| missing("category"))
    }

    /// The kind of the deciding department; null for basis NONE.
    async fn department_kind(&self, ctx: &Context<'_>) -> ApiResult<Option<DepartmentKind>> {
        let Some(id) = self.0.kind_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(KindById(id))
            .await?
            .map(DepartmentKind))
    }

    async fn basis(&self) -> ResponsibilityBasis {
        self.0.basis.into()
    }

    async fn count(&self) -> i32 {
        int(self.0.count)
    }
}

/// A coverage gap and the entities it concerns.
#[derive(Clone, Debug)]
pub struct CoverageGap(pub Gap);

#[Object]
impl CoverageGap {
    async fn kind(&self) -> GapKindEnum {
        self.0.kind.into()
    }

    /// The organization, for gaps about one organization.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(OrganizationById(id))
            .await?
            .map(Organization))
    }

    async fn category(&self, ctx: &Context<'_>) -> ApiResult<Option<Category>> {
        let Some(id) = self.0.category_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(CategoryById(id)).await?.map(Category))
    }

    /// The organization's location, the administering region that lacks a
    /// department, the region without a rule, or the department's region.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        let Some(id) = self.0.region_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(RegionById(id)).await?.map(Region))
    }

    /// The deciding department (fallback-only, contested) or the department lacking a dedication.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        let Some(id) = self.0.department_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(DepartmentById(id))
            .await?
            .map(Department))
    }

    /// The missing kind, or the kind of the department concerned.
    async fn department_kind(&self, ctx: &Context<'_>) -> ApiResult<Option<DepartmentKind>> {
        let Some(id) = self.0.department_kind_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(KindById(id))
            .await?
            .map(DepartmentKind))
    }

    /// The gap in a sentence: simplified Chinese unless the request asks
    /// for English (`Accept-Language: en`).
    async fn detail(&self, ctx: &Context<'_>) -> String {
        self.0.detail.render(lang(ctx))
    }

    /// Stable identity of the gap: its kind and what it concerns, the same on every read while the gap lasts.
    async fn key(&self) -> &str {
        &self.0.gap_key
    }

    /// The ledger item tracking this gap that is not yet VERIFIED, if any.
    async fn rectification(&self, ctx: &Context<'_>) -> ApiResult<Option<Rectification>> {
        Rectification::of_gap(ctx, &self.0.gap_key).await
    }
}

// The gap connection's contract was written before the others, with
// fewer descriptions: the long form keeps its SDL as it is.
crate::graphql::types::connection::connection!(
    CoverageGapConnection, CoverageGapEdge, CoverageGap, GapPosition,
    edges: [],
    page_info: [],
    total_count: ["How many gaps match, all pages together."],
    edge: ["One gap with its cursor."],
    cursor: [],
    connection: ["A page of coverage gaps."]
);

/// What a rule change would do.
pub struct RuleImpact {
    pub input: RuleInput,
    pub remove: bool,
    /// The page computed with the count (from the arguments of `changes`).
    pub request: PageRequest,
    pub impact: Impact,
}

impl RuleImpact {
    async fn page(&self, ctx: &Context<'_>, request: PageRequest) -> ApiResult<Impact> {
        if request == self.request {
            return Ok(self.impact.clone());
        }
        Ok(impact::rule_impact(db(ctx)?, &scope(ctx), &self.input, self.remove, &request).await?)
    }
}

#[Object]
impl RuleImpact {
    /// Organizations whose stored responsibility would change in any way (rule, claimants, department or basis).
    async fn changed_count(&self) -> i32 {
        int(self.impact.changed)
    }

    /// Organizations whose responsible department or basis would change.
    async fn department_changed_count(&self) -> i32 {
        int(self.impact.department_changed)
    }

    /// The organizations that would change, by organization, with their
    /// responsibility before and after.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> ApiResult<ResponsibilityChangeConnection> {
        let request = PageRequest::parse(first, after.as_deref())?;
        let impact = self.page(ctx, request).await?;
        let rules = Arc::new(impact.rules);
        let loader = loader(ctx)?;
        let ids = || impact.page.items.iter().map(|(_, c)| c.organization_id);
        let (mut organizations, stored) = futures::try_join!(
            loader.load_many(ids().map(OrganizationById)),
            loader.load_many(ids().map(ResponsibilityById)),
        )?;
        let mut items = Vec::with_capacity(impact.page.items.len());
        for (position, change) in &impact.page.items {
            let Some(org) = organizations.remove(&OrganizationById(change.organization_id)) else {
                continue;
            };
            let Some(before) = stored.get(&ResponsibilityById(change.organization_id)) else {
                continue;
            };
            items.push((
                *position,
                ResponsibilityChange {
                    before: Responsibility::stored(org.clone(), before),
                    after: Responsibility {
                        organization: org.clone(),
                        resolution: change.after.clone(),
                        preview_rules: Some(rules.clone()),
                    },
                    organization: org,
                },
            ));
        }
        Ok(ResponsibilityChangeConnection {
            page: Page {
                items,
                has_next: impact.page.has_next,
                has_previous: impact.page.has_previous,
            },
            total: TotalCount::known(impact.changed),
        })
    }
}

/// One organization whose responsibility would change.
#[derive(Clone, Debug)]
pub struct ResponsibilityChange {
    pub organization: entity::organization::Model,
    pub before: Responsibility,
    pub after: Responsibility,
}

#[Object]
impl ResponsibilityChange {
    async fn organization(&self) -> Organization {
        Organization(self.organization.clone())
    }

    /// As it is now.
    async fn before(&self) -> Responsibility {
        self.before.clone()
    }

    /// As it would be after the change.
    async fn after(&self) -> Responsibility {
        self.after.clone()
    }
}

crate::graphql::types::connection::connection!(
    ResponsibilityChangeConnection,
    ResponsibilityChangeEdge,
    ResponsibilityChange,
    "responsibility changes"
);
