//! The demo's departments, as they exist: every township its 党委 and every
//! subdistrict its 党工委 (the FALLBACK-role kind), every city and county
//! its 组织部 and 统战部, the line bureaus at nearly every level. A few are
//! deliberately missing so that MISSING_DEPARTMENT occurs: the province's
//! commerce department is not yet filed (省商务厅尚未录入), nor are the
//! commerce bureaus of the two weakest cities, and about a third of the
//! counties have none of their own (at county level commerce is often
//! merged into another bureau). Staff titles fit the level: 处 at the
//! province, 科 below, the township's own titles in townships.

use std::collections::HashMap;

use entity::{department, department_contact};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveValue::NotSet, ConnectionTrait, EntityTrait, Set};

use super::names::{person, pick};
use super::regions::{PlannedRegion, WEAK_CITY};
use super::{BATCH, KIND_CODES};
use crate::domain::values::RegionLevel;
use crate::error::Result;

/// A planned department: `region` indexes the region plan.
pub(super) struct PlannedDepartment {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub region: usize,
    unit: bool,
    staff: bool,
    method: bool,
}

fn department_name(region: &PlannedRegion, kind: &str) -> String {
    let place = &region.name;
    let province = region.level == RegionLevel::Province;
    let county = region.level == RegionLevel::County;
    match kind {
        "ORGANIZATION" => format!("{place}委组织部"),
        "UNITED_FRONT" => format!("{place}委统战部"),
        "ORGANS_WORK_COMMITTEE" => format!("{place}直机关工委"),
        "EDUCATION" if province => format!("{place}教育厅"),
        "EDUCATION" => format!("{place}教育局"),
        "JUSTICE" if province => format!("{place}司法厅"),
        "JUSTICE" => format!("{place}司法局"),
        "CIVIL_AFFAIRS" if province => format!("{place}民政厅"),
        "CIVIL_AFFAIRS" => format!("{place}民政局"),
        "COMMERCE" if province => format!("{place}商务厅"),
        "COMMERCE" => format!("{place}商务局"),
        "HEALTH" if county => format!("{place}卫生健康局"),
        "HEALTH" => format!("{place}卫生健康委员会"),
        "MARKET_REGULATION" => format!("{place}市场监督管理局"),
        _ if region.level == RegionLevel::Subdistrict => format!("{place}党工委"),
        _ => format!("{place}党委"),
    }
}

/// Whether `region` has a department of `kind`.
fn exists(rng: &mut ChaCha8Rng, region: &PlannedRegion, kind: &str) -> bool {
    let weakness = 1.0 - region.strength;
    match (region.level, kind) {
        (RegionLevel::Township | RegionLevel::Subdistrict, kind) => kind == "TOWNSHIP",
        (_, "TOWNSHIP") => false,
        (RegionLevel::Province, "COMMERCE") => false,
        (RegionLevel::Province, _) => true,
        (RegionLevel::City, "COMMERCE") => region.strength >= WEAK_CITY,
        (RegionLevel::City, _) => true,
        (RegionLevel::County, "ORGANIZATION" | "UNITED_FRONT") => true,
        (RegionLevel::County, "ORGANS_WORK_COMMITTEE") => rng.random_bool(0.9),
        (RegionLevel::County, "COMMERCE") => rng.random_bool(0.7),
        (RegionLevel::County, _) => rng.random_bool(1.0 - 0.04 * (1.0 + weakness)),
    }
}

pub(super) fn plan(rng: &mut ChaCha8Rng, regions: &[PlannedRegion]) -> Vec<PlannedDepartment> {
    let mut plan = Vec::new();
    for (index, region) in regions.iter().enumerate() {
        // Weaker regions more often lack a dedication.
        let dedicated = 0.72 + 0.25 * region.strength;
        for kind in KIND_CODES {
            if !exists(rng, region, kind) {
                continue;
            }
            plan.push(PlannedDepartment {
                code: format!("{}-{kind}", region.code),
                name: department_name(region, kind),
                kind,
                region: index,
                unit: rng.random_bool(dedicated),
                staff: rng.random_bool(dedicated),
                method: rng.random_bool(dedicated - 0.03),
            });
        }
    }
    plan
}

/// The dedicated unit (专门组织) and the staff titles of a department at
/// `level`.
fn unit_and_titles(level: RegionLevel) -> (&'static str, &'static [&'static str]) {
    match level {
        RegionLevel::Province => (
            "两新组织党建工作处",
            &["处长", "副处长", "一级调研员", "一级主任科员"],
        ),
        RegionLevel::City | RegionLevel::County => (
            "两新组织党建工作科",
            &["科长", "副科长", "一级主任科员", "二级主任科员"],
        ),
        RegionLevel::Township | RegionLevel::Subdistrict => (
            "党建工作办公室",
            &["组织委员", "党建工作办公室主任", "党建工作指导员", "组织员"],
        ),
    }
}

pub(super) async fn insert(
    db: &impl ConnectionTrait,
    plan: &[PlannedDepartment],
    regions: &[PlannedRegion],
    region_ids: &[i32],
    kinds: &HashMap<String, i32>,
    rng: &mut ChaCha8Rng,
) -> Result<Vec<i32>> {
    for chunk in plan.chunks(BATCH) {
        let models: Vec<department::ActiveModel> = chunk
            .iter()
            .map(|d| department::ActiveModel {
                id: NotSet,
                code: Set(d.code.clone()),
                name: Set(d.name.clone()),
                kind_id: Set(kinds[d.kind]),
                region_id: Set(region_ids[d.region]),
                dedicated_unit: Set(d
                    .unit
                    .then(|| unit_and_titles(regions[d.region].level).0.to_owned())),
                method: Set(d
                    .method
                    .then(|| format!("《{}两新组织党建工作办法》（2020年）", d.name))),
            })
            .collect();
        department::Entity::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    let by_code: HashMap<String, i32> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.id))
        .collect();
    let ids: Vec<i32> = plan.iter().map(|d| by_code[&d.code]).collect();
    let mut contacts = Vec::new();
    for (d, id) in plan.iter().zip(&ids) {
        if !d.staff {
            continue;
        }
        let titles = unit_and_titles(regions[d.region].level).1;
        for position in 0..rng.random_range(1..=3) {
            contacts.push(department_contact::ActiveModel {
                id: NotSet,
                department_id: Set(*id),
                position: Set(position),
                name: Set(person(rng)),
                title: Set(Some(pick(rng, titles).to_owned())),
                phone: Set(Some(format!(
                    "0591-8{:07}",
                    rng.random_range(0..10_000_000u32)
                ))),
                email: Set(None),
            });
        }
    }
    for chunk in contacts.chunks(BATCH) {
        department_contact::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(ids)
}
