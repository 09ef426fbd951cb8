//! The Region object.

use async_graphql::{Context, ID, Object};
use entity::region;

use super::enums::RegionLevel;
use super::{CoverageSummary, Department};
use crate::domain::category;
use crate::domain::coverage::Subject;
use crate::domain::region::level_of;
use crate::graphql::context::{db, loader};
use crate::graphql::error::ApiResult;
use crate::graphql::loaders::{
    AncestorsOfRegion, ChildrenOfRegion, DepartmentsOfRegion, RegionById,
};

/// An administrative region (行政区划).
#[derive(Clone, Debug)]
pub struct Region(pub region::Model);

#[Object]
impl Region {
    /// Internal id; use `code` to refer to a region from other systems.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// GB/T 2260 code: 6 digits down to county, 9 for townships and subdistricts.
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn level(&self) -> RegionLevel {
        level_of(&self.0).into()
    }

    /// The region above; null for a province.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        let Some(parent_id) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(RegionById(parent_id))
            .await?
            .map(Region))
    }

    /// The regions directly below, by code.
    async fn children(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let children = loader(ctx)?.load_one(ChildrenOfRegion(self.0.id)).await?;
        Ok(children
            .unwrap_or_default()
            .into_iter()
            .map(Region)
            .collect())
    }

    /// Root first, ending with the parent.
    async fn ancestors(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        let loader = loader(ctx)?;
        let ids = loader
            .load_one(AncestorsOfRegion(self.0.id))
            .await?
            .unwrap_or_default();
        let mut found = loader
            .load_many(ids.iter().map(|id| RegionById(*id)))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(&RegionById(*id)).map(Region))
            .collect())
    }

    /// The department of a COORDINATOR-role kind at this region or its nearest ancestor.
    async fn coordinator(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        Department::coordinator_of(ctx, self.0.id).await
    }

    /// Coverage figures of the organizations located in this region and
    /// below, optionally of one category subtree.
    async fn coverage(
        &self,
        ctx: &Context<'_>,
        category_code: Option<String>,
    ) -> ApiResult<CoverageSummary> {
        let category_id = match category_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(code) => Some(category::require(db(ctx)?, "categoryCode", code).await?.id),
            None => None,
        };
        let subject = Subject {
            region_id: Some(self.0.id),
            category_id,
            department_id: None,
        };
        CoverageSummary::of(ctx, subject).await
    }

    /// The departments at this region (not below it), by kind.
    async fn departments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Department>> {
        let departments = loader(ctx)?
            .load_one(DepartmentsOfRegion(self.0.id))
            .await?;
        Ok(departments
            .unwrap_or_default()
            .into_iter()
            .map(Department)
            .collect())
    }
}
