//! Department kinds (部门条线): data, not an enum, so a region may add kinds.
//! A kind's role, not its code, makes its departments the fallback or the
//! coordinator; this module also owns the rule that a region has at most
//! one department of a FALLBACK-role kind.

use entity::{department, department_kind};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Set, Statement,
};

use super::access::{self, Caller};
use super::audit::{self, AuditedKind};
use super::values::{parse_code, parse_name};
use super::{engine, store};
use crate::error::{Error, Result};
use crate::msg;

pub use entity::enums::KindRole;

#[derive(Clone, Debug)]
pub struct KindInput {
    pub code: String,
    pub name: String,
    pub role: KindRole,
}

pub async fn find(db: &impl ConnectionTrait, code: &str) -> Result<Option<department_kind::Model>> {
    let code = parse_code("code", code)?;
    crate::domain::page::first_row(db, department_kind::Entity::find_by_code(code)).await
}

pub async fn require(
    db: &impl ConnectionTrait,
    field: &str,
    code: &str,
) -> Result<department_kind::Model> {
    let code = parse_code(field, code)?;
    department_kind::Entity::find_by_code(code.clone())
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(field, msg!("kind-not-found", code = code)))
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<department_kind::Model>> {
    Ok(department_kind::Entity::find()
        .order_by_asc(department_kind::Column::Id)
        .all(db)
        .await?)
}

/// The ids of the kinds that have `role`, for a query's `IN`.
fn ids_with_role(role: KindRole) -> SelectStatement {
    Query::select()
        .column(department_kind::Column::Id)
        .from(department_kind::Entity)
        .and_where(Expr::col(department_kind::Column::Role).eq(role.to_value()))
        .to_owned()
}

/// The fallback department of a region: its department of a FALLBACK-role
/// kind, leaving out the department whose code is `except` (the one being
/// written).
pub(crate) async fn fallback_at(
    db: &impl ConnectionTrait,
    region_id: i32,
    except: &str,
) -> Result<Option<department::Model>> {
    Ok(department::Entity::find()
        .filter(department::Column::RegionId.eq(region_id))
        .filter(department::Column::KindId.in_subquery(ids_with_role(KindRole::Fallback)))
        .filter(department::Column::Code.ne(except))
        .order_by_asc(department::Column::Id)
        .one(db)
        .await?)
}

/// The refusal of a second fallback department in a region, for the API
/// and the import alike: the fallback of a township must be one department.
pub(crate) fn second_fallback(region_code: &str, holder_code: &str, holder_name: &str) -> Error {
    Error::Conflict(msg!(
        "fallback-taken",
        region = region_code,
        holder = msg!("named", name = holder_name, code = holder_code)
    ))
}

/// Refuses to make the kind `kind` a FALLBACK-role kind when one of its
/// departments shares a region with a department of another FALLBACK-role
/// kind: that region would have two fallbacks. Names the first such region.
async fn refuse_second_fallbacks(
    db: &impl ConnectionTrait,
    kind: &department_kind::Model,
) -> Result<()> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT r.code AS region_code, mine.code AS code, mine.name AS name, \
                    other.code AS holder_code, other.name AS holder_name \
             FROM department mine \
             JOIN department other ON other.region_id = mine.region_id AND other.kind_id <> mine.kind_id \
             JOIN department_kind other_kind ON other_kind.id = other.kind_id \
             JOIN region r ON r.id = mine.region_id \
             WHERE mine.kind_id = $1 AND other_kind.role = $2 \
             ORDER BY r.code, other.id LIMIT 1",
            [kind.id.into(), KindRole::Fallback.to_value().into()],
        ))
        .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let text = |column: &str| row.try_get::<String>("", column);
    Err(Error::Conflict(msg!(
        "fallback-role-taken",
        region = text("region_code")?,
        holder = msg!(
            "named",
            name = text("holder_name")?,
            code = text("holder_code")?
        ),
        kind = kind.code.as_str(),
        department = msg!("named", name = text("name")?, code = text("code")?)
    )))
}

pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    input: KindInput,
) -> Result<department_kind::Model> {
    caller.require(access::Role::Editor)?;
    caller.require_everywhere(msg!("what-kinds"))?;
    let code = parse_code("code", &input.code)?;
    let name = parse_name("name", &input.name, 100)?;
    let caller = caller.clone();
    store::write(db, move |txn| {
        let (code, name) = (code.clone(), name.clone());
        let caller = caller.clone();
        Box::pin(async move {
            // A kind's role decides which departments are the fallback and
            // the coordinator, so a kind write is structural: the lock comes
            // first, as in every structural write, so that the check and the
            // refresh below read committed departments. Kind writes are rare.
            engine::lock_exclusive(txn).await?;
            let existing = department_kind::Entity::find_by_code(code.clone())
                .one(txn)
                .await?;
            let before = match &existing {
                Some(existing) => {
                    audit::snapshot(txn, AuditedKind::DepartmentKind, existing.id).await?
                }
                None => None,
            };
            // A new kind has no departments yet: only a changed role changes
            // what the engine derives.
            let role_changed = existing
                .as_ref()
                .is_some_and(|existing| existing.role != input.role.to_value());
            if let Some(existing) = &existing
                && role_changed
                && input.role == KindRole::Fallback
            {
                refuse_second_fallbacks(txn, existing).await?;
            }
            let saved: department_kind::Model = match existing {
                Some(existing)
                    if existing.name == name && existing.role == input.role.to_value() =>
                {
                    Ok::<_, Error>(existing)
                }
                Some(existing) => {
                    let mut active: department_kind::ActiveModel = existing.into();
                    active.name = Set(name);
                    active.role = Set(input.role.to_value());
                    Ok(active.update(txn).await?)
                }
                None => Ok(department_kind::ActiveModel {
                    code: Set(code),
                    name: Set(name),
                    role: Set(input.role.to_value()),
                    ..Default::default()
                }
                .insert(txn)
                .await?),
            }?;
            if role_changed {
                engine::refresh(txn, engine::Inputs::Any).await?;
            }
            audit::record(
                txn,
                &caller,
                AuditedKind::DepartmentKind,
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
