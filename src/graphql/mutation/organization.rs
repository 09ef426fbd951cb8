//! Organization mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};

use crate::domain::organization::{self, OrganizationInput as DomainInput};
use crate::graphql::context::{caller, db};
use crate::graphql::error::ApiResult;
use crate::graphql::inputs::patch;
use crate::graphql::types::Organization;
use crate::graphql::types::enums::PartyOrganizationStatus;

/// An organization by credit code. Omitted optional fields keep their
/// stored value (on create: none, NONE, false, 0); null clears a reference.
#[derive(InputObject)]
pub struct OrganizationInput {
    /// 统一社会信用代码: 18 characters, check character verified; lower case accepted.
    pub credit_code: String,
    pub name: String,
    pub category_code: String,
    /// Where the organization is located.
    pub region_code: String,
    /// The level that manages it: the region itself or a region above it.
    pub administering_region_code: MaybeUndefined<String>,
    /// 业务主管单位, by department code.
    pub supervising_department_code: MaybeUndefined<String>,
    /// 党组织关系隶属, by department code.
    pub party_affiliation_code: MaybeUndefined<String>,
    pub party_organization: Option<PartyOrganizationStatus>,
    pub work_covered: Option<bool>,
    /// Not negative.
    pub party_member_count: Option<i32>,
    pub model: Option<bool>,
}

#[derive(Default)]
pub struct OrganizationMutation;

#[Object]
impl OrganizationMutation {
    /// Creates or updates the organization with this credit code.
    async fn upsert_organization(
        &self,
        ctx: &Context<'_>,
        input: OrganizationInput,
    ) -> ApiResult<Organization> {
        let saved = organization::upsert(
            db(ctx)?,
            caller(ctx)?,
            DomainInput {
                credit_code: input.credit_code,
                name: input.name,
                category_code: input.category_code,
                region_code: input.region_code,
                administering_region_code: patch(input.administering_region_code),
                supervising_department_code: patch(input.supervising_department_code),
                party_affiliation_code: patch(input.party_affiliation_code),
                party_organization: input.party_organization.map(Into::into),
                work_covered: input.work_covered,
                party_member_count: input.party_member_count,
                model: input.model,
            },
        )
        .await?;
        Ok(Organization(saved))
    }

    /// Deletes the organization; false when none has this credit code.
    async fn delete_organization(&self, ctx: &Context<'_>, credit_code: String) -> ApiResult<bool> {
        Ok(organization::delete(db(ctx)?, caller(ctx)?, &credit_code).await?)
    }
}
