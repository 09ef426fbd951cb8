//! The DepartmentKind, Department and Contact objects.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::{department, department_contact, department_kind};
use sea_orm::ActiveEnum;

use super::enums::DepartmentRole;
use super::{
    Category, CoverageSummary, Organization, OrganizationConnection, Region, TotalCount, missing,
};
use crate::domain::coverage::Subject;
use crate::domain::kind::KindRole;
use crate::domain::page::{Page, PageRequest};
use crate::graphql::context::loader;
use crate::graphql::error::ApiResult;
use crate::graphql::loaders::{
    CategoriesOverseen, CategoryById, ContactsOfDepartment, CoordinatorOfRegion, DepartmentById,
    DepartmentsOfKind, KindById, OrganizationCountOfDepartment, OrganizationsOfDepartment,
    RegionById,
};

/// A line of work (部门条线) that exists at every level.
#[derive(Clone, Debug)]
pub struct DepartmentKind(pub department_kind::Model);

#[Object]
impl DepartmentKind {
    /// Internal id; use `code` to refer to a kind from other systems.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// E.g. EDUCATION, MARKET_REGULATION, TOWNSHIP.
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn role(&self) -> DepartmentRole {
        // A role this build does not know reads as SUPERVISOR, the role of most kinds.
        KindRole::try_from_value(&self.0.role)
            .unwrap_or(KindRole::Supervisor)
            .into()
    }

    /// Every department of this kind, at every region.
    async fn departments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Department>> {
        let departments = loader(ctx)?.load_one(DepartmentsOfKind(self.0.id)).await?;
        Ok(departments
            .unwrap_or_default()
            .into_iter()
            .map(Department)
            .collect())
    }
}

/// A member of a department's dedicated staff (专门人员).
#[derive(SimpleObject, Clone, Debug)]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl From<department_contact::Model> for Contact {
    fn from(m: department_contact::Model) -> Self {
        Contact {
            name: m.name,
            title: m.title,
            phone: m.phone,
            email: m.email,
        }
    }
}

/// A department (部门): one kind at one region.
#[derive(Clone, Debug)]
pub struct Department(pub department::Model);

impl Department {
    /// The coordinator of a region (its department of a COORDINATOR-role
    /// kind, or its nearest ancestor's), through the request's loaders.
    pub(crate) async fn coordinator_of(
        ctx: &Context<'_>,
        region_id: i32,
    ) -> ApiResult<Option<Department>> {
        let loader = loader(ctx)?;
        let Some(id) = loader.load_one(CoordinatorOfRegion(region_id)).await? else {
            return Ok(None);
        };
        Ok(loader.load_one(DepartmentById(id)).await?.map(Department))
    }

    async fn contacts(&self, ctx: &Context<'_>) -> ApiResult<Vec<department_contact::Model>> {
        Ok(loader(ctx)?
            .load_one(ContactsOfDepartment(self.0.id))
            .await?
            .unwrap_or_default())
    }
}

#[Object]
impl Department {
    /// Internal id; use `code` to refer to a department from other systems.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn code(&self) -> &str {
        &self.0.code
    }

    /// E.g. 省教育厅, 某县市场监管局, 某街道党工委.
    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn kind(&self, ctx: &Context<'_>) -> ApiResult<DepartmentKind> {
        let kind = loader(ctx)?.load_one(KindById(self.0.kind_id)).await?;
        kind.map(DepartmentKind)
            .ok_or_else(|| missing("department kind"))
    }

    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        let region = loader(ctx)?.load_one(RegionById(self.0.region_id)).await?;
        region.map(Region).ok_or_else(|| missing("region"))
    }

    /// 专门组织: the unit dedicated to the work.
    async fn dedicated_unit(&self) -> Option<&str> {
        self.0.dedicated_unit.as_deref()
    }

    /// 专门人员: the people dedicated to the work, in the order given.
    async fn dedicated_staff(&self, ctx: &Context<'_>) -> ApiResult<Vec<Contact>> {
        Ok(self
            .contacts(ctx)
            .await?
            .into_iter()
            .map(Contact::from)
            .collect())
    }

    /// 专门办法: the document that sets out the method.
    async fn method(&self) -> Option<&str> {
        self.0.method.as_deref()
    }

    /// Organizations this department is responsible for (by resolution), in creation order.
    #[graphql(complexity = "super::connection::page_complexity(first, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> ApiResult<OrganizationConnection> {
        let request = PageRequest::parse(first, after.as_deref())?;
        // Through the loaders, not a query per department: a page of
        // departments loads all their pages (and counts) in one statement each.
        let loader = loader(ctx)?;
        let wants_total = ctx.look_ahead().field("totalCount").exists();
        let (page, total) = futures::try_join!(
            loader.load_one(OrganizationsOfDepartment(self.0.id, request)),
            async {
                if wants_total {
                    loader
                        .load_one(OrganizationCountOfDepartment(self.0.id))
                        .await
                } else {
                    Ok(None)
                }
            }
        )?;
        let page = page.unwrap_or(Page {
            items: Vec::new(),
            has_next: false,
            has_previous: request.after.is_some(),
        });
        Ok(OrganizationConnection {
            page: page.map(Organization),
            // Read only when totalCount was selected, and then loaded above.
            total: TotalCount::known(total.unwrap_or(0)),
        })
    }

    /// Categories whose rules in force at this department's region name its kind.
    async fn categories(&self, ctx: &Context<'_>) -> ApiResult<Vec<Category>> {
        let loader = loader(ctx)?;
        let ids = loader
            .load_one(CategoriesOverseen(self.0.region_id, self.0.kind_id))
            .await?
            .unwrap_or_default();
        let mut found = loader
            .load_many(ids.iter().map(|id| CategoryById(*id)))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(&CategoryById(*id)).map(Category))
            .collect())
    }

    /// Coverage figures of the organizations this department is responsible for.
    async fn coverage(&self, ctx: &Context<'_>) -> ApiResult<CoverageSummary> {
        let subject = Subject {
            department_id: Some(self.0.id),
            ..Subject::default()
        };
        CoverageSummary::of(ctx, subject).await
    }

    /// True when dedicatedUnit, at least one dedicatedStaff and method are all present.
    async fn fully_dedicated(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        Ok(self.0.dedicated_unit.is_some()
            && self.0.method.is_some()
            && !self.contacts(ctx).await?.is_empty())
    }
}
