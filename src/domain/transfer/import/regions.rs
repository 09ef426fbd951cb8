//! Importing regions. The file is applied to an in-memory picture of the
//! tree, so that a row may name a parent given earlier in the same file; a
//! region keeps its level and parent (GB/T 2260 gives a moved region a new
//! code), so a row renames a region or adds one. Renames and new regions
//! are written at the end, parents before children.

use std::collections::HashMap;

use entity::region;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, Set,
};

use super::driver::{Importer, Row, Taken, truncate};
use super::lookup::{RegionMap, RegionRef};
use crate::domain::scope::Scope;
use crate::domain::transfer::Dataset;
use crate::domain::transfer::report::{ImportReport, outside};
use crate::domain::values::{RegionCode, RegionLevel, parse_name};
use crate::domain::{engine, region as region_domain};
use crate::error::{Error, Result};
use crate::msg;

/// The regions as the file leaves them, and what it changes.
pub(super) struct Regions {
    regions: RegionMap,
    added: Vec<NewRegion>,
    renamed: Vec<(i32, String)>,
    /// The id the next new region gets in the picture, below every real id.
    next_placeholder: i32,
}

/// A region the file adds.
struct NewRegion {
    code: String,
    name: String,
    level: RegionLevel,
    parent_code: Option<String>,
}

/// A region row, its parent found.
pub(super) struct ParsedRegion {
    code: RegionCode,
    name: String,
    level: RegionLevel,
    parent: Option<RegionRef>,
    parent_code: Option<String>,
}

impl Importer for Regions {
    type Parsed = ParsedRegion;
    type Key = String;
    const DATASET: Dataset = Dataset::Regions;
    const KEY_COLUMN: &'static str = "code";

    async fn load(txn: &DatabaseTransaction, scope: &Scope) -> Result<Self> {
        Ok(Regions {
            regions: RegionMap::load(txn, scope).await?,
            added: Vec::new(),
            renamed: Vec::new(),
            next_placeholder: -1,
        })
    }

    fn parse(&self, row: &Row<'_>) -> Result<ParsedRegion> {
        let code = RegionCode::parse("code", row.required("code")?)?;
        let name = parse_name("name", row.required("name")?, 100)?;
        let level_text = row.required("level")?.trim().to_ascii_uppercase();
        let level = RegionLevel::from_db(&level_text).ok_or_else(|| {
            Error::invalid(
                "level",
                msg!("region-level-unknown", value = truncate(&level_text, 20)),
            )
        })?;
        let (parent, parent_code) = match row.optional("parentCode")? {
            Some(code) => (
                Some(self.regions.require("parentCode", code)?.clone()),
                Some(RegionCode::parse("parentCode", code)?.to_string()),
            ),
            None => (None, None),
        };
        code.check_placement(
            level,
            parent
                .as_ref()
                .zip(parent_code.as_deref())
                .map(|(p, c)| (c, p.level)),
        )?;
        Ok(ParsedRegion {
            code,
            name,
            level,
            parent,
            parent_code,
        })
    }

    fn key(parsed: &ParsedRegion, _: &Row<'_>) -> Result<(String, String)> {
        Ok((parsed.code.to_string(), parsed.code.to_string()))
    }

    async fn take(
        &mut self,
        _: &DatabaseTransaction,
        line: u64,
        parsed: ParsedRegion,
        report: &mut ImportReport,
        _: bool,
    ) -> Result<Taken> {
        let ParsedRegion {
            code,
            name,
            level,
            parent,
            parent_code,
        } = parsed;
        let regions = &mut self.regions;
        let parent_id = parent.as_ref().map(|p| p.id);
        match regions.by_code.get(code.as_str()).cloned() {
            Some(existing) => {
                if let Err(err) = regions.check_writable("code", existing.id) {
                    report.reject_with(line, err, "code")?;
                    return Ok(Taken::Held);
                }
                if existing.level != level || existing.parent_id != parent_id {
                    report.reject_with(
                        line,
                        Error::invalid(
                            "parentCode",
                            msg!(
                                "region-moved",
                                code = code.as_str(),
                                level = existing.level.label()
                            ),
                        ),
                        "parentCode",
                    )?;
                    return Ok(Taken::Held);
                }
                if existing.name == name {
                    report.unchanged += 1;
                } else {
                    report.updated += 1;
                    self.renamed.push((existing.id, name.clone()));
                    if let Some(r) = regions.by_code.get_mut(code.as_str()) {
                        r.name = name;
                    }
                }
            }
            None => {
                let writable = match parent_id {
                    Some(id) => regions.check_writable("parentCode", id),
                    None if regions.writable.is_some() => Err(Error::invalid("code", outside())),
                    None => Ok(()),
                };
                if let Err(err) = writable {
                    report.reject_with(line, err, "code")?;
                    return Ok(Taken::Held);
                }
                let id = self.next_placeholder;
                self.next_placeholder -= 1;
                regions.by_code.insert(
                    code.to_string(),
                    RegionRef {
                        id,
                        name: name.clone(),
                        level,
                        parent_id,
                    },
                );
                if let Some(ids) = &mut regions.writable {
                    ids.insert(id);
                }
                report.created += 1;
                self.added.push(NewRegion {
                    code: code.to_string(),
                    name,
                    level,
                    parent_code,
                });
            }
        }
        Ok(Taken::Held)
    }

    async fn write(self, txn: &DatabaseTransaction, report: &mut ImportReport) -> Result<()> {
        for (id, name) in self.renamed {
            region::ActiveModel {
                id: Set(id),
                name: Set(name),
                ..Default::default()
            }
            .update(txn)
            .await?;
        }
        let added = self.added;
        if added.is_empty() {
            return Ok(());
        }
        // Parents before children: a parent's level always ranks higher.
        let rank = |level: RegionLevel| match level {
            RegionLevel::Province => 0,
            RegionLevel::City => 1,
            RegionLevel::County => 2,
            RegionLevel::Township | RegionLevel::Subdistrict => 3,
        };
        let mut ids: HashMap<String, i32> = region::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .map(|r| (r.code, r.id))
            .collect();
        for level_rank in 0..4 {
            let wave: Vec<&NewRegion> = added
                .iter()
                .filter(|r| rank(r.level) == level_rank)
                .collect();
            for chunk in wave.chunks(1_000) {
                let models = chunk.iter().map(|r| region::ActiveModel {
                    id: NotSet,
                    code: Set(r.code.clone()),
                    name: Set(r.name.clone()),
                    level: Set(r.level.as_str().to_owned()),
                    parent_id: Set(r.parent_code.as_ref().and_then(|c| ids.get(c).copied())),
                });
                region::Entity::insert_many(models.collect::<Vec<_>>())
                    .exec_without_returning(txn)
                    .await?;
                let inserted = region::Entity::find()
                    .filter(region::Column::Code.is_in(chunk.iter().map(|r| r.code.clone())))
                    .all(txn)
                    .await?;
                ids.extend(inserted.into_iter().map(|r| (r.code, r.id)));
            }
        }
        region_domain::rebuild_closure(txn).await?;
        report.changed_responsibility = engine::refresh(txn, engine::Inputs::Any).await?.changed;
        Ok(())
    }
}
