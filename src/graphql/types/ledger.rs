//! The rectification ledger's GraphQL objects: milestones, ledger items
//! (`Rectification`) with their history, the summary, the result of an
//! opening, and the request loaders that batch what a page of items points
//! at (milestones, histories, the open item of each gap key).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use entity::{milestone, rectification, rectification_event};

use super::connection::connection;
use super::enums::GapKindEnum;
use super::{Category, Department, DepartmentKind, Organization, Region, missing};
use crate::domain::clock::Clock;
use crate::domain::gaps::GapKind;
use crate::domain::ledger::reading::{self, Item, Position};
use crate::domain::ledger::{self, Status};
use crate::error::Error;
use crate::graphql::context::loader;
use crate::graphql::error::ApiResult;
use crate::graphql::loaders::{
    CategoryById, DepartmentById, KindById, Loaders, OrganizationById, RegionById,
};

/// Where a ledger item stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "RectificationStatus", remote = "crate::domain::ledger::Status")]
pub enum RectificationStatus {
    /// 待整改: opened, not yet started.
    Open,
    /// 整改中.
    InProgress,
    /// 已整改: the data no longer shows the gap.
    Resolved,
    /// 已验收: the level above the owner confirmed it.
    Verified,
}

/// An instant as RFC 3339, to the second, in UTC.
fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A rectification milestone (整改节点).
#[derive(Clone)]
pub struct Milestone(pub milestone::Model);

#[Object]
impl Milestone {
    /// The milestone's code, its natural key.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// 第一批 …
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// YYYY-MM-DD
    async fn due_date(&self) -> &str {
        &self.0.due_date
    }
}

/// A ledger item (整改事项): one gap, its owner, due date and status.
#[derive(Clone)]
pub struct Rectification(pub Item);

impl Rectification {
    fn model(&self) -> &rectification::Model {
        &self.0.model
    }
}

#[Object]
impl Rectification {
    async fn id(&self) -> ID {
        ID(self.model().id.to_string())
    }

    /// The key of the gap it tracks (CoverageGap.key).
    async fn gap_key(&self) -> &str {
        &self.model().gap_key
    }

    async fn gap_kind(&self) -> ApiResult<GapKindEnum> {
        GapKind::from_code(&self.model().gap_kind)
            .map(Into::into)
            .ok_or_else(|| missing("gap kind"))
    }

    /// The organization, for gaps about one organization (none once it is deleted).
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Option<Organization>> {
        let Some(id) = self.model().organization_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(OrganizationById(id))
            .await?
            .map(Organization))
    }

    async fn category(&self, ctx: &Context<'_>) -> ApiResult<Option<Category>> {
        let Some(id) = self.model().category_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?.load_one(CategoryById(id)).await?.map(Category))
    }

    /// The region of the gap (as CoverageGap.region).
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        loader(ctx)?
            .load_one(RegionById(self.model().region_id))
            .await?
            .map(Region)
            .ok_or_else(|| missing("region"))
    }

    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        let Some(id) = self.model().department_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(DepartmentById(id))
            .await?
            .map(Department))
    }

    async fn department_kind(&self, ctx: &Context<'_>) -> ApiResult<Option<DepartmentKind>> {
        let Some(id) = self.model().department_kind_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(KindById(id))
            .await?
            .map(DepartmentKind))
    }

    /// The department that must close the gap.
    async fn owner(&self, ctx: &Context<'_>) -> ApiResult<Department> {
        loader(ctx)?
            .load_one(DepartmentById(self.model().owner_department_id))
            .await?
            .map(Department)
            .ok_or_else(|| missing("owner department"))
    }

    async fn milestone(&self, ctx: &Context<'_>) -> ApiResult<Option<Milestone>> {
        let Some(id) = self.model().milestone_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(MilestoneById(id))
            .await?
            .map(Milestone))
    }

    /// YYYY-MM-DD
    async fn due_date(&self) -> &str {
        &self.model().due_date
    }

    async fn status(&self) -> RectificationStatus {
        Status::of(&self.model().status).into()
    }

    /// Whether the gap is still there now.
    async fn gap_open(&self) -> bool {
        self.0.gap_open
    }

    /// Past its due date (Asia/Shanghai) and neither RESOLVED nor VERIFIED.
    async fn overdue(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let today = ctx.data::<Clock>()?.today();
        Ok(ledger::overdue(
            Status::of(&self.model().status),
            &self.model().due_date,
            today,
        ))
    }

    /// RFC 3339.
    async fn opened_at(&self) -> String {
        rfc3339(self.model().opened_at)
    }

    /// When it was first RESOLVED (RFC 3339).
    async fn closed_at(&self) -> Option<String> {
        self.model().closed_at.map(rfc3339)
    }

    /// Every status change and note, oldest first.
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<RectificationEvent>> {
        Ok(loader(ctx)?
            .load_one(HistoryOf(self.model().id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(RectificationEvent)
            .collect())
    }
}

/// One event in an item's history.
#[derive(Clone)]
pub struct RectificationEvent(pub rectification_event::Model);

#[Object]
impl RectificationEvent {
    /// RFC 3339.
    async fn at(&self) -> String {
        rfc3339(self.0.at)
    }

    /// The token's name; null when open local use.
    async fn by(&self) -> Option<&str> {
        self.0.actor.as_deref()
    }

    /// The item's status after the event.
    async fn status(&self) -> RectificationStatus {
        Status::of(&self.0.status).into()
    }

    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }

    /// The owner before an owner change.
    async fn owner_before(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        department(ctx, self.0.owner_before_id).await
    }

    /// The owner after an owner change, or the first owner of an opening.
    async fn owner_after(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        department(ctx, self.0.owner_after_id).await
    }

    /// The due date before a due-date change (YYYY-MM-DD).
    async fn due_date_before(&self) -> Option<&str> {
        self.0.due_date_before.as_deref()
    }

    /// The due date after a due-date change, or the first one of an opening.
    async fn due_date_after(&self) -> Option<&str> {
        self.0.due_date_after.as_deref()
    }
}

async fn department(ctx: &Context<'_>, id: Option<i32>) -> ApiResult<Option<Department>> {
    let Some(id) = id else {
        return Ok(None);
    };
    Ok(loader(ctx)?
        .load_one(DepartmentById(id))
        .await?
        .map(Department))
}

/// What an opening did.
#[derive(SimpleObject)]
pub struct OpenRectificationsResult {
    /// Items opened.
    pub opened: i32,
    /// Matching gaps that already have an item not yet VERIFIED.
    pub already_open: i32,
    /// Matching gaps left unopened: no owner given, no department responsible and no coordinator up the region chain.
    pub without_owner: i32,
}

/// The figures of a ledger.
#[derive(SimpleObject)]
pub struct RectificationSummary {
    pub total: i32,
    pub open: i32,
    pub in_progress: i32,
    pub resolved: i32,
    pub verified: i32,
    /// Past their due date (Asia/Shanghai) and neither RESOLVED nor VERIFIED.
    pub overdue: i32,
    /// Items neither RESOLVED nor VERIFIED whose gap is gone.
    pub gap_gone: i32,
    /// RESOLVED or VERIFIED items whose gap is back (the newest item of their gap only).
    pub reopened: i32,
}

fn int(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<reading::Summary> for RectificationSummary {
    fn from(s: reading::Summary) -> Self {
        RectificationSummary {
            total: int(s.total),
            open: int(s.open),
            in_progress: int(s.in_progress),
            resolved: int(s.resolved),
            verified: int(s.verified),
            overdue: int(s.overdue),
            gap_gone: int(s.gap_gone),
            reopened: int(s.reopened),
        }
    }
}

connection!(
    RectificationConnection, RectificationEdge, Rectification, Position,
    edges: ["The items of this page, each with its cursor."],
    page_info: ["Where this page stands in the list."],
    total_count: ["How many items match, all pages together."],
    edge: ["One ledger item with its cursor."],
    cursor: ["Pass as `after` to continue after this item."],
    connection: ["A page of the ledger: overdue items first, then by due date, then by id."]
);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MilestoneById(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HistoryOf(pub i32);
/// The item not yet VERIFIED of a gap key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OpenItemOfGap(pub String);

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<Error>>;

impl Loader<MilestoneById> for Loaders {
    type Value = milestone::Model;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[MilestoneById]) -> LoadResult<MilestoneById, Self::Value> {
        let rows = milestone::Entity::find()
            .filter(milestone::Column::Id.is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await
            .map_err(|e| Arc::new(Error::from(e)))?;
        Ok(rows.into_iter().map(|m| (MilestoneById(m.id), m)).collect())
    }
}

impl Loader<HistoryOf> for Loaders {
    type Value = Vec<rectification_event::Model>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[HistoryOf]) -> LoadResult<HistoryOf, Self::Value> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let map = reading::histories(&self.db, &ids).await.map_err(Arc::new)?;
        Ok(map.into_iter().map(|(k, v)| (HistoryOf(k), v)).collect())
    }
}

impl Loader<OpenItemOfGap> for Loaders {
    type Value = rectification::Model;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[OpenItemOfGap]) -> LoadResult<OpenItemOfGap, Self::Value> {
        let keys: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
        let map = reading::open_by_keys(&self.db, &keys)
            .await
            .map_err(Arc::new)?;
        Ok(map
            .into_iter()
            .map(|(k, v)| (OpenItemOfGap(k), v))
            .collect())
    }
}

impl Rectification {
    /// The item not yet VERIFIED that tracks the gap with this key, if
    /// any; its gap is open, since the key was read from the current gaps.
    pub async fn of_gap(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Rectification>> {
        Ok(loader(ctx)?
            .load_one(OpenItemOfGap(key.to_owned()))
            .await?
            .map(|model| {
                Rectification(Item {
                    model,
                    gap_open: true,
                })
            }))
    }
}
