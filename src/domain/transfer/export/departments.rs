//! Exporting departments by code, each with its dedicated staff as a JSON
//! list of contacts.

use std::collections::HashMap;

use entity::{department, department_contact, department_kind, region};
use futures::future::BoxFuture;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::rows::{Page, Row, Rows, Value, subtree_ids};
use crate::domain::transfer::codes::codes_by_id;
use crate::error::Result;

pub(super) struct Departments;

impl Rows for Departments {
    fn page<'a>(
        &'a mut self,
        db: &'a DatabaseConnection,
        root: Option<i32>,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move { Ok(Page::all(departments(db, root).await?)) })
    }
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

async fn departments(db: &DatabaseConnection, root: Option<i32>) -> Result<Vec<Row>> {
    let mut select = department::Entity::find().order_by_asc(department::Column::Code);
    if let Some(root) = root {
        select = select.filter(department::Column::RegionId.in_subquery(subtree_ids(root)));
    }
    let all = select.all(db).await?;
    let kinds = codes_by_id::<department_kind::Entity>(db).await?;
    let regions = codes_by_id::<region::Entity>(db).await?;
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
