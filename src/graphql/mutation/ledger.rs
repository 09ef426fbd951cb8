//! The ledger's writes: milestones, opening items for the current gaps,
//! moving an item along its workflow.

use async_graphql::{Context, ID, InputObject, Object};

use crate::domain::clock::Clock;
use crate::domain::ledger::opening::{self, OpenInput};
use crate::domain::ledger::workflow::{self, UpdateInput};
use crate::domain::ledger::{self, At, MilestoneInput as DomainMilestone, reading};
use crate::error::Error;
use crate::graphql::context::{caller, db};
use crate::graphql::error::ApiResult;
use crate::graphql::types::enums::GapKindEnum;
use crate::graphql::types::ledger::{
    Milestone, OpenRectificationsResult, Rectification, RectificationStatus,
};
use crate::graphql::types::missing;
use crate::msg;

/// A milestone by its code.
#[derive(InputObject)]
pub struct MilestoneInput {
    pub code: String,
    /// 第一批 …
    pub name: String,
    /// YYYY-MM-DD (Asia/Shanghai).
    pub due_date: String,
}

/// Which gaps to open items for, and with what.
#[derive(InputObject)]
pub struct OpenRectificationsInput {
    /// The region subtree (default: the token's region, or everything).
    pub region_code: Option<String>,
    /// Default: every kind.
    pub kinds: Option<Vec<GapKindEnum>>,
    pub milestone_code: Option<String>,
    /// Default: the milestone's due date.
    pub due_date: Option<String>,
    /// Default: the department responsible for the organization, else the coordinator of the gap's region.
    pub owner_department_code: Option<String>,
}

/// A change to one ledger item; every field left out stays as it is.
#[derive(InputObject)]
pub struct RectificationUpdateInput {
    pub id: ID,
    /// The next status: OPEN → IN_PROGRESS → RESOLVED → VERIFIED (OPEN → RESOLVED too).
    pub status: Option<RectificationStatus>,
    pub note: Option<String>,
    /// YYYY-MM-DD (Asia/Shanghai).
    pub due_date: Option<String>,
    pub owner_department_code: Option<String>,
}

#[derive(Default)]
pub struct LedgerMutation;

fn at(ctx: &Context<'_>) -> ApiResult<At> {
    Ok(At::of(ctx.data::<Clock>()?.now()))
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[Object]
impl LedgerMutation {
    /// Creates the milestone, or changes its name and due date when the code exists.
    async fn upsert_milestone(
        &self,
        ctx: &Context<'_>,
        input: MilestoneInput,
    ) -> ApiResult<Milestone> {
        let saved = ledger::upsert_milestone(
            db(ctx)?,
            caller(ctx)?,
            DomainMilestone {
                code: input.code,
                name: input.name,
                due_date: input.due_date,
            },
        )
        .await?;
        Ok(Milestone(saved))
    }

    /// Opens one ledger item for each current gap that matches and has no item that is not yet VERIFIED.
    async fn open_rectifications(
        &self,
        ctx: &Context<'_>,
        input: OpenRectificationsInput,
    ) -> ApiResult<OpenRectificationsResult> {
        let opened = opening::open(
            db(ctx)?,
            caller(ctx)?,
            OpenInput {
                region_code: input.region_code,
                kinds: input
                    .kinds
                    .unwrap_or_default()
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                milestone_code: input.milestone_code,
                due_date: input.due_date,
                owner_department_code: input.owner_department_code,
            },
            at(ctx)?,
        )
        .await?;
        Ok(OpenRectificationsResult {
            opened: count(opened.opened),
            already_open: count(opened.already_open),
            without_owner: count(opened.without_owner),
        })
    }

    /// Moves a ledger item along (RESOLVED only once the data no longer shows the gap; VERIFIED by the level above the owner), adds a note, or changes its owner or due date; each change is recorded in its history.
    async fn update_rectification(
        &self,
        ctx: &Context<'_>,
        input: RectificationUpdateInput,
    ) -> ApiResult<Rectification> {
        let id = input
            .id
            .parse::<i32>()
            .map_err(|_| Error::invalid("id", msg!("rectification-id-invalid")))?;
        let db = db(ctx)?;
        let saved = workflow::update(
            db,
            caller(ctx)?,
            UpdateInput {
                id,
                status: input.status.map(Into::into),
                note: input.note,
                due_date: input.due_date,
                owner_department_code: input.owner_department_code,
            },
            at(ctx)?,
        )
        .await?;
        reading::by_ids(db, &[saved.id])
            .await?
            .into_iter()
            .next()
            .map(Rectification)
            .ok_or_else(|| missing("rectification"))
    }
}
