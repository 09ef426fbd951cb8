//! Cursor connections (`edges { cursor node }`, `pageInfo`, `totalCount`).
//! `totalCount` is counted only when asked for.

use std::sync::Arc;

use async_graphql::{Object, SimpleObject};
use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, Select};

use super::{Department, Organization, Region};
use crate::domain::page::{Page, encode_cursor};
use crate::error::Result;
use crate::graphql::error::ApiResult;

/// Counts the whole list a page was cut from, on demand.
#[derive(Clone)]
pub struct TotalCount(Arc<dyn Fn() -> BoxFuture<'static, Result<u64>> + Send + Sync>);

impl TotalCount {
    /// Counts the rows `select` matches.
    pub fn of<E>(db: &DatabaseConnection, select: Select<E>) -> Self
    where
        E: EntityTrait,
        E::Model: Send + Sync,
        Select<E>: Clone + Send + Sync + 'static,
    {
        let db = db.clone();
        TotalCount(Arc::new(move || {
            let (db, select) = (db.clone(), select.clone());
            Box::pin(async move { Ok(select.count(&db).await?) })
        }))
    }

    /// A count that `count` computes when asked.
    pub fn from_fn(
        count: impl Fn() -> BoxFuture<'static, Result<u64>> + Send + Sync + 'static,
    ) -> Self {
        TotalCount(Arc::new(count))
    }

    /// A count known in advance.
    pub fn known(count: u64) -> Self {
        TotalCount(Arc::new(move || Box::pin(async move { Ok(count) })))
    }

    pub(crate) async fn get(&self) -> ApiResult<i32> {
        let count = (self.0)().await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// Where a page stands in its list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// True when items follow this page.
    pub has_next_page: bool,
    /// The cursor of the last item; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
    /// True when this page was asked for with `after`.
    pub has_previous_page: bool,
    /// The cursor of the first item.
    pub start_cursor: Option<String>,
}

impl PageInfo {
    pub fn of<T>(page: &Page<T>) -> Self {
        PageInfo {
            has_next_page: page.has_next,
            end_cursor: page.items.last().map(|(id, _)| encode_cursor(*id)),
            has_previous_page: page.has_previous,
            start_cursor: page.items.first().map(|(id, _)| encode_cursor(*id)),
        }
    }
}

/// The complexity of a connection field: its selection counted once per
/// item it may return.
pub fn page_complexity(first: Option<i32>, child_complexity: usize) -> usize {
    let items = first.map_or(crate::domain::page::DEFAULT_PAGE_SIZE as usize, |n| {
        n.clamp(0, crate::domain::page::MAX_PAGE_SIZE as i32) as usize
    });
    1 + items.max(1) * child_complexity
}

/// Declares a connection and its edge for a node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ".")]
        pub struct $connection {
            pub page: Page<$node>,
            pub total: TotalCount,
        }

        #[Object]
        impl $connection {
            /// The items of this page, each with its cursor.
            async fn edges(&self) -> Vec<$edge> {
                self.page
                    .items
                    .iter()
                    .map(|(id, node)| $edge {
                        cursor: encode_cursor(*id),
                        node: node.clone(),
                    })
                    .collect()
            }

            /// Where this page stands in the list.
            async fn page_info(&self) -> PageInfo {
                PageInfo::of(&self.page)
            }

            /// How many items the whole list holds.
            async fn total_count(&self) -> ApiResult<i32> {
                self.total.get().await
            }
        }

        #[doc = concat!("One of ", $what, " with its cursor.")]
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Pass as `after` to continue after this item.
            pub cursor: String,
            pub node: $node,
        }
    };
}

pub(crate) use connection;

connection!(RegionConnection, RegionEdge, Region, "regions");
connection!(
    DepartmentConnection,
    DepartmentEdge,
    Department,
    "departments"
);
connection!(
    OrganizationConnection,
    OrganizationEdge,
    Organization,
    "organizations"
);
