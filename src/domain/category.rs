//! The category tree (组织类别). It stays a tree: a parent that would close
//! a cycle is refused. The closure table is rebuilt on every change (the
//! tree has tens of nodes). Each category lists the credit-code types its
//! organizations may carry (empty: those of its parent); a change of them
//! re-evaluates the organizations of its subtree (类别与代码不符).

use entity::{category, category_closure};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::access::{Caller, Role};
use super::audit::{self, AuditedKind};
use super::engine;
use super::store::{self, db};
use super::values::{CREDIT_ALPHABET, Patch, parse_code, parse_name, parse_optional_text};
use crate::error::{Error, Result};
use crate::msg;

#[derive(Clone, Debug)]
pub struct CategoryInput {
    pub code: String,
    pub name: String,
    pub parent_code: Patch<String>,
    pub description: Patch<String>,
    /// None: keep what is stored; empty: those of the parent.
    pub credit_code_types: Option<Vec<String>>,
}

/// Parses credit-code types (GB 32100-2015: the code's first character is
/// the registration authority, the second the organization type, e.g. `51`
/// 社会团体) into their stored form: sorted, each once, joined by `|`.
/// Each must be exactly two characters of the credit-code alphabet.
pub fn parse_credit_code_types<'a>(
    field: &str,
    types: impl IntoIterator<Item = &'a str>,
) -> Result<String> {
    let mut parsed = Vec::new();
    for value in types {
        let value = value.trim();
        let valid = value.len() == 2 && value.bytes().all(|b| CREDIT_ALPHABET.contains(&b));
        if !valid {
            return Err(Error::invalid(
                field,
                msg!("credit-code-type-invalid", value = value),
            ));
        }
        parsed.push(value.to_owned());
    }
    parsed.sort();
    parsed.dedup();
    Ok(parsed.join("|"))
}

/// The stored credit-code types of a category, as a list.
pub fn credit_code_types(stored: &str) -> Vec<String> {
    stored
        .split('|')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The organizations of `category_id`'s subtree, as a condition on `o`:
/// those whose admitted types a change of that category can change.
pub fn organizations_below(category_id: i32) -> String {
    format!(
        "o.category_id IN (SELECT descendant_id FROM category_closure WHERE ancestor_id = {category_id})"
    )
}

pub async fn find(
    db: &impl ConnectionTrait,
    field: &str,
    code: &str,
) -> Result<Option<category::Model>> {
    let code = parse_code(field, code)?;
    crate::domain::page::first_row(db, category::Entity::find_by_code(code)).await
}

pub async fn require(
    db: &impl ConnectionTrait,
    field: &str,
    code: &str,
) -> Result<category::Model> {
    find(db, field, code)
        .await?
        .ok_or_else(|| Error::not_found(field, msg!("category-not-found", code = code.trim())))
}

pub async fn roots(db: &impl ConnectionTrait) -> Result<Vec<category::Model>> {
    Ok(category::Entity::find()
        .filter(category::Column::ParentId.is_null())
        .order_by_asc(category::Column::Id)
        .all(db)
        .await?)
}

/// A sub-select of the ids of `root` and every category below it.
pub fn subtree_ids(root: i32) -> SelectStatement {
    Query::select()
        .column(category_closure::Column::DescendantId)
        .from(category_closure::Entity)
        .and_where(Expr::col(category_closure::Column::AncestorId).eq(root))
        .to_owned()
}

pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    input: CategoryInput,
) -> Result<category::Model> {
    caller.require(Role::Editor)?;
    caller.require_everywhere(msg!("what-categories"))?;
    let caller = caller.clone();
    let code = parse_code("code", &input.code)?;
    let name = parse_name("name", &input.name, 100)?;
    let description = input
        .description
        .try_map(|d| parse_optional_text("description", Some(&d), 1000))?;
    let parent_code = input
        .parent_code
        .try_map(|p| Ok(Some(parse_code("parentCode", &p)?)))?;
    let types = input
        .credit_code_types
        .map(|types| parse_credit_code_types("creditCodeTypes", types.iter().map(String::as_str)))
        .transpose()?;
    store::write(db, move |txn| {
        let (code, name) = (code.clone(), name.clone());
        let (description, parent_code) = (description.clone(), parent_code.clone());
        let types = types.clone();
        let caller = caller.clone();
        Box::pin(async move {
            engine::lock_exclusive(txn).await?;
            let existing = category::Entity::find_by_code(code.clone())
                .one(txn)
                .await?;
            let before = match &existing {
                Some(existing) => audit::snapshot(txn, AuditedKind::Category, existing.id).await?,
                None => None,
            };
            let saved = async {
                let parent_id = match parent_code {
                    Patch::Keep => Patch::Keep,
                    Patch::Clear => Patch::Clear,
                    Patch::Set(parent_code) => {
                        let parent = require(txn, "parentCode", &parent_code).await?;
                        if let Some(existing) = &existing
                            && closes_cycle(txn, existing.id, parent.id).await?
                        {
                            return Err(Error::invalid(
                                "parentCode",
                                msg!(
                                    "category-cycle",
                                    parent = parent_code.as_str(),
                                    code = code.as_str()
                                ),
                            ));
                        }
                        Patch::Set(parent.id)
                    }
                };
                let saved = match existing {
                    Some(existing) => {
                        let new_parent = parent_id.apply(existing.parent_id);
                        let new_description = description.apply(existing.description.clone());
                        let new_types = types.unwrap_or_else(|| existing.credit_code_types.clone());
                        if existing.name == name
                            && existing.parent_id == new_parent
                            && existing.description == new_description
                            && existing.credit_code_types == new_types
                        {
                            return Ok(existing);
                        }
                        let moved = existing.parent_id != new_parent;
                        let retyped = existing.credit_code_types != new_types;
                        let mut active: category::ActiveModel = existing.into();
                        active.name = Set(name);
                        active.parent_id = Set(new_parent);
                        active.description = Set(new_description);
                        active.credit_code_types = Set(new_types);
                        let saved = active.update(txn).await?;
                        if moved {
                            rebuild_closure(txn).await?;
                            engine::refresh(txn, engine::Inputs::Categories).await?;
                        }
                        if moved || retyped {
                            engine::refresh_mismatches(txn, &organizations_below(saved.id)).await?;
                        }
                        saved
                    }
                    None => {
                        let saved = category::ActiveModel {
                            code: Set(code),
                            name: Set(name),
                            parent_id: Set(parent_id.apply(None)),
                            description: Set(description.apply(None)),
                            credit_code_types: Set(types.unwrap_or_default()),
                            ..Default::default()
                        }
                        .insert(txn)
                        .await?;
                        rebuild_closure(txn).await?;
                        engine::refresh(txn, engine::Inputs::Categories).await?;
                        saved
                    }
                };
                Ok::<category::Model, Error>(saved)
            }
            .await?;
            audit::record(
                txn,
                &caller,
                AuditedKind::Category,
                &saved.code,
                before,
                Some(saved.id),
            )
            .await?;
            Ok(saved)
        })
    })
    .await
}

/// True when `parent_id` is `category_id` or one of its descendants.
async fn closes_cycle(db: &impl ConnectionTrait, category_id: i32, parent_id: i32) -> Result<bool> {
    let below = category_closure::Entity::find()
        .filter(category_closure::Column::AncestorId.eq(category_id))
        .filter(category_closure::Column::DescendantId.eq(parent_id))
        .one(db)
        .await?;
    Ok(below.is_some())
}

/// Rebuilds the whole closure table from parent links, set-based.
pub async fn rebuild_closure(db: &impl ConnectionTrait) -> Result<()> {
    db::execute_unprepared(db, "DELETE FROM category_closure").await?;
    db::execute_unprepared(
        db,
        "WITH RECURSIVE reach (ancestor_id, descendant_id, depth) AS ( \
           SELECT id, id, 0 FROM category \
           UNION ALL \
           SELECT reach.ancestor_id, child.id, reach.depth + 1 \
           FROM reach JOIN category child ON child.parent_id = reach.descendant_id) \
         INSERT INTO category_closure (ancestor_id, descendant_id, depth) \
         SELECT ancestor_id, descendant_id, depth FROM reach",
    )
    .await?;
    Ok(())
}
