//! What an imported row is checked against: the regions with their
//! ancestry and the subtree a caller may write, and a code's id.

use std::collections::{HashMap, HashSet};

use entity::{region, region_closure};
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::domain::region as region_domain;
use crate::domain::scope::Scope;
use crate::domain::transfer::report::outside;
use crate::domain::values::{RegionCode, RegionLevel, parse_code};
use crate::error::{Error, Result};
use crate::msg;

/// The regions, their ancestry, and the subtree a caller may write.
pub(super) struct RegionMap {
    pub(super) by_code: HashMap<String, RegionRef>,
    /// (ancestor, descendant) pairs, each region with itself included.
    ancestry: HashSet<(i32, i32)>,
    /// The ids a region-bound caller may write; None: all.
    pub(super) writable: Option<HashSet<i32>>,
}

#[derive(Clone, Debug)]
pub(super) struct RegionRef {
    pub(super) id: i32,
    pub(super) name: String,
    pub(super) level: RegionLevel,
    pub(super) parent_id: Option<i32>,
}

impl RegionMap {
    pub(super) async fn load(db: &impl ConnectionTrait, scope: &Scope) -> Result<Self> {
        let by_code = region::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|r| {
                let level = region_domain::level_of(&r);
                (
                    r.code,
                    RegionRef {
                        id: r.id,
                        name: r.name,
                        level,
                        parent_id: r.parent_id,
                    },
                )
            })
            .collect();
        let ancestry: HashSet<(i32, i32)> = region_closure::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.ancestor_id, c.descendant_id))
            .collect();
        let writable = scope.region_id.map(|root| {
            ancestry
                .iter()
                .filter(|(a, _)| *a == root)
                .map(|(_, d)| *d)
                .collect()
        });
        Ok(RegionMap {
            by_code,
            ancestry,
            writable,
        })
    }

    /// The region `code` names, NOT_FOUND naming `field` when none.
    pub(super) fn require(&self, field: &str, code: &str) -> Result<&RegionRef> {
        let parsed = RegionCode::parse(field, code)?;
        self.by_code.get(parsed.as_str()).ok_or_else(|| {
            Error::not_found(field, msg!("region-not-found", code = parsed.as_str()))
        })
    }

    /// Refuses a region outside a region-bound caller's subtree.
    pub(super) fn check_writable(&self, field: &str, id: i32) -> Result<()> {
        match &self.writable {
            Some(ids) if !ids.contains(&id) => Err(Error::invalid(field, outside())),
            _ => Ok(()),
        }
    }

    pub(super) fn is_ancestor_or_self(&self, ancestor: i32, region: i32) -> bool {
        self.ancestry.contains(&(ancestor, region))
    }
}

/// The id of the row `code` names in `map` (codes to ids), NOT_FOUND
/// naming `field` and `what` when none.
pub(super) fn lookup(
    map: &HashMap<String, i32>,
    field: &str,
    code: &str,
    what: &str,
) -> Result<i32> {
    let code = parse_code(field, code)?;
    map.get(&code).copied().ok_or_else(|| {
        let code = code.as_str();
        let reason = match what {
            "category" => msg!("category-not-found", code = code),
            "department kind" => msg!("kind-not-found", code = code),
            _ => msg!("department-not-found", code = code),
        };
        Error::not_found(field, reason)
    })
}
