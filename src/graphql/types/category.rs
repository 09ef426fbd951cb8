//! The Category and ResponsibilityRule objects.

use async_graphql::{Context, ID, Object};
use entity::{category, responsibility_rule};

use super::{DepartmentKind, Oversight, Region, missing};
use crate::graphql::context::loader;
use crate::graphql::error::ApiResult;
use crate::graphql::loaders::{
    CategoryById, ChildrenOfCategory, KindById, RegionById, RulesOfCategory,
};

/// An organization category (组织类别), a node of the category tree.
#[derive(Clone, Debug)]
pub struct Category(pub category::Model);

#[Object]
impl Category {
    /// Internal id; use `code` to refer to a category from other systems.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// E.g. PRIVATE_SCHOOL, SOLE_PROPRIETOR.
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What belongs under this category, for those who file organizations
    /// (分类说明); the reference categories carry the seed's.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Credit-code types (the code's first two characters, e.g. 51 社会团体)
    /// organizations of this category may carry; empty: those of the parent.
    async fn credit_code_types(&self) -> Vec<String> {
        crate::domain::category::credit_code_types(&self.0.credit_code_types)
    }

    /// The category above; null for a root.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Category>> {
        let Some(parent_id) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(CategoryById(parent_id))
            .await?
            .map(Category))
    }

    /// The categories directly below.
    async fn children(&self, ctx: &Context<'_>) -> ApiResult<Vec<Category>> {
        let children = loader(ctx)?.load_one(ChildrenOfCategory(self.0.id)).await?;
        Ok(children
            .unwrap_or_default()
            .into_iter()
            .map(Category)
            .collect())
    }

    /// Who oversees organizations of this category located in the region
    /// (no region: the rule that holds everywhere).
    async fn oversight(
        &self,
        ctx: &Context<'_>,
        region_code: Option<String>,
    ) -> ApiResult<Oversight> {
        Oversight::of(ctx, &self.0.code, region_code.as_deref()).await
    }

    /// The rules that name this category itself (the rule that holds
    /// everywhere first); rules of ancestors apply too but are listed there.
    async fn rules(&self, ctx: &Context<'_>) -> ApiResult<Vec<ResponsibilityRule>> {
        let rules = loader(ctx)?.load_one(RulesOfCategory(self.0.id)).await?;
        Ok(rules
            .unwrap_or_default()
            .into_iter()
            .map(ResponsibilityRule)
            .collect())
    }
}

/// A responsibility rule (主管责任): in its scope region and below, or
/// everywhere, organizations of its category and the category's subtree
/// are overseen by its department kind.
#[derive(Clone, Debug)]
pub struct ResponsibilityRule(pub responsibility_rule::Model);

#[Object]
impl ResponsibilityRule {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn category(&self, ctx: &Context<'_>) -> ApiResult<Category> {
        let category = loader(ctx)?
            .load_one(CategoryById(self.0.category_id))
            .await?;
        category.map(Category).ok_or_else(|| missing("category"))
    }

    async fn department_kind(&self, ctx: &Context<'_>) -> ApiResult<DepartmentKind> {
        let kind = loader(ctx)?
            .load_one(KindById(self.0.department_kind_id))
            .await?;
        kind.map(DepartmentKind)
            .ok_or_else(|| missing("department kind"))
    }

    /// Null: the rule holds everywhere; else in this region and below.
    async fn scope(&self, ctx: &Context<'_>) -> ApiResult<Option<Region>> {
        let Some(scope_id) = self.0.scope_region_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(RegionById(scope_id))
            .await?
            .map(Region))
    }

    /// The document that established the rule.
    async fn basis(&self) -> Option<&str> {
        self.0.basis.as_deref()
    }
}
