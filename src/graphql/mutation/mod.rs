//! The Mutation root, one module per aggregate. Upserts go by natural key;
//! in their inputs an omitted optional field keeps what is stored and an
//! explicit null clears it.

mod admin;
mod category;
mod department;
mod ledger;
mod organization;
mod region;
pub(crate) mod transfer;

use async_graphql::MergedObject;

#[derive(MergedObject, Default)]
pub struct Mutation(
    region::RegionMutation,
    department::DepartmentMutation,
    category::CategoryMutation,
    organization::OrganizationMutation,
    admin::AdminMutation,
    transfer::TransferMutation,
    ledger::LedgerMutation,
);
