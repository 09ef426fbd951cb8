//! The contract's enums. Each names the domain enum it mirrors with
//! `remote`, and async-graphql derives the conversions both ways (a variant
//! added on one side only fails to compile).

use async_graphql::Enum;

/// The level of a region.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "RegionLevel", remote = "crate::domain::values::RegionLevel")]
pub enum RegionLevel {
    /// 省: 6-digit code ending in 0000.
    Province,
    /// 市: 6-digit code ending in 00.
    City,
    /// 县（市、区）: districts, counties and county-level cities; 6-digit code.
    County,
    /// 乡、镇: 9-digit code (towns 100–199, townships 200–299).
    Township,
    /// 街道: 9-digit code (001–099).
    Subdistrict,
}

/// What a kind of department does in the responsibility map.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "DepartmentRole", remote = "crate::domain::kind::KindRole")]
pub enum DepartmentRole {
    /// 牵头协调: the organization department of each region.
    Coordinator,
    /// 主管: a line department that oversees organizations.
    Supervisor,
    /// 乡镇（街道）兜底: township party committees and subdistrict party working committees.
    Fallback,
}

/// Party-organization status (党组织建立情况).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "PartyOrganizationStatus",
    remote = "crate::domain::organization::PartyOrganization"
)]
pub enum PartyOrganizationStatus {
    /// A party organization of its own (单独建立).
    Own,
    /// Part of a joint party organization (联合建立).
    Joint,
    /// No party organization.
    None,
}

/// The step of the resolution order that decided who is responsible.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "ResponsibilityBasis",
    remote = "crate::domain::responsibility::Basis"
)]
pub enum ResponsibilityBasis {
    /// 1. Its party organization is affiliated with the department (机关工委's case).
    PartyAffiliation,
    /// 2. The department is its supervising unit (业务主管单位: 谁主管、谁负责).
    SupervisingUnit,
    /// 3. The most specific rule in force names a kind, and that kind has a department.
    Rule,
    /// 4. The township or subdistrict where it is located (乡镇（街道）兜底).
    Fallback,
    /// 5. Nobody: a blind spot (盲区).
    None,
}

/// A kind of coverage gap.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "GapKind", remote = "crate::domain::gaps::GapKind")]
pub enum GapKindEnum {
    /// An organization with basis NONE: nobody is responsible (one gap per organization).
    Unassigned,
    /// An organization covered only by the township fallback (仅乡镇（街道）兜底; one per
    /// organization).
    FallbackOnly,
    /// A rule applies but no department of its kind exists up the region chain
    /// (one per administering region, category and kind, with the count in `detail`).
    MissingDepartment,
    /// A category with organizations in a region but no rule in force there for it
    /// or any ancestor (无主管规则的类别; one per region and category).
    UnruledCategory,
    /// Steps 1-3 name more than one distinct department (多头管理; one per organization).
    Contested,
    /// A department responsible for at least one organization lacks a dedicated unit,
    /// staff or method (专门组织、专门人员、专门办法不全; one per department).
    IncompleteDedication,
    /// 应建未建: at least 3 party members and no party organization of its own
    /// (NONE or JOINT; Party Constitution, Art. 30; one per organization).
    ShouldEstablish,
    /// 类别与代码不符: the credit code's type (its first two characters, GB
    /// 32100-2015) is not one the organization's category admits
    /// (`Category.creditCodeTypes`, else the nearest ancestor's; one per
    /// organization). A warning: the organization is stored all the same.
    CategoryMismatch,
}
