//! Enums stored as text, each value's stored text spelled once, in its
//! `string_value`. The columns stay `String`: the engine's set-based SQL
//! reads and writes them as text, and a typed column would change every
//! writer at once; the derive is what turns text into a variant and back.

use sea_orm::entity::prelude::*;

/// The step of the resolution order that decided who is responsible
/// (`organization.resp_basis`, `coverage_cell.basis`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum Basis {
    #[sea_orm(string_value = "PARTY_AFFILIATION")]
    PartyAffiliation,
    #[sea_orm(string_value = "SUPERVISING_UNIT")]
    SupervisingUnit,
    #[sea_orm(string_value = "RULE")]
    Rule,
    #[sea_orm(string_value = "FALLBACK")]
    Fallback,
    #[sea_orm(string_value = "NONE")]
    None,
}

/// What a kind of department does in the responsibility map
/// (`department_kind.role`). Named apart from the token roles of
/// `domain::access::Role`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum KindRole {
    /// 牵头协调: the organization department of a region.
    #[sea_orm(string_value = "COORDINATOR")]
    Coordinator,
    /// 主管: a line department that oversees organizations.
    #[sea_orm(string_value = "SUPERVISOR")]
    Supervisor,
    /// 兜底: the township or subdistrict.
    #[sea_orm(string_value = "FALLBACK")]
    Fallback,
}
