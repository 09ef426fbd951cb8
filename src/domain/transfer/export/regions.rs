//! Exporting regions, by code: GB/T 2260 codes sort parents before their
//! children.

use std::collections::HashMap;

use entity::region;
use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::rows::{Page, Row, Rows, Value, subtree};
use crate::error::Result;

pub(super) struct Regions;

impl Rows for Regions {
    fn page<'a>(
        &'a mut self,
        db: &'a DatabaseConnection,
        root: Option<i32>,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move { Ok(Page::all(regions(db, root).await?)) })
    }
}

async fn regions(db: &DatabaseConnection, root: Option<i32>) -> Result<Vec<Row>> {
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
