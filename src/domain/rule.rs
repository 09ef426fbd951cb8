//! Responsibility rules (主管责任): one per (category, scope), the rule that
//! holds everywhere (no scope) included.

use std::collections::HashMap;

use entity::responsibility_rule as rule;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait,
    QueryFilter, QueryOrder, Select, Set, Statement,
};

use super::access::{Caller, Role};
use super::audit::{self, AuditedKind};
use super::responsibility::{Named, RuleFacts};
use super::scope::Scope;
use super::store;
use super::values::{Patch, parse_optional_text};
use super::{category, engine, kind, region};
use crate::error::Result;
use crate::msg;

#[derive(Clone, Debug)]
pub struct RuleInput {
    pub category_code: String,
    pub department_kind_code: String,
    pub scope_region_code: Option<String>,
    pub basis: Patch<String>,
}

fn by_key(category_id: i32, scope_region_id: Option<i32>) -> Select<rule::Entity> {
    let select = rule::Entity::find().filter(rule::Column::CategoryId.eq(category_id));
    match scope_region_id {
        Some(id) => select.filter(rule::Column::ScopeRegionId.eq(id)),
        None => select.filter(rule::Column::ScopeRegionId.is_null()),
    }
}

/// A rule's natural key in the audit trail: `CATEGORY@REGION`, or
/// `CATEGORY@*` for the rule that holds everywhere.
fn rule_key(category_code: &str, scope_region_code: Option<&str>) -> String {
    format!("{category_code}@{}", scope_region_code.unwrap_or("*"))
}

fn scope_code(code: Option<&str>) -> Option<&str> {
    code.map(str::trim).filter(|c| !c.is_empty())
}

/// Rules of each category (not of its subtree), unscoped first: one query.
pub async fn by_categories(
    db: &impl ConnectionTrait,
    scope: &Scope,
    category_ids: &[i32],
) -> Result<HashMap<i32, Vec<rule::Model>>> {
    let mut select = rule::Entity::find()
        .filter(rule::Column::CategoryId.is_in(category_ids.iter().copied()))
        .order_by_asc(rule::Column::CategoryId)
        .order_by_asc(rule::Column::Id);
    if let Some(root) = scope.region_id {
        // A scoped caller sees the rules that can apply inside its subtree:
        // those that hold everywhere, above it, or inside it.
        select = select.filter(
            sea_orm::Condition::any()
                .add(rule::Column::ScopeRegionId.is_null())
                .add(rule::Column::ScopeRegionId.in_subquery(region::subtree_ids(root)))
                .add(rule::Column::ScopeRegionId.in_subquery(ancestors_of(root))),
        );
    }
    let mut map: HashMap<i32, Vec<rule::Model>> = HashMap::new();
    for row in select.all(db).await? {
        map.entry(row.category_id).or_default().push(row);
    }
    for rules in map.values_mut() {
        rules.sort_by_key(|r| (r.scope_region_id.is_some(), r.id));
    }
    Ok(map)
}

/// What an explanation says of each rule: its category, its scope and the
/// kind of department it names, in one query for all of them.
pub async fn facts(db: &impl ConnectionTrait, rule_ids: &[i32]) -> Result<HashMap<i32, RuleFacts>> {
    if rule_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders: Vec<String> = (1..=rule_ids.len()).map(|i| format!("${i}")).collect();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT r.id, c.code AS category_code, c.name AS category_name, \
                        g.code AS scope_code, g.name AS scope_name, \
                        k.code AS kind_code, k.name AS kind_name \
                 FROM responsibility_rule r \
                 JOIN category c ON c.id = r.category_id \
                 JOIN department_kind k ON k.id = r.department_kind_id \
                 LEFT JOIN region g ON g.id = r.scope_region_id \
                 WHERE r.id IN ({})",
                placeholders.join(", ")
            ),
            rule_ids.iter().map(|id| (*id).into()),
        ))
        .await?;
    let mut facts = HashMap::with_capacity(rows.len());
    for row in rows {
        facts.insert(
            row.try_get::<i32>("", "id")?,
            RuleFacts {
                category: Named::from_row(&row, "category")?.unwrap_or_default(),
                scope: Named::from_row(&row, "scope")?,
                kind: Named::from_row(&row, "kind")?.unwrap_or_default(),
            },
        );
    }
    Ok(facts)
}

fn ancestors_of(region_id: i32) -> sea_orm::sea_query::SelectStatement {
    use entity::region_closure;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Query::select()
        .column(region_closure::Column::AncestorId)
        .from(region_closure::Entity)
        .and_where(Expr::col(region_closure::Column::DescendantId).eq(region_id))
        .to_owned()
}

/// Writes the rule inside `txn` without re-resolving; returns the rule and
/// whether what it decides changed (a new rule, or a new kind).
pub(crate) async fn apply_upsert(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    input: &RuleInput,
) -> Result<(rule::Model, bool)> {
    let basis = input
        .basis
        .clone()
        .try_map(|b| parse_optional_text("basis", Some(&b), 500))?;
    let category = category::require(txn, "categoryCode", &input.category_code).await?;
    let kind = kind::require(txn, "departmentKindCode", &input.department_kind_code).await?;
    let scope = match scope_code(input.scope_region_code.as_deref()) {
        Some(code) => {
            Some(region::require(txn, &Scope::EVERYTHING, "scopeRegionCode", code).await?)
        }
        None => None,
    };
    let scope_id = scope.as_ref().map(|r| r.id);
    caller
        .require_optional_region(txn, scope_id, msg!("what-global-rules"))
        .await?;
    let key = rule_key(&category.code, scope.as_ref().map(|r| r.code.as_str()));
    match by_key(category.id, scope_id).one(txn).await? {
        Some(existing) => {
            let new_basis = basis.apply(existing.basis.clone());
            if existing.department_kind_id == kind.id && existing.basis == new_basis {
                return Ok((existing, false));
            }
            let before = audit::snapshot(txn, AuditedKind::Rule, existing.id).await?;
            let kind_changed = existing.department_kind_id != kind.id;
            let mut active: rule::ActiveModel = existing.into();
            active.department_kind_id = Set(kind.id);
            active.basis = Set(new_basis);
            let saved = active.update(txn).await?;
            audit::record(txn, caller, AuditedKind::Rule, &key, before, Some(saved.id)).await?;
            Ok((saved, kind_changed))
        }
        None => {
            let saved = rule::ActiveModel {
                category_id: Set(category.id),
                department_kind_id: Set(kind.id),
                scope_region_id: Set(scope_id),
                basis: Set(basis.apply(None)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            audit::record(txn, caller, AuditedKind::Rule, &key, None, Some(saved.id)).await?;
            Ok((saved, true))
        }
    }
}

/// Deletes the rule inside `txn` without re-resolving; false when there was none.
pub(crate) async fn apply_delete(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    category_code: &str,
    scope_region_code: Option<&str>,
) -> Result<bool> {
    let category = category::require(txn, "categoryCode", category_code).await?;
    let scope_id = match scope_code(scope_region_code) {
        Some(code) => Some(
            region::require(txn, &Scope::EVERYTHING, "scopeRegionCode", code)
                .await?
                .id,
        ),
        None => None,
    };
    caller
        .require_optional_region(txn, scope_id, msg!("what-global-rules"))
        .await?;
    match by_key(category.id, scope_id).one(txn).await? {
        Some(existing) => {
            let before = audit::snapshot(txn, AuditedKind::Rule, existing.id).await?;
            existing.delete(txn).await?;
            let key = rule_key(&category.code, scope_code(scope_region_code));
            audit::record(txn, caller, AuditedKind::Rule, &key, before, None).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Creates the rule or changes its kind and basis, and re-resolves the
/// organizations whose responsibility that changes.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    input: RuleInput,
) -> Result<rule::Model> {
    caller.require(Role::Editor)?;
    // Validate the text before taking the write lock.
    input
        .basis
        .clone()
        .try_map(|b| parse_optional_text("basis", Some(&b), 500))?;
    let caller = caller.clone();
    store::write(db, move |txn| {
        let input = input.clone();
        let caller = caller.clone();
        Box::pin(async move {
            engine::lock_exclusive(txn).await?;
            let (saved, structural) = apply_upsert(txn, &caller, &input).await?;
            if structural {
                engine::refresh(txn, engine::Inputs::Rules).await?;
            }
            Ok(saved)
        })
    })
    .await
}

/// Deletes the rule of this category and scope and re-resolves what it
/// decided; false when there was none.
pub async fn delete(
    db: &DatabaseConnection,
    caller: &Caller,
    category_code: &str,
    scope_region_code: Option<&str>,
) -> Result<bool> {
    caller.require(Role::Editor)?;
    let caller = caller.clone();
    let category_code = category_code.to_owned();
    let scope_region_code = scope_code(scope_region_code).map(str::to_owned);
    store::write(db, move |txn| {
        let (category_code, scope_region_code) = (category_code.clone(), scope_region_code.clone());
        let caller = caller.clone();
        Box::pin(async move {
            engine::lock_exclusive(txn).await?;
            let deleted =
                apply_delete(txn, &caller, &category_code, scope_region_code.as_deref()).await?;
            if deleted {
                engine::refresh(txn, engine::Inputs::Rules).await?;
            }
            Ok(deleted)
        })
    })
    .await
}
