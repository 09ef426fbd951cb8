//! Department and department-kind mutations.

use async_graphql::{Context, InputObject, MaybeUndefined, Object};

use crate::domain::department::{
    self, ContactInput as DomainContact, DepartmentInput as DomainInput,
};
use crate::domain::kind::{self, KindInput};
use crate::graphql::context::{caller, db};
use crate::graphql::error::ApiResult;
use crate::graphql::inputs::patch;
use crate::graphql::types::enums::DepartmentRole;
use crate::graphql::types::{Department, DepartmentKind};

/// A department kind by code.
#[derive(InputObject)]
pub struct DepartmentKindInput {
    /// ASCII letters, digits, '_', '-', '.'; e.g. EDUCATION.
    pub code: String,
    pub name: String,
    pub role: DepartmentRole,
}

/// A member of a department's dedicated staff.
#[derive(InputObject)]
pub struct ContactInput {
    pub name: String,
    pub title: Option<String>,
    /// Digits, spaces and + - ( ).
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A department by code. Omitted optional fields keep their stored value; null clears them.
#[derive(InputObject)]
pub struct DepartmentInput {
    pub code: String,
    pub name: String,
    pub kind_code: String,
    /// A region has at most one department of each kind, and at most one of a FALLBACK-role kind.
    pub region_code: String,
    pub dedicated_unit: MaybeUndefined<String>,
    /// Replaces the whole list when given (at most 50).
    pub dedicated_staff: MaybeUndefined<Vec<ContactInput>>,
    pub method: MaybeUndefined<String>,
}

#[derive(Default)]
pub struct DepartmentMutation;

#[Object]
impl DepartmentMutation {
    /// Creates the department kind, or updates its name and role. A changed
    /// role re-resolves the organizations it affects; CONFLICT when the role
    /// FALLBACK would give a region a second department of a FALLBACK-role kind.
    async fn upsert_department_kind(
        &self,
        ctx: &Context<'_>,
        input: DepartmentKindInput,
    ) -> ApiResult<DepartmentKind> {
        let saved = kind::upsert(
            db(ctx)?,
            caller(ctx)?,
            KindInput {
                code: input.code,
                name: input.name,
                role: input.role.into(),
            },
        )
        .await?;
        Ok(DepartmentKind(saved))
    }

    /// Creates or updates the department with this code.
    async fn upsert_department(
        &self,
        ctx: &Context<'_>,
        input: DepartmentInput,
    ) -> ApiResult<Department> {
        let staff = patch(input.dedicated_staff).map(|list| {
            list.into_iter()
                .map(|c| DomainContact {
                    name: c.name,
                    title: c.title,
                    phone: c.phone,
                    email: c.email,
                })
                .collect()
        });
        let saved = department::upsert(
            db(ctx)?,
            caller(ctx)?,
            DomainInput {
                code: input.code,
                name: input.name,
                kind_code: input.kind_code,
                region_code: input.region_code,
                dedicated_unit: patch(input.dedicated_unit),
                dedicated_staff: staff,
                method: patch(input.method),
            },
        )
        .await?;
        Ok(Department(saved))
    }
}
