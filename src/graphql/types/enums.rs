//! The contract's enums, mapped to the domain's.

use async_graphql::Enum;

use crate::domain::gaps::GapKind;
use crate::domain::kind::Role;
use crate::domain::organization::PartyOrganization;
use crate::domain::responsibility::Basis;
use crate::domain::values::RegionLevel as DomainLevel;

/// The level of a region.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "RegionLevel")]
pub enum RegionLevel {
    /// 省: 6-digit code ending in 0000.
    Province,
    /// 市: 6-digit code ending in 00.
    City,
    /// 县、区、县级市: 6-digit code.
    County,
    /// 乡、镇: 9-digit code.
    Township,
    /// 街道: 9-digit code.
    Subdistrict,
}

impl From<RegionLevel> for DomainLevel {
    fn from(level: RegionLevel) -> Self {
        match level {
            RegionLevel::Province => DomainLevel::Province,
            RegionLevel::City => DomainLevel::City,
            RegionLevel::County => DomainLevel::County,
            RegionLevel::Township => DomainLevel::Township,
            RegionLevel::Subdistrict => DomainLevel::Subdistrict,
        }
    }
}

impl From<DomainLevel> for RegionLevel {
    fn from(level: DomainLevel) -> Self {
        match level {
            DomainLevel::Province => RegionLevel::Province,
            DomainLevel::City => RegionLevel::City,
            DomainLevel::County => RegionLevel::County,
            DomainLevel::Township => RegionLevel::Township,
            DomainLevel::Subdistrict => RegionLevel::Subdistrict,
        }
    }
}

/// What a kind of department does in the responsibility map.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "DepartmentRole")]
pub enum DepartmentRole {
    /// 牵头协调: the organization department of each region.
    Coordinator,
    /// 主管: a line department that oversees organizations.
    Supervisor,
    /// 兜底: townships and subdistricts.
    Fallback,
}

impl From<DepartmentRole> for Role {
    fn from(role: DepartmentRole) -> Self {
        match role {
            DepartmentRole::Coordinator => Role::Coordinator,
            DepartmentRole::Supervisor => Role::Supervisor,
            DepartmentRole::Fallback => Role::Fallback,
        }
    }
}

impl From<Role> for DepartmentRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Coordinator => DepartmentRole::Coordinator,
            Role::Supervisor => DepartmentRole::Supervisor,
            Role::Fallback => DepartmentRole::Fallback,
        }
    }
}

/// Party-organization status (党组织建立情况).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "PartyOrganizationStatus")]
pub enum PartyOrganizationStatus {
    /// A party organization of its own (单独建立).
    Own,
    /// Part of a joint party organization (联合建立).
    Joint,
    /// No party organization.
    None,
}

impl From<PartyOrganizationStatus> for PartyOrganization {
    fn from(status: PartyOrganizationStatus) -> Self {
        match status {
            PartyOrganizationStatus::Own => PartyOrganization::Own,
            PartyOrganizationStatus::Joint => PartyOrganization::Joint,
            PartyOrganizationStatus::None => PartyOrganization::None,
        }
    }
}

impl From<PartyOrganization> for PartyOrganizationStatus {
    fn from(status: PartyOrganization) -> Self {
        match status {
            PartyOrganization::Own => PartyOrganizationStatus::Own,
            PartyOrganization::Joint => PartyOrganizationStatus::Joint,
            PartyOrganization::None => PartyOrganizationStatus::None,
        }
    }
}

/// The step of the resolution order that decided who is responsible.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "ResponsibilityBasis")]
pub enum ResponsibilityBasis {
    /// 1. Its party organization is affiliated with the department (机关工委's case).
    PartyAffiliation,
    /// 2. The department is its supervising unit (业务主管单位: 谁主管、谁负责).
    SupervisingUnit,
    /// 3. The most specific rule in force names a kind, and that kind has a department.
    Rule,
    /// 4. The township or subdistrict where it is located (乡镇、街道兜底).
    Fallback,
    /// 5. Nobody: a blind spot (盲区).
    None,
}

impl From<Basis> for ResponsibilityBasis {
    fn from(basis: Basis) -> Self {
        match basis {
            Basis::PartyAffiliation => ResponsibilityBasis::PartyAffiliation,
            Basis::SupervisingUnit => ResponsibilityBasis::SupervisingUnit,
            Basis::Rule => ResponsibilityBasis::Rule,
            Basis::Fallback => ResponsibilityBasis::Fallback,
            Basis::None => ResponsibilityBasis::None,
        }
    }
}

impl From<ResponsibilityBasis> for Basis {
    fn from(basis: ResponsibilityBasis) -> Self {
        match basis {
            ResponsibilityBasis::PartyAffiliation => Basis::PartyAffiliation,
            ResponsibilityBasis::SupervisingUnit => Basis::SupervisingUnit,
            ResponsibilityBasis::Rule => Basis::Rule,
            ResponsibilityBasis::Fallback => Basis::Fallback,
            ResponsibilityBasis::None => Basis::None,
        }
    }
}

/// A kind of coverage gap.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "GapKind")]
pub enum GapKindEnum {
    /// An organization with basis NONE: nobody is responsible (one gap per organization).
    Unassigned,
    /// An organization covered only by the township fallback (one per organization).
    FallbackOnly,
    /// A rule applies but no department of its kind exists up the region chain
    /// (one per administering region, category and kind, with the count in `detail`).
    MissingDepartment,
    /// A category with organizations in a region but no rule in force there for it
    /// or any ancestor (one per region and category).
    UnruledCategory,
    /// Steps 1-3 name more than one distinct department (多头管理; one per organization).
    Contested,
    /// A department responsible for at least one organization lacks a dedicated unit,
    /// staff or method (one per department).
    IncompleteDedication,
}

impl From<GapKindEnum> for GapKind {
    fn from(kind: GapKindEnum) -> Self {
        match kind {
            GapKindEnum::Unassigned => GapKind::Unassigned,
            GapKindEnum::FallbackOnly => GapKind::FallbackOnly,
            GapKindEnum::MissingDepartment => GapKind::MissingDepartment,
            GapKindEnum::UnruledCategory => GapKind::UnruledCategory,
            GapKindEnum::Contested => GapKind::Contested,
            GapKindEnum::IncompleteDedication => GapKind::IncompleteDedication,
        }
    }
}

impl From<GapKind> for GapKindEnum {
    fn from(kind: GapKind) -> Self {
        match kind {
            GapKind::Unassigned => GapKindEnum::Unassigned,
            GapKind::FallbackOnly => GapKindEnum::FallbackOnly,
            GapKind::MissingDepartment => GapKindEnum::MissingDepartment,
            GapKind::UnruledCategory => GapKindEnum::UnruledCategory,
            GapKind::Contested => GapKindEnum::Contested,
            GapKind::IncompleteDedication => GapKindEnum::IncompleteDedication,
        }
    }
}
