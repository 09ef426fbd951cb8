//! Brings databases loaded before categories had descriptions up to the
//! reference data of today: fills the description of every reference
//! category whose description is still NULL, and renames the reference rows
//! whose names carried ASCII brackets or slashes inside Chinese text, but
//! only where the name (or a rule's basis) is still the old default, so that
//! a user's own edit is never overwritten. A frozen copy of the texts, as
//! migrations are history: later changes to the reference data do not
//! rewrite what this step did.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (category code, description), as `src/domain/reference.rs` had them
/// when this step was written.
const DESCRIPTIONS: [(&str, &str); 26] = [
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

/// (table, code, old name, new name) of the reference rows renamed.
const RENAMES: [(Table, &str, &str, &str); 2] = [
    (
        Table::Category,
        "PRIVATE_NON_ENTERPRISE",
        "民办非企业单位 (社会服务机构)",
        "民办非企业单位（社会服务机构）",
    ),
    (
        Table::DepartmentKind,
        "TOWNSHIP",
        "乡镇党委 / 街道党工委",
        "乡镇（街道）党委",
    ),
];

/// The basis the province rules carried, and carry now.
const BASIS: (&str, &str) = (
    "省委主题教育领导小组分工 (2019)",
    "省委主题教育领导小组分工（2019年）",
);

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (code, text) in DESCRIPTIONS {
            exec(
                manager,
                Query::update()
                    .table(Table::Category)
                    .value(Column::Description, text)
                    .and_where(Expr::col(Column::Code).eq(code))
                    .and_where(Expr::col(Column::Description).is_null())
                    .to_owned(),
            )
            .await?;
        }
        for (table, code, old, new) in RENAMES {
            exec(manager, rename(table, code, old, new)).await?;
        }
        exec(manager, rebase(BASIS.0, BASIS.1)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        exec(manager, rebase(BASIS.1, BASIS.0)).await?;
        for (table, code, old, new) in RENAMES {
            exec(manager, rename(table, code, new, old)).await?;
        }
        // Only the descriptions this step wrote: a user's own stays.
        for (code, text) in DESCRIPTIONS {
            exec(
                manager,
                Query::update()
                    .table(Table::Category)
                    .value(Column::Description, Option::<String>::None)
                    .and_where(Expr::col(Column::Code).eq(code))
                    .and_where(Expr::col(Column::Description).eq(text))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

async fn exec(manager: &SchemaManager<'_>, statement: UpdateStatement) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute(&statement)
        .await
        .map(|_| ())
}

/// Renames the row `code` of `table` from `from` to `to`, only while its
/// name is still `from`.
fn rename(table: Table, code: &str, from: &str, to: &str) -> UpdateStatement {
    Query::update()
        .table(table)
        .value(Column::Name, to)
        .and_where(Expr::col(Column::Code).eq(code))
        .and_where(Expr::col(Column::Name).eq(from))
        .to_owned()
}

/// Rewrites the basis of the rules that still carry `from`.
fn rebase(from: &str, to: &str) -> UpdateStatement {
    Query::update()
        .table(Table::ResponsibilityRule)
        .value(Column::Basis, to)
        .and_where(Expr::col(Column::Basis).eq(from))
        .to_owned()
}

#[derive(DeriveIden, Clone, Copy)]
enum Table {
    Category,
    DepartmentKind,
    ResponsibilityRule,
}

#[derive(DeriveIden)]
enum Column {
    Code,
    Name,
    Description,
    Basis,
}
