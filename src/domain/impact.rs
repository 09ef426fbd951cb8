//! Rule impact: what upserting or deleting a rule would change, computed by
//! making the change in a transaction, staging the engine's derived tables,
//! reading the new resolution of the organizations it touches, and rolling
//! back. It runs the engine's own code, so the preview is what the real
//! change then does.

use std::collections::HashMap;

use entity::responsibility_rule as rule;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement,
};

use super::access::Caller;
use super::engine;
use super::page::{Page, PageRequest};
use super::responsibility::{Resolution, basis_of};
use super::rule::{RuleInput, apply_delete, apply_upsert};
use super::scope::Scope;
use crate::error::Result;

/// One organization whose responsibility would shift: its id and its
/// resolution after the change (the one before is stored on it). Not a
/// `Change`: that is a recorded write of the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shift {
    pub organization_id: i32,
    pub after: Resolution,
}

/// What a rule change would do.
#[derive(Clone, Debug)]
pub struct Impact {
    /// Organizations whose stored responsibility would change in any way
    /// (rule, claimants, department or basis).
    pub changed: u64,
    /// Those among them whose responsible department or basis would change:
    /// what an office sees move, as against a new rule or contestant that
    /// leaves the answer where it was.
    pub department_changed: u64,
    pub page: Page<Shift>,
    /// The rules the `after` resolutions name, as they would be (a new rule
    /// exists only in the preview).
    pub rules: HashMap<i32, rule::Model>,
}

/// The condition under which a stored resolution `st` and a new one `n`
/// name a different department or basis: the part of `engine::CHANGED`
/// an office sees, leaving out the rule, its kind and department, the
/// fallback and the contested flag.
const DEPARTMENT_CHANGED: &str =
    "(st.basis <> n.basis OR st.department_id IS DISTINCT FROM n.department_id)";

/// The preview counts and lists only the organizations in the caller's
/// scope; the change itself is made as a system preview (rolled back), so
/// a reader may preview what an editor could do.
pub async fn rule_impact(
    db: &DatabaseConnection,
    scope: &Scope,
    input: &RuleInput,
    remove: bool,
    request: &PageRequest,
) -> Result<Impact> {
    let txn = super::store::db::begin_write(db).await?;
    engine::lock_exclusive(&txn).await?;
    let preview = Caller::system("preview");
    if remove {
        apply_delete(
            &txn,
            &preview,
            &input.category_code,
            input.scope_region_code.as_deref(),
        )
        .await?;
    } else {
        apply_upsert(&txn, &preview, input).await?;
    }
    engine::stage_dirty(&txn, engine::Inputs::Rules).await?;
    let in_scope = match scope.region_id {
        Some(root) => format!(" AND {}", super::region::within_sql("o.region_id", root)),
        None => String::new(),
    };
    let changed_sql = format!(
        "SELECT n.id, n.basis, n.department_id, n.kind_id, n.rule_id, n.rule_department_id, \
                n.fallback_department_id, o.party_affiliation_id, o.supervising_department_id, \
                CASE WHEN {DEPARTMENT_CHANGED} THEN 1 ELSE 0 END AS department_changed \
         FROM organization o JOIN responsibility st ON st.id = o.id \
         JOIN ({}) AS n ON n.id = o.id WHERE ({}){in_scope}",
        engine::resolution_select(engine::Target::Dirty),
        engine::CHANGED
    );
    let backend = txn.get_database_backend();
    // Both counts in one pass over the changed rows. SUM is NULL over no
    // rows, hence the COALESCE.
    let count_row = txn
        .query_one_raw(Statement::from_string(
            backend,
            format!(
                "SELECT COUNT(*) AS n, COALESCE(SUM(department_changed), 0) AS department_changed \
                 FROM ({changed_sql}) changed"
            ),
        ))
        .await?;
    let (changed, department_changed) = match count_row {
        Some(row) => (
            row.try_get::<i64>("", "n")? as u64,
            row.try_get::<i64>("", "department_changed")? as u64,
        ),
        None => (0, 0),
    };
    let after = request.after.unwrap_or(i64::MIN);
    let rows = txn
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT * FROM ({changed_sql}) changed WHERE id > {after} ORDER BY id LIMIT {}",
                request.first + 1
            ),
        ))
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        items.push((
            i64::from(id),
            Shift {
                organization_id: id,
                after: Resolution {
                    basis: basis_of(&row.try_get::<String>("", "basis")?),
                    department_id: row.try_get("", "department_id")?,
                    kind_id: row.try_get("", "kind_id")?,
                    rule_id: row.try_get("", "rule_id")?,
                    rule_department_id: row.try_get("", "rule_department_id")?,
                    fallback_department_id: row.try_get("", "fallback_department_id")?,
                    party_affiliation_id: row.try_get("", "party_affiliation_id")?,
                    supervising_department_id: row.try_get("", "supervising_department_id")?,
                },
            },
        ));
    }
    let page = Page::from_rows(items, request);
    let rule_ids: Vec<i32> = page
        .items
        .iter()
        .filter_map(|(_, c)| c.after.rule_id)
        .collect();
    let rules = rule::Entity::find()
        .filter(rule::Column::Id.is_in(rule_ids))
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    txn.rollback().await?;
    Ok(Impact {
        changed,
        department_changed,
        page,
        rules,
    })
}
