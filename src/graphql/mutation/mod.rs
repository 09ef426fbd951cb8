//! The Mutation root, one module per aggregate. Upserts go by natural key;
//! in their inputs an omitted optional field keeps what is stored and an
//! explicit null clears it.

mod admin;
pub(crate) mod category;
mod department;
mod organization;
mod region;
pub(crate) mod transfer;

use async_graphql::{MaybeUndefined, MergedObject};

use crate::domain::values::Patch;

#[derive(MergedObject, Default)]
pub struct Mutation(
    region::RegionMutation,
    department::DepartmentMutation,
    category::CategoryMutation,
    organization::OrganizationMutation,
    admin::AdminMutation,
    transfer::TransferMutation,
);

/// Omitted keeps, null clears, a value sets.
pub(crate) fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(v),
    }
}
