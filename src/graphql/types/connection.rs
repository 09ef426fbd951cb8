//! Cursor connections (`edges { cursor node }`, `pageInfo`, `totalCount`).
//! `totalCount` is counted only when asked for.

use std::sync::Arc;

use async_graphql::SimpleObject;
use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, Select};

use super::{Department, Organization, Region};
use crate::domain::page::{CursorKey, Page, encode_key};
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
    pub fn of<T, K: CursorKey>(page: &Page<T, K>) -> Self {
        PageInfo {
            has_next_page: page.has_next,
            end_cursor: page.items.last().map(|(key, _)| encode_key(key)),
            has_previous_page: page.has_previous,
            start_cursor: page.items.first().map(|(key, _)| encode_key(key)),
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

/// Declares a connection and its edge for a node type. The short form
/// pages over ids with the usual field descriptions; the long form names
/// the key type and each description (a bracket left empty gives none), so
/// that a connection whose contract was written differently keeps its SDL.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        $crate::graphql::types::connection::connection!(
            $connection, $edge, $node, i64,
            edges: ["The items of this page, each with its cursor."],
            page_info: ["Where this page stands in the list."],
            total_count: ["How many items the whole list holds."],
            edge: [concat!("One of ", $what, " with its cursor.")],
            cursor: ["Pass as `after` to continue after this item."],
            connection: [concat!("A page of ", $what, ".")]
        );
    };
    (
        $connection:ident, $edge:ident, $node:ty, $key:ty,
        edges: [$($edges_doc:tt)?],
        page_info: [$($page_info_doc:tt)?],
        total_count: [$($total_doc:tt)?],
        edge: [$($edge_doc:tt)+],
        cursor: [$($cursor_doc:tt)?],
        connection: [$($connection_doc:tt)+]
    ) => {
        #[doc = $($connection_doc)+]
        pub struct $connection {
            pub page: $crate::domain::page::Page<$node, $key>,
            pub total: $crate::graphql::types::TotalCount,
        }

        #[async_graphql::Object]
        impl $connection {
            $(#[doc = $edges_doc])?
            async fn edges(&self) -> Vec<$edge> {
                self.page
                    .items
                    .iter()
                    .map(|(key, node)| $edge {
                        cursor: $crate::domain::page::encode_key(key),
                        node: node.clone(),
                    })
                    .collect()
            }

            $(#[doc = $page_info_doc])?
            async fn page_info(&self) -> $crate::graphql::types::PageInfo {
                $crate::graphql::types::PageInfo::of(&self.page)
            }

            $(#[doc = $total_doc])?
            async fn total_count(&self) -> $crate::graphql::error::ApiResult<i32> {
                self.total.get().await
            }
        }

        #[doc = $($edge_doc)+]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            $(#[doc = $cursor_doc])?
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
