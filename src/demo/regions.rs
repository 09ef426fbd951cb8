//! The demo's region tree, coded and named as GB/T 2260 codes and names
//! regions: county codes 01–20 for districts (市辖区, named …区), 21–80 for
//! counties (…县) and 81–99 for county-level cities (…市); township codes
//! 001–099 for subdistricts (…街道), 100–199 for towns (…镇) and 200–299
//! for townships (…乡); names unique among siblings. It also gives every
//! city and county its strength: how thoroughly its offices file
//! organizations and build party organizations, so that some counties are
//! clearly weaker than others and cities differ visibly.

use std::collections::HashMap;

use entity::region;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveValue::NotSet, ConnectionTrait, EntityTrait, Set};

use super::names::Siblings;
use super::{BATCH, PROVINCE_CODE, PROVINCE_NAME};
use crate::domain::values::RegionLevel;
use crate::error::Result;

const CITIES: u32 = 15;

/// A planned region; `parent` indexes the plan.
pub(super) struct PlannedRegion {
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    pub parent: Option<usize>,
    /// From about 0.2 (weak) to 1.0 (strong); townships carry their county's.
    pub strength: f64,
}

/// The three kinds of county-level region, with GB/T 2260's code ranges.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CountyKind {
    District,
    County,
    City,
}

impl CountyKind {
    /// The first code of the range.
    fn first_code(self) -> u32 {
        match self {
            CountyKind::District => 1,
            CountyKind::County => 21,
            CountyKind::City => 81,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            CountyKind::District => "区",
            CountyKind::County => "县",
            CountyKind::City => "市",
        }
    }

    /// How many subdistricts, towns and townships one has: districts are
    /// urban, counties rural, county-level cities in between.
    fn townships(self, rng: &mut ChaCha8Rng) -> [u32; 3] {
        match self {
            CountyKind::District => [rng.random_range(7..=13), rng.random_range(0..=3), 0],
            CountyKind::County => [
                rng.random_range(1..=3),
                rng.random_range(8..=14),
                rng.random_range(3..=8),
            ],
            CountyKind::City => [
                rng.random_range(3..=7),
                rng.random_range(6..=12),
                rng.random_range(0..=3),
            ],
        }
    }
}

/// The cities' strengths, evenly spread from 0.45 to 1.0 and shuffled, so
/// that the weakest and the strongest city are always far apart.
fn city_strengths(rng: &mut ChaCha8Rng) -> Vec<f64> {
    let steps = f64::from(CITIES - 1);
    let mut strengths: Vec<f64> = (0..CITIES)
        .map(|i| 0.45 + 0.55 * f64::from(i) / steps)
        .collect();
    strengths.shuffle(rng);
    strengths
}

/// A county's strength: around its city's, and one county in ten clearly
/// weaker than its neighbours.
fn county_strength(rng: &mut ChaCha8Rng, city: f64) -> f64 {
    let mut strength = city * rng.random_range(0.85..1.15);
    if rng.random_bool(0.1) {
        strength *= 0.55;
    }
    strength.clamp(0.2, 1.0)
}

/// The weakest cities' strength bound: below it, a city has no commerce
/// bureau of its own (see `departments`).
pub(super) const WEAK_CITY: f64 = 0.5;

pub(super) fn plan(rng: &mut ChaCha8Rng) -> Vec<PlannedRegion> {
    let mut plan = vec![PlannedRegion {
        code: PROVINCE_CODE.to_owned(),
        name: PROVINCE_NAME.to_owned(),
        level: RegionLevel::Province,
        parent: None,
        strength: 1.0,
    }];
    let mut province_children = Siblings::default();
    let mut counties: Vec<(usize, CountyKind)> = Vec::new();
    for (city, strength) in (1..=CITIES).zip(city_strengths(rng)) {
        let city_index = plan.len();
        plan.push(PlannedRegion {
            code: format!("35{city:02}00"),
            name: province_children.fresh(rng, "市"),
            level: RegionLevel::City,
            parent: Some(0),
            strength,
        });
        // The first city is the provincial capital, with more districts.
        let districts = if city == 1 {
            rng.random_range(4..=6)
        } else {
            rng.random_range(1..=4)
        };
        let counts = [
            (CountyKind::District, districts),
            (CountyKind::County, rng.random_range(2..=7)),
            (CountyKind::City, rng.random_range(0..=2)),
        ];
        let mut names = Siblings::default();
        for (kind, count) in counts {
            for n in 0..count {
                counties.push((plan.len(), kind));
                plan.push(PlannedRegion {
                    code: format!("35{city:02}{:02}", kind.first_code() + n),
                    name: names.fresh(rng, kind.suffix()),
                    level: RegionLevel::County,
                    parent: Some(city_index),
                    strength: county_strength(rng, strength),
                });
            }
        }
    }
    // Two county-level cities directly under the province (省直辖县级市),
    // under the code 3590 that GB/T 2260 gives such groups.
    for n in 0..2 {
        counties.push((plan.len(), CountyKind::City));
        plan.push(PlannedRegion {
            code: format!("3590{:02}", CountyKind::City.first_code() + n),
            name: province_children.fresh(rng, "市"),
            level: RegionLevel::County,
            parent: Some(0),
            strength: county_strength(rng, 0.8),
        });
    }
    for (county, kind) in counties {
        let [subdistricts, towns, townships] = kind.townships(rng);
        let mut names = Siblings::default();
        let ranges = [
            (RegionLevel::Subdistrict, "街道", 1, subdistricts),
            (RegionLevel::Township, "镇", 100, towns),
            (RegionLevel::Township, "乡", 200, townships),
        ];
        for (level, suffix, first, count) in ranges {
            for n in 0..count {
                plan.push(PlannedRegion {
                    code: format!("{}{:03}", plan[county].code, first + n),
                    name: names.fresh(rng, suffix),
                    level,
                    parent: Some(county),
                    strength: plan[county].strength,
                });
            }
        }
    }
    plan
}

pub(super) async fn insert(db: &impl ConnectionTrait, plan: &[PlannedRegion]) -> Result<Vec<i32>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_region_plan_has_the_promised_shape() {
        let plan = plan(&mut ChaCha8Rng::seed_from_u64(super::super::DEFAULT_SEED));
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
