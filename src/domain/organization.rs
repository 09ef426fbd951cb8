//! Organizations (组织): the two-new organizations the service maps to the
//! departments that oversee them, keyed by credit code.

use std::collections::HashMap;
use std::sync::LazyLock;

use entity::organization;
use sea_orm::entity::prelude::{DeriveActiveEnum, EnumIter};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, IdenStatic, Iterable, ModelTrait, QueryFilter, QueryOrder, Select, Statement,
};

use super::access::{Caller, Role};
use super::audit::{self, AuditedKind};
use super::engine::{self, Target};
use super::history::periods;
use super::ledger;
use super::page::{self, Page, PageRequest};
use super::responsibility::{Basis, Facts, Named, RuleFacts};
use super::scope::Scope;
use super::search;
use super::store;
use super::values::{CreditCode, Patch, RegionLevel, parse_name};
use super::{category, department, region};
use crate::error::{Error, Result};
use crate::msg;

/// Party-organization status (党组织建立情况), stored as its text
/// (`organization.party_organization`) through the derive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum PartyOrganization {
    /// A party organization of its own (单独建立).
    #[sea_orm(string_value = "OWN")]
    Own,
    /// Part of a joint party organization (联合建立).
    #[sea_orm(string_value = "JOINT")]
    Joint,
    /// No party organization.
    #[sea_orm(string_value = "NONE")]
    None,
}

impl PartyOrganization {
    /// The status a client names: OWN, JOINT or NONE, in any case.
    pub fn parse(field: &str, value: &str) -> Result<Self> {
        Self::try_from_value(&value.trim().to_ascii_uppercase())
            .map_err(|_| Error::invalid(field, msg!("party-status-unknown", value = value.trim())))
    }

    /// The stored status; text this build does not know reads as NONE.
    pub fn from_db(value: &str) -> Self {
        Self::try_from_value(&value.to_owned()).unwrap_or(PartyOrganization::None)
    }
}

pub const MAX_PARTY_MEMBERS: i32 = 1_000_000;

#[derive(Clone, Debug)]
pub struct OrganizationInput {
    pub credit_code: String,
    pub name: String,
    pub category_code: String,
    pub region_code: String,
    pub administering_region_code: Patch<String>,
    pub supervising_department_code: Patch<String>,
    pub party_affiliation_code: Patch<String>,
    pub party_organization: Option<PartyOrganization>,
    pub work_covered: Option<bool>,
    pub party_member_count: Option<i32>,
    pub model: Option<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct OrganizationFilter {
    pub region_code: Option<String>,
    pub category_code: Option<String>,
    pub party_organization: Option<PartyOrganization>,
    pub name_contains: Option<String>,
    /// Responsible department (by resolution), by code.
    pub department_code: Option<String>,
    /// Only the organizations this department (by id) is responsible for.
    pub department_id: Option<i32>,
    pub basis: Option<Basis>,
}

/// Organizations located in `region`'s subtree.
///
/// A province's or a city's subtree holds thousands of regions, a county's
/// a few dozen. PostgreSQL plans a prepared statement once for every value
/// after a few runs, guessing a small subtree; for a province that plan
/// walked every region and sorted all their organizations (90 ms at
/// 100,000 organizations, against 1 ms planned for the province). So the
/// few large roots are named in the statement's text, each getting a plan
/// of its own, and the many small ones stay a parameter.
///
/// With `by_stored` (the page is read in the order of the stored
/// responsibility's index, for a basis), a large subtree's condition is
/// written on `+region_id`, which no index serves: SQLite, knowing only that
/// a basis holds a fifth of the organizations on average, would otherwise
/// walk the subtree's thousands of regions and sort their organizations
/// (78 ms for a city at 1,000,000), where reading the basis in id order and
/// checking each organization's region stops after a page (3 ms). A
/// county's few regions are walked.
fn located_within(
    region: &entity::region::Model,
    by_stored: bool,
) -> sea_orm::sea_query::SimpleExpr {
    let large = matches!(
        RegionLevel::from_db(&region.level),
        Some(RegionLevel::Province | RegionLevel::City)
    );
    if large {
        let column = if by_stored {
            "+\"organization\".\"region_id\""
        } else {
            "\"organization\".\"region_id\""
        };
        Expr::cust(region::within_sql(column, region.id))
    } else {
        organization::Column::RegionId.in_subquery(region::subtree_ids(region.id))
    }
}

fn in_scope(select: Select<organization::Entity>, scope: &Scope) -> Select<organization::Entity> {
    match scope.region_id {
        Some(root) => {
            select.filter(organization::Column::RegionId.in_subquery(region::subtree_ids(root)))
        }
        None => select,
    }
}

pub async fn find(
    db: &impl ConnectionTrait,
    scope: &Scope,
    credit_code: &str,
) -> Result<Option<organization::Model>> {
    let code = CreditCode::parse("creditCode", credit_code)?;
    let select = in_scope(
        organization::Entity::find_by_credit_code(code.as_str()),
        scope,
    );
    page::first_row(db, select).await
}

/// Every column of entity `C`'s row `table`, each as `<prefix><column>`,
/// each after ", ": a row read whole beside the organization.
fn aliased<C: sea_orm::Iterable + ColumnTrait>(table: &str, prefix: &str) -> String {
    C::iter()
        .map(|column| format!(", {table}.{0} AS {prefix}{0}", column.as_str()))
        .collect()
}

/// The stored responsibility's columns, whole (as `rs_<column>`).
static STORED_COLUMNS: LazyLock<String> =
    LazyLock::new(|| aliased::<entity::responsibility::Column>("st", "rs_"));

/// The responsible department's columns, whole (as `dm_<column>`), as the
/// answer names it beside the explanation.
static DEPARTMENT_COLUMNS: LazyLock<String> =
    LazyLock::new(|| aliased::<entity::department::Column>("resp", "dm_"));

/// The category's columns, whole (as `cm_<column>`), and the region of
/// location's (as `lm_<column>`): a lookup that shows them needs no second
/// and third statement to load them. Read only when shown: each column of
/// the row costs its copy and its decoding.
static CATEGORY_COLUMNS: LazyLock<String> =
    LazyLock::new(|| aliased::<entity::category::Column>("cat", "cm_"));
static REGION_COLUMNS: LazyLock<String> =
    LazyLock::new(|| aliased::<entity::region::Column>("loc", "lm_"));

/// `find`, together with every name its explanation gives, in one
/// statement: the lookup that answers "who is responsible, and why" reads
/// the organization and the names from the same row at once, instead of
/// the organization first and then four loads of names.
/// The category and the region come whole only as `along` asks.
pub async fn find_explained(
    db: &impl ConnectionTrait,
    scope: &Scope,
    credit_code: &str,
    along: Along,
) -> Result<Option<Explained>> {
    let code = CreditCode::parse("creditCode", credit_code)?;
    let within = match scope.region_id {
        Some(root) => format!(" AND {}", region::within_sql("o.region_id", root)),
        None => String::new(),
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT o.*{stored}{department}{category}{region}, \
                   cat.code AS category_code, cat.name AS category_name, \
                   loc.code AS location_code, loc.name AS location_name, loc.level AS location_level, \
                   admin.code AS administering_code, admin.name AS administering_name, \
                   affil.code AS affiliation_code, affil.name AS affiliation_name, \
                   superv.code AS supervising_code, superv.name AS supervising_name, \
                   rule_dept.code AS rule_department_code, rule_dept.name AS rule_department_name, \
                   fallback.code AS fallback_code, fallback.name AS fallback_name, \
                   resp.code AS department_code, resp.name AS department_name, \
                   rule_cat.code AS rule_category_code, rule_cat.name AS rule_category_name, \
                   rule_scope.code AS rule_scope_code, rule_scope.name AS rule_scope_name, \
                   rule_kind.code AS rule_kind_code, rule_kind.name AS rule_kind_name \
                 FROM organization o \
                 JOIN responsibility st ON st.id = o.id \
                 JOIN category cat ON cat.id = o.category_id \
                 JOIN region loc ON loc.id = o.region_id \
                 LEFT JOIN region admin ON admin.id = o.administering_region_id \
                 LEFT JOIN department affil ON affil.id = o.party_affiliation_id \
                 LEFT JOIN department superv ON superv.id = o.supervising_department_id \
                 LEFT JOIN department rule_dept ON rule_dept.id = st.rule_department_id \
                 LEFT JOIN department fallback ON fallback.id = st.fallback_department_id \
                 LEFT JOIN department resp ON resp.id = st.department_id \
                 LEFT JOIN responsibility_rule resp_rule ON resp_rule.id = st.rule_id \
                 LEFT JOIN category rule_cat ON rule_cat.id = resp_rule.category_id \
                 LEFT JOIN region rule_scope ON rule_scope.id = resp_rule.scope_region_id \
                 LEFT JOIN department_kind rule_kind ON rule_kind.id = resp_rule.department_kind_id \
                 WHERE o.credit_code = $1{within}",
                stored = *STORED_COLUMNS,
                department = *DEPARTMENT_COLUMNS,
                category = if along.category { CATEGORY_COLUMNS.as_str() } else { "" },
                region = if along.region { REGION_COLUMNS.as_str() } else { "" },
            ),
            [code.as_str().into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let org = organization::Model::from_query_result(&row, "")?;
    let stored = entity::responsibility::Model::from_query_result(&row, "rs_")?;
    let responsible = match stored.department_id {
        Some(_) => entity::department::Model::from_query_result_optional(&row, "dm_")?,
        None => None,
    };
    let named = |prefix: &str| Named::from_row(&row, prefix);
    let level: String = row.try_get("", "location_level")?;
    // A rule always names a kind: no kind, no rule.
    let rule = match named("rule_kind")? {
        Some(kind) => Some(RuleFacts {
            category: named("rule_category")?.unwrap_or_default(),
            scope: named("rule_scope")?,
            kind,
        }),
        None => None,
    };
    let facts = Facts {
        category: named("category")?.unwrap_or_default(),
        location: named("location")?.unwrap_or_default(),
        location_is_township: RegionLevel::from_db(&level).is_some_and(RegionLevel::is_township),
        administering: match org.administering_region_id {
            Some(id) if id != org.region_id => named("administering")?,
            _ => None,
        },
        party_affiliation: named("affiliation")?,
        supervising: named("supervising")?,
        rule,
        rule_department: named("rule_department")?,
        fallback: named("fallback")?,
        department: named("department")?,
    };
    let mut related = Related::default();
    if along.category {
        related.categories.insert(
            org.category_id,
            entity::category::Model::from_query_result(&row, "cm_")?,
        );
    }
    if along.region {
        related.regions.insert(
            org.region_id,
            entity::region::Model::from_query_result(&row, "lm_")?,
        );
    }
    Ok(Some(Explained {
        organization: org,
        responsibility: stored,
        facts,
        department: responsible,
        related,
    }))
}

/// An organization with the names its explanation gives and its
/// responsible department, read together.
pub struct Explained {
    pub organization: organization::Model,
    /// Its stored responsibility.
    pub responsibility: entity::responsibility::Model,
    pub facts: Facts,
    pub department: Option<entity::department::Model>,
    /// Its category and region of location, whole, when asked for.
    pub related: Related,
}

/// An organization's stored responsibility (same id), for a select's join.
pub(crate) fn stored_relation() -> sea_orm::RelationDef {
    use sea_orm::EntityTrait as _;
    organization::Entity::belongs_to(entity::responsibility::Entity)
        .from(organization::Column::Id)
        .to(entity::responsibility::Column::Id)
        .into()
}

/// Whether a page of `filter` is read in the order of the stored
/// responsibility's basis index: when it asks for a basis.
fn read_by_stored(filter: &OrganizationFilter) -> bool {
    filter.basis.is_some()
}

/// Whether the select of `filter` joins the stored responsibility: for a
/// condition on its department or basis.
fn joins_stored(filter: &OrganizationFilter) -> bool {
    filter.department_code.is_some() || filter.department_id.is_some() || filter.basis.is_some()
}

/// The select that a filter describes, its codes resolved.
pub async fn filtered(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &OrganizationFilter,
) -> Result<Select<organization::Entity>> {
    let mut select = in_scope(organization::Entity::find(), scope);
    if let Some(code) = &filter.region_code {
        let region = region::require(db, scope, "filter.regionCode", code).await?;
        select = select.filter(located_within(&region, read_by_stored(filter)));
    }
    if let Some(code) = &filter.category_code {
        let category = category::require(db, "filter.categoryCode", code).await?;
        select = select.filter(
            organization::Column::CategoryId.in_subquery(category::subtree_ids(category.id)),
        );
    }
    let mut departments: Vec<i32> = filter.department_id.into_iter().collect();
    if let Some(code) = &filter.department_code {
        departments.push(
            department::require(db, scope, "filter.departmentCode", code)
                .await?
                .id,
        );
    }
    if joins_stored(filter) {
        // The stored responsibility, joined once for any of its conditions.
        use entity::responsibility;
        use sea_orm::QuerySelect;
        use sea_orm::sea_query::JoinType;
        select = select.join(JoinType::InnerJoin, stored_relation());
        for id in departments {
            select = select.filter(responsibility::Column::DepartmentId.eq(id));
        }
        if let Some(basis) = filter.basis {
            select = select
                .filter(responsibility::Column::Basis.eq(sea_orm::ActiveEnum::to_value(&basis)));
        }
    }
    if let Some(status) = filter.party_organization {
        select = select.filter(organization::Column::PartyOrganization.eq(status.to_value()));
    }
    if let Some(text) = filter.name_contains.as_deref().map(str::trim)
        && !text.is_empty()
    {
        if text.chars().count() > 100 {
            return Err(Error::invalid(
                "filter.nameContains",
                msg!("text-too-long", max = 100, given = text.chars().count()),
            ));
        }
        // Escape '%' and '_' so the text matches as written, and compare
        // lower case so that both engines ignore ASCII case alike.
        let lowered = text.to_lowercase();
        let escaped = lowered
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        select = select.filter(
            Expr::expr(Func::lower(Expr::col((
                organization::Entity,
                organization::Column::Name,
            ))))
            .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
        select = search::narrow(db, select, &lowered).await?;
    }
    Ok(select)
}

/// What a page of organizations can bring along in its own statement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Along {
    pub category: bool,
    pub region: bool,
    /// The stored responsibility (a list's pages only).
    pub responsibility: bool,
}

/// The categories and regions (of location) a page brought along, by id.
#[derive(Debug, Default)]
pub struct Related {
    pub categories: HashMap<i32, entity::category::Model>,
    pub regions: HashMap<i32, entity::region::Model>,
    /// Stored responsibilities, by organization id.
    pub responsibilities: HashMap<i32, entity::responsibility::Model>,
}

/// A page of the organizations a filter selects, with the select (for its
/// total), and each organization's category, region and stored
/// responsibility read in the same statement when asked for: a page shown
/// with those is one statement, not one and then a load of each.
pub async fn list(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &OrganizationFilter,
    request: &PageRequest,
    along: Along,
) -> Result<(
    Page<organization::Model>,
    Select<organization::Entity>,
    Related,
)> {
    use entity::{category, region as region_entity, responsibility};
    use sea_orm::QueryTrait;

    let select = filtered(db, scope, filter).await?;
    // In the stored responsibility's id order for a basis (its index), else
    // the organization's: the same ids either way.
    let window = if read_by_stored(filter) {
        page::window(select.clone(), responsibility::Column::Id, request)
    } else {
        page::window(select.clone(), organization::Column::Id, request)
    };
    if along == Along::default() || request.first == 0 {
        let page = page::fetch_window(db, window, |m| m.id, request).await?;
        return Ok((page, select, Related::default()));
    }
    let mut query = window.into_query();
    if along.category {
        join_whole(
            &mut query,
            category::Entity,
            category::Column::Id,
            organization::Column::CategoryId,
            "c_",
        );
    }
    if along.region {
        join_whole(
            &mut query,
            region_entity::Entity,
            region_entity::Column::Id,
            organization::Column::RegionId,
            "r_",
        );
    }
    if along.responsibility {
        if joins_stored(filter) {
            // Joined already, for the filter: its columns only.
            select_whole(&mut query, responsibility::Entity, "s_");
        } else {
            join_whole(
                &mut query,
                responsibility::Entity,
                responsibility::Column::Id,
                organization::Column::Id,
                "s_",
            );
        }
    }
    let rows = db
        .query_all_raw(page::limited(
            db.get_database_backend(),
            &query,
            request.first + 1,
        ))
        .await?;
    let mut related = Related::default();
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let org = organization::Model::from_query_result(&row, "")?;
        if along.category {
            let category = category::Model::from_query_result(&row, "c_")?;
            related.categories.insert(category.id, category);
        }
        if along.region {
            let region = region_entity::Model::from_query_result(&row, "r_")?;
            related.regions.insert(region.id, region);
        }
        if along.responsibility {
            let stored = responsibility::Model::from_query_result(&row, "s_")?;
            related.responsibilities.insert(stored.id, stored);
        }
        items.push((i64::from(org.id), org));
    }
    Ok((Page::from_rows(items, request), select, related))
}

/// Joins `entity` where its `id` is the organization's `on`, selecting
/// every column of it as `prefix` and the column's name.
fn join_whole<E: EntityTrait>(
    query: &mut sea_orm::sea_query::SelectStatement,
    entity: E,
    id: E::Column,
    on: organization::Column,
    prefix: &str,
) {
    use sea_orm::sea_query::JoinType;
    query.join(
        JoinType::InnerJoin,
        entity,
        Expr::col((entity, id)).equals((organization::Entity, on)),
    );
    select_whole(query, entity, prefix);
}

/// Selects every column of `entity` (joined) as `prefix` and the column's name.
fn select_whole<E: EntityTrait>(
    query: &mut sea_orm::sea_query::SelectStatement,
    entity: E,
    prefix: &str,
) {
    use sea_orm::sea_query::Alias;
    for column in E::Column::iter() {
        query.expr_as(
            Expr::col((entity, column)),
            Alias::new(format!("{prefix}{}", column.as_str())),
        );
    }
}

/// The same page of the organizations each department is responsible for
/// (what `list` gives with `department_id` set), for many departments in
/// one statement, so that a list of departments does not run a query per
/// department. Departments with none get an empty page.
pub async fn pages_by_department(
    db: &impl ConnectionTrait,
    scope: &Scope,
    department_ids: &[i32],
    request: &PageRequest,
) -> Result<HashMap<i32, Page<organization::Model>>> {
    let mut pages: HashMap<i32, Vec<(i64, organization::Model)>> =
        department_ids.iter().map(|id| (*id, Vec::new())).collect();
    if !department_ids.is_empty() {
        // Every value below is an integer this code holds, never user text.
        let sql = format!(
            "SELECT * FROM ( \
               SELECT o.*, st.department_id AS stored_department_id, \
                 ROW_NUMBER() OVER (PARTITION BY st.department_id ORDER BY o.id) AS position_in_page \
               FROM {} WHERE {} \
             ) ranked WHERE position_in_page <= {} ORDER BY stored_department_id, id",
            engine::WITH_STORED,
            by_department(scope, department_ids, request.after),
            request.first + 1
        );
        let rows = db
            .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?;
        for row in rows {
            let department: i32 = row.try_get("", "stored_department_id")?;
            let org = organization::Model::from_query_result(&row, "")?;
            if let Some(list) = pages.get_mut(&department) {
                list.push((i64::from(org.id), org));
            }
        }
    }
    Ok(pages
        .into_iter()
        .map(|(id, rows)| (id, Page::from_rows(rows, request)))
        .collect())
}

/// How many organizations each department is responsible for, in one statement.
pub async fn counts_by_department(
    db: &impl ConnectionTrait,
    scope: &Scope,
    department_ids: &[i32],
) -> Result<HashMap<i32, u64>> {
    let mut counts: HashMap<i32, u64> = department_ids.iter().map(|id| (*id, 0)).collect();
    if department_ids.is_empty() {
        return Ok(counts);
    }
    let sql = format!(
        "SELECT st.department_id AS department_id, COUNT(*) AS n FROM {} \
         WHERE {} GROUP BY st.department_id",
        engine::WITH_STORED,
        by_department(scope, department_ids, None)
    );
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    for row in rows {
        let id: i32 = row.try_get("", "department_id")?;
        let n: i64 = row.try_get("", "n")?;
        counts.insert(id, n as u64);
    }
    Ok(counts)
}

/// The condition on `o` and `st` of the two statements above.
fn by_department(scope: &Scope, department_ids: &[i32], after: Option<i64>) -> String {
    let ids = department_ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let mut condition = format!("st.department_id IN ({ids})");
    if let Some(after) = after {
        condition.push_str(&format!(" AND o.id > {after}"));
    }
    if let Some(root) = scope.region_id {
        condition.push_str(&format!(" AND {}", region::within_sql("o.region_id", root)));
    }
    condition
}

pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    input: OrganizationInput,
) -> Result<organization::Model> {
    caller.require(Role::Editor)?;
    let credit_code = CreditCode::parse("creditCode", &input.credit_code)?;
    let name = parse_name("name", &input.name, 200)?;
    if let Some(count) = input.party_member_count {
        check_party_member_count(count)?;
    }
    let caller = caller.clone();
    store::write(db, move |txn| {
        let input = input.clone();
        let (credit_code, name) = (credit_code.clone(), name.clone());
        let caller = caller.clone();
        Box::pin(async move {
            engine::lock_shared(txn).await?;
            let everything = &Scope::EVERYTHING;
            let category = category::require(txn, "categoryCode", &input.category_code).await?;
            let location =
                region::require(txn, everything, "regionCode", &input.region_code).await?;
            caller.require_region(txn, location.id).await?;
            let administering = match input.administering_region_code {
                Patch::Set(code) => {
                    let admin =
                        region::require(txn, everything, "administeringRegionCode", &code).await?;
                    if !is_ancestor_or_self(txn, admin.id, location.id).await? {
                        return Err(Error::invalid(
                            "administeringRegionCode",
                            msg!(
                                "administering-not-above",
                                admin = admin.code.as_str(),
                                region = location.code.as_str()
                            ),
                        ));
                    }
                    // The location itself is the default; store it as such.
                    if admin.id == location.id {
                        Patch::Clear
                    } else {
                        Patch::Set(admin.id)
                    }
                }
                Patch::Clear => Patch::Clear,
                Patch::Keep => Patch::Keep,
            };
            let supervising = match input.supervising_department_code {
                Patch::Set(code) => Patch::Set(
                    department::require(txn, everything, "supervisingDepartmentCode", &code)
                        .await?
                        .id,
                ),
                Patch::Clear => Patch::Clear,
                Patch::Keep => Patch::Keep,
            };
            let affiliation = match input.party_affiliation_code {
                Patch::Set(code) => Patch::Set(
                    department::require(txn, everything, "partyAffiliationCode", &code)
                        .await?
                        .id,
                ),
                Patch::Clear => Patch::Clear,
                Patch::Keep => Patch::Keep,
            };
            let existing = organization::Entity::find_by_credit_code(credit_code.as_str())
                .one(txn)
                .await?;
            if let Some(existing) = &existing {
                caller.require_region(txn, existing.region_id).await?;
            }
            let before = match &existing {
                Some(existing) => {
                    audit::snapshot(txn, AuditedKind::Organization, existing.id).await?
                }
                None => None,
            };
            let current = existing.clone();
            let admin_id =
                administering.apply(current.as_ref().and_then(|c| c.administering_region_id));
            // A kept administering region must still lie above the (maybe new) location.
            if let Some(admin_id) = admin_id
                && !is_ancestor_or_self(txn, admin_id, location.id).await?
            {
                return Err(Error::invalid(
                    "administeringRegionCode",
                    msg!("administering-stale", region = location.code.as_str()),
                ));
            }
            let row = stored_row(
                current.as_ref(),
                Fields {
                    credit_code: credit_code.to_string(),
                    name,
                    category_id: category.id,
                    region_id: location.id,
                    administering_region_id: admin_id,
                    supervising,
                    affiliation,
                    party_organization: input.party_organization,
                    work_covered: input.work_covered,
                    party_member_count: input.party_member_count,
                    model: input.model,
                },
            );
            let saved = match existing {
                Some(existing) if existing == row => return Ok(existing),
                Some(existing) => {
                    engine::count_cells(txn, -1, &format!("o.id = {}", existing.id)).await?;
                    organization::ActiveModel::from(row)
                        .reset_all()
                        .update(txn)
                        .await?
                }
                None => {
                    let mut active = organization::ActiveModel::from(row).reset_all();
                    active.id = sea_orm::ActiveValue::NotSet;
                    active.insert(txn).await?
                }
            };
            search::reindex(txn, &format!("o.id = {}", saved.id)).await?;
            engine::resolve_uncounted(txn, Target::One(saved.id)).await?;
            // A code its category does not admit is a warning, not a refusal.
            engine::mark_mismatches_uncounted(txn, &format!("o.id = {}", saved.id)).await?;
            engine::count_cells(txn, 1, &format!("o.id = {}", saved.id)).await?;
            audit::record(
                txn,
                &caller,
                AuditedKind::Organization,
                &saved.credit_code,
                before,
                Some(saved.id),
            )
            .await?;
            organization::Entity::find_by_id(saved.id)
                .one(txn)
                .await?
                .ok_or_else(|| {
                    Error::Database(sea_orm::DbErr::RecordNotFound("organization".into()))
                })
        })
    })
    .await
}

/// The organizations among `ids` located in `root`'s subtree, as stored
/// now, by id: what a change feed subscriber of that region is sent.
pub async fn changed_in_subtree(
    db: &impl ConnectionTrait,
    root: i32,
    ids: &[i32],
) -> Result<Vec<organization::Model>> {
    let mut rows = Vec::new();
    for chunk in ids.chunks(1_000) {
        rows.extend(
            organization::Entity::find()
                .filter(organization::Column::Id.is_in(chunk.iter().copied()))
                .filter(organization::Column::RegionId.in_subquery(region::subtree_ids(root)))
                .order_by_asc(organization::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(rows)
}

/// Refuses a party member count outside 0..=MAX_PARTY_MEMBERS.
pub(crate) fn check_party_member_count(count: i32) -> Result<()> {
    if (0..=MAX_PARTY_MEMBERS).contains(&count) {
        Ok(())
    } else {
        Err(Error::invalid(
            "partyMemberCount",
            msg!(
                "party-members-range",
                max = MAX_PARTY_MEMBERS,
                given = count
            ),
        ))
    }
}

/// An organization write with its references resolved to ids: what an
/// upsert and an import both store.
pub(crate) struct Fields {
    pub credit_code: String,
    pub name: String,
    pub category_id: i32,
    pub region_id: i32,
    /// Already applied to what is stored, and checked to lie above the region.
    pub administering_region_id: Option<i32>,
    pub supervising: Patch<i32>,
    pub affiliation: Patch<i32>,
    pub party_organization: Option<PartyOrganization>,
    pub work_covered: Option<bool>,
    pub party_member_count: Option<i32>,
    pub model: Option<bool>,
}

/// The row to store for `fields` over `current` (None: a new
/// organization): omitted fields keep what is stored, or take their default.
pub(crate) fn stored_row(
    current: Option<&organization::Model>,
    fields: Fields,
) -> organization::Model {
    organization::Model {
        id: current.map_or(0, |c| c.id),
        credit_code: fields.credit_code,
        name: fields.name,
        category_id: fields.category_id,
        region_id: fields.region_id,
        administering_region_id: fields.administering_region_id,
        supervising_department_id: fields
            .supervising
            .apply(current.and_then(|c| c.supervising_department_id)),
        party_affiliation_id: fields
            .affiliation
            .apply(current.and_then(|c| c.party_affiliation_id)),
        party_organization: fields
            .party_organization
            .map(|p| p.to_value())
            .or_else(|| current.map(|c| c.party_organization.clone()))
            .unwrap_or_else(|| PartyOrganization::None.to_value()),
        work_covered: fields
            .work_covered
            .or(current.map(|c| c.work_covered))
            .unwrap_or(false),
        party_member_count: fields
            .party_member_count
            .or(current.map(|c| c.party_member_count))
            .unwrap_or(0),
        is_model: fields
            .model
            .or(current.map(|c| c.is_model))
            .unwrap_or(false),
        // Kept by the engine, which sets it after the write.
        category_mismatch: current.is_some_and(|c| c.category_mismatch),
    }
}

/// True when `ancestor_id` is `region_id` or a region above it.
async fn is_ancestor_or_self(
    db: &impl ConnectionTrait,
    ancestor_id: i32,
    region_id: i32,
) -> Result<bool> {
    super::access::within(db, &Scope::within(ancestor_id), region_id).await
}

/// Deletes the organization; false when none has this credit code.
pub async fn delete(db: &DatabaseConnection, caller: &Caller, credit_code: &str) -> Result<bool> {
    caller.require(Role::Editor)?;
    let code = CreditCode::parse("creditCode", credit_code)?;
    let caller = caller.clone();
    store::write(db, move |txn| {
        let code = code.clone();
        let caller = caller.clone();
        Box::pin(async move {
            engine::lock_shared(txn).await?;
            match organization::Entity::find_by_credit_code(code.as_str())
                .one(txn)
                .await?
            {
                Some(existing) => {
                    caller.require_region(txn, existing.region_id).await?;
                    let before =
                        audit::snapshot(txn, AuditedKind::Organization, existing.id).await?;
                    engine::count_cells(txn, -1, &format!("o.id = {}", existing.id)).await?;
                    let key = existing.credit_code.clone();
                    periods::end(txn, existing.id).await?;
                    ledger::follow::forget(txn, existing.id).await?;
                    existing.delete(txn).await?;
                    audit::record(txn, &caller, AuditedKind::Organization, &key, before, None)
                        .await?;
                    Ok(true)
                }
                None => Ok(false),
            }
        })
    })
    .await
}
