//! Importing departments, with their dedicated staff: applied to an
//! in-memory picture, so that a kind and region one row frees is free for a
//! later row (a region has one department of each kind, and at most one of
//! a FALLBACK-role kind). Updates are written first, in file order, then new
//! departments, then the staff of every department whose list changed; the
//! engine follows a department that changed kind or moved.

use std::collections::{HashMap, HashSet};

use entity::{department, department_contact, department_kind};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseTransaction,
    EntityTrait, QueryFilter, Set,
};

use super::driver::{Importer, Row, Taken};
use super::lookup::{RegionMap, lookup};
use crate::domain::department::{ContactInput, MAX_CONTACTS, parse_contact};
use crate::domain::engine;
use crate::domain::kind::{self, KindRole};
use crate::domain::scope::Scope;
use crate::domain::transfer::Dataset;
use crate::domain::transfer::codes::ids_by_code;
use crate::domain::transfer::read::Cell;
use crate::domain::transfer::report::ImportReport;
use crate::domain::values::{Patch, parse_code, parse_name, parse_optional_text};
use crate::error::{Error, Result};
use crate::msg;

/// The departments as the file leaves them, and what it checks rows against.
pub(super) struct Departments {
    regions: RegionMap,
    kinds: HashMap<String, i32>,
    kind_codes: HashMap<i32, String>,
    /// The department of each (kind, region).
    holders: HashMap<(i32, i32), String>,
    /// The kinds whose role is FALLBACK.
    fallback_kinds: HashSet<i32>,
    /// The department of a FALLBACK-role kind of each region.
    fallbacks: HashMap<i32, String>,
    state: HashMap<String, DepartmentState>,
    /// The departments as stored.
    original: HashMap<String, DepartmentState>,
    /// Codes written, in file order, each once.
    touched: Vec<String>,
}

/// A department row, its kind and region found.
pub(super) struct ParsedDepartment {
    code: String,
    name: String,
    kind_id: i32,
    region_id: i32,
    unit: Patch<String>,
    method: Patch<String>,
    staff: Patch<Vec<ContactInput>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct DepartmentState {
    id: Option<i32>,
    name: String,
    kind_id: i32,
    region_id: i32,
    unit: Option<String>,
    method: Option<String>,
    staff: Vec<ContactInput>,
}

/// A contact as a file gives it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileContact {
    name: String,
    title: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

fn parse_staff(cell: &Cell) -> Result<Patch<Vec<ContactInput>>> {
    let bad = || Error::invalid("dedicatedStaff", msg!("contacts-not-json"));
    let list: Vec<FileContact> = match cell {
        Cell::Absent => return Ok(Patch::Keep),
        Cell::Null => return Ok(Patch::Clear),
        Cell::Text(text) if text.trim().is_empty() => return Ok(Patch::Clear),
        Cell::Text(text) => serde_json::from_str(text).map_err(|_| bad())?,
        Cell::Json(value) => serde_json::from_value(value.clone()).map_err(|_| bad())?,
    };
    if list.len() > MAX_CONTACTS {
        return Err(Error::invalid(
            "dedicatedStaff",
            msg!("contacts-too-many", max = MAX_CONTACTS, given = list.len()),
        ));
    }
    let parsed = list
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            parse_contact(
                i,
                ContactInput {
                    name: c.name,
                    title: c.title,
                    phone: c.phone,
                    email: c.email,
                },
            )
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Patch::Set(parsed))
}

impl Importer for Departments {
    type Parsed = ParsedDepartment;
    type Key = String;
    const DATASET: Dataset = Dataset::Departments;
    const KEY_COLUMN: &'static str = "code";

    async fn load(txn: &DatabaseTransaction, scope: &Scope) -> Result<Self> {
        let regions = RegionMap::load(txn, scope).await?;
        let kinds = ids_by_code::<department_kind::Entity>(txn).await?;
        let kind_codes: HashMap<i32, String> =
            kinds.iter().map(|(c, id)| (*id, c.clone())).collect();
        let mut contacts: HashMap<i32, Vec<department_contact::Model>> = HashMap::new();
        for c in department_contact::Entity::find().all(txn).await? {
            contacts.entry(c.department_id).or_default().push(c);
        }
        let fallback_kinds: HashSet<i32> = department_kind::Entity::find()
            .filter(department_kind::Column::Role.eq(KindRole::Fallback.to_value()))
            .all(txn)
            .await?
            .into_iter()
            .map(|k| k.id)
            .collect();
        let mut fallbacks: HashMap<i32, String> = HashMap::new();
        let mut stored = department::Entity::find().all(txn).await?;
        stored.sort_by_key(|d| d.id);
        let mut holders: HashMap<(i32, i32), String> = HashMap::new();
        let mut state: HashMap<String, DepartmentState> = HashMap::new();
        for d in stored {
            holders.insert((d.kind_id, d.region_id), d.code.clone());
            if fallback_kinds.contains(&d.kind_id) {
                // Lowest id first, as the engine takes it.
                fallbacks
                    .entry(d.region_id)
                    .or_insert_with(|| d.code.clone());
            }
            let mut staff = contacts.remove(&d.id).unwrap_or_default();
            staff.sort_by_key(|c| c.position);
            state.insert(
                d.code.clone(),
                DepartmentState {
                    id: Some(d.id),
                    name: d.name,
                    kind_id: d.kind_id,
                    region_id: d.region_id,
                    unit: d.dedicated_unit,
                    method: d.method,
                    staff: staff
                        .into_iter()
                        .map(|c| ContactInput {
                            name: c.name,
                            title: c.title,
                            phone: c.phone,
                            email: c.email,
                        })
                        .collect(),
                },
            );
        }
        let original = state.clone();
        Ok(Departments {
            regions,
            kinds,
            kind_codes,
            holders,
            fallback_kinds,
            fallbacks,
            state,
            original,
            touched: Vec::new(),
        })
    }

    fn parse(&self, row: &Row<'_>) -> Result<ParsedDepartment> {
        let regions = &self.regions;
        let code = parse_code("code", row.required("code")?)?;
        let name = parse_name("name", row.required("name")?, 200)?;
        let kind_id = lookup(
            &self.kinds,
            "kindCode",
            row.required("kindCode")?,
            "department kind",
        )?;
        let region = regions.require("regionCode", row.required("regionCode")?)?;
        regions.check_writable("regionCode", region.id)?;
        let unit = row
            .patch("dedicatedUnit")?
            .try_map(|u| parse_optional_text("dedicatedUnit", Some(&u), 200))?;
        let method = row
            .patch("method")?
            .try_map(|m| parse_optional_text("method", Some(&m), 500))?;
        let staff = parse_staff(row.cell("dedicatedStaff"))?;
        Ok(ParsedDepartment {
            code,
            name,
            kind_id,
            region_id: region.id,
            unit,
            method,
            staff,
        })
    }

    fn key(parsed: &ParsedDepartment, _: &Row<'_>) -> Result<(String, String)> {
        Ok((parsed.code.clone(), parsed.code.clone()))
    }

    async fn take(
        &mut self,
        _: &DatabaseTransaction,
        line: u64,
        parsed: ParsedDepartment,
        report: &mut ImportReport,
        _: bool,
    ) -> Result<Taken> {
        let ParsedDepartment {
            code,
            name,
            kind_id,
            region_id,
            unit,
            method,
            staff,
        } = parsed;
        let regions = &self.regions;
        let region_code = || {
            regions
                .by_code
                .iter()
                .find(|(_, r)| r.id == region_id)
                .map(|(c, _)| c.as_str())
                .unwrap_or_default()
        };
        if let Some(holder) = self.holders.get(&(kind_id, region_id))
            && *holder != code
        {
            let region_code = region_code();
            report.reject_with(
                line,
                Error::Conflict(msg!(
                    "department-kind-taken",
                    region = region_code,
                    kind = self
                        .kind_codes
                        .get(&kind_id)
                        .map(String::as_str)
                        .unwrap_or_default(),
                    holder = holder.clone()
                )),
                "kindCode",
            )?;
            return Ok(Taken::Held);
        }
        let is_fallback = self.fallback_kinds.contains(&kind_id);
        if is_fallback
            && let Some(holder) = self.fallbacks.get(&region_id)
            && *holder != code
        {
            let holder_name = self.state.get(holder).map(|h| h.name.as_str());
            let err = kind::second_fallback(region_code(), holder, holder_name.unwrap_or_default());
            report.reject_with(line, err, "kindCode")?;
            return Ok(Taken::Held);
        }
        let current = self.state.get(&code).cloned();
        if let Some(current) = &current
            && let Err(err) = regions.check_writable("regionCode", current.region_id)
        {
            report.reject_with(line, err, "code")?;
            return Ok(Taken::Held);
        }
        let next = DepartmentState {
            id: current.as_ref().and_then(|c| c.id),
            name,
            kind_id,
            region_id,
            unit: unit.apply(current.as_ref().and_then(|c| c.unit.clone())),
            method: method.apply(current.as_ref().and_then(|c| c.method.clone())),
            staff: match staff {
                Patch::Keep => current
                    .as_ref()
                    .map(|c| c.staff.clone())
                    .unwrap_or_default(),
                Patch::Clear => Vec::new(),
                Patch::Set(list) => list,
            },
        };
        match &current {
            Some(current) if *current == next => report.unchanged += 1,
            Some(current) => {
                report.updated += 1;
                self.holders.remove(&(current.kind_id, current.region_id));
                if self.fallbacks.get(&current.region_id) == Some(&code) {
                    self.fallbacks.remove(&current.region_id);
                }
                self.touched.push(code.clone());
            }
            None => {
                report.created += 1;
                self.touched.push(code.clone());
            }
        }
        self.holders.insert((kind_id, region_id), code.clone());
        if is_fallback {
            self.fallbacks.insert(region_id, code.clone());
        }
        self.state.insert(code, next);
        Ok(Taken::Held)
    }

    async fn write(self, txn: &DatabaseTransaction, report: &mut ImportReport) -> Result<()> {
        let Departments {
            mut state,
            original,
            touched,
            ..
        } = self;
        if touched.is_empty() {
            return Ok(());
        }
        // Updates first, in file order, so that a kind and region one row frees
        // is free for a later new department.
        let mut structural = false;
        let mut kind_changed = Vec::new();
        let mut staff_changed = Vec::new();
        for code in &touched {
            let next = &state[code];
            let Some(id) = next.id else { continue };
            let Some(before) = original.get(code) else {
                continue;
            };
            structural |= before.kind_id != next.kind_id || before.region_id != next.region_id;
            if before.kind_id != next.kind_id {
                kind_changed.push(id);
            }
            if before.staff != next.staff {
                staff_changed.push(id);
            }
            department::ActiveModel {
                id: Set(id),
                code: Set(code.clone()),
                name: Set(next.name.clone()),
                kind_id: Set(next.kind_id),
                region_id: Set(next.region_id),
                dedicated_unit: Set(next.unit.clone()),
                method: Set(next.method.clone()),
            }
            .update(txn)
            .await?;
        }
        let added: Vec<&String> = touched.iter().filter(|c| state[*c].id.is_none()).collect();
        for chunk in added.chunks(1_000) {
            structural = true;
            let models = chunk.iter().map(|code| {
                let next = &state[*code];
                department::ActiveModel {
                    id: NotSet,
                    code: Set((*code).clone()),
                    name: Set(next.name.clone()),
                    kind_id: Set(next.kind_id),
                    region_id: Set(next.region_id),
                    dedicated_unit: Set(next.unit.clone()),
                    method: Set(next.method.clone()),
                }
            });
            department::Entity::insert_many(models.collect::<Vec<_>>())
                .exec_without_returning(txn)
                .await?;
            let inserted = department::Entity::find()
                .filter(department::Column::Code.is_in(chunk.iter().map(|c| (*c).clone())))
                .all(txn)
                .await?;
            for d in inserted {
                if !state[&d.code].staff.is_empty() {
                    staff_changed.push(d.id);
                }
                if let Some(s) = state.get_mut(&d.code) {
                    s.id = Some(d.id);
                }
            }
        }
        let staff_by_id: HashMap<i32, &Vec<ContactInput>> = state
            .values()
            .filter_map(|s| s.id.map(|id| (id, &s.staff)))
            .collect();
        for chunk in staff_changed.chunks(1_000) {
            department_contact::Entity::delete_many()
                .filter(department_contact::Column::DepartmentId.is_in(chunk.iter().copied()))
                .exec(txn)
                .await?;
            let rows: Vec<department_contact::ActiveModel> = chunk
                .iter()
                .flat_map(|id| {
                    staff_by_id
                        .get(id)
                        .map(|list| list.iter().enumerate().collect::<Vec<_>>())
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |(i, c)| department_contact::ActiveModel {
                            department_id: Set(*id),
                            position: Set(i as i32),
                            name: Set(c.name.clone()),
                            title: Set(c.title.clone()),
                            phone: Set(c.phone.clone()),
                            email: Set(c.email.clone()),
                            ..Default::default()
                        })
                })
                .collect();
            for rows in rows.chunks(1_000) {
                department_contact::Entity::insert_many(rows.to_vec())
                    .exec_without_returning(txn)
                    .await?;
            }
        }
        let mut changed = 0;
        for id in kind_changed {
            changed += engine::resolve(txn, engine::Target::DecidedBy(id)).await?;
        }
        if structural {
            changed += engine::refresh(txn, engine::Inputs::Departments)
                .await?
                .changed;
        }
        report.changed_responsibility = changed;
        Ok(())
    }
}
