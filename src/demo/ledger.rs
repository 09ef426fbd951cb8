//! The demo's rectification ledger (整改台账): the seed's three milestones
//! (11月底前解决一批，明年6月前完成一批，明年年底前基本完成整改任务), dated from
//! the current year, and items opened for the gaps of the province's first
//! city, a few of them already in progress, so that the README's ledger
//! queries show something. One city only: the benchmark opens the rest of
//! the province in one call and times it.

use chrono::{Datelike, NaiveDate};
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use entity::region;

use crate::domain::access::Caller;
use crate::domain::clock::Clock;
use crate::domain::gaps::GapKind;
use crate::domain::ledger::opening::{self, OpenInput};
use crate::domain::ledger::reading::{self, Filter};
use crate::domain::ledger::workflow::{self, UpdateInput};
use crate::domain::ledger::{self, At, MilestoneInput, Status};
use crate::error::Result;
use sea_orm::ColumnTrait;

/// The milestones' codes, as the README uses them.
pub const MILESTONES: [&str; 3] = ["BATCH1", "BATCH2", "BATCH3"];

/// Items moved to IN_PROGRESS.
const STARTED: i32 = 5;

pub(super) async fn seed(db: &DatabaseConnection, province: &str) -> Result<()> {
    let demo = Caller::system("demo");
    let at = At::of(Clock::system().now());
    let year = at.today.year();
    let date = |y: i32, m: u32, d: u32| {
        NaiveDate::from_ymd_opt(y, m, d).map_or_else(String::new, |d| d.to_string())
    };
    let milestones = [
        (
            MILESTONES[0],
            "第一批：11月底前解决一批",
            date(year, 11, 30),
        ),
        (
            MILESTONES[1],
            "第二批：明年6月前完成一批",
            date(year + 1, 6, 30),
        ),
        (
            MILESTONES[2],
            "第三批：明年年底前基本完成整改任务",
            date(year + 1, 12, 31),
        ),
    ];
    for (code, name, due_date) in milestones {
        ledger::upsert_milestone(
            db,
            &demo,
            MilestoneInput {
                code: code.to_owned(),
                name: name.to_owned(),
                due_date,
            },
        )
        .await?;
    }
    let Some(province) = region::Entity::find_by_code(province).one(db).await? else {
        return Ok(());
    };
    let Some(city) = region::Entity::find()
        .filter(region::Column::ParentId.eq(province.id))
        .order_by_asc(region::Column::Code)
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let batches = [
        (
            MILESTONES[0],
            vec![
                GapKind::Unassigned,
                GapKind::MissingDepartment,
                GapKind::UnruledCategory,
            ],
        ),
        (
            MILESTONES[1],
            vec![
                GapKind::FallbackOnly,
                GapKind::Contested,
                GapKind::IncompleteDedication,
            ],
        ),
        (
            MILESTONES[2],
            vec![GapKind::ShouldEstablish, GapKind::CategoryMismatch],
        ),
    ];
    for (milestone, kinds) in batches {
        opening::open(
            db,
            &demo,
            OpenInput {
                region_code: Some(city.code.clone()),
                kinds,
                milestone_code: Some(milestone.to_owned()),
                ..OpenInput::default()
            },
            at,
        )
        .await?;
    }
    let filter = Filter {
        region_id: Some(city.id),
        statuses: vec![Status::Open],
        ..Filter::default()
    };
    let (items, _) = reading::page(db, &filter, at.today, Some(STARTED), None).await?;
    for (_, item) in items {
        workflow::update(
            db,
            &demo,
            UpdateInput {
                id: item.model.id,
                status: Some(Status::InProgress),
                note: Some("已约谈责任部门，正在制定整改方案".to_owned()),
                ..UpdateInput::default()
            },
            at,
        )
        .await?;
    }
    Ok(())
}
