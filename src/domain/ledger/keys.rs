//! The gaps as the ledger sees them: every current gap of a region subtree
//! with its stable key (`GapKind::key_sql`) and its default owner, and the
//! live test of whether an item's gap is still there. Both are SQL that
//! the opening, the workflow and the reads embed, so that each stays one
//! set-based statement whatever the number of items.

use sea_orm::ActiveEnum;

use crate::domain::conditions::organization_gap;
use crate::domain::engine::WITH_STORED;
use crate::domain::gaps::{
    GapKind, incomplete_departments, missing_department_groups, unruled_groups, within,
};
use crate::domain::kind::KindRole;

/// The condition on an organization `o` that makes it a gap of `kind`,
/// for the kinds counted per organization.
fn organization_condition(kind: GapKind) -> Option<String> {
    organization_gap(kind.code())
}

/// The current gaps of `kind` in the subtree bound at `region` (none: the
/// whole database), as rows of `gap_key, gap_kind, organization_id,
/// category_id, region_id, department_id, department_kind_id,
/// resp_department_id` (the organization's responsible department, for
/// the default owner). The same FROM and WHERE as the gap list's.
fn current_sql(kind: GapKind, region: Option<&str>) -> String {
    let key = kind.key_sql();
    let code = kind.code();
    if let Some(condition) = organization_condition(kind) {
        return format!(
            "SELECT {key} AS gap_key, '{code}' AS gap_kind, o.id AS organization_id, \
                    o.category_id AS category_id, o.region_id AS region_id, \
                    st.department_id AS department_id, st.kind_id AS department_kind_id, \
                    st.department_id AS resp_department_id \
             FROM {WITH_STORED} WHERE {condition}{}",
            within("o.region_id", region)
        );
    }
    match kind {
        GapKind::MissingDepartment => format!(
            "SELECT MIN({key}) AS gap_key, '{code}' AS gap_kind, \
                    CAST(NULL AS INTEGER) AS organization_id, cc.category_id AS category_id, \
                    cc.admin_region_id AS region_id, CAST(NULL AS INTEGER) AS department_id, \
                    cc.missing_kind_id AS department_kind_id, \
                    CAST(NULL AS INTEGER) AS resp_department_id {}",
            missing_department_groups(region)
        ),
        GapKind::UnruledCategory => format!(
            "SELECT MIN({key}) AS gap_key, '{code}' AS gap_kind, \
                    CAST(NULL AS INTEGER) AS organization_id, cc.category_id AS category_id, \
                    cc.region_id AS region_id, CAST(NULL AS INTEGER) AS department_id, \
                    CAST(NULL AS INTEGER) AS department_kind_id, \
                    CAST(NULL AS INTEGER) AS resp_department_id {}",
            unruled_groups(region)
        ),
        _ => format!(
            "SELECT {key} AS gap_key, '{code}' AS gap_kind, \
                    CAST(NULL AS INTEGER) AS organization_id, CAST(NULL AS INTEGER) AS category_id, \
                    d.region_id AS region_id, d.id AS department_id, d.kind_id AS department_kind_id, \
                    CAST(NULL AS INTEGER) AS resp_department_id {}",
            incomplete_departments(region)
        ),
    }
}

/// The current gaps of these kinds (empty: every kind) in the subtree
/// bound at `region`: one UNION ALL, for a FROM.
pub fn current_gaps_sql(kinds: &[GapKind], region: Option<&str>) -> String {
    GapKind::ALL
        .into_iter()
        .filter(|k| kinds.is_empty() || kinds.contains(k))
        .map(|k| current_sql(k, region))
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// The coordinator of the region in `region_column`: the department of a
/// COORDINATOR-role kind at the region or nearest up its chain (the
/// nearest wins, then the lowest kind id), as `oversight::coordinators`
/// finds it, here as a correlated sub-select for a set-based INSERT.
pub fn coordinator_sql(region_column: &str) -> String {
    format!(
        "(SELECT ced.department_id FROM department_kind ck \
           JOIN effective_department ced ON ced.kind_id = ck.id \
           JOIN department cd ON cd.id = ced.department_id \
           JOIN region_closure crc \
             ON crc.ancestor_id = cd.region_id AND crc.descendant_id = ced.region_id \
          WHERE ck.role = '{}' AND ced.region_id = {region_column} \
          ORDER BY crc.depth, ced.kind_id LIMIT 1)",
        KindRole::Coordinator.to_value()
    )
}

/// Whether the gap of the item `x` (a `rectification` row) is there now:
/// for a gap of one organization, the state its writes keep on the item
/// (`organization_gap_open`, see [`super::follow`]); for the others, read
/// live, one indexed look-up per item, so that a page or a summary checks
/// all its items in the statement that reads them.
pub fn gap_open_sql(x: &str) -> String {
    format!(
        "COALESCE({x}.organization_gap_open, {})",
        region_gap_open_sql(x)
    )
}

/// Whether the gap of the item `x`, of a kind not counted per
/// organization, is there now, read live from the coverage cells and the
/// departments.
pub fn region_gap_open_sql(x: &str) -> String {
    let mut cases = Vec::new();
    for kind in GapKind::ALL {
        if organization_condition(kind).is_some() {
            continue;
        }
        let test = match kind {
            GapKind::MissingDepartment => format!(
                "EXISTS (SELECT 1 FROM coverage_cell cc WHERE cc.admin_region_id = {x}.region_id \
                   AND cc.category_id = {x}.category_id \
                   AND cc.missing_kind_id = {x}.department_kind_id AND cc.n > 0)"
            ),
            GapKind::UnruledCategory => format!(
                "EXISTS (SELECT 1 FROM coverage_cell cc WHERE cc.region_id = {x}.region_id \
                   AND cc.category_id = {x}.category_id AND cc.ruled = 0 AND cc.n > 0)"
            ),
            _ => format!(
                "EXISTS (SELECT 1 {} AND d.id = {x}.department_id)",
                incomplete_departments(None)
            ),
        };
        cases.push(format!("WHEN '{}' THEN {test}", kind.code()));
    }
    format!("(CASE {x}.gap_kind {} ELSE FALSE END)", cases.join(" "))
}

/// The codes of the kinds whose gap state is read live, for an IN list.
pub fn region_gap_kinds_sql() -> String {
    GapKind::ALL
        .into_iter()
        .filter(|kind| organization_condition(*kind).is_none())
        .map(|kind| format!("'{}'", kind.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_source_and_a_live_test() {
        let all = current_gaps_sql(&[], Some("$1"));
        assert_eq!(all.matches(" UNION ALL ").count(), GapKind::ALL.len() - 1);
        let live = region_gap_open_sql("x");
        let stored = super::super::follow::live_sql("x");
        for kind in GapKind::ALL {
            assert!(all.contains(&format!("'{}:'", kind.code())), "{kind:?}");
            // Each kind's state is read live or kept on the item, not both.
            let when = format!("WHEN '{}'", kind.code());
            assert_ne!(live.contains(&when), stored.contains(&when), "{kind:?}");
        }
    }

    #[test]
    fn the_conditions_per_organization_are_the_gap_lists_own() {
        use crate::domain::gaps::basis_is;
        use crate::domain::responsibility::Basis;
        assert_eq!(
            organization_condition(GapKind::Unassigned),
            Some(basis_is("st.basis", Basis::None))
        );
        assert_eq!(
            organization_condition(GapKind::FallbackOnly),
            Some(basis_is("st.basis", Basis::Fallback))
        );
    }
}
