//! Exporting categories, parents before children: by depth, then code.
//! Categories hold in every region, so a region's export has them all.

use std::collections::HashMap;

use entity::category;
use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, EntityTrait};

use super::rows::{Page, Row, Rows, Value};
use crate::error::Result;

pub(super) struct Categories;

impl Rows for Categories {
    fn page<'a>(
        &'a mut self,
        db: &'a DatabaseConnection,
        _root: Option<i32>,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move { Ok(Page::all(categories(db).await?)) })
    }
}

async fn categories(db: &DatabaseConnection) -> Result<Vec<Row>> {
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
                (!c.credit_code_types.is_empty())
                    .then(|| c.credit_code_types.clone())
                    .into(),
            ]
        })
        .collect())
}
