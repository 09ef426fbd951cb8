//! Coverage gaps (盲区 and 短腿): where nobody, or only the fallback, is
//! responsible; where a rule's department is missing; where a category has
//! no rule; where departments contest an organization; where a responsible
//! department lacks a dedication; where an organization with three or more
//! party members has no party organization of its own (应建未建); where an
//! organization's credit code has a type its category does not admit
//! (类别与代码不符). Listed kind by kind, each kind in a stable key order,
//! with keyset cursors.

use sea_orm::{ActiveEnum, ConnectionTrait, QueryResult, Statement, Value};

use super::conditions::SHOULD_ESTABLISH;
use super::page::{CursorKey, PageRequest, decode_key, encode_key};
use super::responsibility::{Basis, named};
use crate::error::Result;
use crate::i18n::Message;
use crate::msg;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GapKind {
    /// An organization with basis NONE: nobody is responsible.
    Unassigned,
    /// An organization covered only by the township fallback.
    FallbackOnly,
    /// A rule applies but no department of its kind exists up the region chain
    /// (per administering region, category and kind).
    MissingDepartment,
    /// A category with organizations in a region but no rule in force there
    /// (per region and category).
    UnruledCategory,
    /// Steps 1-3 name more than one distinct department.
    Contested,
    /// A department responsible for organizations lacks a dedicated unit,
    /// staff or method.
    IncompleteDedication,
    /// 应建未建: three or more party members and no party organization of
    /// its own (per organization).
    ShouldEstablish,
    /// 类别与代码不符: the credit code's type (its first two characters) is
    /// not one the organization's category admits (per organization).
    CategoryMismatch,
}

impl GapKind {
    /// In list order; a cursor names a kind by its position here, so new
    /// kinds go last.
    pub const ALL: [GapKind; 8] = [
        GapKind::Unassigned,
        GapKind::FallbackOnly,
        GapKind::MissingDepartment,
        GapKind::UnruledCategory,
        GapKind::Contested,
        GapKind::IncompleteDedication,
        GapKind::ShouldEstablish,
        GapKind::CategoryMismatch,
    ];

    fn index(self) -> usize {
        Self::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    /// The kind as the API spells it: the first part of a gap's key and
    /// what the ledger stores.
    pub fn code(self) -> &'static str {
        match self {
            GapKind::Unassigned => "UNASSIGNED",
            GapKind::FallbackOnly => "FALLBACK_ONLY",
            GapKind::MissingDepartment => "MISSING_DEPARTMENT",
            GapKind::UnruledCategory => "UNRULED_CATEGORY",
            GapKind::Contested => "CONTESTED",
            GapKind::IncompleteDedication => "INCOMPLETE_DEDICATION",
            GapKind::ShouldEstablish => "SHOULD_ESTABLISH",
            GapKind::CategoryMismatch => "CATEGORY_MISMATCH",
        }
    }

    /// The kind a stored code names.
    pub fn from_code(code: &str) -> Option<GapKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The SQL of the gap's stable key over the aliases of its list
    /// statement: the kind and the natural codes of what the gap is
    /// counted per (an organization's credit code; the administering
    /// region, category and missing kind; the region and category; the
    /// department), never row ids. Codes are natural keys that upserts
    /// never change, so the key is the same on every read while the gap
    /// lasts, and the same gap after it comes back.
    pub fn key_sql(self) -> String {
        let parts = match self {
            GapKind::Unassigned
            | GapKind::FallbackOnly
            | GapKind::Contested
            | GapKind::ShouldEstablish
            | GapKind::CategoryMismatch => "o.credit_code",
            GapKind::MissingDepartment => "r.code || ':' || cat.code || ':' || k.code",
            GapKind::UnruledCategory => "r.code || ':' || cat.code",
            GapKind::IncompleteDedication => "d.code",
        };
        format!("'{}:' || {parts}", self.code())
    }
}

/// One gap and the entities it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub kind: GapKind,
    /// Position within its kind.
    pub key: [i32; 3],
    /// The stable key of the gap (`GapKind::key_sql`).
    pub gap_key: String,
    pub organization_id: Option<i32>,
    pub category_id: Option<i32>,
    pub region_id: Option<i32>,
    pub department_id: Option<i32>,
    pub department_kind_id: Option<i32>,
    /// What the gap is, in words, for the reader's language.
    pub detail: Message,
}

impl Gap {
    /// Where this gap stands in the list.
    pub fn position(&self) -> GapPosition {
        GapPosition {
            kind: self.kind,
            key: self.key,
        }
    }

    pub fn cursor(&self) -> String {
        encode_key(&self.position())
    }
}

/// A gap's place in the list: its kind, then its key within the kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GapPosition {
    pub kind: GapKind,
    pub key: [i32; 3],
}

impl CursorKey for GapPosition {
    const TAG: &'static str = "g1";

    fn parts(&self) -> Vec<i64> {
        let [k0, k1, k2] = self.key;
        vec![
            self.kind.index() as i64,
            i64::from(k0),
            i64::from(k1),
            i64::from(k2),
        ]
    }

    fn from_parts(parts: &[i64]) -> Option<Self> {
        let [kind, k0, k1, k2] = parts else {
            return None;
        };
        let kind = *GapKind::ALL.get(usize::try_from(*kind).ok()?)?;
        let key = [
            i32::try_from(*k0).ok()?,
            i32::try_from(*k1).ok()?,
            i32::try_from(*k2).ok()?,
        ];
        Some(GapPosition { kind, key })
    }
}

/// Which gaps to list.
#[derive(Clone, Debug, Default)]
pub struct GapFilter {
    pub region_id: Option<i32>,
    /// Empty: every kind.
    pub kinds: Vec<GapKind>,
}

impl GapFilter {
    fn kinds(&self) -> Vec<GapKind> {
        GapKind::ALL
            .into_iter()
            .filter(|k| self.kinds.is_empty() || self.kinds.contains(k))
            .collect()
    }
}

/// The values a statement binds, each numbered as it is added: a
/// statement holds the placeholders of the values it uses and no others
/// (PostgreSQL refuses an unused parameter), and uses one twice by writing
/// its placeholder twice.
#[derive(Default)]
pub(crate) struct Binds(pub(crate) Vec<Value>);

impl Binds {
    /// Binds `value` and returns its placeholder.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }

    pub(crate) fn statement(self, db: &impl ConnectionTrait, sql: String) -> Statement {
        Statement::from_sql_and_values(db.get_database_backend(), sql, self.0)
    }
}

/// The SQL of one kind: the rows (key columns k0..k2, the entity ids and
/// the names the detail needs) in key order, after `after`. The region
/// subtree, when given, is bound first.
fn kind_sql(kind: GapKind, region: Option<i32>, after: [i32; 3], binds: &mut Binds) -> String {
    let region = region.map(|id| binds.bind(id));
    let region = region.as_deref();
    match kind {
        GapKind::Unassigned
        | GapKind::FallbackOnly
        | GapKind::Contested
        | GapKind::ShouldEstablish
        | GapKind::CategoryMismatch => {
            let condition = match kind {
                GapKind::Unassigned => basis_is("st.basis", Basis::None),
                GapKind::FallbackOnly => basis_is("st.basis", Basis::Fallback),
                GapKind::ShouldEstablish => SHOULD_ESTABLISH.to_owned(),
                GapKind::CategoryMismatch => CATEGORY_MISMATCH.to_owned(),
                _ => "st.contested = TRUE".to_owned(),
            };
            // The rows come in the id order of the index that finds them:
            // the stored responsibility's for a condition on it, the
            // organization's (partial indexes) for the others.
            let by = match kind {
                GapKind::ShouldEstablish | GapKind::CategoryMismatch => "o",
                _ => "st",
            };
            // Read in the stored responsibility's index order, the region
            // is checked row by row: `+` keeps SQLite from walking the
            // subtree's regions instead (see `organization::located_within`).
            let within = within(
                if by == "st" {
                    "+o.region_id"
                } else {
                    "o.region_id"
                },
                region,
            );
            let k0 = binds.bind(after[0]);
            // The types the category admits, for the detail: the nearest
            // category up the chain that lists any.
            let admitted = if kind == GapKind::CategoryMismatch {
                "(SELECT a.credit_code_types FROM category_closure ac \
                   JOIN category a ON a.id = ac.ancestor_id \
                   WHERE ac.descendant_id = o.category_id AND a.credit_code_types <> '' \
                   ORDER BY ac.depth LIMIT 1)"
            } else {
                "''"
            };
            let gap_key = kind.key_sql();
            format!(
                "SELECT o.id AS k0, 0 AS k1, 0 AS k2, o.id AS organization_id, o.category_id, \
                        o.region_id, st.department_id AS department_id, st.kind_id AS kind_id, \
                        o.name AS organization_name, o.credit_code, r.name AS region_name, \
                        d.name AS department_name, \
                        o.party_affiliation_id, o.supervising_department_id, \
                        st.rule_department_id AS resp_rule_department_id, \
                        o.party_member_count, o.party_organization, \
                        cat.name AS category_name, cat.code AS category_code, \
                        {admitted} AS admitted_types, {gap_key} AS gap_key \
                 FROM organization o JOIN responsibility st ON st.id = o.id \
                 JOIN region r ON r.id = o.region_id \
                 JOIN category cat ON cat.id = o.category_id \
                 LEFT JOIN department d ON d.id = st.department_id \
                 WHERE {condition}{within} AND {by}.id > {k0} ORDER BY {by}.id"
            )
        }
        GapKind::MissingDepartment => {
            let groups = missing_department_groups(region);
            let gap_key = kind.key_sql();
            let [k0, k1, k2] = after.map(|k| binds.bind(k));
            format!(
                "SELECT g.* FROM ( \
                   SELECT cc.admin_region_id AS k0, cc.category_id AS k1, cc.missing_kind_id AS k2, \
                          CAST(NULL AS INTEGER) AS organization_id, cc.category_id, \
                          cc.admin_region_id AS region_id, CAST(NULL AS INTEGER) AS department_id, \
                          cc.missing_kind_id AS kind_id, \
                          MIN(r.name) AS region_name, MIN(cat.name) AS category_name, \
                          MIN(k.code) AS kind_code, MIN(k.name) AS kind_name, \
                          CAST(SUM(cc.n) AS BIGINT) AS organization_count, \
                          MIN({gap_key}) AS gap_key \
                   {groups} \
                 ) g WHERE (g.k0 > {k0} OR (g.k0 = {k0} AND (g.k1 > {k1} OR (g.k1 = {k1} AND g.k2 > {k2})))) \
                 ORDER BY g.k0, g.k1, g.k2"
            )
        }
        GapKind::UnruledCategory => {
            let groups = unruled_groups(region);
            let gap_key = kind.key_sql();
            let (k0, k1) = (binds.bind(after[0]), binds.bind(after[1]));
            format!(
                "SELECT g.* FROM ( \
                   SELECT cc.region_id AS k0, cc.category_id AS k1, 0 AS k2, \
                          CAST(NULL AS INTEGER) AS organization_id, cc.category_id, cc.region_id, \
                          CAST(NULL AS INTEGER) AS department_id, CAST(NULL AS INTEGER) AS kind_id, \
                          MIN(r.name) AS region_name, MIN(cat.name) AS category_name, \
                          MIN(cat.code) AS category_code, MIN(r.code) AS region_code, \
                          CAST(SUM(cc.n) AS BIGINT) AS organization_count, \
                          MIN({gap_key}) AS gap_key \
                   {groups} \
                 ) g WHERE (g.k0 > {k0} OR (g.k0 = {k0} AND g.k1 > {k1})) ORDER BY g.k0, g.k1"
            )
        }
        GapKind::IncompleteDedication => {
            let departments = incomplete_departments(region);
            let gap_key = kind.key_sql();
            let k0 = binds.bind(after[0]);
            format!(
                "SELECT g.* FROM ( \
                   SELECT d.id AS k0, 0 AS k1, 0 AS k2, CAST(NULL AS INTEGER) AS organization_id, \
                          CAST(NULL AS INTEGER) AS category_id, \
                          d.region_id, d.id AS department_id, d.kind_id, \
                          d.name AS department_name, d.code AS department_code, \
                          CASE WHEN d.dedicated_unit IS NULL THEN 'unit' ELSE '' END AS lacks_unit, \
                          CASE WHEN d.method IS NULL THEN 'method' ELSE '' END AS lacks_method, \
                          (SELECT COUNT(*) FROM department_contact dc WHERE dc.department_id = d.id) AS staff_count, \
                          (SELECT CAST(SUM(cc.n) AS BIGINT) FROM coverage_cell cc WHERE cc.department_id = d.id) AS organization_count, \
                          {gap_key} AS gap_key \
                   {departments} \
                 ) g WHERE g.k0 > {k0} ORDER BY g.k0"
            )
        }
    }
}

fn opt_i32(row: &QueryResult, column: &str) -> Result<Option<i32>> {
    // NULL literals come back untyped on SQLite; read them as i64.
    Ok(row
        .try_get::<Option<i64>>("", column)
        .or_else(|_| {
            row.try_get::<Option<i32>>("", column)
                .map(|v| v.map(i64::from))
        })?
        .map(|v| v as i32))
}

fn text(row: &QueryResult, column: &str) -> String {
    row.try_get::<Option<String>>("", column)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// "a, b, c" (甲、乙、丙): the parts joined as each language lists them.
fn enumeration(parts: Vec<Message>) -> Message {
    parts
        .into_iter()
        .reduce(|all, next| msg!("list-more", all = all, next = next))
        .unwrap_or_else(|| msg!("list-empty"))
}

fn gap_of(kind: GapKind, row: &QueryResult) -> Result<Gap> {
    let key = [
        opt_i32(row, "k0")?.unwrap_or(0),
        opt_i32(row, "k1")?.unwrap_or(0),
        opt_i32(row, "k2")?.unwrap_or(0),
    ];
    let count = |column| -> Result<i32> { Ok(opt_i32(row, column)?.unwrap_or(0)) };
    let organization = || named(&text(row, "organization_name"), &text(row, "credit_code"));
    let detail = match kind {
        GapKind::Unassigned => msg!(
            "gap-unassigned",
            organization = organization(),
            region = text(row, "region_name")
        ),
        GapKind::FallbackOnly => msg!(
            "gap-fallback-only",
            organization = organization(),
            region = text(row, "region_name"),
            department = text(row, "department_name")
        ),
        GapKind::Contested => {
            let claimants = [
                opt_i32(row, "party_affiliation_id")?,
                opt_i32(row, "supervising_department_id")?,
                opt_i32(row, "resp_rule_department_id")?,
            ]
            .into_iter()
            .flatten()
            .collect::<std::collections::BTreeSet<_>>()
            .len();
            msg!(
                "gap-contested",
                organization = organization(),
                region = text(row, "region_name"),
                count = claimants,
                department = text(row, "department_name")
            )
        }
        GapKind::ShouldEstablish => msg!(
            "gap-should-establish",
            organization = organization(),
            region = text(row, "region_name"),
            count = count("party_member_count")?,
            status = match text(row, "party_organization").as_str() {
                "JOINT" => "joint",
                _ => "none",
            }
        ),
        GapKind::CategoryMismatch => {
            let code = text(row, "credit_code");
            // Each language lists in its own way: 91、93 and 91, 93.
            msg!(
                "gap-category-mismatch",
                organization = organization(),
                region = text(row, "region_name"),
                code_type = code.get(..2).unwrap_or_default(),
                category = named(&text(row, "category_name"), &text(row, "category_code")),
                types_listed = text(row, "admitted_types").replace('|', "、"),
                types = text(row, "admitted_types").replace('|', ", ")
            )
        }
        GapKind::MissingDepartment => msg!(
            "gap-missing-department",
            count = count("organization_count")?,
            category = text(row, "category_name"),
            region = text(row, "region_name"),
            kind_code = text(row, "kind_code"),
            kind_name = text(row, "kind_name")
        ),
        GapKind::UnruledCategory => msg!(
            "gap-unruled-category",
            count = count("organization_count")?,
            category = named(&text(row, "category_name"), &text(row, "category_code")),
            region = named(&text(row, "region_name"), &text(row, "region_code"))
        ),
        GapKind::IncompleteDedication => {
            let mut lacks = Vec::new();
            if !text(row, "lacks_unit").is_empty() {
                lacks.push(msg!("dedication-unit"));
            }
            if count("staff_count")? == 0 {
                lacks.push(msg!("dedication-staff"));
            }
            if !text(row, "lacks_method").is_empty() {
                lacks.push(msg!("dedication-method"));
            }
            msg!(
                "gap-incomplete-dedication",
                department = named(&text(row, "department_name"), &text(row, "department_code")),
                count = count("organization_count")?,
                lacks = enumeration(lacks)
            )
        }
    };
    Ok(Gap {
        kind,
        key,
        gap_key: text(row, "gap_key"),
        organization_id: opt_i32(row, "organization_id")?,
        category_id: opt_i32(row, "category_id")?,
        region_id: opt_i32(row, "region_id")?,
        department_id: opt_i32(row, "department_id")?,
        department_kind_id: opt_i32(row, "kind_id")?,
        detail,
    })
}

/// One page of gaps: `first` items after the cursor, kind by kind. At
/// most one statement per kind, whatever the page size.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &GapFilter,
    first: Option<i32>,
    after: Option<&str>,
) -> Result<(Vec<Gap>, bool)> {
    let request = PageRequest::parse(first, None)?;
    let (start_kind, start_key) = match after {
        Some(cursor) => {
            let position = decode_key::<GapPosition>(cursor)?;
            (position.kind.index(), position.key)
        }
        None => (0, [i32::MIN; 3]),
    };
    let mut gaps = Vec::new();
    let wanted = request.first as usize + 1;
    for kind in filter.kinds() {
        if kind.index() < start_kind {
            continue;
        }
        if gaps.len() >= wanted {
            break;
        }
        let key = if kind.index() == start_kind {
            start_key
        } else {
            [i32::MIN; 3]
        };
        let mut binds = Binds::default();
        let sql = kind_sql(kind, filter.region_id, key, &mut binds);
        let sql = format!("{sql} LIMIT {}", wanted - gaps.len());
        let rows = db.query_all_raw(binds.statement(db, sql)).await?;
        for row in &rows {
            gaps.push(gap_of(kind, row)?);
        }
    }
    let has_next = gaps.len() > request.first as usize;
    gaps.truncate(request.first as usize);
    Ok((gaps, has_next))
}

/// The SQL that counts the gaps of one kind: the groups or rows
/// `kind_sql` lists, without the names, the details and the order the list
/// needs. The per-organization kinds are summed from the coverage cells.
fn count_sql(kind: GapKind, region: Option<i32>, binds: &mut Binds) -> String {
    let region = region.map(|id| binds.bind(id));
    let region = region.as_deref();
    let summed = |column: &str, condition: &str| {
        format!(
            "SELECT CAST(COALESCE(SUM(cc.{column}), 0) AS BIGINT) AS gaps FROM coverage_cell cc \
             WHERE {condition}{}",
            within("cc.region_id", region)
        )
    };
    let per_organization = |condition: &str| summed("n", condition);
    let groups =
        |source: String| format!("SELECT COUNT(*) AS gaps FROM (SELECT 1 AS one {source}) g");
    match kind {
        GapKind::Unassigned => per_organization(&basis_is("cc.basis", Basis::None)),
        GapKind::FallbackOnly => per_organization(&basis_is("cc.basis", Basis::Fallback)),
        GapKind::Contested => per_organization("cc.contested = 1"),
        GapKind::ShouldEstablish => summed("should_establish", "cc.should_establish > 0"),
        GapKind::CategoryMismatch => summed("mismatched", "cc.mismatched > 0"),
        GapKind::MissingDepartment => groups(missing_department_groups(region)),
        GapKind::UnruledCategory => groups(unruled_groups(region)),
        GapKind::IncompleteDedication => {
            format!("SELECT COUNT(*) AS gaps {}", incomplete_departments(region))
        }
    }
}

pub(crate) use super::conditions::CATEGORY_MISMATCH;

/// The condition that `column` holds `basis`, in the text its derive
/// spells (a literal, as before, so that the planner sees the value).
pub(crate) fn basis_is(column: &str, basis: Basis) -> String {
    format!("{column} = '{}'", basis.to_value())
}

/// ` AND` the condition that `column` is a region of the subtree whose root
/// is bound at `region`; nothing without a region.
pub(crate) fn within(column: &str, region: Option<&str>) -> String {
    match region {
        Some(placeholder) => format!(" AND {}", super::region::within_sql(column, placeholder)),
        None => String::new(),
    }
}

/// The FROM, WHERE and GROUP BY of the MISSING_DEPARTMENT gaps: one group
/// per administering region, category and missing kind.
pub(crate) fn missing_department_groups(region: Option<&str>) -> String {
    format!(
        "FROM coverage_cell cc \
         JOIN region r ON r.id = cc.admin_region_id \
         JOIN category cat ON cat.id = cc.category_id \
         JOIN department_kind k ON k.id = cc.missing_kind_id \
         WHERE cc.missing_kind_id > 0 AND cc.n > 0{} \
         GROUP BY cc.admin_region_id, cc.category_id, cc.missing_kind_id",
        within("cc.admin_region_id", region)
    )
}

/// The FROM, WHERE and GROUP BY of the UNRULED_CATEGORY gaps: one group per
/// region and category.
pub(crate) fn unruled_groups(region: Option<&str>) -> String {
    format!(
        "FROM coverage_cell cc \
         JOIN region r ON r.id = cc.region_id JOIN category cat ON cat.id = cc.category_id \
         WHERE cc.ruled = 0 AND cc.n > 0{} \
         GROUP BY cc.region_id, cc.category_id",
        within("cc.region_id", region)
    )
}

/// The FROM and WHERE of the INCOMPLETE_DEDICATION gaps: responsible
/// departments without a dedicated unit, a method or staff.
pub(crate) fn incomplete_departments(region: Option<&str>) -> String {
    format!(
        "FROM department d \
         WHERE (d.dedicated_unit IS NULL OR d.method IS NULL \
                OR NOT EXISTS (SELECT 1 FROM department_contact dc WHERE dc.department_id = d.id)) \
           AND EXISTS (SELECT 1 FROM coverage_cell cc WHERE cc.department_id = d.id AND cc.n > 0){}",
        within("d.region_id", region)
    )
}

/// How many gaps the filter matches: one statement per kind.
pub async fn count(db: &impl ConnectionTrait, filter: &GapFilter) -> Result<u64> {
    let mut total = 0u64;
    for kind in filter.kinds() {
        let mut binds = Binds::default();
        let sql = count_sql(kind, filter.region_id, &mut binds);
        let row = db.query_one_raw(binds.statement(db, sql)).await?;
        if let Some(row) = row {
            total += row.try_get::<i64>("", "gaps")? as u64;
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    #[test]
    fn a_statement_binds_only_the_values_it_uses_numbered_in_order() {
        let mut binds = Binds::default();
        let sql = kind_sql(GapKind::Unassigned, None, [5, 0, 0], &mut binds);
        assert!(sql.contains("st.id > $1"), "{sql}");
        assert!(!sql.contains("$2"), "{sql}");
        assert_eq!(binds.0, vec![Value::from(5)]);

        let mut binds = Binds::default();
        let sql = kind_sql(GapKind::UnruledCategory, Some(9), [7, 3, 0], &mut binds);
        assert!(sql.contains("= $1)"), "the region first: {sql}");
        assert!(
            sql.contains("g.k0 > $2 OR (g.k0 = $2 AND g.k1 > $3)"),
            "{sql}"
        );
        assert!(!sql.contains("$4"), "{sql}");
        assert_eq!(
            binds.0,
            vec![Value::from(9), Value::from(7), Value::from(3)]
        );
    }

    #[test]
    fn gap_cursors_round_trip_and_reject_forgeries() {
        let gap = Gap {
            kind: GapKind::UnruledCategory,
            key: [7, 3, 0],
            gap_key: "UNRULED_CATEGORY:320100:ORG".into(),
            organization_id: None,
            category_id: None,
            region_id: None,
            department_id: None,
            department_kind_id: None,
            detail: msg!("list-empty"),
        };
        // The text of the cursors given out before the codec was shared.
        assert_eq!(gap.cursor(), URL_SAFE_NO_PAD.encode("g1:3:7:3:0"));
        let position = decode_key::<GapPosition>(&gap.cursor()).unwrap();
        assert_eq!((position.kind.index(), position.key), (3, [7, 3, 0]));
        assert!(decode_key::<GapPosition>("nonsense").is_err());
        assert!(decode_key::<GapPosition>(&URL_SAFE_NO_PAD.encode("g1:9:1:2:3")).is_err());
    }
}
