//! Exporting responsibility rules: by category, the rule that holds
//! everywhere first, then by scope region.

use entity::{category, department_kind, region, responsibility_rule as rule};
use futures::future::BoxFuture;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::rows::{Page, Row, Rows, Value, subtree_ids};
use crate::domain::transfer::codes::codes_by_id;
use crate::error::Result;

pub(super) struct Rules;

impl Rows for Rules {
    fn page<'a>(
        &'a mut self,
        db: &'a DatabaseConnection,
        root: Option<i32>,
    ) -> BoxFuture<'a, Result<Page>> {
        Box::pin(async move { Ok(Page::all(rules(db, root).await?)) })
    }
}

async fn rules(db: &DatabaseConnection, root: Option<i32>) -> Result<Vec<Row>> {
    let mut select = rule::Entity::find();
    if let Some(root) = root {
        select = select.filter(rule::Column::ScopeRegionId.in_subquery(subtree_ids(root)));
    }
    let all = select.all(db).await?;
    let categories = codes_by_id::<category::Entity>(db).await?;
    let kinds = codes_by_id::<department_kind::Entity>(db).await?;
    let regions = codes_by_id::<region::Entity>(db).await?;
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
