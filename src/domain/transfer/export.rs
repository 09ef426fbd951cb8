//! Exporting an entity as CSV or JSON lines, in chunks, so that a
//! download streams and memory stays flat however many organizations
//! there are.
//!
//! Rows come in an order that depends on natural keys only (parents
//! before children), so an export imported into an empty database exports
//! again to the same bytes.

use std::collections::HashMap;

use entity::{
    category, department, department_contact, department_kind, organization, region,
    region_closure, responsibility_rule as rule,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{Entity, Format};
use crate::domain::region as region_domain;
use crate::domain::scope::Scope;
use crate::error::{Error, Result};

/// Organizations read and written per chunk.
const PAGE: u64 = 5_000;

/// What to export.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub entity: Entity,
    pub format: Format,
    /// Only this region's subtree (regions, departments, rules scoped
    /// there, organizations located there); categories hold everywhere.
    pub region_code: Option<String>,
}

/// A value of a cell, typed for JSON lines.
#[derive(Clone, Debug)]
enum Value {
    Null,
    Text(String),
    Bool(bool),
    Int(i64),
    Json(serde_json::Value),
}

impl From<Option<String>> for Value {
    fn from(value: Option<String>) -> Self {
        value.map_or(Value::Null, Value::Text)
    }
}

impl From<String> for Value {
    fn from(value: String) -> Self {
        Value::Text(value)
    }
}

/// Writes an entity chunk by chunk: the header (CSV) with the first.
pub struct Exporter {
    db: DatabaseConnection,
    options: ExportOptions,
    /// The subtree exported; None: everything.
    root: Option<i32>,
    /// The credit code after which the next organization page starts.
    after: Option<String>,
    started: bool,
    done: bool,
    codes: Option<Codes>,
}

/// Codes (and department names) by id, for organization rows.
struct Codes {
    regions: HashMap<i32, String>,
    categories: HashMap<i32, String>,
    departments: HashMap<i32, (String, String)>,
}

impl Exporter {
    /// Checks the options against the caller's scope; a region outside it
    /// is NOT_FOUND, as it is to every other read.
    pub async fn new(
        db: &DatabaseConnection,
        scope: &Scope,
        options: ExportOptions,
    ) -> Result<Self> {
        let root = match options.region_code.as_deref().map(str::trim) {
            Some(code) if !code.is_empty() => {
                Some(region_domain::require(db, scope, "region", code).await?.id)
            }
            _ => scope.region_id,
        };
        Ok(Exporter {
            db: db.clone(),
            options,
            root,
            after: None,
            started: false,
            done: false,
            codes: None,
        })
    }

    /// The entity's file name, e.g. `organizations.csv`.
    pub fn file_name(&self) -> String {
        format!(
            "{}.{}",
            self.options.entity.as_str(),
            self.options.format.as_str()
        )
    }

    /// The next chunk of the file, None at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let mut csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Vec::new());
        let mut out = Vec::new();
        let entity = self.options.entity;
        let columns: Vec<&str> = entity
            .columns()
            .iter()
            .chain(entity.derived_columns())
            .copied()
            .collect();
        if !self.started {
            self.started = true;
            if self.options.format == Format::Csv {
                write_csv(
                    &mut csv,
                    columns.iter().map(|c| Value::Text((*c).to_owned())),
                )?;
            }
        }
        let rows = match entity {
            Entity::Organizations => {
                let rows = self.organization_page().await?;
                if (rows.len() as u64) < PAGE {
                    self.done = true;
                }
                rows
            }
            _ => {
                self.done = true;
                match entity {
                    Entity::Regions => regions(&self.db, self.root).await?,
                    Entity::Categories => categories(&self.db).await?,
                    Entity::Departments => departments(&self.db, self.root).await?,
                    _ => rules(&self.db, self.root).await?,
                }
            }
        };
        for row in rows {
            match self.options.format {
                Format::Csv => write_csv(&mut csv, row.into_iter())?,
                Format::Jsonl => write_json_line(&mut out, &columns, row),
            }
        }
        if self.options.format == Format::Csv {
            out = csv.into_inner().map_err(|_| csv_error())?;
        }
        if out.is_empty() && self.done {
            return Ok(None);
        }
        Ok(Some(out))
    }

    /// The whole export in one buffer (for small exports and tests).
    pub async fn collect(mut self) -> Result<Vec<u8>> {
        let mut all = Vec::new();
        while let Some(chunk) = self.next_chunk().await? {
            all.extend(chunk);
        }
        Ok(all)
    }

    async fn organization_page(&mut self) -> Result<Vec<Vec<Value>>> {
        if self.codes.is_none() {
            self.codes = Some(Codes {
                regions: region::Entity::find()
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|r| (r.id, r.code))
                    .collect(),
                categories: category::Entity::find()
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|c| (c.id, c.code))
                    .collect(),
                departments: department::Entity::find()
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|d| (d.id, (d.code, d.name)))
                    .collect(),
            });
        }
        let mut select = organization::Entity::find()
            .order_by_asc(organization::Column::CreditCode)
            .limit(PAGE);
        if let Some(after) = &self.after {
            select = select.filter(organization::Column::CreditCode.gt(after.clone()));
        }
        if let Some(root) = self.root {
            select = select.filter(organization::Column::RegionId.in_subquery(subtree_ids(root)));
        }
        let page = select.all(&self.db).await?;
        self.after = page.last().map(|o| o.credit_code.clone());
        let Some(codes) = &self.codes else {
            return Ok(Vec::new());
        };
        let region =
            |id: Option<i32>| -> Value { id.and_then(|i| codes.regions.get(&i).cloned()).into() };
        let department = |id: Option<i32>| -> Value {
            id.and_then(|i| codes.departments.get(&i).map(|d| d.0.clone()))
                .into()
        };
        Ok(page
            .into_iter()
            .map(|o| {
                vec![
                    Value::Text(o.credit_code),
                    Value::Text(o.name),
                    codes.categories.get(&o.category_id).cloned().into(),
                    region(Some(o.region_id)),
                    region(o.administering_region_id),
                    department(o.supervising_department_id),
                    department(o.party_affiliation_id),
                    Value::Text(o.party_organization),
                    Value::Bool(o.work_covered),
                    Value::Int(i64::from(o.party_member_count)),
                    Value::Bool(o.is_model),
                    Value::Text(o.resp_basis),
                    department(o.resp_department_id),
                    o.resp_department_id
                        .and_then(|i| codes.departments.get(&i).map(|d| d.1.clone()))
                        .into(),
                ]
            })
            .collect())
    }
}

fn subtree_ids(root: i32) -> sea_orm::sea_query::SelectStatement {
    region_domain::subtree_ids(root)
}

/// Ids of the subtree under `root`, or None for everything.
async fn subtree(db: &DatabaseConnection, root: Option<i32>) -> Result<Option<Vec<i32>>> {
    let Some(root) = root else { return Ok(None) };
    Ok(Some(
        region_closure::Entity::find()
            .filter(region_closure::Column::AncestorId.eq(root))
            .all(db)
            .await?
            .into_iter()
            .map(|c| c.descendant_id)
            .collect(),
    ))
}

async fn regions(db: &DatabaseConnection, root: Option<i32>) -> Result<Vec<Vec<Value>>> {
    let all = region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(db)
        .await?;
    let codes: HashMap<i32, String> = all.iter().map(|r| (r.id, r.code.clone())).collect();
    let within = subtree(db, root).await?;
    // GB/T 2260 codes sort parents before their children.
    Ok(all
        .into_iter()
        .filter(|r| within.as_ref().is_none_or(|ids| ids.contains(&r.id)))
        .map(|r| {
            vec![
                Value::Text(r.code),
                Value::Text(r.name),
                Value::Text(r.level),
                r.parent_id.and_then(|p| codes.get(&p).cloned()).into(),
            ]
        })
        .collect())
}

async fn categories(db: &DatabaseConnection) -> Result<Vec<Vec<Value>>> {
    let all = category::Entity::find().all(db).await?;
    let by_id: HashMap<i32, &category::Model> = all.iter().map(|c| (c.id, c)).collect();
    let depth = |c: &category::Model| {
        let mut depth = 0;
        let mut at = c.parent_id;
        while let Some(id) = at {
            depth += 1;
            at = by_id.get(&id).and_then(|p| p.parent_id);
            if depth > all.len() {
                break;
            }
        }
        depth
    };
    let mut ordered: Vec<(usize, &category::Model)> = all.iter().map(|c| (depth(c), c)).collect();
    // Parents before children: by depth, then code.
    ordered.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    Ok(ordered
        .into_iter()
        .map(|(_, c)| {
            vec![
                Value::Text(c.code.clone()),
                Value::Text(c.name.clone()),
                c.parent_id
                    .and_then(|p| by_id.get(&p).map(|p| p.code.clone()))
                    .into(),
                c.description.clone().into(),
            ]
        })
        .collect())
}

/// A contact as an export writes it: absent parts left out.
#[derive(serde::Serialize)]
struct FileContact {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

async fn departments(db: &DatabaseConnection, root: Option<i32>) -> Result<Vec<Vec<Value>>> {
    let mut select = department::Entity::find().order_by_asc(department::Column::Code);
    if let Some(root) = root {
        select = select.filter(department::Column::RegionId.in_subquery(subtree_ids(root)));
    }
    let all = select.all(db).await?;
    let kinds: HashMap<i32, String> = department_kind::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|k| (k.id, k.code))
        .collect();
    let regions: HashMap<i32, String> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.code))
        .collect();
    let mut staff: HashMap<i32, Vec<FileContact>> = HashMap::new();
    for c in department_contact::Entity::find()
        .order_by_asc(department_contact::Column::DepartmentId)
        .order_by_asc(department_contact::Column::Position)
        .all(db)
        .await?
    {
        staff.entry(c.department_id).or_default().push(FileContact {
            name: c.name,
            title: c.title,
            phone: c.phone,
            email: c.email,
        });
    }
    Ok(all
        .into_iter()
        .map(|d| {
            let contacts = staff.remove(&d.id).unwrap_or_default();
            vec![
                Value::Text(d.code),
                Value::Text(d.name),
                kinds.get(&d.kind_id).cloned().into(),
                regions.get(&d.region_id).cloned().into(),
                d.dedicated_unit.into(),
                Value::Json(serde_json::to_value(contacts).unwrap_or_default()),
                d.method.into(),
            ]
        })
        .collect())
}

async fn rules(db: &DatabaseConnection, root: Option<i32>) -> Result<Vec<Vec<Value>>> {
    let mut select = rule::Entity::find();
    if let Some(root) = root {
        select = select.filter(rule::Column::ScopeRegionId.in_subquery(subtree_ids(root)));
    }
    let all = select.all(db).await?;
    let categories: HashMap<i32, String> = category::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.code))
        .collect();
    let kinds: HashMap<i32, String> = department_kind::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|k| (k.id, k.code))
        .collect();
    let regions: HashMap<i32, String> = region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.code))
        .collect();
    let mut rows: Vec<(String, Option<String>, Vec<Value>)> = all
        .into_iter()
        .map(|r| {
            let category = categories.get(&r.category_id).cloned().unwrap_or_default();
            let scope = r.scope_region_id.and_then(|s| regions.get(&s).cloned());
            let row = vec![
                Value::Text(category.clone()),
                kinds.get(&r.department_kind_id).cloned().into(),
                scope.clone().into(),
                r.basis.into(),
            ];
            (category, scope, row)
        })
        .collect();
    // By category, the rule that holds everywhere first, then by scope.
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    Ok(rows.into_iter().map(|(_, _, row)| row).collect())
}

fn csv_error() -> Error {
    Error::invalid("export", "a row cannot be written as CSV")
}

fn write_csv(writer: &mut csv::Writer<Vec<u8>>, row: impl Iterator<Item = Value>) -> Result<()> {
    let cells: Vec<String> = row
        .map(|v| match v {
            Value::Null => String::new(),
            Value::Text(t) => t,
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            // An empty list is an empty cell, as any other absent value.
            Value::Json(serde_json::Value::Array(list)) if list.is_empty() => String::new(),
            Value::Json(j) => j.to_string(),
        })
        .collect();
    writer.write_record(&cells).map_err(|_| csv_error())
}

fn write_json_line(out: &mut Vec<u8>, columns: &[&str], row: Vec<Value>) {
    out.push(b'{');
    for (i, (column, value)) in columns.iter().zip(row).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let value = match value {
            Value::Null => serde_json::Value::Null,
            Value::Text(t) => serde_json::Value::String(t),
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Int(n) => serde_json::Value::from(n),
            Value::Json(j) => j,
        };
        out.extend(
            serde_json::Value::String((*column).to_owned())
                .to_string()
                .into_bytes(),
        );
        out.push(b':');
        out.extend(value.to_string().into_bytes());
    }
    out.extend(b"}\n");
}
