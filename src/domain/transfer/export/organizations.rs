//! Exporting organizations by credit code, a page at a time so that a
//! download streams and memory stays flat however many there are, with the
//! resolved responsibility an import accepts and ignores.

use std::collections::HashMap;

use entity::{category, department, organization, region, responsibility};
use futures::future::BoxFuture;
use sea_orm::sea_query::JoinType;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::rows::{Page, Row, Rows, Value, subtree_ids};
use crate::domain::organization::stored_relation;
use crate::domain::transfer::codes::codes_by_id;
use crate::error::Result;

/// Organizations read and written per chunk.
const PAGE: u64 = 5_000;

/// Where the export has got to.
#[derive(Default)]
pub(super) struct Organizations {
    /// The credit code after which the next page starts.
    after: Option<String>,
    /// Read with the first page.
    codes: Option<Codes>,
}

/// Codes (and department names) by id, for organization rows.
struct Codes {
    regions: HashMap<i32, String>,
    categories: HashMap<i32, String>,
    departments: HashMap<i32, (String, String)>,
}

impl Rows for Organizations {
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

impl Organizations {
    async fn next_page(&mut self, db: &DatabaseConnection, root: Option<i32>) -> Result<Vec<Row>> {
        if self.codes.is_none() {
            self.codes = Some(Codes {
                regions: codes_by_id::<region::Entity>(db).await?,
                categories: codes_by_id::<category::Entity>(db).await?,
                departments: department::Entity::find()
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|d| (d.id, (d.code, d.name)))
                    .collect(),
            });
        }
        let mut select = organization::Entity::find()
            .join(JoinType::InnerJoin, stored_relation())
            .select_also(responsibility::Entity)
            .order_by_asc(organization::Column::CreditCode)
            .limit(PAGE);
        if let Some(after) = &self.after {
            select = select.filter(organization::Column::CreditCode.gt(after.clone()));
        }
        if let Some(root) = root {
            select = select.filter(organization::Column::RegionId.in_subquery(subtree_ids(root)));
        }
        let page = select.all(db).await?;
        self.after = page.last().map(|(o, _)| o.credit_code.clone());
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
            .filter_map(|(o, stored)| stored.map(|stored| (o, stored)))
            .map(|(o, stored)| {
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
                    Value::Text(stored.basis),
                    department(stored.department_id),
                    stored
                        .department_id
                        .and_then(|i| codes.departments.get(&i).map(|d| d.1.clone()))
                        .into(),
                ]
            })
            .collect())
    }
}
