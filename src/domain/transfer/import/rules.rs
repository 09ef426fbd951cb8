//! Importing responsibility rules, keyed by category and scope region (none:
//! the rule that holds everywhere): applied to an in-memory picture, then
//! updates and new rules written, and the engine refreshed when a rule was
//! added or names another department kind.

use std::collections::HashMap;

use entity::{category, department_kind, responsibility_rule as rule};
use sea_orm::{ActiveModelTrait, ActiveValue::NotSet, DatabaseTransaction, EntityTrait, Set};

use super::driver::{Importer, Row, Taken};
use super::lookup::{RegionMap, lookup};
use crate::domain::engine;
use crate::domain::scope::Scope;
use crate::domain::transfer::Dataset;
use crate::domain::transfer::codes::ids_by_code;
use crate::domain::transfer::report::{ImportReport, outside};
use crate::domain::values::{Patch, parse_optional_text};
use crate::error::{Error, Result};

/// A rule's key: its category and its scope region.
type RuleKey = (i32, Option<i32>);

/// The rules as the file leaves them, and what it checks rows against.
pub(super) struct Rules {
    regions: RegionMap,
    categories: HashMap<String, i32>,
    kinds: HashMap<String, i32>,
    state: HashMap<RuleKey, RuleState>,
    /// Keys written, in file order, each once.
    touched: Vec<RuleKey>,
    /// Whether a rule was added or names another kind: the engine follows.
    structural: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RuleState {
    id: Option<i32>,
    kind_id: i32,
    basis: Option<String>,
}

/// A rule row, its category, kind and scope found.
pub(super) struct ParsedRule {
    category_id: i32,
    kind_id: i32,
    scope_id: Option<i32>,
    basis: Patch<String>,
}

impl Importer for Rules {
    type Parsed = ParsedRule;
    type Key = RuleKey;
    const DATASET: Dataset = Dataset::Rules;
    const KEY_COLUMN: &'static str = "categoryCode";

    async fn load(txn: &DatabaseTransaction, scope: &Scope) -> Result<Self> {
        let state = rule::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .map(|r| {
                (
                    (r.category_id, r.scope_region_id),
                    RuleState {
                        id: Some(r.id),
                        kind_id: r.department_kind_id,
                        basis: r.basis,
                    },
                )
            })
            .collect();
        Ok(Rules {
            regions: RegionMap::load(txn, scope).await?,
            categories: ids_by_code::<category::Entity>(txn).await?,
            kinds: ids_by_code::<department_kind::Entity>(txn).await?,
            state,
            touched: Vec::new(),
            structural: false,
        })
    }

    fn parse(&self, row: &Row<'_>) -> Result<ParsedRule> {
        let regions = &self.regions;
        let category_id = lookup(
            &self.categories,
            "categoryCode",
            row.required("categoryCode")?,
            "category",
        )?;
        let kind_id = lookup(
            &self.kinds,
            "departmentKindCode",
            row.required("departmentKindCode")?,
            "department kind",
        )?;
        let scope_id = match row.optional("scopeRegionCode")? {
            Some(code) => {
                let region = regions.require("scopeRegionCode", code)?;
                regions.check_writable("scopeRegionCode", region.id)?;
                Some(region.id)
            }
            None if regions.writable.is_some() => {
                return Err(Error::invalid("scopeRegionCode", outside()));
            }
            None => None,
        };
        let basis = row
            .patch("basis")?
            .try_map(|b| parse_optional_text("basis", Some(&b), 500))?;
        Ok(ParsedRule {
            category_id,
            kind_id,
            scope_id,
            basis,
        })
    }

    fn key(parsed: &ParsedRule, row: &Row<'_>) -> Result<(RuleKey, String)> {
        let shown = format!(
            "{},{}",
            row.required("categoryCode")?.trim(),
            row.optional("scopeRegionCode")?.unwrap_or("").trim()
        );
        Ok(((parsed.category_id, parsed.scope_id), shown))
    }

    async fn take(
        &mut self,
        _: &DatabaseTransaction,
        _: u64,
        parsed: ParsedRule,
        report: &mut ImportReport,
        _: bool,
    ) -> Result<Taken> {
        let key = (parsed.category_id, parsed.scope_id);
        let current = self.state.get(&key).cloned();
        let next = RuleState {
            id: current.as_ref().and_then(|c| c.id),
            kind_id: parsed.kind_id,
            basis: parsed
                .basis
                .apply(current.as_ref().and_then(|c| c.basis.clone())),
        };
        match &current {
            Some(current) if *current == next => report.unchanged += 1,
            Some(current) => {
                report.updated += 1;
                self.structural |= current.kind_id != next.kind_id;
                self.touched.push(key);
            }
            None => {
                report.created += 1;
                self.structural = true;
                self.touched.push(key);
            }
        }
        self.state.insert(key, next);
        Ok(Taken::Held)
    }

    async fn write(self, txn: &DatabaseTransaction, report: &mut ImportReport) -> Result<()> {
        let Rules {
            state,
            touched,
            structural,
            ..
        } = self;
        if touched.is_empty() {
            return Ok(());
        }
        let mut added = Vec::new();
        for key in &touched {
            let next = &state[key];
            match next.id {
                Some(id) => {
                    rule::ActiveModel {
                        id: Set(id),
                        category_id: Set(key.0),
                        department_kind_id: Set(next.kind_id),
                        scope_region_id: Set(key.1),
                        basis: Set(next.basis.clone()),
                    }
                    .update(txn)
                    .await?;
                }
                None => added.push(rule::ActiveModel {
                    id: NotSet,
                    category_id: Set(key.0),
                    department_kind_id: Set(next.kind_id),
                    scope_region_id: Set(key.1),
                    basis: Set(next.basis.clone()),
                }),
            }
        }
        for chunk in added.chunks(1_000) {
            rule::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(txn)
                .await?;
        }
        if structural {
            report.changed_responsibility =
                engine::refresh(txn, engine::Inputs::Rules).await?.changed;
        }
        Ok(())
    }
}
