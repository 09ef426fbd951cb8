//! Department kinds (部门条线): data, not an enum, so a region may add kinds.

use entity::department_kind;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Set,
};

use super::access::{self, Caller};
use super::audit::{self, AuditedKind};
use super::store;
use super::values::{parse_code, parse_name};
use crate::error::{Error, Result};

pub use entity::enums::KindRole;

#[derive(Clone, Debug)]
pub struct KindInput {
    pub code: String,
    pub name: String,
    pub role: KindRole,
}

pub async fn find(db: &impl ConnectionTrait, code: &str) -> Result<Option<department_kind::Model>> {
    let code = parse_code("code", code)?;
    Ok(department_kind::Entity::find_by_code(code).one(db).await?)
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
        .ok_or_else(|| Error::not_found(field, format!("no department kind has code '{code}'")))
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<department_kind::Model>> {
    Ok(department_kind::Entity::find()
        .order_by_asc(department_kind::Column::Id)
        .all(db)
        .await?)
}

pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    input: KindInput,
) -> Result<department_kind::Model> {
    caller.require(access::Role::Editor)?;
    caller.require_everywhere("department kinds")?;
    let code = parse_code("code", &input.code)?;
    let name = parse_name("name", &input.name, 100)?;
    let caller = caller.clone();
    store::write(db, move |txn| {
        let (code, name) = (code.clone(), name.clone());
        let caller = caller.clone();
        Box::pin(async move {
            let existing = department_kind::Entity::find_by_code(code.clone())
                .one(txn)
                .await?;
            let before = match &existing {
                Some(existing) => {
                    audit::snapshot(txn, AuditedKind::DepartmentKind, existing.id).await?
                }
                None => None,
            };
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
