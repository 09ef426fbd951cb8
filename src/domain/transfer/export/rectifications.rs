//! Exporting the rectification ledger (整改台账), by item id, a page at a
//! time: each item with the codes and names a reader needs, its status,
//! whether it is overdue (today's Asia/Shanghai date) and whether its gap
//! is still there, read live in the statement that reads the page.

use futures::future::BoxFuture;
use sea_orm::{ConnectionTrait, DatabaseConnection, QueryResult, Statement};

use super::rows::{Page, Row, Rows, Value};
use crate::domain::clock::Clock;
use crate::domain::ledger::keys::gap_open_sql;
use crate::domain::ledger::{Status, overdue};
use crate::domain::region::within_sql;
use crate::error::Result;

/// Items read and written per chunk.
const PAGE: u64 = 5_000;

/// Where the export has got to: the last id written.
#[derive(Default)]
pub(super) struct Rectifications {
    after: i32,
}

impl Rows for Rectifications {
    fn page<'a>(
        &'a mut self,
        db: &'a DatabaseConnection,
        root: Option<i32>,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move {
            let rows = self.next_page(db, root).await?;
            let last = (rows.len() as u64) < PAGE;
            Ok(Page { rows, last })
        })
    }
}

fn text(row: &QueryResult, column: &str) -> Result<Value> {
    Ok(row.try_get::<Option<String>>("", column)?.into())
}

impl Rectifications {
    async fn next_page(&mut self, db: &DatabaseConnection, root: Option<i32>) -> Result<Vec<Row>> {
        let within = match root {
            Some(_) => format!(" AND {}", within_sql("x.region_id", "$2")),
            None => String::new(),
        };
        let mut values = vec![self.after.into()];
        if let Some(root) = root {
            values.push(root.into());
        }
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                format!(
                    "SELECT x.id, x.gap_key, x.gap_kind, r.code AS region_code, r.name AS region_name, \
                            o.credit_code, o.name AS organization_name, c.code AS category_code, \
                            d.code AS department_code, k.code AS kind_code, \
                            od.code AS owner_code, od.name AS owner_name, m.code AS milestone_code, \
                            x.due_date, x.status, x.opened_at, x.closed_at, \
                            CASE WHEN {} THEN 1 ELSE 0 END AS gap_open \
                     FROM rectification x JOIN region r ON r.id = x.region_id \
                     JOIN department od ON od.id = x.owner_department_id \
                     LEFT JOIN organization o ON o.id = x.organization_id \
                     LEFT JOIN category c ON c.id = x.category_id \
                     LEFT JOIN department d ON d.id = x.department_id \
                     LEFT JOIN department_kind k ON k.id = x.department_kind_id \
                     LEFT JOIN milestone m ON m.id = x.milestone_id \
                     WHERE x.id > $1{within} ORDER BY x.id LIMIT {PAGE}",
                    gap_open_sql("x")
                ),
                values,
            ))
            .await?;
        let today = Clock::system().today();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            self.after = id;
            let status: String = row.try_get("", "status")?;
            let due: String = row.try_get("", "due_date")?;
            let late = overdue(Status::of(&status), &due, today);
            let at = |column: &str| -> Result<Value> {
                Ok(row
                    .try_get::<Option<chrono::DateTime<chrono::Utc>>>("", column)?
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .into())
            };
            out.push(vec![
                Value::Int(i64::from(id)),
                text(&row, "gap_key")?,
                text(&row, "gap_kind")?,
                text(&row, "region_code")?,
                text(&row, "region_name")?,
                text(&row, "credit_code")?,
                text(&row, "organization_name")?,
                text(&row, "category_code")?,
                text(&row, "department_code")?,
                text(&row, "kind_code")?,
                text(&row, "owner_code")?,
                text(&row, "owner_name")?,
                text(&row, "milestone_code")?,
                Value::Text(due),
                Value::Text(status),
                Value::Bool(late),
                Value::Bool(row.try_get::<i32>("", "gap_open")? != 0),
                at("opened_at")?,
                at("closed_at")?,
            ]);
        }
        Ok(out)
    }
}
