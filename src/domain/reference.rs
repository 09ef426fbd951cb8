//! The reference data of the seed document (`seed/reference-map.md`): the
//! department kinds, the category tree and the province rules. Loaded once,
//! into an empty database; later starts leave users' edits alone.

use entity::{category, department_kind, responsibility_rule};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};

use super::category as category_domain;
use super::kind::KindRole;
use super::store;
use crate::error::Result;

/// The basis the province rules carry.
pub const PROVINCE_BASIS: &str = "省委主题教育领导小组分工（2019年）";

/// (code, name, role)
pub const KINDS: [(&str, &str, KindRole); 10] = [
    ("ORGANIZATION", "组织部门", KindRole::Coordinator),
    ("UNITED_FRONT", "统战部门", KindRole::Supervisor),
    ("ORGANS_WORK_COMMITTEE", "机关工委", KindRole::Supervisor),
    ("EDUCATION", "教育部门", KindRole::Supervisor),
    ("JUSTICE", "司法部门", KindRole::Supervisor),
    ("CIVIL_AFFAIRS", "民政部门", KindRole::Supervisor),
    ("COMMERCE", "商务部门", KindRole::Supervisor),
    ("HEALTH", "卫生健康部门", KindRole::Supervisor),
    ("MARKET_REGULATION", "市场监管部门", KindRole::Supervisor),
    ("TOWNSHIP", "乡镇（街道）党委", KindRole::Fallback),
];

/// The credit-code types (GB 32100-2015: registration authority and
/// organization type, the code's first two characters) each reference
/// category admits, by code, joined by `|`. A category not listed takes its
/// parent's; TWO_NEW, with none up its chain, admits every code.
pub const CREDIT_CODE_TYPES: [(&str, &str); 18] = [
    ("NON_PUBLIC_ECONOMIC", "91|93"),
    ("SOLE_PROPRIETOR", "92"),
    ("SOCIAL_ORGANIZATION", "51|52|53"),
    ("SOCIAL_GROUP", "51"),
    ("ACADEMIC_SOCIETY", "51"),
    ("RESEARCH_ASSOCIATION", "51"),
    ("HEALTH_ASSOCIATION", "51"),
    ("TRADE_ASSOCIATION", "51"),
    ("CHAMBER_OF_COMMERCE", "51"),
    ("PRIVATE_NON_ENTERPRISE", "52"),
    ("FOUNDATION", "53"),
    ("EDUCATION_FOUNDATION", "53"),
    ("DISEASE_PREVENTION_FOUNDATION", "53"),
    ("PRIVATE_SCHOOL", "52|91"),
    ("PRIVATE_HOSPITAL", "52|91"),
    ("LAW_FIRM", "31|51"),
    ("NOTARY", "32"),
    ("FORENSIC_APPRAISAL", "34"),
];

/// The types a reference category lists itself; empty: its parent's.
fn credit_code_types_of(code: &str) -> &'static str {
    CREDIT_CODE_TYPES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, types)| types)
}

/// (code, name, parent, province rule kind), parents before children.
pub const CATEGORIES: [(&str, &str, Option<&str>, Option<&str>); 26] = [
    ("TWO_NEW", "两新组织", None, None),
    (
        "NON_PUBLIC_ECONOMIC",
        "非公有制经济组织",
        Some("TWO_NEW"),
        None,
    ),
    (
        "PARK_ENTERPRISE",
        "园区非公有制企业",
        Some("NON_PUBLIC_ECONOMIC"),
        Some("COMMERCE"),
    ),
    (
        "SMALL_MICRO_ENTERPRISE",
        "小微企业",
        Some("NON_PUBLIC_ECONOMIC"),
        Some("MARKET_REGULATION"),
    ),
    (
        "SOLE_PROPRIETOR",
        "个体工商户",
        Some("NON_PUBLIC_ECONOMIC"),
        Some("MARKET_REGULATION"),
    ),
    (
        "SPECIALIZED_MARKET",
        "专业市场",
        Some("NON_PUBLIC_ECONOMIC"),
        Some("MARKET_REGULATION"),
    ),
    ("SOCIAL_ORGANIZATION", "社会组织", Some("TWO_NEW"), None),
    (
        "SOCIAL_GROUP",
        "社会团体",
        Some("SOCIAL_ORGANIZATION"),
        Some("CIVIL_AFFAIRS"),
    ),
    (
        "PRIVATE_NON_ENTERPRISE",
        "民办非企业单位（社会服务机构）",
        Some("SOCIAL_ORGANIZATION"),
        Some("CIVIL_AFFAIRS"),
    ),
    (
        "FOUNDATION",
        "基金会",
        Some("SOCIAL_ORGANIZATION"),
        Some("CIVIL_AFFAIRS"),
    ),
    (
        "EDUCATION_SOCIAL_ORG",
        "教育系统社会组织",
        Some("SOCIAL_ORGANIZATION"),
        Some("EDUCATION"),
    ),
    (
        "PRIVATE_SCHOOL",
        "民办学校",
        Some("EDUCATION_SOCIAL_ORG"),
        None,
    ),
    (
        "ACADEMIC_SOCIETY",
        "学会",
        Some("EDUCATION_SOCIAL_ORG"),
        None,
    ),
    (
        "RESEARCH_ASSOCIATION",
        "研究会",
        Some("EDUCATION_SOCIAL_ORG"),
        None,
    ),
    (
        "EDUCATION_FOUNDATION",
        "教育基金会",
        Some("EDUCATION_SOCIAL_ORG"),
        None,
    ),
    (
        "LEGAL_SERVICE_ORG",
        "司法行业组织",
        Some("SOCIAL_ORGANIZATION"),
        Some("JUSTICE"),
    ),
    (
        "LAW_FIRM",
        "律师事务所及律师行业组织",
        Some("LEGAL_SERVICE_ORG"),
        None,
    ),
    ("NOTARY", "公证机构", Some("LEGAL_SERVICE_ORG"), None),
    (
        "FORENSIC_APPRAISAL",
        "司法鉴定机构",
        Some("LEGAL_SERVICE_ORG"),
        None,
    ),
    (
        "HEALTH_SOCIAL_ORG",
        "卫生计生系统社会组织",
        Some("SOCIAL_ORGANIZATION"),
        Some("HEALTH"),
    ),
    (
        "PRIVATE_HOSPITAL",
        "民办医院",
        Some("HEALTH_SOCIAL_ORG"),
        None,
    ),
    (
        "HEALTH_ASSOCIATION",
        "保健协会",
        Some("HEALTH_SOCIAL_ORG"),
        None,
    ),
    (
        "DISEASE_PREVENTION_FOUNDATION",
        "防治基金会",
        Some("HEALTH_SOCIAL_ORG"),
        None,
    ),
    (
        "COMMERCE_SOCIAL_ORG",
        "商务领域社会组织",
        Some("SOCIAL_ORGANIZATION"),
        Some("COMMERCE"),
    ),
    (
        "TRADE_ASSOCIATION",
        "协会",
        Some("COMMERCE_SOCIAL_ORG"),
        None,
    ),
    (
        "CHAMBER_OF_COMMERCE",
        "商会",
        Some("COMMERCE_SOCIAL_ORG"),
        None,
    ),
];

/// What belongs under each category, in the seed's words where it has
/// them: the guide a person filing an organization reads to choose its
/// category. A table of its own, keyed by code, so that the category tuples
/// above stay as they are. The data migration
/// `m20261206_000010_fill_category_reference_text` carries a frozen copy
/// for databases loaded before descriptions existed.
pub const DESCRIPTIONS: [(&str, &str); 26] = [
    (
        "TWO_NEW",
        "非公有制经济组织和社会组织。能够归入下级类别的，应当归入下级类别。",
    ),
    (
        "NON_PUBLIC_ECONOMIC",
        "非公有制企业、个体工商户、专业市场等非公有制经济组织。能够明确为园区企业、小微企业、个体工商户或者专业市场的，归入相应类别。",
    ),
    (
        "PARK_ENTERPRISE",
        "各类园区内的非公有制企业，由商务部门负责。",
    ),
    (
        "SMALL_MICRO_ENTERPRISE",
        "园区以外的小型、微型非公有制企业，由市场监管部门负责。",
    ),
    (
        "SOLE_PROPRIETOR",
        "依法登记的个体工商户，由市场监管部门负责。",
    ),
    ("SPECIALIZED_MARKET", "各类专业市场，由市场监管部门负责。"),
    (
        "SOCIAL_ORGANIZATION",
        "社会团体、民办非企业单位（社会服务机构）、基金会等社会组织。能够明确所属行业系统的，归入相应类别。",
    ),
    (
        "SOCIAL_GROUP",
        "民政部门登记管理的社会团体，不属于教育、司法、卫生健康、商务等系统的。",
    ),
    (
        "PRIVATE_NON_ENTERPRISE",
        "民政部门登记管理的民办非企业单位（社会服务机构），不属于教育、司法、卫生健康等系统的。",
    ),
    (
        "FOUNDATION",
        "民政部门登记管理的基金会，教育基金会、防治基金会除外。",
    ),
    (
        "EDUCATION_SOCIAL_ORG",
        "民办学校、学会、研究会、教育基金会等教育系统社会组织，由教育部门负责。",
    ),
    ("PRIVATE_SCHOOL", "各级各类民办学校、民办幼儿园。"),
    ("ACADEMIC_SOCIETY", "教育系统的各类学会。"),
    ("RESEARCH_ASSOCIATION", "教育系统的各类研究会。"),
    ("EDUCATION_FOUNDATION", "以资助教育事业为宗旨的基金会。"),
    (
        "LEGAL_SERVICE_ORG",
        "律师、公证和司法鉴定等行业组织，由司法部门负责。",
    ),
    ("LAW_FIRM", "律师事务所，以及律师协会等律师行业组织。"),
    ("NOTARY", "公证处等公证机构。"),
    ("FORENSIC_APPRAISAL", "经司法行政机关登记的司法鉴定机构。"),
    (
        "HEALTH_SOCIAL_ORG",
        "民办医院及各类保健协会、防治基金会等卫生计生系统社会组织，由卫生健康部门负责。",
    ),
    ("PRIVATE_HOSPITAL", "社会力量举办的各类医院。"),
    ("HEALTH_ASSOCIATION", "卫生计生系统的各类保健协会。"),
    (
        "DISEASE_PREVENTION_FOUNDATION",
        "以疾病防治为宗旨的各类防治基金会。",
    ),
    (
        "COMMERCE_SOCIAL_ORG",
        "商务领域的各类协会、商会等社会组织，由商务部门负责。",
    ),
    ("TRADE_ASSOCIATION", "商务领域的各类行业协会。"),
    ("CHAMBER_OF_COMMERCE", "商务领域的各类商会。"),
];

/// The description of the reference category `code`, if it is one.
pub fn description(code: &str) -> Option<&'static str> {
    DESCRIPTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, text)| *text)
}

/// Loads the reference data when the database holds no kinds and no
/// categories; returns whether it did.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<bool> {
    store::write(db, |txn| {
        Box::pin(async move {
            let kinds = department_kind::Entity::find().count(txn).await?;
            let categories = category::Entity::find().count(txn).await?;
            if kinds > 0 || categories > 0 {
                return Ok(false);
            }
            load(txn).await?;
            Ok(true)
        })
    })
    .await
}

async fn load(db: &impl ConnectionTrait) -> Result<()> {
    let mut kind_ids = std::collections::HashMap::new();
    for (code, name, role) in KINDS {
        let saved = department_kind::Entity::insert(department_kind::ActiveModel {
            code: Set(code.to_owned()),
            name: Set(name.to_owned()),
            role: Set(sea_orm::ActiveEnum::to_value(&role)),
            ..Default::default()
        })
        .exec(db)
        .await?;
        kind_ids.insert(code, saved.last_insert_id);
    }
    let mut category_ids = std::collections::HashMap::new();
    for (code, name, parent, _) in CATEGORIES {
        let saved = category::Entity::insert(category::ActiveModel {
            code: Set(code.to_owned()),
            name: Set(name.to_owned()),
            parent_id: Set(parent.and_then(|p| category_ids.get(p).copied())),
            description: Set(description(code).map(str::to_owned)),
            credit_code_types: Set(credit_code_types_of(code).to_owned()),
            ..Default::default()
        })
        .exec(db)
        .await?;
        category_ids.insert(code, saved.last_insert_id);
    }
    category_domain::rebuild_closure(db).await?;
    let rules = CATEGORIES.iter().filter_map(|(code, _, _, kind)| {
        let kind = (*kind)?;
        Some(responsibility_rule::ActiveModel {
            category_id: Set(*category_ids.get(code)?),
            department_kind_id: Set(*kind_ids.get(kind)?),
            scope_region_id: Set(None),
            basis: Set(Some(PROVINCE_BASIS.to_owned())),
            ..Default::default()
        })
    });
    responsibility_rule::Entity::insert_many(rules)
        .exec(db)
        .await?;
    Ok(())
}
