//! Regions: the administrative tree, validated as GB/T 2260 nests codes,
//! with a closure table kept on every insert.

use entity::{region, region_closure};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, Statement,
};

use super::access::{Caller, Role};
use super::audit::{self, AuditedKind};
use super::engine;
use super::page::{self, Page, PageRequest};
use super::scope::Scope;
use super::store::{self, db};
use super::values::{RegionCode, RegionLevel, parse_name};
use crate::error::{Error, Result};
use crate::msg;

/// What `upsert` takes.
#[derive(Clone, Debug)]
pub struct RegionInput {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent_code: Option<String>,
}

/// Filters of the region list.
#[derive(Clone, Debug, Default)]
pub struct RegionFilter {
    pub level: Option<RegionLevel>,
    pub parent_code: Option<String>,
}

pub fn level_of(model: &region::Model) -> RegionLevel {
    // The column only ever holds values written through RegionLevel::as_str.
    RegionLevel::from_db(&model.level).unwrap_or(RegionLevel::Township)
}

/// The region with this code, if it exists and lies in scope.
pub async fn find(
    db: &impl ConnectionTrait,
    scope: &Scope,
    field: &str,
    code: &str,
) -> Result<Option<region::Model>> {
    let code = RegionCode::parse(field, code)?;
    let mut select = region::Entity::find_by_code(code.as_str());
    if let Some(root) = scope.region_id {
        select = select.filter(region::Column::Id.in_subquery(subtree_ids(root)));
    }
    page::first_row(db, select).await
}

/// The region with this id, whatever the scope (for the caller's own region).
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> Result<Option<region::Model>> {
    page::first_row(db, region::Entity::find_by_id(id)).await
}

/// The region with this code, or NOT_FOUND naming `field`.
pub async fn require(
    db: &impl ConnectionTrait,
    scope: &Scope,
    field: &str,
    code: &str,
) -> Result<region::Model> {
    find(db, scope, field, code)
        .await?
        .ok_or_else(|| Error::not_found(field, msg!("region-not-found", code = code.trim())))
}

/// A sub-select of the ids of `root` and every region below it.
pub fn subtree_ids(root: i32) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(region_closure::Column::DescendantId)
        .from(region_closure::Entity)
        .and_where(Expr::col(region_closure::Column::AncestorId).eq(root))
        .to_owned()
}

pub async fn list(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &RegionFilter,
    request: &PageRequest,
) -> Result<(Page<region::Model>, sea_orm::Select<region::Entity>)> {
    let mut select = region::Entity::find();
    if let Some(level) = filter.level {
        select = select.filter(region::Column::Level.eq(level.as_str()));
    }
    if let Some(parent_code) = &filter.parent_code {
        let parent = require(db, scope, "parentCode", parent_code).await?;
        select = select.filter(region::Column::ParentId.eq(parent.id));
    }
    if let Some(root) = scope.region_id {
        select = select.filter(region::Column::Id.in_subquery(subtree_ids(root)));
    }
    let page = page::fetch(db, select.clone(), region::Column::Id, |m| m.id, request).await?;
    Ok((page, select))
}

/// The SQL condition that `column` (a region id) lies in the subtree of
/// `root` (an id, or a placeholder such as `$1`), for hand-written statements;
/// [`subtree_ids`] is the same for the query builder.
pub fn within_sql(column: &str, root: impl std::fmt::Display) -> String {
    format!("{column} IN (SELECT descendant_id FROM region_closure WHERE ancestor_id = {root})")
}

/// Ancestor ids of each region, root first, ending with its parent: one query.
pub async fn ancestor_ids(
    db: &impl ConnectionTrait,
    region_ids: &[i32],
) -> Result<std::collections::HashMap<i32, Vec<i32>>> {
    let mut map: std::collections::HashMap<i32, Vec<i32>> =
        region_ids.iter().map(|id| (*id, Vec::new())).collect();
    let rows = region_closure::Entity::find()
        .filter(region_closure::Column::DescendantId.is_in(region_ids.iter().copied()))
        .filter(region_closure::Column::Depth.gt(0))
        .order_by_desc(region_closure::Column::Depth)
        .all(db)
        .await?;
    for row in rows {
        map.entry(row.descendant_id)
            .or_default()
            .push(row.ancestor_id);
    }
    Ok(map)
}

/// Creates the region or renames it. A region's level and parent are fixed
/// by its code: in GB/T 2260 a region that moves gets a new code.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    input: RegionInput,
) -> Result<region::Model> {
    caller.require(Role::Editor)?;
    let code = RegionCode::parse("code", &input.code)?;
    let name = parse_name("name", &input.name, 100)?;
    let parent_code = input
        .parent_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| RegionCode::parse("parentCode", c))
        .transpose()?;
    let caller = caller.clone();
    store::write(db, move |txn| {
        let (code, name, parent_code) = (code.clone(), name.clone(), parent_code.clone());
        let caller = caller.clone();
        Box::pin(async move {
            engine::lock_exclusive(txn).await?;
            let parent = match &parent_code {
                Some(pc) => Some(
                    region::Entity::find_by_code(pc.as_str())
                        .one(txn)
                        .await?
                        .ok_or_else(|| {
                            Error::not_found(
                                "parentCode",
                                msg!("region-not-found", code = pc.as_str()),
                            )
                        })?,
                ),
                None => None,
            };
            code.check_placement(
                input.level,
                parent.as_ref().map(|p| (p.code.as_str(), level_of(p))),
            )?;
            let existing = region::Entity::find_by_code(code.as_str()).one(txn).await?;
            match (&existing, &parent) {
                (Some(existing), _) => caller.require_region(txn, existing.id).await?,
                (None, Some(parent)) => caller.require_region(txn, parent.id).await?,
                (None, None) => caller.require_everywhere(msg!("what-provinces"))?,
            }
            if let Some(existing) = existing {
                if level_of(&existing) != input.level
                    || existing.parent_id != parent.as_ref().map(|p| p.id)
                {
                    return Err(Error::invalid(
                        "parentCode",
                        msg!(
                            "region-moved",
                            code = code.as_str(),
                            level = level_of(&existing).label()
                        ),
                    ));
                }
                if existing.name == name {
                    return Ok(existing);
                }
                let before = audit::snapshot(txn, AuditedKind::Region, existing.id).await?;
                let mut active: region::ActiveModel = existing.into();
                active.name = Set(name);
                let saved = active.update(txn).await?;
                audit::record(
                    txn,
                    &caller,
                    AuditedKind::Region,
                    &saved.code,
                    before,
                    Some(saved.id),
                )
                .await?;
                return Ok(saved);
            }
            let created = region::ActiveModel {
                code: Set(code.to_string()),
                name: Set(name),
                level: Set(input.level.as_str().to_owned()),
                parent_id: Set(parent.as_ref().map(|p| p.id)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            insert_closure(txn, created.id, created.parent_id).await?;
            engine::refresh(txn, engine::Inputs::Any).await?;
            audit::record(
                txn,
                &caller,
                AuditedKind::Region,
                &created.code,
                None,
                Some(created.id),
            )
            .await?;
            Ok(created)
        })
    })
    .await
}

/// Adds the closure rows of a new region: itself at depth 0 and each of its
/// parent's ancestors one step further.
async fn insert_closure(
    db: &impl ConnectionTrait,
    region_id: i32,
    parent_id: Option<i32>,
) -> Result<()> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        "INSERT INTO region_closure (ancestor_id, descendant_id, depth) VALUES ($1, $1, 0)",
        [region_id.into()],
    ))
    .await?;
    if let Some(parent_id) = parent_id {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO region_closure (ancestor_id, descendant_id, depth) \
             SELECT ancestor_id, $1, depth + 1 FROM region_closure WHERE descendant_id = $2",
            [region_id.into(), parent_id.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Rebuilds the whole closure table from parent links, set-based.
pub async fn rebuild_closure(db: &impl ConnectionTrait) -> Result<()> {
    db::execute_unprepared(db, "DELETE FROM region_closure").await?;
    db::execute_unprepared(
        db,
        "WITH RECURSIVE reach (ancestor_id, descendant_id, depth) AS ( \
           SELECT id, id, 0 FROM region \
           UNION ALL \
           SELECT reach.ancestor_id, child.id, reach.depth + 1 \
           FROM reach JOIN region child ON child.parent_id = reach.descendant_id) \
         INSERT INTO region_closure (ancestor_id, descendant_id, depth) \
         SELECT ancestor_id, descendant_id, depth FROM reach",
    )
    .await?;
    Ok(())
}
