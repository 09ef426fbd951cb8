//! Organization queries.

use async_graphql::{Context, InputObject, Object};

use crate::domain::organization::{self, Along, OrganizationFilter as DomainFilter};
use crate::domain::page::PageRequest;
use crate::graphql::context::{along, db, known_facts, known_rows, scope};
use crate::graphql::error::ApiResult;
use crate::graphql::types::enums::{PartyOrganizationStatus, ResponsibilityBasis};
use crate::graphql::types::{Organization, OrganizationConnection, TotalCount};

/// Which organizations to list; every given condition must hold.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// Located in this region or a region below it.
    pub region_code: Option<String>,
    /// Of this category or a category below it.
    pub category_code: Option<String>,
    pub party_organization: Option<PartyOrganizationStatus>,
    /// Substring of the name.
    pub name_contains: Option<String>,
    /// The responsible department (by resolution), by code.
    pub department_code: Option<String>,
    /// The step that decided.
    pub basis: Option<ResponsibilityBasis>,
}

impl From<OrganizationFilter> for DomainFilter {
    fn from(f: OrganizationFilter) -> Self {
        DomainFilter {
            region_code: f.region_code,
            category_code: f.category_code,
            party_organization: f.party_organization.map(Into::into),
            name_contains: f.name_contains,
            department_code: f.department_code,
            department_id: None,
            basis: f.basis.map(Into::into),
        }
    }
}

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// The organization with this credit code (any case), or null.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        credit_code: String,
    ) -> ApiResult<Option<Organization>> {
        // Who is responsible and why, the category and the region: read
        // with the organization, in its one statement.
        let look = ctx.look_ahead();
        let responsibility = look.field("responsibility");
        let along = Along {
            category: look.field("category").exists(),
            region: look.field("region").exists(),
            responsibility: false,
        };
        // The stored responsibility lives in its own table: the explained
        // lookup joins it, so any part of it is read in the one statement.
        let wide = responsibility.exists() || along.category || along.region;
        if wide && let (Some(facts), Some(rows)) = (known_facts(ctx), known_rows(ctx)) {
            let found =
                organization::find_explained(db(ctx)?, &scope(ctx), &credit_code, along).await?;
            return Ok(found.map(|mut explained| {
                rows.add(std::mem::take(&mut explained.related));
                let model = explained.organization.clone();
                facts.insert(explained);
                Organization(model)
            }));
        }
        let found = organization::find(db(ctx)?, &scope(ctx), &credit_code).await?;
        Ok(found.map(Organization))
    }

    /// Organizations matching the filter, in creation order.
    #[graphql(
        complexity = "crate::graphql::types::connection::page_complexity(first, child_complexity)"
    )]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
        #[graphql(desc = "At most this many (0 to 1000, default 100).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
    ) -> ApiResult<OrganizationConnection> {
        let db = db(ctx)?;
        let request = PageRequest::parse(first, after.as_deref())?;
        let filter: DomainFilter = filter.unwrap_or_default().into();
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
}
