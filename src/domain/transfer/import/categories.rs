//! Importing categories: applied to an in-memory picture of the tree, so
//! that a row may name a parent given earlier in the file and no row can
//! close a cycle. Categories hold in every region, so only a caller who
//! sees everything imports them. New categories are inserted first, then
//! every written one gets its final name, parent, description and credit-code
//! types (`creditCodeTypes`, e.g. `91|93`); a change of types or parent
//! re-evaluates the category mismatches of the organizations below.

use std::collections::HashMap;

use entity::category;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, Set};

use super::driver::{Importer, Row, Taken};
use crate::domain::category::parse_credit_code_types;
use crate::domain::scope::Scope;
use crate::domain::transfer::Dataset;
use crate::domain::transfer::report::{ImportReport, outside};
use crate::domain::values::{Patch, parse_code, parse_name, parse_optional_text};
use crate::domain::{category as category_domain, engine};
use crate::error::{Error, Result};
use crate::msg;

/// The category tree as the file leaves it, and what it changes.
pub(super) struct Categories {
    /// Whether the caller is bound to a region (and may import none).
    region_bound: bool,
    tree: HashMap<String, CategoryState>,
    /// Codes written, in file order, each once.
    touched: Vec<String>,
    /// Whether a category was added or moved: the closure and the engine follow.
    structural: bool,
    /// Whether a stored category's types or parent changed: its
    /// organizations' category mismatches follow.
    retyped: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct CategoryState {
    id: Option<i32>,
    name: String,
    parent: Option<String>,
    description: Option<String>,
    /// Stored form: `91|93`; empty: those of the parent.
    credit_code_types: String,
}

/// A category row: a patch of what it may leave out.
pub(super) struct ParsedCategory {
    code: String,
    name: String,
    description: Patch<String>,
    parent: Patch<String>,
    credit_code_types: Patch<String>,
}

impl Importer for Categories {
    type Parsed = ParsedCategory;
    type Key = String;
    const DATASET: Dataset = Dataset::Categories;
    const KEY_COLUMN: &'static str = "code";

    async fn load(txn: &DatabaseTransaction, scope: &Scope) -> Result<Self> {
        let stored = category::Entity::find().all(txn).await?;
        let code_of: HashMap<i32, String> = stored.iter().map(|c| (c.id, c.code.clone())).collect();
        let tree = stored
            .into_iter()
            .map(|c| {
                (
                    c.code.clone(),
                    CategoryState {
                        id: Some(c.id),
                        name: c.name,
                        parent: c.parent_id.and_then(|p| code_of.get(&p).cloned()),
                        description: c.description,
                        credit_code_types: c.credit_code_types,
                    },
                )
            })
            .collect();
        Ok(Categories {
            region_bound: scope.region_id.is_some(),
            tree,
            touched: Vec::new(),
            structural: false,
            retyped: Vec::new(),
        })
    }

    fn parse(&self, row: &Row<'_>) -> Result<ParsedCategory> {
        if self.region_bound {
            // Categories hold in every region: only a caller who sees everything writes them.
            return Err(Error::invalid("code", outside()));
        }
        let tree = &self.tree;
        let code = parse_code("code", row.required("code")?)?;
        let name = parse_name("name", row.required("name")?, 100)?;
        let description = row
            .patch("description")?
            .try_map(|d| parse_optional_text("description", Some(&d), 1000))?;
        let parent = row
            .patch("parentCode")?
            .try_map(|p| Ok(Some(parse_code("parentCode", &p)?)))?;
        let credit_code_types = row.patch("creditCodeTypes")?.try_map(|types| {
            Ok(Some(parse_credit_code_types(
                "creditCodeTypes",
                types.split('|'),
            )?))
        })?;
        if let Patch::Set(parent) = &parent {
            if !tree.contains_key(parent) {
                return Err(Error::not_found(
                    "parentCode",
                    msg!("category-not-found", code = parent.as_str()),
                ));
            }
            // Walk up from the parent: meeting the category closes a cycle.
            let mut at = Some(parent.clone());
            let mut steps = 0;
            while let Some(current) = at {
                if current == code || steps > tree.len() {
                    return Err(Error::invalid(
                        "parentCode",
                        msg!(
                            "category-cycle",
                            parent = parent.as_str(),
                            code = code.as_str()
                        ),
                    ));
                }
                at = tree.get(&current).and_then(|c| c.parent.clone());
                steps += 1;
            }
        }
        Ok(ParsedCategory {
            code,
            name,
            description,
            parent,
            credit_code_types,
        })
    }

    fn key(parsed: &ParsedCategory, _: &Row<'_>) -> Result<(String, String)> {
        Ok((parsed.code.clone(), parsed.code.clone()))
    }

    async fn take(
        &mut self,
        _: &DatabaseTransaction,
        _: u64,
        parsed: ParsedCategory,
        report: &mut ImportReport,
        _: bool,
    ) -> Result<Taken> {
        let ParsedCategory {
            code,
            name,
            description,
            parent,
            credit_code_types,
        } = parsed;
        let current = self.tree.get(&code).cloned();
        let next = CategoryState {
            id: current.as_ref().and_then(|c| c.id),
            name,
            parent: parent.apply(current.as_ref().and_then(|c| c.parent.clone())),
            description: description.apply(current.as_ref().and_then(|c| c.description.clone())),
            credit_code_types: credit_code_types
                .apply(current.as_ref().map(|c| c.credit_code_types.clone()))
                .unwrap_or_default(),
        };
        match &current {
            Some(current) if *current == next => report.unchanged += 1,
            Some(current) => {
                report.updated += 1;
                self.structural |= current.parent != next.parent;
                if current.parent != next.parent
                    || current.credit_code_types != next.credit_code_types
                {
                    self.retyped.push(code.clone());
                }
                self.touched.push(code.clone());
            }
            None => {
                report.created += 1;
                self.structural = true;
                self.touched.push(code.clone());
            }
        }
        self.tree.insert(code, next);
        Ok(Taken::Held)
    }

    async fn write(self, txn: &DatabaseTransaction, report: &mut ImportReport) -> Result<()> {
        let Categories {
            tree,
            touched,
            structural,
            retyped,
            ..
        } = self;
        if touched.is_empty() {
            return Ok(());
        }
        // New categories first, without parents; then every written one gets
        // its final name, parent and description.
        let mut ids: HashMap<String, i32> = tree
            .iter()
            .filter_map(|(code, c)| c.id.map(|id| (code.clone(), id)))
            .collect();
        for code in &touched {
            if ids.contains_key(code) {
                continue;
            }
            let state = &tree[code];
            let saved = category::ActiveModel {
                code: Set(code.clone()),
                name: Set(state.name.clone()),
                parent_id: Set(None),
                description: Set(state.description.clone()),
                credit_code_types: Set(state.credit_code_types.clone()),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            ids.insert(code.clone(), saved.id);
        }
        for code in &touched {
            let state = &tree[code];
            category::ActiveModel {
                id: Set(ids[code]),
                code: Set(code.clone()),
                name: Set(state.name.clone()),
                parent_id: Set(state.parent.as_ref().and_then(|p| ids.get(p).copied())),
                description: Set(state.description.clone()),
                credit_code_types: Set(state.credit_code_types.clone()),
            }
            .update(txn)
            .await?;
        }
        if structural {
            category_domain::rebuild_closure(txn).await?;
            report.changed_responsibility = engine::refresh(txn, engine::Inputs::Categories)
                .await?
                .changed;
        }
        // New categories have no organizations yet; changed ones re-evaluate
        // their subtrees' organizations, in one statement set.
        let below = retyped
            .iter()
            .filter_map(|code| ids.get(code).map(i32::to_string))
            .collect::<Vec<_>>();
        if !below.is_empty() {
            let condition = format!(
                "o.category_id IN (SELECT descendant_id FROM category_closure WHERE ancestor_id IN ({}))",
                below.join(", ")
            );
            engine::refresh_mismatches(txn, &condition).await?;
        }
        Ok(())
    }
}
