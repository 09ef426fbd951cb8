//! Importing a file: every row validated with the same value parsers and
//! rules as the API's upserts, upserted by natural key in one transaction,
//! and the stored responsibility brought up to date once at the end.
//!
//! Regions, departments, categories and rules are small (thousands of rows
//! at most): the file is applied to an in-memory picture of the table, so
//! that a row may name a parent given earlier in the same file, and the
//! differences are written at the end. Organizations are streamed in
//! batches: each batch is compared with the stored rows and written with
//! one multi-row upsert, and the engine re-resolves the written
//! organizations once, set-based. When any row is bad nothing is written,
//! and every bad row is reported.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use entity::{
    category, department, department_contact, department_kind, organization, region,
    region_closure, responsibility_rule as rule,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set, Statement,
};

use super::read::{Cell, Record, RecordReader};
use super::report::{ImportReport, OUTSIDE, RowError};
use super::{Encoding, Entity, Format};
use crate::domain::access::Caller;
use crate::domain::department::{ContactInput, MAX_CONTACTS, parse_contact};
use crate::domain::organization::{
    Fields, PartyOrganization, check_party_member_count, stored_row,
};
use crate::domain::scope::Scope;
use crate::domain::store::{Outcome, db};
use crate::domain::values::{
    CreditCode, Patch, RegionCode, RegionLevel, parse_code, parse_name, parse_optional_text,
};
use crate::domain::{audit, category as category_domain, engine, region as region_domain, store};
use crate::error::{Error, Result};

/// Organizations validated and compared with the stored rows together.
const BATCH: usize = 2_000;
/// Rows per multi-row INSERT: 1,000 rows of 22 columns stay inside both
/// databases' limits on bound parameters.
const INSERT_ROWS: usize = 1_000;

/// What to import, and how to read it.
#[derive(Clone, Copy, Debug)]
pub struct ImportOptions {
    pub entity: Entity,
    pub format: Format,
    pub encoding: Encoding,
    /// Validate and count, write nothing.
    pub dry_run: bool,
}

/// Imports `source` in one transaction through the one write function:
/// all of it, or (when any row is bad, or on a dry run) nothing. A
/// committed import records its audit entry (`caller` as the actor,
/// `file_name` in the key) in that same transaction. The file is read
/// once, as it streams, so the write is attempted once.
pub async fn import(
    db: &DatabaseConnection,
    caller: &Caller,
    file_name: &str,
    source: Box<dyn Read + Send>,
    options: ImportOptions,
) -> Result<ImportReport> {
    let mut reader = RecordReader::new(source, options.entity, options.format, options.encoding);
    let caller = caller.clone();
    let file_name = file_name.to_owned();
    let outcome = store::write_once(db, move |txn| {
        Box::pin(async move {
            let write = !options.dry_run;
            if write {
                // Orders the import with every other write, as a structural write does.
                engine::lock_exclusive(txn).await?;
            }
            let mut report = ImportReport {
                dry_run: options.dry_run,
                ..Default::default()
            };
            let scope = &caller.scope;
            let (reader, rows) = (&mut reader, &mut report);
            match options.entity {
                Entity::Regions => import_regions(txn, scope, reader, rows, write).await?,
                Entity::Categories => import_categories(txn, scope, reader, rows, write).await?,
                Entity::Departments => import_departments(txn, scope, reader, rows, write).await?,
                Entity::Rules => import_rules(txn, scope, reader, rows, write).await?,
                Entity::Organizations => {
                    import_organizations(txn, scope, reader, rows, write).await?
                }
            }
            if !(write && report.is_clean()) {
                return Ok(Outcome::Discard(report));
            }
            report.committed = true;
            let audited = options.entity.audited();
            audit::record_import(txn, &caller, audited, &file_name, report.summary()).await?;
            Ok(Outcome::Commit(report))
        })
    })
    .await?;
    Ok(outcome.into_inner())
}

/// A record with its entity's columns, read the way the API reads inputs.
struct Row<'a> {
    record: &'a Record,
    columns: &'static [&'static str],
}

impl Row<'_> {
    fn cell(&self, column: &str) -> &Cell {
        self.record.cell(self.columns, column)
    }

    /// A required text: absent and empty read as blank, for the parser to refuse.
    fn required(&self, column: &str) -> Result<&str> {
        match self.cell(column) {
            Cell::Absent | Cell::Null => Ok(""),
            Cell::Text(text) => Ok(text),
            Cell::Json(_) => Err(not_text(column)),
        }
    }

    /// An optional text: absent and empty read as none.
    fn optional(&self, column: &str) -> Result<Option<&str>> {
        match self.cell(column) {
            Cell::Absent | Cell::Null => Ok(None),
            Cell::Text(text) if text.trim().is_empty() => Ok(None),
            Cell::Text(text) => Ok(Some(text)),
            Cell::Json(_) => Err(not_text(column)),
        }
    }

    /// An optional field of an upsert: absent keeps, empty clears.
    fn patch(&self, column: &str) -> Result<Patch<String>> {
        match self.cell(column) {
            Cell::Absent => Ok(Patch::Keep),
            Cell::Null => Ok(Patch::Clear),
            Cell::Text(text) if text.trim().is_empty() => Ok(Patch::Clear),
            Cell::Text(text) => Ok(Patch::Set(text.clone())),
            Cell::Json(_) => Err(not_text(column)),
        }
    }

    fn boolean(&self, column: &str) -> Result<Option<bool>> {
        match self.optional(column)?.map(str::trim) {
            None => Ok(None),
            Some(t) if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(t) if t.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(t) => Err(Error::invalid(
                column,
                format!("'{}' is not true or false", truncate(t, 20)),
            )),
        }
    }

    fn integer(&self, column: &str) -> Result<Option<i32>> {
        match self.optional(column)?.map(str::trim) {
            None => Ok(None),
            Some(t) => t.parse::<i32>().map(Some).map_err(|_| {
                Error::invalid(
                    column,
                    format!("'{}' is not a whole number", truncate(t, 20)),
                )
            }),
        }
    }
}

fn not_text(column: &str) -> Error {
    Error::invalid(column, "must be text, not a list or an object")
}

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Reads the next record; a line the reader refuses is rejected here.
fn next_record(reader: &mut RecordReader, report: &mut ImportReport) -> Option<Record> {
    loop {
        match reader.next_record()? {
            Ok(record) => return Some(record),
            Err(error) => report.reject(error),
        }
    }
}

/// A second row with a key the file gave before.
fn duplicate(line: u64, column: &str, key: &str, first: u64) -> RowError {
    RowError {
        line,
        column: Some(column.to_owned()),
        reason: format!("duplicate key '{key}': the file gives it on line {first} already"),
    }
}

/// The regions, their ancestry, and the subtree a caller may write.
struct RegionMap {
    by_code: HashMap<String, RegionRef>,
    /// (ancestor, descendant) pairs, each region with itself included.
    ancestry: HashSet<(i32, i32)>,
    /// The ids a region-bound caller may write; None: all.
    writable: Option<HashSet<i32>>,
}

#[derive(Clone, Debug)]
struct RegionRef {
    id: i32,
    name: String,
    level: RegionLevel,
    parent_id: Option<i32>,
}

impl RegionMap {
    async fn load(db: &impl ConnectionTrait, scope: &Scope) -> Result<Self> {
        let by_code = region::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                let level = region_domain::level_of(&r);
                (
                    r.code,
                    RegionRef {
                        id: r.id,
                        name: r.name,
                        level,
                        parent_id: r.parent_id,
                    },
                )
            })
            .collect();
        let ancestry: HashSet<(i32, i32)> = region_closure::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.ancestor_id, c.descendant_id))
            .collect();
        let writable = scope.region_id.map(|root| {
            ancestry
                .iter()
                .filter(|(a, _)| *a == root)
                .map(|(_, d)| *d)
                .collect()
        });
        Ok(RegionMap {
            by_code,
            ancestry,
            writable,
        })
    }

    /// The region `code` names, NOT_FOUND naming `field` when none.
    fn require(&self, field: &str, code: &str) -> Result<&RegionRef> {
        let parsed = RegionCode::parse(field, code)?;
        self.by_code.get(parsed.as_str()).ok_or_else(|| {
            Error::not_found(field, format!("no region has code '{}'", parsed.as_str()))
        })
    }

    /// Refuses a region outside a region-bound caller's subtree.
    fn check_writable(&self, field: &str, id: i32) -> Result<()> {
        match &self.writable {
            Some(ids) if !ids.contains(&id) => Err(Error::invalid(field, OUTSIDE)),
            _ => Ok(()),
        }
    }

    fn is_ancestor_or_self(&self, ancestor: i32, region: i32) -> bool {
        self.ancestry.contains(&(ancestor, region))
    }
}

/// Natural-key codes to ids of a small table.
async fn codes<E>(db: &impl ConnectionTrait) -> Result<HashMap<String, i32>>
where
    E: EntityTrait,
    E::Model: CodeAndId,
{
    Ok(E::find()
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.code_and_id())
        .collect())
}

trait CodeAndId {
    fn code_and_id(self) -> (String, i32);
}

impl CodeAndId for category::Model {
    fn code_and_id(self) -> (String, i32) {
        (self.code, self.id)
    }
}

impl CodeAndId for department_kind::Model {
    fn code_and_id(self) -> (String, i32) {
        (self.code, self.id)
    }
}

impl CodeAndId for department::Model {
    fn code_and_id(self) -> (String, i32) {
        (self.code, self.id)
    }
}

fn lookup(map: &HashMap<String, i32>, field: &str, code: &str, what: &str) -> Result<i32> {
    let code = parse_code(field, code)?;
    map.get(&code)
        .copied()
        .ok_or_else(|| Error::not_found(field, format!("no {what} has code '{code}'")))
}

// ---------------------------------------------------------------- regions

/// A region the file adds.
struct NewRegion {
    code: String,
    name: String,
    level: RegionLevel,
    parent_code: Option<String>,
}

async fn import_regions(
    txn: &DatabaseTransaction,
    scope: &Scope,
    reader: &mut RecordReader,
    report: &mut ImportReport,
    write: bool,
) -> Result<()> {
    let columns = Entity::Regions.columns();
    let mut regions = RegionMap::load(txn, scope).await?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut added: Vec<NewRegion> = Vec::new();
    let mut renamed: Vec<(i32, String)> = Vec::new();
    // Ids the file's new regions get in the picture, below every real id.
    let mut next_placeholder = -1;
    while let Some(record) = next_record(reader, report) {
        let row = Row {
            record: &record,
            columns,
        };
        let line = record.line;
        let parsed = (|| {
            let code = RegionCode::parse("code", row.required("code")?)?;
            let name = parse_name("name", row.required("name")?, 100)?;
            let level_text = row.required("level")?.trim().to_ascii_uppercase();
            let level = RegionLevel::from_db(&level_text).ok_or_else(|| {
                Error::invalid(
                    "level",
                    format!(
                        "'{}' is not one of PROVINCE, CITY, COUNTY, TOWNSHIP, SUBDISTRICT",
                        truncate(&level_text, 20)
                    ),
                )
            })?;
            let (parent, parent_code) = match row.optional("parentCode")? {
                Some(code) => (
                    Some(regions.require("parentCode", code)?.clone()),
                    Some(RegionCode::parse("parentCode", code)?.to_string()),
                ),
                None => (None, None),
            };
            code.check_placement(
                level,
                parent
                    .as_ref()
                    .zip(parent_code.as_deref())
                    .map(|(p, c)| (c, p.level)),
            )?;
            Ok::<_, Error>((code, name, level, parent, parent_code))
        })();
        let (code, name, level, parent, parent_code) = match parsed {
            Ok(parsed) => parsed,
            Err(err) => {
                report.reject_with(line, err, "code")?;
                continue;
            }
        };
        if let Some(first) = seen.get(code.as_str()) {
            report.reject(duplicate(line, "code", code.as_str(), *first));
            continue;
        }
        seen.insert(code.to_string(), line);
        let parent_id = parent.as_ref().map(|p| p.id);
        match regions.by_code.get(code.as_str()).cloned() {
            Some(existing) => {
                if let Err(err) = regions.check_writable("code", existing.id) {
                    report.reject_with(line, err, "code")?;
                    continue;
                }
                if existing.level != level || existing.parent_id != parent_id {
                    report.reject_with(
                        line,
                        Error::invalid(
                            "parentCode",
                            format!(
                                "region {code} exists as a {} and keeps its level and parent; in GB/T 2260 a region that moves gets a new code",
                                existing.level.as_str()
                            ),
                        ),
                        "parentCode",
                    )?;
                    continue;
                }
                if existing.name == name {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    renamed.push((existing.id, name.clone()));
                    if let Some(r) = regions.by_code.get_mut(code.as_str()) {
                        r.name = name;
                    }
                }
            }
            None => {
                let writable = match parent_id {
                    Some(id) => regions.check_writable("parentCode", id),
                    None if regions.writable.is_some() => Err(Error::invalid("code", OUTSIDE)),
                    None => Ok(()),
                };
                if let Err(err) = writable {
                    report.reject_with(line, err, "code")?;
                    continue;
                }
                let id = next_placeholder;
                next_placeholder -= 1;
                regions.by_code.insert(
                    code.to_string(),
                    RegionRef {
                        id,
                        name: name.clone(),
                        level,
                        parent_id,
                    },
                );
                if let Some(ids) = &mut regions.writable {
                    ids.insert(id);
                }
                report.created += 1;
                added.push(NewRegion {
                    code: code.to_string(),
                    name,
                    level,
                    parent_code,
                });
            }
        }
    }
    if !(write && report.is_clean()) {
        return Ok(());
    }
    for (id, name) in renamed {
        region::ActiveModel {
            id: Set(id),
            name: Set(name),
            ..Default::default()
        }
        .update(txn)
        .await?;
    }
    if added.is_empty() {
        return Ok(());
    }
    // Parents before children: a parent's level always ranks higher.
    let rank = |level: RegionLevel| match level {
        RegionLevel::Province => 0,
        RegionLevel::City => 1,
        RegionLevel::County => 2,
        RegionLevel::Township | RegionLevel::Subdistrict => 3,
    };
    let mut ids: HashMap<String, i32> = region::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|r| (r.code, r.id))
        .collect();
    for level_rank in 0..4 {
        let wave: Vec<&NewRegion> = added
            .iter()
            .filter(|r| rank(r.level) == level_rank)
            .collect();
        for chunk in wave.chunks(1_000) {
            let models = chunk.iter().map(|r| region::ActiveModel {
                id: NotSet,
                code: Set(r.code.clone()),
                name: Set(r.name.clone()),
                level: Set(r.level.as_str().to_owned()),
                parent_id: Set(r.parent_code.as_ref().and_then(|c| ids.get(c).copied())),
            });
            region::Entity::insert_many(models.collect::<Vec<_>>())
                .exec_without_returning(txn)
                .await?;
            let inserted = region::Entity::find()
                .filter(region::Column::Code.is_in(chunk.iter().map(|r| r.code.clone())))
                .all(txn)
                .await?;
            ids.extend(inserted.into_iter().map(|r| (r.code, r.id)));
        }
    }
    region_domain::rebuild_closure(txn).await?;
    report.changed_responsibility = engine::refresh(txn).await?.changed;
    Ok(())
}

// ------------------------------------------------------------- categories

#[derive(Clone, Debug, PartialEq, Eq)]
struct CategoryState {
    id: Option<i32>,
    name: String,
    parent: Option<String>,
    description: Option<String>,
}

async fn import_categories(
    txn: &DatabaseTransaction,
    scope: &Scope,
    reader: &mut RecordReader,
    report: &mut ImportReport,
    write: bool,
) -> Result<()> {
    let columns = Entity::Categories.columns();
    let stored = category::Entity::find().all(txn).await?;
    let code_of: HashMap<i32, String> = stored.iter().map(|c| (c.id, c.code.clone())).collect();
    let mut tree: HashMap<String, CategoryState> = stored
        .into_iter()
        .map(|c| {
            (
                c.code.clone(),
                CategoryState {
                    id: Some(c.id),
                    name: c.name,
                    parent: c.parent_id.and_then(|p| code_of.get(&p).cloned()),
                    description: c.description,
                },
            )
        })
        .collect();
    let mut seen: HashMap<String, u64> = HashMap::new();
    // Codes written, in file order, each once.
    let mut touched: Vec<String> = Vec::new();
    let mut structural = false;
    while let Some(record) = next_record(reader, report) {
        let row = Row {
            record: &record,
            columns,
        };
        let line = record.line;
        if scope.region_id.is_some() {
            // Categories hold in every region: only a caller who sees everything writes them.
            report.reject_with(line, Error::invalid("code", OUTSIDE), "code")?;
            continue;
        }
        let parsed = (|| {
            let code = parse_code("code", row.required("code")?)?;
            let name = parse_name("name", row.required("name")?, 100)?;
            let description = row
                .patch("description")?
                .try_map(|d| parse_optional_text("description", Some(&d), 1000))?;
            let parent = row
                .patch("parentCode")?
                .try_map(|p| Ok(Some(parse_code("parentCode", &p)?)))?;
            if let Patch::Set(parent) = &parent {
                if !tree.contains_key(parent) {
                    return Err(Error::not_found(
                        "parentCode",
                        format!("no category has code '{parent}'"),
                    ));
                }
                // Walk up from the parent: meeting the category closes a cycle.
                let mut at = Some(parent.clone());
                let mut steps = 0;
                while let Some(current) = at {
                    if current == code || steps > tree.len() {
                        return Err(Error::invalid(
                            "parentCode",
                            format!(
                                "{parent} is {code} itself or lies below it; the category tree must stay a tree"
                            ),
                        ));
                    }
                    at = tree.get(&current).and_then(|c| c.parent.clone());
                    steps += 1;
                }
            }
            Ok::<_, Error>((code, name, description, parent))
        })();
        let (code, name, description, parent) = match parsed {
            Ok(parsed) => parsed,
            Err(err) => {
                report.reject_with(line, err, "code")?;
                continue;
            }
        };
        if let Some(first) = seen.get(&code) {
            report.reject(duplicate(line, "code", &code, *first));
            continue;
        }
        seen.insert(code.clone(), line);
        let current = tree.get(&code).cloned();
        let next = CategoryState {
            id: current.as_ref().and_then(|c| c.id),
            name,
            parent: parent.apply(current.as_ref().and_then(|c| c.parent.clone())),
            description: description.apply(current.as_ref().and_then(|c| c.description.clone())),
        };
        match &current {
            Some(current) if *current == next => report.unchanged += 1,
            Some(current) => {
                report.updated += 1;
                structural |= current.parent != next.parent;
                touched.push(code.clone());
            }
            None => {
                report.created += 1;
                structural = true;
                touched.push(code.clone());
            }
        }
        tree.insert(code, next);
    }
    if !(write && report.is_clean()) || touched.is_empty() {
        return Ok(());
    }
    // New categories first, without parents; then every written one gets
    // its final name, parent and description.
    let mut ids: HashMap<String, i32> = tree
        .iter()
        .filter_map(|(code, c)| c.id.map(|id| (code.clone(), id)))
        .collect();
    for code in &touched {
        if ids.contains_key(code) {
            continue;
        }
        let state = &tree[code];
        let saved = category::ActiveModel {
            code: Set(code.clone()),
            name: Set(state.name.clone()),
            parent_id: Set(None),
            description: Set(state.description.clone()),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        ids.insert(code.clone(), saved.id);
    }
    for code in &touched {
        let state = &tree[code];
        category::ActiveModel {
            id: Set(ids[code]),
            code: Set(code.clone()),
            name: Set(state.name.clone()),
            parent_id: Set(state.parent.as_ref().and_then(|p| ids.get(p).copied())),
            description: Set(state.description.clone()),
        }
        .update(txn)
        .await?;
    }
    if structural {
        category_domain::rebuild_closure(txn).await?;
        report.changed_responsibility = engine::refresh(txn).await?.changed;
    }
    Ok(())
}

// ------------------------------------------------------------ departments

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
    let bad = || {
        Error::invalid(
            "dedicatedStaff",
            "must be a JSON list of contacts, each {\"name\": …, \"title\": …, \"phone\": …, \"email\": …}",
        )
    };
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
            format!("at most {MAX_CONTACTS} contacts, {} given", list.len()),
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

async fn import_departments(
    txn: &DatabaseTransaction,
    scope: &Scope,
    reader: &mut RecordReader,
    report: &mut ImportReport,
    write: bool,
) -> Result<()> {
    let columns = Entity::Departments.columns();
    let regions = RegionMap::load(txn, scope).await?;
    let kinds = codes::<department_kind::Entity>(txn).await?;
    let kind_codes: HashMap<i32, String> = kinds.iter().map(|(c, id)| (*id, c.clone())).collect();
    let mut contacts: HashMap<i32, Vec<department_contact::Model>> = HashMap::new();
    for c in department_contact::Entity::find().all(txn).await? {
        contacts.entry(c.department_id).or_default().push(c);
    }
    let mut stored = department::Entity::find().all(txn).await?;
    stored.sort_by_key(|d| d.id);
    let mut holders: HashMap<(i32, i32), String> = HashMap::new();
    let mut state: HashMap<String, DepartmentState> = HashMap::new();
    for d in stored {
        holders.insert((d.kind_id, d.region_id), d.code.clone());
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
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut touched: Vec<String> = Vec::new();
    while let Some(record) = next_record(reader, report) {
        let row = Row {
            record: &record,
            columns,
        };
        let line = record.line;
        let parsed = (|| {
            let code = parse_code("code", row.required("code")?)?;
            let name = parse_name("name", row.required("name")?, 200)?;
            let kind_id = lookup(
                &kinds,
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
            Ok::<_, Error>((code, name, kind_id, region.id, unit, method, staff))
        })();
        let (code, name, kind_id, region_id, unit, method, staff) = match parsed {
            Ok(parsed) => parsed,
            Err(err) => {
                report.reject_with(line, err, "code")?;
                continue;
            }
        };
        if let Some(first) = seen.get(&code) {
            report.reject(duplicate(line, "code", &code, *first));
            continue;
        }
        seen.insert(code.clone(), line);
        if let Some(holder) = holders.get(&(kind_id, region_id))
            && *holder != code
        {
            let region_code = regions
                .by_code
                .iter()
                .find(|(_, r)| r.id == region_id)
                .map(|(c, _)| c.as_str())
                .unwrap_or_default();
            report.reject_with(
                line,
                Error::Conflict(format!(
                    "region {region_code} already has a {} department: {holder}; a region has one department of each kind",
                    kind_codes.get(&kind_id).map(String::as_str).unwrap_or_default()
                )),
                "kindCode",
            )?;
            continue;
        }
        let current = state.get(&code).cloned();
        if let Some(current) = &current
            && let Err(err) = regions.check_writable("regionCode", current.region_id)
        {
            report.reject_with(line, err, "code")?;
            continue;
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
                holders.remove(&(current.kind_id, current.region_id));
                touched.push(code.clone());
            }
            None => {
                report.created += 1;
                touched.push(code.clone());
            }
        }
        holders.insert((kind_id, region_id), code.clone());
        state.insert(code, next);
    }
    if !(write && report.is_clean()) || touched.is_empty() {
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
        changed += engine::refresh(txn).await?.changed;
    }
    report.changed_responsibility = changed;
    Ok(())
}

// ------------------------------------------------------------------ rules

#[derive(Clone, Debug, PartialEq, Eq)]
struct RuleState {
    id: Option<i32>,
    kind_id: i32,
    basis: Option<String>,
}

async fn import_rules(
    txn: &DatabaseTransaction,
    scope: &Scope,
    reader: &mut RecordReader,
    report: &mut ImportReport,
    write: bool,
) -> Result<()> {
    let columns = Entity::Rules.columns();
    let regions = RegionMap::load(txn, scope).await?;
    let categories = codes::<category::Entity>(txn).await?;
    let kinds = codes::<department_kind::Entity>(txn).await?;
    let mut state: HashMap<(i32, Option<i32>), RuleState> = rule::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|r| {
            (
                (r.category_id, r.scope_region_id),
                RuleState {
                    id: Some(r.id),
                    kind_id: r.department_kind_id,
                    basis: r.basis,
                },
            )
        })
        .collect();
    let mut seen: HashMap<(i32, Option<i32>), u64> = HashMap::new();
    let mut touched: Vec<(i32, Option<i32>)> = Vec::new();
    let mut structural = false;
    while let Some(record) = next_record(reader, report) {
        let row = Row {
            record: &record,
            columns,
        };
        let line = record.line;
        let parsed = (|| {
            let category_id = lookup(
                &categories,
                "categoryCode",
                row.required("categoryCode")?,
                "category",
            )?;
            let kind_id = lookup(
                &kinds,
                "departmentKindCode",
                row.required("departmentKindCode")?,
                "department kind",
            )?;
            let scope_id = match row.optional("scopeRegionCode")? {
                Some(code) => {
                    let region = regions.require("scopeRegionCode", code)?;
                    regions.check_writable("scopeRegionCode", region.id)?;
                    Some(region.id)
                }
                None if regions.writable.is_some() => {
                    return Err(Error::invalid("scopeRegionCode", OUTSIDE));
                }
                None => None,
            };
            let basis = row
                .patch("basis")?
                .try_map(|b| parse_optional_text("basis", Some(&b), 500))?;
            Ok::<_, Error>((category_id, kind_id, scope_id, basis))
        })();
        let (category_id, kind_id, scope_id, basis) = match parsed {
            Ok(parsed) => parsed,
            Err(err) => {
                report.reject_with(line, err, "categoryCode")?;
                continue;
            }
        };
        let key = (category_id, scope_id);
        if let Some(first) = seen.get(&key) {
            let shown = format!(
                "{},{}",
                row.required("categoryCode")?.trim(),
                row.optional("scopeRegionCode")?.unwrap_or("").trim()
            );
            report.reject(duplicate(line, "categoryCode", &shown, *first));
            continue;
        }
        seen.insert(key, line);
        let current = state.get(&key).cloned();
        let next = RuleState {
            id: current.as_ref().and_then(|c| c.id),
            kind_id,
            basis: basis.apply(current.as_ref().and_then(|c| c.basis.clone())),
        };
        match &current {
            Some(current) if *current == next => report.unchanged += 1,
            Some(current) => {
                report.updated += 1;
                structural |= current.kind_id != next.kind_id;
                touched.push(key);
            }
            None => {
                report.created += 1;
                structural = true;
                touched.push(key);
            }
        }
        state.insert(key, next);
    }
    if !(write && report.is_clean()) || touched.is_empty() {
        return Ok(());
    }
    let mut added = Vec::new();
    for key in &touched {
        let next = &state[key];
        match next.id {
            Some(id) => {
                rule::ActiveModel {
                    id: Set(id),
                    category_id: Set(key.0),
                    department_kind_id: Set(next.kind_id),
                    scope_region_id: Set(key.1),
                    basis: Set(next.basis.clone()),
                }
                .update(txn)
                .await?;
            }
            None => added.push(rule::ActiveModel {
                id: NotSet,
                category_id: Set(key.0),
                department_kind_id: Set(next.kind_id),
                scope_region_id: Set(key.1),
                basis: Set(next.basis.clone()),
            }),
        }
    }
    for chunk in added.chunks(1_000) {
        rule::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    if structural {
        report.changed_responsibility = engine::refresh(txn).await?.changed;
    }
    Ok(())
}

// ---------------------------------------------------------- organizations

/// A parsed organization row, its references resolved, before it meets
/// what is stored.
struct PendingOrganization {
    line: u64,
    credit_code: CreditCode,
    name: String,
    category_id: i32,
    region_id: i32,
    region_code: String,
    administering: Patch<i32>,
    supervising: Patch<i32>,
    affiliation: Patch<i32>,
    party_organization: Option<PartyOrganization>,
    work_covered: Option<bool>,
    party_member_count: Option<i32>,
    model: Option<bool>,
}

/// What every organization row is checked against.
struct OrganizationLookups {
    regions: RegionMap,
    categories: HashMap<String, i32>,
    departments: HashMap<String, i32>,
}

fn parse_organization(row: &Row<'_>, l: &OrganizationLookups) -> Result<PendingOrganization> {
    let credit_code = CreditCode::parse("creditCode", row.required("creditCode")?)?;
    let name = parse_name("name", row.required("name")?, 200)?;
    let category_id = lookup(
        &l.categories,
        "categoryCode",
        row.required("categoryCode")?,
        "category",
    )?;
    let location = l
        .regions
        .require("regionCode", row.required("regionCode")?)?;
    l.regions.check_writable("regionCode", location.id)?;
    let region_code = row.required("regionCode")?.trim().to_owned();
    let administering = match row.patch("administeringRegionCode")? {
        Patch::Set(code) => {
            let admin = l.regions.require("administeringRegionCode", &code)?;
            if !l.regions.is_ancestor_or_self(admin.id, location.id) {
                return Err(Error::invalid(
                    "administeringRegionCode",
                    format!(
                        "{} is neither the organization's region {region_code} nor a region above it",
                        code.trim()
                    ),
                ));
            }
            // The location itself is the default; stored as such.
            if admin.id == location.id {
                Patch::Clear
            } else {
                Patch::Set(admin.id)
            }
        }
        Patch::Clear => Patch::Clear,
        Patch::Keep => Patch::Keep,
    };
    let department = |field: &str| -> Result<Patch<i32>> {
        Ok(match row.patch(field)? {
            Patch::Set(code) => Patch::Set(lookup(&l.departments, field, &code, "department")?),
            Patch::Clear => Patch::Clear,
            Patch::Keep => Patch::Keep,
        })
    };
    let supervising = department("supervisingDepartmentCode")?;
    let affiliation = department("partyAffiliationCode")?;
    let party_organization = row
        .optional("partyOrganization")?
        .map(|p| PartyOrganization::parse("partyOrganization", p))
        .transpose()?;
    let party_member_count = row.integer("partyMemberCount")?;
    if let Some(count) = party_member_count {
        check_party_member_count(count)?;
    }
    Ok(PendingOrganization {
        line: row.record.line,
        credit_code,
        name,
        category_id,
        region_id: location.id,
        region_code,
        administering,
        supervising,
        affiliation,
        party_organization,
        work_covered: row.boolean("workCovered")?,
        party_member_count,
        model: row.boolean("model")?,
    })
}

async fn import_organizations(
    txn: &DatabaseTransaction,
    scope: &Scope,
    reader: &mut RecordReader,
    report: &mut ImportReport,
    write: bool,
) -> Result<()> {
    let columns = Entity::Organizations.columns();
    let lookups = OrganizationLookups {
        regions: RegionMap::load(txn, scope).await?,
        categories: codes::<category::Entity>(txn).await?,
        departments: codes::<department::Entity>(txn).await?,
    };
    let started = std::time::Instant::now();
    // The credit codes given so far live in a temporary table, so that
    // memory stays flat however long the file; the current batch's in a map.
    db::execute_unprepared(
        txn,
        "CREATE TEMPORARY TABLE IF NOT EXISTS import_key \
         (credit_code CHAR(18) PRIMARY KEY, line BIGINT NOT NULL)",
    )
    .await?;
    db::execute_unprepared(txn, "DELETE FROM import_key").await?;
    let mut in_batch: HashMap<[u8; 18], u64> = HashMap::new();
    let mut batch: Vec<PendingOrganization> = Vec::with_capacity(BATCH);
    let mut written = 0u64;
    loop {
        let record = next_record(reader, report);
        if let Some(record) = &record {
            let row = Row { record, columns };
            match parse_organization(&row, &lookups) {
                Ok(pending) => {
                    let key = credit_key(&pending.credit_code);
                    match in_batch.get(&key) {
                        Some(first) => report.reject(duplicate(
                            pending.line,
                            "creditCode",
                            pending.credit_code.as_str(),
                            *first,
                        )),
                        None => {
                            in_batch.insert(key, pending.line);
                            batch.push(pending);
                        }
                    }
                }
                Err(err) => report.reject_with(record.line, err, "creditCode")?,
            }
        }
        if batch.len() >= BATCH || (record.is_none() && !batch.is_empty()) {
            in_batch.clear();
            let batch = drop_earlier_keys(txn, std::mem::take(&mut batch), report).await?;
            written += flush_organizations(txn, &lookups, batch, report, write).await?;
        }
        if record.is_none() {
            break;
        }
    }
    db::execute_unprepared(txn, "DROP TABLE import_key").await?;
    tracing::debug!(written, elapsed = ?started.elapsed(), "organizations read, compared and written");
    // Rows refused when their batch met the database come after rows of
    // that batch refused on reading: put the list back in line order.
    report.errors.sort_by_key(|e| e.line);
    if write && report.is_clean() && written > 0 {
        report.changed_responsibility = resolve_written(txn, written).await?;
    }
    Ok(())
}

/// Refuses the rows of a batch whose credit code an earlier batch gave,
/// and records the rest as given.
async fn drop_earlier_keys(
    txn: &DatabaseTransaction,
    batch: Vec<PendingOrganization>,
    report: &mut ImportReport,
) -> Result<Vec<PendingOrganization>> {
    // Credit codes are validated: 18 characters of 0-9 and A-Z; lines are numbers.
    let quoted = batch
        .iter()
        .map(|p| format!("'{}'", p.credit_code.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    let earlier: HashMap<String, i64> = txn
        .query_all_raw(Statement::from_string(
            txn.get_database_backend(),
            format!("SELECT credit_code, line FROM import_key WHERE credit_code IN ({quoted})"),
        ))
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get("", "credit_code")?, row.try_get("", "line")?)))
        .collect::<Result<_, DbErr>>()?;
    let mut kept = Vec::with_capacity(batch.len());
    for pending in batch {
        match earlier.get(pending.credit_code.as_str()) {
            Some(first) => report.reject(duplicate(
                pending.line,
                "creditCode",
                pending.credit_code.as_str(),
                u64::try_from(*first).unwrap_or_default(),
            )),
            None => kept.push(pending),
        }
    }
    if !kept.is_empty() {
        let values = kept
            .iter()
            .map(|p| format!("('{}', {})", p.credit_code.as_str(), p.line))
            .collect::<Vec<_>>()
            .join(",");
        db::execute_unprepared(
            txn,
            &format!("INSERT INTO import_key (credit_code, line) VALUES {values}"),
        )
        .await?;
    }
    Ok(kept)
}

fn credit_key(code: &CreditCode) -> [u8; 18] {
    let mut key = [0u8; 18];
    for (k, b) in key.iter_mut().zip(code.as_str().bytes()) {
        *k = b;
    }
    key
}

/// Compares a batch with the stored rows, counts it, and (while the file
/// is clean) writes what changed. Returns the rows written.
async fn flush_organizations(
    txn: &DatabaseTransaction,
    lookups: &OrganizationLookups,
    batch: Vec<PendingOrganization>,
    report: &mut ImportReport,
    write: bool,
) -> Result<u64> {
    let stored: HashMap<String, organization::Model> = organization::Entity::find()
        .filter(
            organization::Column::CreditCode
                .is_in(batch.iter().map(|p| p.credit_code.as_str().to_owned())),
        )
        .all(txn)
        .await?
        .into_iter()
        .map(|o| (o.credit_code.clone(), o))
        .collect();
    let mut changed: Vec<organization::Model> = Vec::new();
    let mut updated_ids: Vec<i32> = Vec::new();
    for pending in batch {
        let current = stored.get(pending.credit_code.as_str());
        let admin_id = pending
            .administering
            .apply(current.and_then(|c| c.administering_region_id));
        if let Some(admin_id) = admin_id
            && !lookups
                .regions
                .is_ancestor_or_self(admin_id, pending.region_id)
        {
            report.reject(RowError {
                line: pending.line,
                column: Some("administeringRegionCode".to_owned()),
                reason: format!(
                    "the stored administering region is not above the new region {}; give administeringRegionCode too",
                    pending.region_code
                ),
            });
            continue;
        }
        let row = stored_row(
            current,
            Fields {
                credit_code: pending.credit_code.to_string(),
                name: pending.name,
                category_id: pending.category_id,
                region_id: pending.region_id,
                administering_region_id: admin_id,
                supervising: pending.supervising,
                affiliation: pending.affiliation,
                party_organization: pending.party_organization,
                work_covered: pending.work_covered,
                party_member_count: pending.party_member_count,
                model: pending.model,
            },
        );
        match current {
            Some(current) if *current == row => report.unchanged += 1,
            Some(current) => {
                report.updated += 1;
                updated_ids.push(current.id);
                changed.push(row);
            }
            None => {
                report.created += 1;
                changed.push(row);
            }
        }
    }
    if !(write && report.is_clean()) || changed.is_empty() {
        return Ok(0);
    }
    if !updated_ids.is_empty() {
        // Out of the coverage cells as they are stored; back in once re-resolved.
        let ids = join_ids(&updated_ids);
        engine::count_cells(txn, -1, &format!("o.id IN ({ids})")).await?;
    }
    let codes: Vec<String> = changed.iter().map(|o| o.credit_code.clone()).collect();
    let models: Vec<organization::ActiveModel> = changed
        .into_iter()
        .map(|o| {
            let mut active = organization::ActiveModel::from(o).reset_all();
            active.id = NotSet;
            active
        })
        .collect();
    for chunk in models.chunks(INSERT_ROWS) {
        upsert_organizations(txn, chunk.to_vec()).await?;
    }
    // Credit codes are validated: 18 characters of 0-9 and A-Z.
    let quoted = codes
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(",");
    db::execute_unprepared(txn, &format!(
        "INSERT INTO dirty_organization (id) SELECT id FROM organization WHERE credit_code IN ({quoted})"
    ))
    .await?;
    Ok(codes.len() as u64)
}

/// One multi-row INSERT … ON CONFLICT (credit_code) DO UPDATE of the
/// columns a file gives; the stored resolution is the engine's to change.
async fn upsert_organizations(
    txn: &DatabaseTransaction,
    rows: Vec<organization::ActiveModel>,
) -> Result<()> {
    organization::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(organization::Column::CreditCode)
                .update_columns([
                    organization::Column::Name,
                    organization::Column::CategoryId,
                    organization::Column::RegionId,
                    organization::Column::AdministeringRegionId,
                    organization::Column::SupervisingDepartmentId,
                    organization::Column::PartyAffiliationId,
                    organization::Column::PartyOrganization,
                    organization::Column::WorkCovered,
                    organization::Column::PartyMemberCount,
                    organization::Column::IsModel,
                ])
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

fn join_ids(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// Re-resolves the written organizations (listed in `dirty_organization`)
/// and counts them into the coverage cells. When they are most of the
/// table, resolving and recounting everything is the cheaper plan.
async fn resolve_written(txn: &DatabaseTransaction, written: u64) -> Result<u64> {
    let started = std::time::Instant::now();
    let total = organization::Entity::find().count(txn).await?;
    let changed = if written * 2 > total {
        let changed = engine::resolve_uncounted(txn, engine::Target::All).await?;
        engine::recount_cells(txn).await?;
        changed
    } else {
        let changed = engine::resolve_uncounted(txn, engine::Target::Dirty).await?;
        engine::count_cells(txn, 1, "o.id IN (SELECT id FROM dirty_organization)").await?;
        changed
    };
    db::execute_unprepared(txn, "DELETE FROM dirty_organization").await?;
    db::execute_unprepared(txn, "DELETE FROM coverage_cell WHERE n = 0").await?;
    tracing::debug!(written, changed, elapsed = ?started.elapsed(), "imported organizations resolved");
    Ok(changed)
}
