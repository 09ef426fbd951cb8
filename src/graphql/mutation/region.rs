//! Region mutations.

use async_graphql::{Context, InputObject, Object};

use crate::domain::region::{self, RegionInput as DomainInput};
use crate::graphql::context::{caller, db};
use crate::graphql::error::ApiResult;
use crate::graphql::types::Region;
use crate::graphql::types::enums::RegionLevel;

/// A region by its GB/T 2260 code.
#[derive(InputObject)]
pub struct RegionInput {
    /// 6 digits (province XX0000, city XXXX00, county), 9 for townships and subdistricts.
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    /// Required for every level but PROVINCE. Level and parent of an existing region cannot change.
    pub parent_code: Option<String>,
}

#[derive(Default)]
pub struct RegionMutation;

#[Object]
impl RegionMutation {
    /// Creates the region, or renames it when the code exists.
    async fn upsert_region(&self, ctx: &Context<'_>, input: RegionInput) -> ApiResult<Region> {
        let saved = region::upsert(
            db(ctx)?,
            caller(ctx)?,
            DomainInput {
                code: input.code,
                name: input.name,
                level: input.level.into(),
                parent_code: input.parent_code,
            },
        )
        .await?;
        Ok(Region(saved))
    }
}
