//! The Responsibility object: who decides, on what basis, who contests,
//! and the steps in words.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Object};
use entity::{organization, responsibility, responsibility_rule};

use super::enums::ResponsibilityBasis;
use super::{Department, ResponsibilityRule, missing};
use crate::domain::organization::Explained;
use crate::domain::responsibility::{Facts, Named, Resolution, RuleFacts, explain};
use crate::domain::values::RegionLevel;
use crate::graphql::context::{known_facts, known_rows, lang, loader};
use crate::graphql::error::{ApiError, ApiResult};
use crate::graphql::loaders::{
    CategoryById, DepartmentById, KindById, RegionById, ResponsibilityById, RuleById, RuleFactsById,
};

/// Who is responsible for an organization, and why.
#[derive(Clone, Debug)]
pub struct Responsibility {
    pub organization: organization::Model,
    pub resolution: Resolution,
    /// Rules as a preview would have them (a rule it adds exists only there).
    pub preview_rules: Option<Arc<HashMap<i32, responsibility_rule::Model>>>,
}

impl Responsibility {
    /// What is stored for `organization`: its `stored` responsibility.
    pub fn stored(organization: organization::Model, stored: &responsibility::Model) -> Self {
        Responsibility {
            resolution: Resolution::of(&organization, stored),
            organization,
            preview_rules: None,
        }
    }

    /// The stored responsibility of `organization`: as the request read it
    /// with the organization (its lookup, or its page), else loaded (one
    /// statement for a page).
    pub async fn of(ctx: &Context<'_>, organization: &organization::Model) -> ApiResult<Self> {
        let known = known_facts(ctx)
            .and_then(|known| known.get(organization, |e| e.responsibility.clone()))
            .or_else(|| known_rows(ctx).and_then(|known| known.responsibility(organization.id)));
        let stored = match known {
            Some(stored) => stored,
            None => loader(ctx)?
                .load_one(ResponsibilityById(organization.id))
                .await?
                .ok_or_else(|| missing("responsibility"))?,
        };
        Ok(Self::stored(organization.clone(), &stored))
    }

    async fn rule_model(&self, ctx: &Context<'_>) -> ApiResult<Option<responsibility_rule::Model>> {
        let Some(rule_id) = self.resolution.rule_id else {
            return Ok(None);
        };
        if let Some(rules) = &self.preview_rules
            && let Some(rule) = rules.get(&rule_id)
        {
            return Ok(Some(rule.clone()));
        }
        Ok(loader(ctx)?.load_one(RuleById(rule_id)).await?)
    }

    /// The explanation's names of the rule in force: one joined load for a
    /// stored rule; a previewed rule (which may exist only in the preview)
    /// has its names loaded one by one.
    async fn rule_facts(&self, ctx: &Context<'_>) -> ApiResult<Option<RuleFacts>> {
        let Some(rule_id) = self.resolution.rule_id else {
            return Ok(None);
        };
        let loader = loader(ctx)?;
        let Some(rule) = self
            .preview_rules
            .as_ref()
            .and_then(|rules| rules.get(&rule_id))
        else {
            return Ok(loader.load_one(RuleFactsById(rule_id)).await?);
        };
        let (category, scope, kind) = futures::try_join!(
            loader.load_one(CategoryById(rule.category_id)),
            async {
                match rule.scope_region_id {
                    Some(id) => loader.load_one(RegionById(id)).await,
                    None => Ok(None),
                }
            },
            loader.load_one(KindById(rule.department_kind_id)),
        )?;
        Ok(Some(RuleFacts {
            category: category
                .map(|c| Named {
                    name: c.name,
                    code: c.code,
                })
                .unwrap_or_default(),
            scope: scope.map(|g| Named {
                name: g.name,
                code: g.code,
            }),
            kind: kind
                .map(|k| Named {
                    name: k.name,
                    code: k.code,
                })
                .unwrap_or_default(),
        }))
    }

    /// What the request read with this organization's stored answer, if
    /// this is that answer (a preview's is not).
    fn known<T>(&self, ctx: &Context<'_>, part: impl FnOnce(&Explained) -> T) -> Option<T> {
        if self.preview_rules.is_some() {
            return None;
        }
        known_facts(ctx)?
            .get(&self.organization, |known| {
                (Resolution::of(&known.organization, &known.responsibility) == self.resolution)
                    .then(|| part(known))
            })
            .flatten()
    }

    /// The names the explanation needs, in one round of loads: the
    /// departments, regions and category the stored answer names, and its
    /// rule with the names of that rule's category, scope and kind.
    async fn facts(&self, ctx: &Context<'_>) -> ApiResult<Facts> {
        if let Some(facts) = self.known(ctx, |known| known.facts.clone()) {
            return Ok(facts);
        }
        let loader = loader(ctx)?;
        let org = &self.organization;
        let r = &self.resolution;
        let department_ids = [
            r.party_affiliation_id,
            r.supervising_department_id,
            r.rule_department_id,
            r.fallback_department_id,
            r.department_id,
        ];
        let mut region_ids = vec![org.region_id];
        region_ids.extend(org.administering_region_id);
        let (departments, rule_facts, regions, categories) = futures::try_join!(
            async {
                Ok::<_, ApiError>(
                    loader
                        .load_many(
                            department_ids
                                .iter()
                                .flatten()
                                .map(|id| DepartmentById(*id)),
                        )
                        .await?,
                )
            },
            self.rule_facts(ctx),
            async {
                Ok::<_, ApiError>(
                    loader
                        .load_many(region_ids.iter().map(|id| RegionById(*id)))
                        .await?,
                )
            },
            async {
                Ok::<_, ApiError>(
                    loader
                        .load_many(std::iter::once(CategoryById(org.category_id)))
                        .await?,
                )
            },
        )?;
        let department = |id: Option<i32>| {
            id.and_then(|id| departments.get(&DepartmentById(id)))
                .map(|d| Named {
                    name: d.name.clone(),
                    code: d.code.clone(),
                })
        };
        let region = |id: i32| {
            regions.get(&RegionById(id)).map(|r| Named {
                name: r.name.clone(),
                code: r.code.clone(),
            })
        };
        let category = |id: i32| {
            categories
                .get(&CategoryById(id))
                .map(|c| Named {
                    name: c.name.clone(),
                    code: c.code.clone(),
                })
                .unwrap_or_default()
        };
        let location_is_township = regions
            .get(&RegionById(org.region_id))
            .and_then(|r| RegionLevel::from_db(&r.level))
            .is_some_and(RegionLevel::is_township);
        Ok(Facts {
            category: category(org.category_id),
            location: region(org.region_id).unwrap_or_default(),
            location_is_township,
            administering: org
                .administering_region_id
                .filter(|id| *id != org.region_id)
                .and_then(region),
            party_affiliation: department(r.party_affiliation_id),
            supervising: department(r.supervising_department_id),
            rule: rule_facts,
            rule_department: department(r.rule_department_id),
            fallback: department(r.fallback_department_id),
            department: department(r.department_id),
        })
    }
}

#[Object]
impl Responsibility {
    /// The step that decided.
    async fn basis(&self) -> ResponsibilityBasis {
        self.resolution.basis.into()
    }

    /// The responsible department; null for a blind spot.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        let Some(id) = self.resolution.department_id else {
            return Ok(None);
        };
        if let Some(Some(department)) = self.known(ctx, |known| known.department.clone()) {
            return Ok(Some(Department(department)));
        }
        Ok(loader(ctx)?
            .load_one(DepartmentById(id))
            .await?
            .map(Department))
    }

    /// The rule in force for the organization's category at its location
    /// (most specific category, then most local scope), whether or not it
    /// decided; null when none is.
    async fn rule(&self, ctx: &Context<'_>) -> ApiResult<Option<ResponsibilityRule>> {
        Ok(self.rule_model(ctx).await?.map(ResponsibilityRule))
    }

    /// Other departments that also claim the organization through a later step.
    async fn contested_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<Department>> {
        let ids = self.resolution.contested_by();
        let mut found = loader(ctx)?
            .load_many(ids.iter().map(|id| DepartmentById(*id)))
            .await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.remove(&DepartmentById(*id)).map(Department))
            .collect())
    }

    /// The steps taken, in words: simplified Chinese unless the request
    /// asks for English (`Accept-Language: en`).
    async fn explanation(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let facts = self.facts(ctx).await?;
        let lang = lang(ctx);
        Ok(explain(&self.resolution, &facts)
            .iter()
            .map(|step| step.render(lang))
            .collect())
    }
}
