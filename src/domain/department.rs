//! Departments (部门): one kind at one region, with the three dedications
//! (专门组织、专门人员、专门办法). A region has one department of each kind
//! and at most one of a FALLBACK-role kind.

use std::collections::HashMap;

use entity::{department, department_contact};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, Select, Set,
};

use super::access::{Caller, Role};
use super::audit::{self, AuditedKind};
use super::kind::KindRole;
use super::page::{self, Page, PageRequest};
use super::scope::Scope;
use super::store;
use super::values::{Patch, parse_code, parse_name, parse_optional_text};
use super::{engine, kind, region};
use crate::error::{Error, Result};
use crate::msg;

pub const MAX_CONTACTS: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactInput {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug)]
pub struct DepartmentInput {
    pub code: String,
    pub name: String,
    pub kind_code: String,
    pub region_code: String,
    pub dedicated_unit: Patch<String>,
    pub dedicated_staff: Patch<Vec<ContactInput>>,
    pub method: Patch<String>,
}

#[derive(Clone, Debug, Default)]
pub struct DepartmentFilter {
    pub kind_code: Option<String>,
    /// Departments of this region and every region below it.
    pub region_code: Option<String>,
}

fn in_scope(select: Select<department::Entity>, scope: &Scope) -> Select<department::Entity> {
    match scope.region_id {
        Some(root) => {
            select.filter(department::Column::RegionId.in_subquery(region::subtree_ids(root)))
        }
        None => select,
    }
}

pub async fn find(
    db: &impl ConnectionTrait,
    scope: &Scope,
    field: &str,
    code: &str,
) -> Result<Option<department::Model>> {
    let code = parse_code(field, code)?;
    page::first_row(db, in_scope(department::Entity::find_by_code(code), scope)).await
}

pub async fn require(
    db: &impl ConnectionTrait,
    scope: &Scope,
    field: &str,
    code: &str,
) -> Result<department::Model> {
    find(db, scope, field, code)
        .await?
        .ok_or_else(|| Error::not_found(field, msg!("department-not-found", code = code.trim())))
}

pub async fn list(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &DepartmentFilter,
    request: &PageRequest,
) -> Result<(Page<department::Model>, Select<department::Entity>)> {
    let mut select = in_scope(department::Entity::find(), scope);
    if let Some(kind_code) = &filter.kind_code {
        let kind = kind::require(db, "kindCode", kind_code).await?;
        select = select.filter(department::Column::KindId.eq(kind.id));
    }
    if let Some(region_code) = &filter.region_code {
        let region = region::require(db, scope, "regionCode", region_code).await?;
        select =
            select.filter(department::Column::RegionId.in_subquery(region::subtree_ids(region.id)));
    }
    let page = page::fetch(
        db,
        select.clone(),
        department::Column::Id,
        |m| m.id,
        request,
    )
    .await?;
    Ok((page, select))
}

/// Contacts of each department, in the order given: one query.
pub async fn contacts(
    db: &impl ConnectionTrait,
    department_ids: &[i32],
) -> Result<HashMap<i32, Vec<department_contact::Model>>> {
    let rows = department_contact::Entity::find()
        .filter(department_contact::Column::DepartmentId.is_in(department_ids.iter().copied()))
        .order_by_asc(department_contact::Column::DepartmentId)
        .order_by_asc(department_contact::Column::Position)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<department_contact::Model>> = HashMap::new();
    for row in rows {
        map.entry(row.department_id).or_default().push(row);
    }
    Ok(map)
}

pub(crate) fn parse_contact(index: usize, contact: ContactInput) -> Result<ContactInput> {
    let field = |name: &str| format!("dedicatedStaff[{index}].{name}");
    let phone = parse_optional_text(&field("phone"), contact.phone.as_deref(), 40)?;
    if let Some(phone) = &phone
        && !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | ' '))
    {
        return Err(Error::invalid(field("phone"), msg!("contact-phone")));
    }
    let email = parse_optional_text(&field("email"), contact.email.as_deref(), 200)?;
    if let Some(email) = &email {
        let parts: Vec<&str> = email.split('@').collect();
        if parts.len() != 2 || parts[0].is_empty() || !parts[1].contains('.') {
            return Err(Error::invalid(
                field("email"),
                msg!("contact-email", email = email),
            ));
        }
    }
    Ok(ContactInput {
        name: parse_name(&field("name"), &contact.name, 100)?,
        title: parse_optional_text(&field("title"), contact.title.as_deref(), 100)?,
        phone,
        email,
    })
}

pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    input: DepartmentInput,
) -> Result<department::Model> {
    caller.require(Role::Editor)?;
    let code = parse_code("code", &input.code)?;
    let name = parse_name("name", &input.name, 200)?;
    let dedicated_unit = input
        .dedicated_unit
        .try_map(|u| parse_optional_text("dedicatedUnit", Some(&u), 200))?;
    let method = input
        .method
        .try_map(|m| parse_optional_text("method", Some(&m), 500))?;
    let staff = match input.dedicated_staff {
        Patch::Set(list) if list.len() > MAX_CONTACTS => {
            return Err(Error::invalid(
                "dedicatedStaff",
                msg!("contacts-too-many", max = MAX_CONTACTS, given = list.len()),
            ));
        }
        Patch::Set(list) => Some(
            list.into_iter()
                .enumerate()
                .map(|(i, c)| parse_contact(i, c))
                .collect::<Result<Vec<_>>>()?,
        ),
        Patch::Clear => Some(Vec::new()),
        Patch::Keep => None,
    };
    let caller = caller.clone();
    store::write(db, move |txn| {
        let (code, name) = (code.clone(), name.clone());
        let (dedicated_unit, method, staff) =
            (dedicated_unit.clone(), method.clone(), staff.clone());
        let caller = caller.clone();
        let (kind_code, region_code) = (input.kind_code.clone(), input.region_code.clone());
        Box::pin(async move {
            engine::lock_exclusive(txn).await?;
            let kind = kind::require(txn, "kindCode", &kind_code).await?;
            let region =
                region::require(txn, &Scope::EVERYTHING, "regionCode", &region_code).await?;
            let existing = department::Entity::find_by_code(code.clone())
                .one(txn)
                .await?;
            caller.require_region(txn, region.id).await?;
            let before = match &existing {
                Some(existing) => {
                    caller.require_region(txn, existing.region_id).await?;
                    audit::snapshot(txn, AuditedKind::Department, existing.id).await?
                }
                None => None,
            };
            let holder = department::Entity::find()
                .filter(department::Column::KindId.eq(kind.id))
                .filter(department::Column::RegionId.eq(region.id))
                .one(txn)
                .await?;
            if let Some(holder) = holder
                && holder.code != code
            {
                return Err(Error::Conflict(msg!(
                    "department-kind-taken",
                    region = region.code.as_str(),
                    kind = kind.code.as_str(),
                    holder = msg!(
                        "named",
                        name = holder.name.as_str(),
                        code = holder.code.as_str()
                    )
                )));
            }
            if kind.role == KindRole::Fallback.to_value()
                && let Some(holder) = kind::fallback_at(txn, region.id, &code).await?
            {
                return Err(kind::second_fallback(
                    &region.code,
                    &holder.code,
                    &holder.name,
                ));
            }
            let mut structural = existing.is_none();
            let mut kind_changed = false;
            let saved = match existing {
                Some(existing) => {
                    structural = existing.kind_id != kind.id || existing.region_id != region.id;
                    kind_changed = existing.kind_id != kind.id;
                    let unit = dedicated_unit.apply(existing.dedicated_unit.clone());
                    let method = method.apply(existing.method.clone());
                    let unchanged = existing.name == name
                        && existing.kind_id == kind.id
                        && existing.region_id == region.id
                        && existing.dedicated_unit == unit
                        && existing.method == method;
                    if unchanged {
                        existing
                    } else {
                        let mut active: department::ActiveModel = existing.into();
                        active.name = Set(name);
                        active.kind_id = Set(kind.id);
                        active.region_id = Set(region.id);
                        active.dedicated_unit = Set(unit);
                        active.method = Set(method);
                        active.update(txn).await?
                    }
                }
                None => {
                    department::ActiveModel {
                        code: Set(code),
                        name: Set(name),
                        kind_id: Set(kind.id),
                        region_id: Set(region.id),
                        dedicated_unit: Set(dedicated_unit.apply(None)),
                        method: Set(method.apply(None)),
                        ..Default::default()
                    }
                    .insert(txn)
                    .await?
                }
            };
            if let Some(staff) = staff {
                replace_contacts(txn, saved.id, staff).await?;
            }
            if kind_changed {
                engine::resolve(txn, engine::Target::DecidedBy(saved.id)).await?;
            }
            if structural {
                engine::refresh(txn, engine::Inputs::Departments).await?;
            }
            audit::record(
                txn,
                &caller,
                AuditedKind::Department,
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

async fn replace_contacts(
    db: &impl ConnectionTrait,
    department_id: i32,
    staff: Vec<ContactInput>,
) -> Result<()> {
    department_contact::Entity::delete_many()
        .filter(department_contact::Column::DepartmentId.eq(department_id))
        .exec(db)
        .await?;
    if staff.is_empty() {
        return Ok(());
    }
    let rows = staff
        .into_iter()
        .enumerate()
        .map(|(i, c)| department_contact::ActiveModel {
            department_id: Set(department_id),
            position: Set(i as i32),
            name: Set(c.name),
            title: Set(c.title),
            phone: Set(c.phone),
            email: Set(c.email),
            ..Default::default()
        });
    department_contact::Entity::insert_many(rows)
        .exec(db)
        .await?;
    Ok(())
}
