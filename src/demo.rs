//! The deterministic demo province: one province, about 15 cities, 120
//! counties and 2,000 townships and subdistricts, departments of every kind
//! (some deliberately missing or without a dedication), and any number of
//! organizations across all categories, so that the gaps the service exists
//! to find are there. The same seed gives the same province. Inserts are
//! batched multi-row statements in one transaction.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use entity::{category, department, department_contact, department_kind, organization, region};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveValue::NotSet, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryOrder, Set, Statement,
};

use crate::domain::values::{CreditCode, RegionLevel};
use crate::domain::{engine, region as region_domain, store};
use crate::error::{Error, Result};
use crate::msg;

pub const DEFAULT_ORGANIZATIONS: u32 = 10_000;
pub const DEFAULT_SEED: u64 = 2019;

/// Rows per multi-row INSERT: 1,000 rows of 11 columns stay well inside
/// both SQLite's and PostgreSQL's limits on bound parameters.
const BATCH: usize = 1_000;

pub const PROVINCE_CODE: &str = "350000";
pub const PROVINCE_NAME: &str = "东海省";

/// What a run made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub regions: usize,
    pub departments: usize,
    pub organizations: usize,
    pub elapsed: Duration,
}

/// True when the database holds no regions (the demo's precondition).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool> {
    Ok(region::Entity::find().count(db).await? == 0)
}

/// Fills an empty database (reference data loaded, no regions) with the
/// demo province.
pub async fn generate(
    db: &DatabaseConnection,
    organizations: u32,
    seed: u64,
) -> Result<DemoReport> {
    let started = Instant::now();
    if !is_empty(db).await? {
        return Err(Error::Conflict(msg!("demo-not-empty")));
    }
    // Through the one write function, like every write: the seed makes
    // each attempt the same province, so a retried attempt is harmless.
    let (regions, departments, made) = store::write(db, move |txn| {
        Box::pin(async move {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let kinds = ids_by_code(
                department_kind::Entity::find()
                    .order_by_asc(department_kind::Column::Id)
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(|k| (k.code, k.id)),
            );
            let categories = ids_by_code(
                category::Entity::find()
                    .order_by_asc(category::Column::Id)
                    .all(txn)
                    .await?
                    .into_iter()
                    .map(|c| (c.code, c.id)),
            );
            for kind in KIND_CODES {
                if !kinds.contains_key(kind) {
                    return Err(Error::invalid(
                        "reference data",
                        msg!("demo-kind-missing", kind = kind.to_string()),
                    ));
                }
            }
            for (code, ..) in CATEGORY_MIX {
                if !categories.contains_key(*code) {
                    return Err(Error::invalid(
                        "reference data",
                        msg!("demo-category-missing", code = *code),
                    ));
                }
            }

            let regions = plan_regions(&mut rng);
            let region_ids = insert_regions(txn, &regions).await?;
            region_domain::rebuild_closure(txn).await?;

            let departments = plan_departments(&mut rng, &regions);
            let department_ids =
                insert_departments(txn, &departments, &region_ids, &kinds, &mut rng).await?;

            let world = World::new(&regions, &region_ids, &departments, &department_ids);
            let made =
                insert_organizations(txn, &world, &categories, organizations, &mut rng).await?;
            engine::rebuild(txn).await?;
            Ok((regions.len(), departments.len(), made))
        })
    })
    .await?;
    // Fresh statistics, so the query planner knows the tables' sizes. On
    // PostgreSQL a bare ANALYZE would visit every schema of the database;
    // name the service's tables (in the connection's search path).
    let analyze = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "ANALYZE organization, region, region_closure, department, department_contact, \
             category, category_closure, responsibility_rule, effective_rule, \
             effective_department, effective_fallback, coverage_cell"
        }
        _ => "ANALYZE",
    };
    db.execute_unprepared(analyze).await?;
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        forget_value_samples(db).await?;
    }
    Ok(DemoReport {
        regions,
        departments,
        organizations: made,
        elapsed: started.elapsed(),
    })
}

/// Keeps SQLite's row counts per index (`sqlite_stat1`) and drops the
/// samples of indexed values (`sqlite_stat4`). With samples present, SQLite
/// prepares a statement again, parsing and planning it, every time a value
/// bound to an indexed column changes, so that no statement of the
/// service would ever be served from the statement cache: whoOversees took
/// 0.30 ms instead of 0.19. The samples would only help with skewed values,
/// and the service's reads are planned well without them.
async fn forget_value_samples(db: &DatabaseConnection) -> Result<()> {
    let samples = db
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'",
        ))
        .await?;
    if samples.is_some() {
        // The second ANALYZE reloads the statistics of this connection;
        // the others read them afresh, as the first one changed the schema.
        db.execute_unprepared("DELETE FROM sqlite_stat4; ANALYZE sqlite_schema")
            .await?;
    }
    Ok(())
}

fn ids_by_code(rows: impl Iterator<Item = (String, i32)>) -> HashMap<String, i32> {
    rows.collect()
}

const KIND_CODES: [&str; 10] = [
    "ORGANIZATION",
    "UNITED_FRONT",
    "ORGANS_WORK_COMMITTEE",
    "EDUCATION",
    "JUSTICE",
    "CIVIL_AFFAIRS",
    "COMMERCE",
    "HEALTH",
    "MARKET_REGULATION",
    "TOWNSHIP",
];

/// A planned region; `parent` indexes the plan.
struct PlannedRegion {
    code: String,
    name: String,
    level: RegionLevel,
    parent: Option<usize>,
}

const SYLLABLES: [&str; 48] = [
    "安", "宁", "平", "江", "河", "山", "海", "云", "龙", "凤", "金", "石", "清", "泉", "阳", "溪",
    "林", "桥", "新", "东", "西", "南", "北", "华", "兴", "永", "长", "德", "福", "明", "和", "丰",
    "源", "岭", "湖", "湾", "坪", "田", "松", "梅", "竹", "沙", "浦", "塘", "峰", "庆", "泰", "嘉",
];

fn place_name(rng: &mut ChaCha8Rng) -> String {
    loop {
        let a = SYLLABLES[rng.random_range(0..SYLLABLES.len())];
        let b = SYLLABLES[rng.random_range(0..SYLLABLES.len())];
        if a != b {
            return format!("{a}{b}");
        }
    }
}

fn plan_regions(rng: &mut ChaCha8Rng) -> Vec<PlannedRegion> {
    let mut plan = vec![PlannedRegion {
        code: PROVINCE_CODE.to_owned(),
        name: PROVINCE_NAME.to_owned(),
        level: RegionLevel::Province,
        parent: None,
    }];
    let mut counties = Vec::new();
    for city in 1..=15u32 {
        let city_index = plan.len();
        plan.push(PlannedRegion {
            code: format!("35{city:02}00"),
            name: format!("{}市", place_name(rng)),
            level: RegionLevel::City,
            parent: Some(0),
        });
        let county_count = rng.random_range(6..=10u32);
        for county in 1..=county_count {
            counties.push(plan.len());
            let suffix = match county {
                1..=2 => "区",
                _ if rng.random_bool(0.2) => "市",
                _ => "县",
            };
            plan.push(PlannedRegion {
                code: format!("35{city:02}{county:02}"),
                name: format!("{}{suffix}", place_name(rng)),
                level: RegionLevel::County,
                parent: Some(city_index),
            });
        }
    }
    // Two county-level cities directly under the province (省直辖县级市).
    for county in 1..=2u32 {
        counties.push(plan.len());
        plan.push(PlannedRegion {
            code: format!("3590{county:02}"),
            name: format!("{}市", place_name(rng)),
            level: RegionLevel::County,
            parent: Some(0),
        });
    }
    for county_index in counties {
        let urban = plan[county_index].name.ends_with('区');
        let count = rng.random_range(12..=21u32);
        for n in 1..=count {
            let subdistrict = if urban {
                rng.random_bool(0.8)
            } else {
                rng.random_bool(0.15)
            };
            let (level, suffix) = if subdistrict {
                (RegionLevel::Subdistrict, "街道")
            } else if rng.random_bool(0.3) {
                (RegionLevel::Township, "乡")
            } else {
                (RegionLevel::Township, "镇")
            };
            plan.push(PlannedRegion {
                code: format!("{}{n:03}", plan[county_index].code),
                name: format!("{}{suffix}", place_name(rng)),
                level,
                parent: Some(county_index),
            });
        }
    }
    plan
}

async fn insert_regions(db: &impl ConnectionTrait, plan: &[PlannedRegion]) -> Result<Vec<i32>> {
    // Parents come before children in the plan, so level by level each
    // insert can name its parent's id.
    let mut ids: Vec<i32> = vec![0; plan.len()];
    let levels = [
        vec![RegionLevel::Province],
        vec![RegionLevel::City],
        vec![RegionLevel::County],
        vec![RegionLevel::Township, RegionLevel::Subdistrict],
    ];
    for level_set in levels {
        let rows: Vec<usize> = (0..plan.len())
            .filter(|i| level_set.contains(&plan[*i].level))
            .collect();
        for chunk in rows.chunks(BATCH) {
            let models = chunk.iter().map(|i| {
                let r = &plan[*i];
                region::ActiveModel {
                    id: NotSet,
                    code: Set(r.code.clone()),
                    name: Set(r.name.clone()),
                    level: Set(r.level.as_str().to_owned()),
                    parent_id: Set(r.parent.map(|p| ids[p])),
                }
            });
            region::Entity::insert_many(models.collect::<Vec<_>>())
                .exec_without_returning(db)
                .await?;
        }
        let by_code: HashMap<String, i32> = region::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.code, r.id))
            .collect();
        for i in rows {
            ids[i] = by_code[&plan[i].code];
        }
    }
    Ok(ids)
}

/// A planned department: `region` indexes the region plan.
struct PlannedDepartment {
    code: String,
    name: String,
    kind: &'static str,
    region: usize,
    unit: bool,
    staff: bool,
    method: bool,
}

fn department_name(region: &PlannedRegion, kind: &str) -> String {
    let place = &region.name;
    let province = region.level == RegionLevel::Province;
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
        "HEALTH" => format!("{place}卫生健康委员会"),
        "MARKET_REGULATION" => format!("{place}市场监督管理局"),
        _ if region.level == RegionLevel::Subdistrict => format!("{place}党工委"),
        _ => format!("{place}党委"),
    }
}

fn plan_departments(rng: &mut ChaCha8Rng, regions: &[PlannedRegion]) -> Vec<PlannedDepartment> {
    let mut plan = Vec::new();
    for (index, region) in regions.iter().enumerate() {
        for kind in KIND_CODES {
            let exists = match (region.level, kind) {
                (RegionLevel::Township | RegionLevel::Subdistrict, "TOWNSHIP") => {
                    rng.random_bool(0.9)
                }
                (RegionLevel::Township | RegionLevel::Subdistrict, _) => false,
                (_, "TOWNSHIP") => false,
                (RegionLevel::Province, _) => true,
                (RegionLevel::City, "ORGANIZATION") => true,
                (RegionLevel::City, _) => rng.random_bool(0.9),
                (RegionLevel::County, "ORGANIZATION") => rng.random_bool(0.97),
                (RegionLevel::County, "ORGANS_WORK_COMMITTEE" | "UNITED_FRONT") => {
                    rng.random_bool(0.6)
                }
                (RegionLevel::County, _) => rng.random_bool(0.8),
            };
            if !exists {
                continue;
            }
            plan.push(PlannedDepartment {
                code: format!("{}-{kind}", region.code),
                name: department_name(region, kind),
                kind,
                region: index,
                unit: rng.random_bool(0.88),
                staff: rng.random_bool(0.88),
                method: rng.random_bool(0.85),
            });
        }
    }
    plan
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "林", "何", "高", "罗",
];
const GIVEN: [&str; 20] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀英", "建华", "海燕", "志强",
];
const TITLES: [&str; 4] = ["科长", "副科长", "党建工作指导员", "组织员"];

async fn insert_departments(
    db: &impl ConnectionTrait,
    plan: &[PlannedDepartment],
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
                dedicated_unit: Set(d.unit.then(|| {
                    if d.kind == "TOWNSHIP" {
                        "党建工作办公室".to_owned()
                    } else {
                        "两新组织党建工作科".to_owned()
                    }
                })),
                method: Set(d
                    .method
                    .then(|| format!("《{}两新组织党建工作办法》(2020)", d.name))),
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
        for position in 0..rng.random_range(1..=3) {
            let name = format!(
                "{}{}",
                SURNAMES[rng.random_range(0..SURNAMES.len())],
                GIVEN[rng.random_range(0..GIVEN.len())]
            );
            contacts.push(department_contact::ActiveModel {
                id: NotSet,
                department_id: Set(*id),
                position: Set(position),
                name: Set(name),
                title: Set(Some(TITLES[rng.random_range(0..TITLES.len())].to_owned())),
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

/// What the organization generator looks up.
struct World {
    /// Region ids of townships and subdistricts, counties and cities.
    townships: Vec<usize>,
    counties: Vec<usize>,
    cities: Vec<usize>,
    region_ids: Vec<i32>,
    codes: Vec<String>,
    names: Vec<String>,
    parents: Vec<Option<usize>>,
    /// (kind, region index) → department id
    departments: HashMap<(&'static str, usize), i32>,
}

impl World {
    fn new(
        regions: &[PlannedRegion],
        region_ids: &[i32],
        departments: &[PlannedDepartment],
        department_ids: &[i32],
    ) -> Self {
        let by_level = |levels: &[RegionLevel]| {
            (0..regions.len())
                .filter(|i| levels.contains(&regions[*i].level))
                .collect::<Vec<_>>()
        };
        World {
            townships: by_level(&[RegionLevel::Township, RegionLevel::Subdistrict]),
            counties: by_level(&[RegionLevel::County]),
            cities: by_level(&[RegionLevel::City]),
            region_ids: region_ids.to_vec(),
            codes: regions.iter().map(|r| r.code.clone()).collect(),
            names: regions.iter().map(|r| r.name.clone()).collect(),
            parents: regions.iter().map(|r| r.parent).collect(),
            departments: departments
                .iter()
                .zip(department_ids)
                .map(|(d, id)| ((d.kind, d.region), *id))
                .collect(),
        }
    }

    /// The department of `kind` at `region` or its nearest ancestor.
    fn nearest(&self, kind: &'static str, mut region: usize) -> Option<i32> {
        loop {
            if let Some(id) = self.departments.get(&(kind, region)) {
                return Some(*id);
            }
            region = self.parents[region]?;
        }
    }

    /// The county (or, for a city, the city itself) whose code the credit code carries.
    fn county_code(&self, region: usize) -> &str {
        let code = &self.codes[region];
        &code[..6]
    }
}

/// (category, weight per 1,000, credit-code prefix, the kind that supervises it when one does)
const CATEGORY_MIX: &[(&str, u32, &str, Option<&str>)] = &[
    ("SOLE_PROPRIETOR", 400, "92", None),
    ("SMALL_MICRO_ENTERPRISE", 260, "91", None),
    // About a tenth, so that moving park enterprises to another kind (the
    // benchmark's rule change) re-resolves about 100,000 of 1,000,000.
    ("PARK_ENTERPRISE", 105, "91", None),
    ("SPECIALIZED_MARKET", 8, "91", None),
    ("SOCIAL_GROUP", 40, "51", Some("CIVIL_AFFAIRS")),
    ("PRIVATE_NON_ENTERPRISE", 35, "52", Some("CIVIL_AFFAIRS")),
    ("FOUNDATION", 4, "53", Some("CIVIL_AFFAIRS")),
    ("PRIVATE_SCHOOL", 25, "52", Some("EDUCATION")),
    ("ACADEMIC_SOCIETY", 6, "51", Some("EDUCATION")),
    ("RESEARCH_ASSOCIATION", 5, "51", Some("EDUCATION")),
    ("EDUCATION_FOUNDATION", 2, "53", Some("EDUCATION")),
    ("LAW_FIRM", 12, "31", Some("JUSTICE")),
    ("NOTARY", 2, "12", Some("JUSTICE")),
    ("FORENSIC_APPRAISAL", 2, "52", Some("JUSTICE")),
    ("PRIVATE_HOSPITAL", 18, "52", Some("HEALTH")),
    ("HEALTH_ASSOCIATION", 4, "51", Some("HEALTH")),
    ("DISEASE_PREVENTION_FOUNDATION", 2, "53", Some("HEALTH")),
    ("TRADE_ASSOCIATION", 20, "51", Some("COMMERCE")),
    ("CHAMBER_OF_COMMERCE", 16, "51", Some("UNITED_FRONT")),
    // Filed under a parent category that carries no rule: the gaps.
    ("TWO_NEW", 5, "91", None),
    ("NON_PUBLIC_ECONOMIC", 15, "91", None),
    ("SOCIAL_ORGANIZATION", 10, "51", None),
];

fn organization_name(rng: &mut ChaCha8Rng, category: &str, place: &str) -> String {
    let brand = format!(
        "{}{}",
        SYLLABLES[rng.random_range(0..SYLLABLES.len())],
        SYLLABLES[rng.random_range(0..SYLLABLES.len())]
    );
    let pick = |rng: &mut ChaCha8Rng, options: &[&str]| {
        options[rng.random_range(0..options.len())].to_owned()
    };
    let trade = pick(
        rng,
        &[
            "科技", "商贸", "建材", "食品", "电子", "物流", "服装", "文化", "农业", "机械",
        ],
    );
    match category {
        "SOLE_PROPRIETOR" => format!(
            "{place}{brand}{}",
            pick(
                rng,
                &[
                    "便利店",
                    "小吃店",
                    "五金店",
                    "理发店",
                    "水果店",
                    "汽修店",
                    "茶行",
                    "服装店"
                ]
            )
        ),
        "SMALL_MICRO_ENTERPRISE" | "NON_PUBLIC_ECONOMIC" | "TWO_NEW" => {
            format!("{place}{brand}{trade}有限公司")
        }
        "PARK_ENTERPRISE" => format!("{place}{brand}{trade}股份有限公司"),
        "SPECIALIZED_MARKET" => format!(
            "{place}{brand}{}市场",
            pick(rng, &["农贸", "建材", "小商品", "水产"])
        ),
        "SOCIAL_GROUP" | "SOCIAL_ORGANIZATION" => format!("{place}{trade}协会"),
        "PRIVATE_NON_ENTERPRISE" => format!(
            "{place}{brand}{}",
            pick(rng, &["养老服务中心", "社工服务站", "康复中心"])
        ),
        "FOUNDATION" => format!("{place}{brand}公益基金会"),
        "PRIVATE_SCHOOL" => format!(
            "{place}{brand}{}",
            pick(rng, &["幼儿园", "学校", "职业培训学校", "艺术学校"])
        ),
        "ACADEMIC_SOCIETY" => format!(
            "{place}{}学会",
            pick(rng, &["数学", "物理", "教育", "心理", "历史"])
        ),
        "RESEARCH_ASSOCIATION" => format!(
            "{place}{}研究会",
            pick(rng, &["基础教育", "家庭教育", "职业教育"])
        ),
        "EDUCATION_FOUNDATION" => format!("{place}{brand}教育基金会"),
        "LAW_FIRM" => format!("东海{brand}律师事务所"),
        "NOTARY" => format!("{place}公证处"),
        "FORENSIC_APPRAISAL" => format!("{place}{brand}司法鉴定所"),
        "PRIVATE_HOSPITAL" => format!(
            "{place}{brand}{}",
            pick(rng, &["医院", "中医院", "口腔医院", "妇产医院"])
        ),
        "HEALTH_ASSOCIATION" => format!("{place}{}保健协会", pick(rng, &["老年", "妇幼", "营养"])),
        "DISEASE_PREVENTION_FOUNDATION" => format!(
            "{place}{}防治基金会",
            pick(rng, &["慢病", "眼病", "结核病"])
        ),
        "TRADE_ASSOCIATION" => format!("{place}{trade}行业协会"),
        "CHAMBER_OF_COMMERCE" => format!(
            "{place}{}商会",
            pick(rng, &["温州", "莆田", "晋江", "青年", "女企业家"])
        ),
        _ => format!("{place}{brand}{trade}中心"),
    }
}

/// A credit code unique to `serial`: the prefix, the region's 6 digits, nine
/// characters from a bijection of the serial (no collisions), the check character.
fn credit_code(prefix: &str, region6: &str, serial: u64, salt: u64) -> String {
    const SPACE: u64 = 31u64.pow(9);
    // 0x9E3779B1 is not a multiple of 31, so this is a bijection on 0..31^9.
    let mut value = (serial.wrapping_mul(0x9E37_79B1) + salt) % SPACE;
    let mut body = [0u8; 9];
    for slot in body.iter_mut().rev() {
        *slot = CreditCode::alphabet_char((value % 31) as usize) as u8;
        value /= 31;
    }
    let first17 = format!("{prefix}{region6}{}", String::from_utf8_lossy(&body));
    let check = CreditCode::check_character(&first17);
    format!("{first17}{check}")
}

async fn insert_organizations(
    db: &impl ConnectionTrait,
    world: &World,
    categories: &HashMap<String, i32>,
    count: u32,
    rng: &mut ChaCha8Rng,
) -> Result<usize> {
    let total_weight: u32 = CATEGORY_MIX.iter().map(|c| c.1).sum();
    let salt = rng.random_range(0..31u64.pow(9));
    let mut batch = Vec::with_capacity(BATCH);
    for serial in 0..u64::from(count) {
        let mut roll = rng.random_range(0..total_weight);
        let (category, _, prefix, supervisor_kind) = CATEGORY_MIX
            .iter()
            .find(|c| {
                if roll < c.1 {
                    true
                } else {
                    roll -= c.1;
                    false
                }
            })
            .copied()
            .unwrap_or(CATEGORY_MIX[0]);
        // Mostly in a township or subdistrict; some registered at county or city level.
        let place_roll: f64 = rng.random();
        let location = if place_roll < 0.94 {
            world.townships[rng.random_range(0..world.townships.len())]
        } else if place_roll < 0.985 {
            world.counties[rng.random_range(0..world.counties.len())]
        } else {
            world.cities[rng.random_range(0..world.cities.len())]
        };
        let social = prefix.starts_with('5') || supervisor_kind.is_some();
        // Province- or city-wide social organizations located in a township.
        let administering = if social && rng.random_bool(0.05) {
            Some(0)
        } else if social && rng.random_bool(0.05) {
            world.parents[location].and_then(|p| world.parents[p])
        } else {
            None
        };
        let supervising = match supervisor_kind {
            Some(kind) if rng.random_bool(0.35) => {
                world.nearest(kind, administering.unwrap_or(location))
            }
            None if category == "SOCIAL_ORGANIZATION" && rng.random_bool(0.3) => {
                world.nearest("UNITED_FRONT", location)
            }
            _ => None,
        };
        let affiliation = if rng.random_bool(0.03) {
            let level = if rng.random_bool(0.5) {
                Some(0)
            } else {
                world.parents[location]
            };
            level.and_then(|r| world.nearest("ORGANS_WORK_COMMITTEE", r))
        } else {
            None
        };
        let small = matches!(category, "SOLE_PROPRIETOR" | "SMALL_MICRO_ENTERPRISE");
        let party_roll: f64 = rng.random();
        let (own, joint) = if small { (0.04, 0.20) } else { (0.18, 0.27) };
        let (status, members) = if party_roll < own {
            ("OWN", rng.random_range(3..60))
        } else if party_roll < own + joint {
            ("JOINT", rng.random_range(1..4))
        } else {
            (
                "NONE",
                if rng.random_bool(0.2) {
                    rng.random_range(1..3)
                } else {
                    0
                },
            )
        };
        let work_covered = status != "NONE" || rng.random_bool(0.55);
        let place = &world.names[location];
        batch.push(organization::ActiveModel {
            id: NotSet,
            credit_code: Set(credit_code(
                prefix,
                world.county_code(location),
                serial,
                salt,
            )),
            name: Set(organization_name(rng, category, place)),
            category_id: Set(categories[category]),
            region_id: Set(world.region_ids[location]),
            administering_region_id: Set(administering
                .filter(|a| *a != location)
                .map(|a| world.region_ids[a])),
            supervising_department_id: Set(supervising),
            party_affiliation_id: Set(affiliation),
            party_organization: Set(status.to_owned()),
            work_covered: Set(work_covered),
            party_member_count: Set(members),
            is_model: Set(rng.random_bool(0.015)),
            ..Default::default()
        });
        if batch.len() == BATCH {
            organization::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(db)
                .await?;
        }
    }
    if !batch.is_empty() {
        organization::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(count as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_of_distinct_serials_differ_and_verify() {
        let mut seen = std::collections::HashSet::new();
        for serial in 0..5_000 {
            let code = credit_code("91", "350102", serial, 12_345);
            assert!(CreditCode::parse("c", &code).is_ok(), "{code}");
            assert!(seen.insert(code), "serial {serial} repeats a code");
        }
    }

    #[test]
    fn the_region_plan_has_the_promised_shape() {
        let plan = plan_regions(&mut ChaCha8Rng::seed_from_u64(DEFAULT_SEED));
        let count =
            |levels: &[RegionLevel]| plan.iter().filter(|r| levels.contains(&r.level)).count();
        assert_eq!(count(&[RegionLevel::Province]), 1);
        assert_eq!(count(&[RegionLevel::City]), 15);
        let counties = count(&[RegionLevel::County]);
        assert!((100..=160).contains(&counties), "{counties} counties");
        let townships = count(&[RegionLevel::Township, RegionLevel::Subdistrict]);
        assert!(
            (1_700..=2_600).contains(&townships),
            "{townships} townships"
        );
    }
}
