//! Category and rule mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};

use crate::domain::category::{self, CategoryInput as DomainCategory};
use crate::domain::rule;
use crate::graphql::context::{caller, db};
use crate::graphql::error::ApiResult;
use crate::graphql::inputs::{RuleInput, patch};
use crate::graphql::types::{Category, ResponsibilityRule};

/// A category by code. Omitted optional fields keep their stored value; null clears them.
#[derive(InputObject)]
pub struct CategoryInput {
    pub code: String,
    pub name: String,
    /// The category above; a parent that would close a cycle is refused.
    pub parent_code: MaybeUndefined<String>,
    pub description: MaybeUndefined<String>,
    /// The credit-code types (the code's first two characters, e.g. `51`
    /// 社会团体) its organizations may carry; empty: those of the parent.
    /// Omitted or null: keep what is stored. An organization whose code has
    /// another type is a CATEGORY_MISMATCH gap, not a refusal.
    pub credit_code_types: Option<Vec<String>>,
}

#[derive(Default)]
pub struct CategoryMutation;

#[Object]
impl CategoryMutation {
    /// Creates or updates the category with this code.
    async fn upsert_category(
        &self,
        ctx: &Context<'_>,
        input: CategoryInput,
    ) -> ApiResult<Category> {
        let saved = category::upsert(
            db(ctx)?,
            caller(ctx)?,
            DomainCategory {
                code: input.code,
                name: input.name,
                parent_code: patch(input.parent_code),
                description: patch(input.description),
                credit_code_types: input.credit_code_types,
            },
        )
        .await?;
        Ok(Category(saved))
    }

    /// Creates the rule for this category and scope, or changes its kind and basis.
    async fn upsert_rule(
        &self,
        ctx: &Context<'_>,
        input: RuleInput,
    ) -> ApiResult<ResponsibilityRule> {
        let saved = rule::upsert(db(ctx)?, caller(ctx)?, input.into()).await?;
        Ok(ResponsibilityRule(saved))
    }

    /// Deletes the rule for this category and scope (no scope: the rule that
    /// holds everywhere). False when there was no such rule.
    async fn delete_rule(
        &self,
        ctx: &Context<'_>,
        category_code: String,
        scope_region_code: Option<String>,
    ) -> ApiResult<bool> {
        Ok(rule::delete(
            db(ctx)?,
            caller(ctx)?,
            &category_code,
            scope_region_code.as_deref(),
        )
        .await?)
    }
}
