//! The demo's organizations: the mix of categories, their credit codes,
//! supervising units, party affiliations and party-building figures.
//!
//! Where the shares come from:
//! - Market entities: 国家市场监督管理总局, registered market entities at
//!   the end of September 2023 (1.81亿户: 个体工商户 1.22亿, 67 %; 企业
//!   5,673.7万, 31 %; 农民专业合作社 224.0万, 1.2 %). The demo keeps sole
//!   proprietors at 65 %, enterprises at 30 % (a tenth of all in parks, so
//!   that the benchmark's rule change re-resolves about a tenth) and
//!   cooperatives at 1.2 %.
//! - Social organizations: 《社会组织蓝皮书：中国社会组织报告（2023）》 on
//!   民政 data for the end of 2022 (89.13万: 社会团体 41.5 %, 民办非企业单位
//!   57.4 %, 基金会 1.05 %). Nationally they are about 0.5 % of the market
//!   entities; the demo gives them 3.5 %, so that each of their categories
//!   is populated at a few thousand organizations, and splits them as the
//!   report does (education is the largest group of 民办非企业单位).
//! - Party organizations: 中共中央组织部《2017年中国共产党党内统计公报》
//!   (非公有制企业 73.1 %, 社会组织 61.7 % with a party organization, own or
//!   joint). Those rates are over enterprises and organizations that are
//!   legal persons; the demo's rates are near them for park enterprises and
//!   social organizations, lower for small and micro enterprises and far
//!   lower for sole proprietors, which the bulletin does not count.
//!
//! The rest is the demo's own, at small plausible rates: 应建未建 (three or
//! more party members without a party organization of its own), credit
//! codes whose type does not fit the category (GB 32100-2015), and
//! organizations filed under a parent category or at the county without
//! their township, which weaker counties do more often.

use std::collections::HashMap;

use entity::organization;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveValue::NotSet, ConnectionTrait, EntityTrait, Set};

use super::BATCH;
use super::departments::PlannedDepartment;
use super::names::{pick, two_syllables};
use super::regions::PlannedRegion;
use crate::domain::values::{CreditCode, RegionLevel};
use crate::error::Result;

/// One category of the mix.
struct Share {
    category: &'static str,
    /// Organizations per 10,000.
    per_10k: u32,
    /// The two-character credit-code types (GB 32100-2015) it carries, with
    /// their weights in percent.
    types: &'static [(&'static str, u32)],
    /// A type that does not fit it, as a misfiled organization carries.
    misfit: &'static str,
    /// The kind of its 业务主管单位 and the share that has one recorded.
    /// 民政 registers social organizations and is never their supervisor.
    supervisor: Option<(&'static str, f64)>,
    /// Party organization rates at full strength: own, joint.
    party: (f64, f64),
    /// Share whose party organization is affiliated with a 机关工委.
    affiliated: f64,
}

const fn share(
    category: &'static str,
    per_10k: u32,
    types: &'static [(&'static str, u32)],
    misfit: &'static str,
    supervisor: Option<(&'static str, f64)>,
    party: (f64, f64),
    affiliated: f64,
) -> Share {
    Share {
        category,
        per_10k,
        types,
        misfit,
        supervisor,
        party,
        affiliated,
    }
}

const SOCIAL: (f64, f64) = (0.22, 0.38);
const EDUCATION: Option<(&str, f64)> = Some(("EDUCATION", 0.9));
const JUSTICE: Option<(&str, f64)> = Some(("JUSTICE", 0.95));
const HEALTH: Option<(&str, f64)> = Some(("HEALTH", 0.85));

/// The mix, 10,000 in all. Columns: category, per 10,000, credit-code
/// types with their weights, the misfit type, 业务主管单位 (kind, share
/// recorded), party organization rates (own, joint), share affiliated with
/// a 机关工委.
#[rustfmt::skip]
const SHARES: [Share; 21] = [
    share("SOLE_PROPRIETOR", 6500, &[("92", 100)], "91", None, (0.002, 0.06), 0.0),
    share("SMALL_MICRO_ENTERPRISE", 1900, &[("91", 100)], "92", None, (0.06, 0.38), 0.015),
    share("PARK_ENTERPRISE", 1050, &[("91", 100)], "92", None, (0.35, 0.35), 0.05),
    share("SPECIALIZED_MARKET", 80, &[("91", 100)], "92", None, (0.45, 0.2), 0.02),
    // Farmer cooperatives: the seed has no category of their own for them.
    share("NON_PUBLIC_ECONOMIC", 120, &[("93", 100)], "92", None, (0.08, 0.3), 0.0),
    share("SOCIAL_GROUP", 60, &[("51", 100)], "52", Some(("UNITED_FRONT", 0.3)), SOCIAL, 0.18),
    share("PRIVATE_NON_ENTERPRISE", 60, &[("52", 100)], "51", None, SOCIAL, 0.12),
    share("FOUNDATION", 3, &[("53", 100)], "51", None, SOCIAL, 0.2),
    share("PRIVATE_SCHOOL", 80, &[("52", 85), ("91", 15)], "92", EDUCATION, SOCIAL, 0.12),
    share("ACADEMIC_SOCIETY", 10, &[("51", 100)], "52", EDUCATION, SOCIAL, 0.2),
    share("RESEARCH_ASSOCIATION", 10, &[("51", 100)], "52", EDUCATION, SOCIAL, 0.2),
    share("EDUCATION_FOUNDATION", 2, &[("53", 100)], "51", EDUCATION, SOCIAL, 0.2),
    share("LAW_FIRM", 14, &[("31", 90), ("51", 10)], "91", JUSTICE, (0.3, 0.5), 0.1),
    share("NOTARY", 3, &[("32", 100)], "12", JUSTICE, (0.6, 0.3), 0.1),
    share("FORENSIC_APPRAISAL", 3, &[("34", 100)], "52", JUSTICE, (0.3, 0.4), 0.1),
    share("PRIVATE_HOSPITAL", 30, &[("91", 60), ("52", 40)], "92", HEALTH, SOCIAL, 0.1),
    share("HEALTH_ASSOCIATION", 8, &[("51", 100)], "52", HEALTH, SOCIAL, 0.2),
    share("DISEASE_PREVENTION_FOUNDATION", 2, &[("53", 100)], "51", HEALTH, SOCIAL, 0.2),
    share("TRADE_ASSOCIATION", 30, &[("51", 100)], "52", Some(("COMMERCE", 0.6)), SOCIAL, 0.2),
    // 商会 are supervised by 工商联, under the united front department.
    share("CHAMBER_OF_COMMERCE", 20, &[("51", 100)], "52", Some(("UNITED_FRONT", 0.8)), SOCIAL, 0.15),
    // Social organizations the filer did not classify further.
    share("SOCIAL_ORGANIZATION", 15, &[("51", 50), ("52", 50)], "91", Some(("UNITED_FRONT", 0.2)), SOCIAL, 0.15),
];

/// Every category the demo files organizations under.
pub(super) const CATEGORY_CODES: [&str; 22] = [
    "SOLE_PROPRIETOR",
    "SMALL_MICRO_ENTERPRISE",
    "PARK_ENTERPRISE",
    "SPECIALIZED_MARKET",
    "NON_PUBLIC_ECONOMIC",
    "SOCIAL_GROUP",
    "PRIVATE_NON_ENTERPRISE",
    "FOUNDATION",
    "PRIVATE_SCHOOL",
    "ACADEMIC_SOCIETY",
    "RESEARCH_ASSOCIATION",
    "EDUCATION_FOUNDATION",
    "LAW_FIRM",
    "NOTARY",
    "FORENSIC_APPRAISAL",
    "PRIVATE_HOSPITAL",
    "HEALTH_ASSOCIATION",
    "DISEASE_PREVENTION_FOUNDATION",
    "TRADE_ASSOCIATION",
    "CHAMBER_OF_COMMERCE",
    "SOCIAL_ORGANIZATION",
    "TWO_NEW",
];

/// The rule-less parent category a misfiled organization with the credit
/// type `code_type` lands in, chosen so that the type still fits it:
/// enterprises and cooperatives under 非公有制经济组织, social organizations
/// under 社会组织, anything else under 两新组织, which admits every type.
fn parent_for(code_type: &str) -> &'static str {
    match code_type {
        "91" | "93" => "NON_PUBLIC_ECONOMIC",
        "51" | "52" | "53" => "SOCIAL_ORGANIZATION",
        _ => "TWO_NEW",
    }
}

/// What the organization generator looks up.
pub(super) struct World {
    townships: Vec<usize>,
    region_ids: Vec<i32>,
    codes: Vec<String>,
    names: Vec<String>,
    levels: Vec<RegionLevel>,
    parents: Vec<Option<usize>>,
    strengths: Vec<f64>,
    /// (kind, region index) → department id
    departments: HashMap<(&'static str, usize), i32>,
}

impl World {
    pub(super) fn new(
        regions: &[PlannedRegion],
        region_ids: &[i32],
        departments: &[PlannedDepartment],
        department_ids: &[i32],
    ) -> Self {
        World {
            townships: (0..regions.len())
                .filter(|i| regions[*i].level.is_township())
                .collect(),
            region_ids: region_ids.to_vec(),
            codes: regions.iter().map(|r| r.code.clone()).collect(),
            names: regions.iter().map(|r| r.name.clone()).collect(),
            levels: regions.iter().map(|r| r.level).collect(),
            parents: regions.iter().map(|r| r.parent).collect(),
            strengths: regions.iter().map(|r| r.strength).collect(),
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

    /// The nearest region at or above `region` that is a city (the
    /// province for a county-level city directly under it).
    fn city_of(&self, mut region: usize) -> usize {
        while self.levels[region] != RegionLevel::City {
            match self.parents[region] {
                Some(parent) => region = parent,
                None => break,
            }
        }
        region
    }
}

/// Picks by weight: `roll` below the sum of the weights.
fn by_weight<T: Copy>(items: impl Iterator<Item = (T, u32)>, mut roll: u32) -> Option<T> {
    for (item, weight) in items {
        if roll < weight {
            return Some(item);
        }
        roll -= weight;
    }
    None
}

fn organization_name(rng: &mut ChaCha8Rng, category: &str, code_type: &str, place: &str) -> String {
    let brand = two_syllables(rng);
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
                    "汽车修理店",
                    "茶行",
                    "服装店"
                ]
            )
        ),
        "SMALL_MICRO_ENTERPRISE" | "TWO_NEW" => format!("{place}{brand}{trade}有限公司"),
        "PARK_ENTERPRISE" => format!("{place}{brand}{trade}股份有限公司"),
        "SPECIALIZED_MARKET" => format!(
            "{place}{brand}{}市场",
            pick(rng, &["农贸", "建材", "小商品", "水产"])
        ),
        "NON_PUBLIC_ECONOMIC" => format!(
            "{place}{brand}{}专业合作社",
            pick(rng, &["茶叶", "果蔬", "水产养殖", "农机", "食用菌"])
        ),
        "SOCIAL_GROUP" | "SOCIAL_ORGANIZATION" if code_type == "51" => format!(
            "{place}{}",
            pick(
                rng,
                &[
                    "志愿者协会",
                    "摄影家协会",
                    "书法家协会",
                    "老年人体育协会",
                    "海外联谊会",
                    "新的社会阶层人士联谊会"
                ]
            )
        ),
        "PRIVATE_NON_ENTERPRISE" | "SOCIAL_ORGANIZATION" => format!(
            "{place}{brand}{}",
            pick(rng, &["养老服务中心", "社会工作服务中心", "社区服务中心"])
        ),
        "FOUNDATION" => format!("{place}{brand}公益基金会"),
        "PRIVATE_SCHOOL" => format!(
            "{place}{brand}{}",
            pick(rng, &["幼儿园", "实验学校", "外国语学校", "艺术学校"])
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
        "LAW_FIRM" if code_type == "51" => format!("{place}律师协会"),
        "LAW_FIRM" => format!("{place}{brand}律师事务所"),
        "NOTARY" => format!("{place}公证处"),
        "FORENSIC_APPRAISAL" => format!("{place}{brand}司法鉴定所"),
        "PRIVATE_HOSPITAL" => format!(
            "{place}{brand}{}",
            pick(rng, &["医院", "中医医院", "口腔医院", "妇产医院"])
        ),
        "HEALTH_ASSOCIATION" => format!("{place}{}保健协会", pick(rng, &["老年", "妇幼", "营养"])),
        "DISEASE_PREVENTION_FOUNDATION" => format!(
            "{place}{}防治基金会",
            pick(rng, &["慢性病", "眼病", "结核病"])
        ),
        "TRADE_ASSOCIATION" => format!("{place}{trade}行业协会"),
        "CHAMBER_OF_COMMERCE" => format!(
            "{place}{}商会",
            pick(rng, &["温州", "莆田", "晋江", "青年", "女企业家"])
        ),
        _ => format!("{place}{brand}{trade}中心"),
    }
}

/// A credit code unique to `serial`: the type, the region's 6 digits, nine
/// characters from a bijection of the serial (no collisions), the check character.
fn credit_code(code_type: &str, region6: &str, serial: u64, salt: u64) -> String {
    const SPACE: u64 = 31u64.pow(9);
    // 0x9E3779B1 is not a multiple of 31, so this is a bijection on 0..31^9.
    let mut value = (serial.wrapping_mul(0x9E37_79B1) + salt) % SPACE;
    let mut body = [0u8; 9];
    for slot in body.iter_mut().rev() {
        *slot = CreditCode::alphabet_char((value % 31) as usize) as u8;
        value /= 31;
    }
    let first17 = format!("{code_type}{region6}{}", String::from_utf8_lossy(&body));
    let check = CreditCode::check_character(&first17);
    format!("{first17}{check}")
}

/// Party organization status and member count.
fn party(rng: &mut ChaCha8Rng, share: &Share, strength: f64) -> (&'static str, i32) {
    let factor = 0.55 + 0.5 * strength;
    let (own, joint) = (share.party.0 * factor, share.party.1 * factor);
    let small = matches!(share.category, "SOLE_PROPRIETOR" | "NON_PUBLIC_ECONOMIC");
    // 应建未建 is commoner where the work is weaker.
    let should_establish = 0.03 * (2.0 - strength);
    let roll: f64 = rng.random();
    if roll < own {
        ("OWN", rng.random_range(3..=if small { 12 } else { 60 }))
    } else if roll < own + joint {
        let members = if rng.random_bool(should_establish) {
            rng.random_range(3..=5)
        } else {
            rng.random_range(1..=2)
        };
        ("JOINT", members)
    } else {
        let members = if !small && rng.random_bool(should_establish / 5.0) {
            rng.random_range(3..=4)
        } else if rng.random_bool(0.1) {
            rng.random_range(1..=2)
        } else {
            0
        };
        ("NONE", members)
    }
}

pub(super) async fn insert(
    db: &impl ConnectionTrait,
    world: &World,
    categories: &HashMap<String, i32>,
    count: u32,
    rng: &mut ChaCha8Rng,
) -> Result<usize> {
    let total: u32 = SHARES.iter().map(|s| s.per_10k).sum();
    let salt = rng.random_range(0..31u64.pow(9));
    let mut batch = Vec::with_capacity(BATCH);
    for serial in 0..u64::from(count) {
        let roll = rng.random_range(0..total);
        let share = by_weight(SHARES.iter().map(|s| (s, s.per_10k)), roll).unwrap_or(&SHARES[0]);
        let social = share.supervisor.is_some()
            || matches!(share.types.first(), Some((t, _)) if t.starts_with('5'));

        let township = world.townships[rng.random_range(0..world.townships.len())];
        let county = world.parents[township].unwrap_or(township);
        let strength = world.strengths[county];
        let weakness = 1.0 - strength;
        // Filed at the county without its township: more often where the
        // work is weaker.
        let location = if rng.random_bool(0.02 + 0.3 * weakness) {
            county
        } else {
            township
        };
        let city = world.city_of(county);
        // Province- or city-wide social organizations located below.
        let administering = if social && rng.random_bool(0.05) {
            Some(0)
        } else if social && rng.random_bool(0.05) {
            Some(city)
        } else {
            None
        };

        let type_roll = rng.random_range(0..100);
        let mut code_type = by_weight(share.types.iter().copied(), type_roll).unwrap_or("91");
        if rng.random_bool(0.003 + 0.004 * weakness) {
            code_type = share.misfit;
        }
        let category = if rng.random_bool(0.005 + 0.15 * weakness) {
            parent_for(code_type)
        } else {
            share.category
        };
        let supervising = match share.supervisor {
            Some((kind, rate)) if rng.random_bool(rate * (0.7 + 0.3 * strength)) => {
                world.nearest(kind, administering.unwrap_or(location))
            }
            _ => None,
        };
        let affiliation = if share.affiliated > 0.0 && rng.random_bool(share.affiliated) {
            let level = if rng.random_bool(0.5) { 0 } else { county };
            world.nearest("ORGANS_WORK_COMMITTEE", level)
        } else {
            None
        };
        let (status, members) = party(rng, share, strength);
        let work_base = if share.category == "SOLE_PROPRIETOR" {
            0.35
        } else {
            0.55
        };
        let work_covered =
            status != "NONE" || rng.random_bool((work_base * (0.5 + 0.6 * strength)).min(1.0));
        let place = &world.names[administering.unwrap_or(county)];
        let is_model = match status {
            "OWN" => rng.random_bool(0.08),
            "JOINT" => rng.random_bool(0.02),
            _ => false,
        };
        batch.push(organization::ActiveModel {
            id: NotSet,
            credit_code: Set(credit_code(
                code_type,
                &world.codes[location][..6],
                serial,
                salt,
            )),
            name: Set(organization_name(rng, share.category, code_type, place)),
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
            is_model: Set(is_model),
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
    fn the_mix_adds_up_to_ten_thousand_and_names_only_known_categories() {
        assert_eq!(SHARES.iter().map(|s| s.per_10k).sum::<u32>(), 10_000);
        for share in &SHARES {
            assert!(
                CATEGORY_CODES.contains(&share.category),
                "{}",
                share.category
            );
            assert_eq!(
                share.types.iter().map(|t| t.1).sum::<u32>(),
                100,
                "{}",
                share.category
            );
        }
    }
}
