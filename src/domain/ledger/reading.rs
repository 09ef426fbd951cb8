//! Reading the ledger: pages of items in the order offices work them
//! (overdue first, then by due date, then by id), their count, the summary
//! of a subtree, the histories and the open item of each gap key. Each is
//! a fixed number of statements whatever the page or the ledger's size;
//! whether an item's gap is still there is read in the same statement.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QueryResult, Statement,
};

use entity::{rectification, rectification_event};

use super::Status;
use super::keys::{gap_open_sql, region_gap_kinds_sql, region_gap_open_sql};
use crate::domain::gaps::{Binds, GapKind};
use crate::domain::page::{CursorKey, PageRequest, decode_key};
use crate::domain::region::within_sql;
use crate::error::Result;

/// An item and whether its gap is there now (read with it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub model: rectification::Model,
    pub gap_open: bool,
}

/// Which items to read; ids already resolved from codes and the caller's
/// scope already applied to `region_id`.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// The subtree; None: everything.
    pub region_id: Option<i32>,
    pub statuses: Vec<Status>,
    pub kinds: Vec<GapKind>,
    pub milestone_id: Option<i32>,
    pub owner_id: Option<i32>,
    pub overdue: Option<bool>,
    pub gap_open: Option<bool>,
}

/// An item's place in the list: overdue ones first, then by due date and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub overdue: bool,
    /// The due date as days from the common era (for the cursor).
    pub due_days: i32,
    pub id: i32,
}

impl CursorKey for Position {
    const TAG: &'static str = "r1";

    fn parts(&self) -> Vec<i64> {
        vec![
            i64::from(!self.overdue),
            i64::from(self.due_days),
            i64::from(self.id),
        ]
    }

    fn from_parts(parts: &[i64]) -> Option<Self> {
        let [late, due, id] = parts else {
            return None;
        };
        Some(Position {
            overdue: *late == 0,
            due_days: i32::try_from(*due).ok()?,
            id: i32::try_from(*id).ok()?,
        })
    }
}

fn days_of(date: &str) -> i32 {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| d.num_days_from_ce())
        .unwrap_or(0)
}

fn date_of_days(days: i32) -> String {
    NaiveDate::from_num_days_from_ce_opt(days)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The SQL that item `x` is overdue on the date bound at `today`.
fn overdue_sql(today: &str) -> String {
    format!(
        "(x.status IN ('{}', '{}') AND x.due_date < {today})",
        Status::Open.code(),
        Status::InProgress.code()
    )
}

/// `codes` as an SQL list of quoted literals, for an IN list.
fn quoted<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    codes
        .into_iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The WHERE conditions of `filter` (each starting with " AND ").
fn conditions(filter: &Filter, today: NaiveDate, binds: &mut Binds) -> String {
    let mut sql = String::new();
    if let Some(root) = filter.region_id {
        let root = binds.bind(root);
        sql.push_str(&format!(" AND {}", within_sql("x.region_id", root)));
    }
    if !filter.statuses.is_empty() {
        let list = quoted(filter.statuses.iter().map(|s| s.code()));
        sql.push_str(&format!(" AND x.status IN ({list})"));
    }
    if !filter.kinds.is_empty() {
        let list = quoted(filter.kinds.iter().map(|k| k.code()));
        sql.push_str(&format!(" AND x.gap_kind IN ({list})"));
    }
    if let Some(id) = filter.milestone_id {
        sql.push_str(&format!(" AND x.milestone_id = {}", binds.bind(id)));
    }
    if let Some(id) = filter.owner_id {
        sql.push_str(&format!(" AND x.owner_department_id = {}", binds.bind(id)));
    }
    if let Some(overdue) = filter.overdue {
        let today = binds.bind(today.to_string());
        let not = if overdue { "" } else { "NOT " };
        sql.push_str(&format!(" AND {not}{}", overdue_sql(&today)));
    }
    if let Some(open) = filter.gap_open {
        let not = if open { "" } else { "NOT " };
        sql.push_str(&format!(" AND {not}{}", gap_open_sql("x")));
    }
    sql
}

fn item_of(row: &QueryResult) -> Result<Item> {
    Ok(Item {
        model: rectification::Model::from_query_result(row, "")?,
        gap_open: row.try_get::<i32>("", "gap_open")? != 0,
    })
}

/// One page: `first` items after the cursor. At most two statements (the
/// overdue items, then the others), whatever the page size.
pub async fn page(
    db: &impl ConnectionTrait,
    filter: &Filter,
    today: NaiveDate,
    first: Option<i32>,
    after: Option<&str>,
) -> Result<(Vec<(Position, Item)>, bool)> {
    let request = PageRequest::parse(first, None)?;
    let after = after.map(decode_key::<Position>).transpose()?;
    let wanted = request.first as usize + 1;
    let mut items = Vec::new();
    for overdue in [true, false] {
        if items.len() >= wanted {
            break;
        }
        let cursor = match after {
            Some(position) if position.overdue == overdue => Some(position),
            // Past the overdue part already.
            Some(position) if position.overdue != overdue && overdue => continue,
            _ => None,
        };
        let mut binds = Binds::default();
        let mut sql = conditions(filter, today, &mut binds);
        let today_placeholder = binds.bind(today.to_string());
        let not = if overdue { "" } else { "NOT " };
        sql.push_str(&format!(" AND {not}{}", overdue_sql(&today_placeholder)));
        if let Some(position) = cursor {
            let due = binds.bind(date_of_days(position.due_days));
            let id = binds.bind(position.id);
            sql.push_str(&format!(
                " AND (x.due_date > {due} OR (x.due_date = {due} AND x.id > {id}))"
            ));
        }
        let statement = Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT x.*, CASE WHEN {} THEN 1 ELSE 0 END AS gap_open \
                 FROM rectification x WHERE 1 = 1{sql} ORDER BY x.due_date, x.id LIMIT {}",
                gap_open_sql("x"),
                wanted - items.len()
            ),
            binds.0,
        );
        for row in db.query_all_raw(statement).await? {
            let item = item_of(&row)?;
            let position = Position {
                overdue,
                due_days: days_of(&item.model.due_date),
                id: item.model.id,
            };
            items.push((position, item));
        }
    }
    let has_next = items.len() > request.first as usize;
    items.truncate(request.first as usize);
    Ok((items, has_next))
}

/// How many items the filter matches: one statement.
pub async fn count(db: &impl ConnectionTrait, filter: &Filter, today: NaiveDate) -> Result<u64> {
    let mut binds = Binds::default();
    let sql = conditions(filter, today, &mut binds);
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM rectification x WHERE 1 = 1{sql}"),
            binds.0,
        ))
        .await?;
    Ok(match row {
        Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0),
        None => 0,
    })
}

/// The items with these ids, each with its gap's state: one statement.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<Item>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT x.*, CASE WHEN {} THEN 1 ELSE 0 END AS gap_open \
                 FROM rectification x WHERE x.id IN ({list})",
                gap_open_sql("x")
            ),
        ))
        .await?;
    rows.iter().map(item_of).collect()
}

/// The item short of VERIFIED of each of these gap keys, if any: one
/// statement. Their gaps are open (the keys come from the current gaps).
pub async fn open_by_keys(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<HashMap<String, rectification::Model>> {
    let rows = rectification::Entity::find()
        .filter(rectification::Column::GapKey.is_in(keys.iter().cloned()))
        .filter(rectification::Column::Status.ne(Status::Verified.code()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|m| (m.gap_key.clone(), m)).collect())
}

/// The history of each of these items, oldest first: one statement.
pub async fn histories(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<rectification_event::Model>>> {
    let rows = rectification_event::Entity::find()
        .filter(rectification_event::Column::RectificationId.is_in(ids.iter().copied()))
        .order_by_asc(rectification_event::Column::Id)
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<_>> = ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in rows {
        map.entry(row.rectification_id).or_default().push(row);
    }
    Ok(map)
}

/// The figures of a subtree's ledger.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: i64,
    pub open: i64,
    pub in_progress: i64,
    pub resolved: i64,
    pub verified: i64,
    pub overdue: i64,
    /// Items neither RESOLVED nor VERIFIED whose gap is gone.
    pub gap_gone: i64,
    /// RESOLVED or VERIFIED items whose gap is back, counted on the
    /// newest item of their key only (once a new item is opened for it,
    /// the return is that item's).
    pub reopened: i64,
}

/// The summary of the items of a subtree (and milestone): one statement.
pub async fn summary(
    db: &impl ConnectionTrait,
    region_id: Option<i32>,
    milestone_id: Option<i32>,
    today: NaiveDate,
) -> Result<Summary> {
    let mut binds = Binds::default();
    let filter = Filter {
        region_id,
        milestone_id,
        ..Filter::default()
    };
    let sql = conditions(&filter, today, &mut binds);
    let today = binds.bind(today.to_string());
    let codes = |statuses: &[Status]| quoted(statuses.iter().map(|s| s.code()));
    let active = format!(
        "x.status IN ({})",
        codes(&[Status::Open, Status::InProgress])
    );
    let closed = codes(&[Status::Resolved, Status::Verified]);
    // Each figure is a count of its own, so that each walks the one index
    // that holds it (the status, the due date, the region) rather than one
    // pass over every item of the subtree evaluating every condition.
    let count =
        |condition: &str| format!("(SELECT COUNT(*) FROM rectification x WHERE {condition}{sql})");
    let by_status = Status::ALL
        .map(|s| {
            format!(
                "{} AS \"{}\"",
                count(&format!("x.status = '{}'", s.code())),
                s.code()
            )
        })
        .join(", ");
    // The few items of the kinds read live are found by their kind; the
    // closed items whose gap came back by their ids, taken from the status
    // index first: SQLite's planner, knowing only how many statuses there
    // are, otherwise read every item to find them.
    let statement = Statement::from_sql_and_values(
        db.get_database_backend(),
        format!(
            "SELECT {by_status}, {overdue} AS overdue, \
                    {organization_gap_gone} + {region_gap_gone} AS gap_gone, \
                    (SELECT COUNT(*) FROM rectification x \
                     WHERE x.id IN (SELECT c.id FROM rectification c WHERE c.status IN ({closed})){sql} \
                       AND {gap_open} \
                       AND NOT EXISTS (SELECT 1 FROM rectification y \
                         WHERE y.gap_key = x.gap_key AND y.id > x.id)) AS reopened",
            overdue = count(&overdue_sql(&today)),
            organization_gap_gone = count(&format!("{active} AND x.organization_gap_open = FALSE")),
            region_gap_gone = count(&format!(
                "x.gap_kind IN ({}) AND {active} AND NOT {}",
                region_gap_kinds_sql(),
                region_gap_open_sql("x")
            )),
            gap_open = gap_open_sql("x"),
        ),
        binds.0,
    );
    let Some(row) = db.query_one_raw(statement).await? else {
        return Ok(Summary::default());
    };
    let get = |column: &str| row.try_get::<i64>("", column);
    let [open, in_progress, resolved, verified] = Status::ALL.map(|s| get(s.code()));
    let (open, in_progress, resolved, verified) = (open?, in_progress?, resolved?, verified?);
    Ok(Summary {
        total: open + in_progress + resolved + verified,
        open,
        in_progress,
        resolved,
        verified,
        overdue: get("overdue")?,
        gap_gone: get("gap_gone")?,
        reopened: get("reopened")?,
    })
}
