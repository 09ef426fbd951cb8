//! The Organization object.

use async_graphql::{Context, ID, Object};
use entity::organization;

use super::enums::PartyOrganizationStatus;
use super::history::PeriodsOfOrganization;
use super::{Category, Department, Region, Responsibility, ResponsibilityPeriod, missing};
use crate::domain::history::{When, periods};
use crate::domain::organization::PartyOrganization;
use crate::graphql::context::{db, known_rows, loader};
use crate::graphql::error::ApiResult;
use crate::graphql::loaders::{CategoryById, DepartmentById, RegionById};

/// An organization (组织), keyed by its unified social credit code.
#[derive(Clone, Debug)]
pub struct Organization(pub organization::Model);

impl Organization {
    async fn department(
        &self,
        ctx: &Context<'_>,
        id: Option<i32>,
    ) -> ApiResult<Option<Department>> {
        let Some(id) = id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(DepartmentById(id))
            .await?
            .map(Department))
    }

    async fn region_by_id(&self, ctx: &Context<'_>, id: i32) -> ApiResult<Region> {
        if let Some(region) = known_rows(ctx).and_then(|known| known.region(id)) {
            return Ok(Region(region));
        }
        let region = loader(ctx)?.load_one(RegionById(id)).await?;
        region.map(Region).ok_or_else(|| missing("region"))
    }
}

#[Object]
impl Organization {
    /// Internal id; use `creditCode` to refer to an organization from other systems.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// 统一社会信用代码 (GB 32100-2015), upper case.
    async fn credit_code(&self) -> &str {
        &self.0.credit_code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn category(&self, ctx: &Context<'_>) -> ApiResult<Category> {
        if let Some(category) = known_rows(ctx).and_then(|known| known.category(self.0.category_id))
        {
            return Ok(Category(category));
        }
        let category = loader(ctx)?
            .load_one(CategoryById(self.0.category_id))
            .await?;
        category.map(Category).ok_or_else(|| missing("category"))
    }

    /// Where the organization is located.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        self.region_by_id(ctx, self.0.region_id).await
    }

    /// The level that manages it: its own region unless another (above it) was given.
    async fn administering_region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        let id = self.0.administering_region_id.unwrap_or(self.0.region_id);
        self.region_by_id(ctx, id).await
    }

    /// 业务主管单位.
    async fn supervising_department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        self.department(ctx, self.0.supervising_department_id).await
    }

    /// The department its party organization is affiliated with (党组织关系隶属).
    async fn party_affiliation(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        self.department(ctx, self.0.party_affiliation_id).await
    }

    /// Whether it has a party organization of its own, a joint one, or none.
    async fn party_organization(&self) -> PartyOrganizationStatus {
        PartyOrganization::from_db(&self.0.party_organization).into()
    }

    /// True when a party-building instructor or liaison is assigned (工作覆盖).
    async fn work_covered(&self) -> bool {
        self.0.work_covered
    }

    async fn party_member_count(&self) -> i32 {
        self.0.party_member_count
    }

    /// 典型: held up as a model.
    async fn model(&self) -> bool {
        self.0.is_model
    }

    /// Who is responsible, on what basis, who contests it, and why.
    async fn responsibility(&self, ctx: &Context<'_>) -> ApiResult<Responsibility> {
        Responsibility::of(ctx, &self.0).await
    }

    /// Who was responsible at that moment (RFC 3339 time, or a YYYY-MM-DD
    /// date meaning the end of that day, Asia/Shanghai); null before the
    /// organization was recorded. At the instant of a change the new
    /// period answers.
    async fn responsibility_at(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An RFC 3339 time, or a YYYY-MM-DD date (as of the end of that day).")]
        time: String,
    ) -> ApiResult<Option<ResponsibilityPeriod>> {
        let at = When::parse("time", &time)?.as_of();
        let period = periods::at(db(ctx)?, self.0.id, at).await?;
        Ok(period.map(ResponsibilityPeriod))
    }

    /// Every period of responsibility since the organization was recorded,
    /// oldest first; the last is open (still current).
    async fn responsibility_history(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<ResponsibilityPeriod>> {
        let periods = loader(ctx)?
            .load_one(PeriodsOfOrganization(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(periods.into_iter().map(ResponsibilityPeriod).collect())
    }
}
