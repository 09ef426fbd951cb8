//! Department and department-kind queries.

use async_graphql::{Context, Object};

use crate::domain::department::{self, DepartmentFilter};
use crate::domain::kind;
use crate::domain::page::PageRequest;
use crate::graphql::context::{db, scope};
use crate::graphql::error::ApiResult;
use crate::graphql::types::{Department, DepartmentConnection, DepartmentKind, TotalCount};

#[derive(Default)]
pub struct DepartmentQuery;

#[Object]
impl DepartmentQuery {
    /// The department kind with this code, or null.
    async fn department_kind(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> ApiResult<Option<DepartmentKind>> {
        Ok(kind::find(db(ctx)?, &code).await?.map(DepartmentKind))
    }

    /// Every department kind.
    async fn department_kinds(&self, ctx: &Context<'_>) -> ApiResult<Vec<DepartmentKind>> {
        Ok(kind::all(db(ctx)?)
            .await?
            .into_iter()
            .map(DepartmentKind)
            .collect())
    }

    /// The department with this code, or null.
    async fn department(&self, ctx: &Context<'_>, code: String) -> ApiResult<Option<Department>> {
        let found = department::find(db(ctx)?, &scope(ctx), "code", &code).await?;
        Ok(found.map(Department))
    }

    /// Departments, optionally of one kind and/or within a region subtree, in creation order.
    #[graphql(
        complexity = "crate::graphql::types::connection::page_complexity(first, child_complexity)"
    )]
    async fn departments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only departments of this kind.")] kind_code: Option<String>,
        #[graphql(desc = "Only departments of this region and the regions below it.")]
        region_code: Option<String>,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> ApiResult<DepartmentConnection> {
        let db = db(ctx)?;
        let request = PageRequest::parse(first, after.as_deref())?;
        let filter = DepartmentFilter {
            kind_code,
            region_code,
        };
        let (page, select) = department::list(db, &scope(ctx), &filter, &request).await?;
        Ok(DepartmentConnection {
            page: page.map(Department),
            total: TotalCount::of(db, select),
        })
    }
}
