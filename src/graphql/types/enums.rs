//! The contract's enums, mapped to the domain's.

use async_graphql::Enum;

use crate::domain::kind::Role;
use crate::domain::organization::PartyOrganization;
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
