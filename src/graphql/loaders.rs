//! Per-request DataLoaders: every relation a list can fan out into loads
//! in one query per level, whatever the page size. Keys are newtypes.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::{
    category, department, department_contact, department_kind, organization, region,
    responsibility, responsibility_rule,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::page::{Page, PageRequest};
use crate::domain::responsibility::RuleFacts;
use crate::domain::{
    coverage, department as department_domain, organization as organization_domain, oversight,
    region as region_domain, rule, scope::Scope,
};
use crate::error::Error;

/// The loaders of one request.
pub struct Loaders {
    pub db: DatabaseConnection,
    pub scope: Scope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RegionById(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChildrenOfRegion(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AncestorsOfRegion(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DepartmentsOfRegion(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DepartmentById(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DepartmentsOfKind(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KindById(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CategoryById(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChildrenOfCategory(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RulesOfCategory(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ContactsOfDepartment(pub i32);

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<Error>>;

fn ids<K: Copy>(keys: &[K], id: fn(K) -> i32) -> Vec<i32> {
    keys.iter().map(|k| id(*k)).collect()
}

fn db_err(err: sea_orm::DbErr) -> Arc<Error> {
    Arc::new(Error::from(err))
}

/// Implements a loader that fetches models by primary key.
macro_rules! by_id {
    ($key:ident, $entity:ident) => {
        impl Loader<$key> for Loaders {
            type Value = $entity::Model;
            type Error = Arc<Error>;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, Self::Value> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::Id.is_in(ids(keys, |k| k.0)))
                    .all(&self.db)
                    .await
                    .map_err(db_err)?;
                Ok(rows.into_iter().map(|m| ($key(m.id), m)).collect())
            }
        }
    };
}

/// Implements a loader that groups the rows of `$entity` by `$column`.
macro_rules! grouped {
    ($key:ident, $entity:ident, $column:ident, $field:ident, $order:ident) => {
        impl Loader<$key> for Loaders {
            type Value = Vec<$entity::Model>;
            type Error = Arc<Error>;

            async fn load(&self, keys: &[$key]) -> LoadResult<$key, Self::Value> {
                let rows = $entity::Entity::find()
                    .filter($entity::Column::$column.is_in(ids(keys, |k| k.0)))
                    .order_by_asc($entity::Column::$order)
                    .all(&self.db)
                    .await
                    .map_err(db_err)?;
                let mut map: HashMap<$key, Self::Value> =
                    keys.iter().map(|k| (*k, Vec::new())).collect();
                for row in rows {
                    if let Some(parent) = row.$field {
                        map.entry($key(parent)).or_default().push(row);
                    }
                }
                Ok(map)
            }
        }
    };
}

by_id!(RegionById, region);
by_id!(DepartmentById, department);
by_id!(KindById, department_kind);
by_id!(CategoryById, category);

grouped!(ChildrenOfCategory, category, ParentId, parent_id, Id);

/// Children in the caller's scope only: a region-bound caller that walks up
/// to an ancestor sees none of the ancestor's other subtrees.
impl Loader<ChildrenOfRegion> for Loaders {
    type Value = Vec<region::Model>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[ChildrenOfRegion]) -> LoadResult<ChildrenOfRegion, Self::Value> {
        let mut select = region::Entity::find()
            .filter(region::Column::ParentId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(region::Column::Code);
        if let Some(root) = self.scope.region_id {
            select =
                select.filter(region::Column::Id.in_subquery(region_domain::subtree_ids(root)));
        }
        let rows = select.all(&self.db).await.map_err(db_err)?;
        let mut map: HashMap<_, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            if let Some(parent) = row.parent_id {
                map.entry(ChildrenOfRegion(parent)).or_default().push(row);
            }
        }
        Ok(map)
    }
}

/// Departments in the caller's scope only (an ancestor's are not listed).
impl Loader<DepartmentsOfRegion> for Loaders {
    type Value = Vec<department::Model>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[DepartmentsOfRegion],
    ) -> LoadResult<DepartmentsOfRegion, Self::Value> {
        let mut select = department::Entity::find()
            .filter(department::Column::RegionId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(department::Column::KindId);
        if let Some(root) = self.scope.region_id {
            select = select
                .filter(department::Column::RegionId.in_subquery(region_domain::subtree_ids(root)));
        }
        let rows = select.all(&self.db).await.map_err(db_err)?;
        let mut map: HashMap<_, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            map.entry(DepartmentsOfRegion(row.region_id))
                .or_default()
                .push(row);
        }
        Ok(map)
    }
}

impl Loader<DepartmentsOfKind> for Loaders {
    type Value = Vec<department::Model>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[DepartmentsOfKind]) -> LoadResult<DepartmentsOfKind, Self::Value> {
        let mut select = department::Entity::find()
            .filter(department::Column::KindId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(department::Column::Id);
        if let Some(root) = self.scope.region_id {
            select = select
                .filter(department::Column::RegionId.in_subquery(region_domain::subtree_ids(root)));
        }
        let rows = select.all(&self.db).await.map_err(db_err)?;
        let mut map: HashMap<_, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            map.entry(DepartmentsOfKind(row.kind_id))
                .or_default()
                .push(row);
        }
        Ok(map)
    }
}

impl Loader<AncestorsOfRegion> for Loaders {
    type Value = Vec<i32>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[AncestorsOfRegion]) -> LoadResult<AncestorsOfRegion, Self::Value> {
        let map = region_domain::ancestor_ids(&self.db, &ids(keys, |k| k.0)).await?;
        Ok(map
            .into_iter()
            .map(|(k, v)| (AncestorsOfRegion(k), v))
            .collect())
    }
}

impl Loader<RulesOfCategory> for Loaders {
    type Value = Vec<entity::responsibility_rule::Model>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[RulesOfCategory]) -> LoadResult<RulesOfCategory, Self::Value> {
        let map = rule::by_categories(&self.db, &self.scope, &ids(keys, |k| k.0)).await?;
        let mut out: HashMap<_, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (k, v) in map {
            out.insert(RulesOfCategory(k), v);
        }
        Ok(out)
    }
}

impl Loader<ContactsOfDepartment> for Loaders {
    type Value = Vec<department_contact::Model>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[ContactsOfDepartment],
    ) -> LoadResult<ContactsOfDepartment, Self::Value> {
        let map = department_domain::contacts(&self.db, &ids(keys, |k| k.0)).await?;
        let mut out: HashMap<_, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (k, v) in map {
            out.insert(ContactsOfDepartment(k), v);
        }
        Ok(out)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrganizationById(pub i32);
/// An organization's stored responsibility, by the organization's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResponsibilityById(pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuleById(pub i32);
/// The coordinator department id of a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CoordinatorOfRegion(pub i32);
/// (region id, kind id) of a department.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CategoriesOverseen(pub i32, pub i32);
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CoverageOf(pub coverage::Subject);

by_id!(OrganizationById, organization);
by_id!(ResponsibilityById, responsibility);
by_id!(RuleById, responsibility_rule);

/// A rule's names for an explanation, with those of its category, scope
/// and kind, in one query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RuleFactsById(pub i32);

impl Loader<RuleFactsById> for Loaders {
    type Value = RuleFacts;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[RuleFactsById]) -> LoadResult<RuleFactsById, RuleFacts> {
        let facts = rule::facts(&self.db, &ids(keys, |k| k.0))
            .await
            .map_err(Arc::new)?;
        Ok(facts
            .into_iter()
            .map(|(id, facts)| (RuleFactsById(id), facts))
            .collect())
    }
}

impl Loader<CoordinatorOfRegion> for Loaders {
    type Value = i32;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[CoordinatorOfRegion]) -> LoadResult<CoordinatorOfRegion, i32> {
        let map = oversight::coordinators(&self.db, &ids(keys, |k| k.0)).await?;
        Ok(map
            .into_iter()
            .map(|(k, v)| (CoordinatorOfRegion(k), v))
            .collect())
    }
}

impl Loader<CategoriesOverseen> for Loaders {
    type Value = Vec<i32>;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[CategoriesOverseen]) -> LoadResult<CategoriesOverseen, Vec<i32>> {
        let pairs: Vec<(i32, i32)> = keys.iter().map(|k| (k.0, k.1)).collect();
        let map = oversight::categories_overseen(&self.db, &pairs).await?;
        Ok(map
            .into_iter()
            .map(|((r, k), v)| (CategoriesOverseen(r, k), v))
            .collect())
    }
}

impl Loader<CoverageOf> for Loaders {
    type Value = coverage::Summary;
    type Error = Arc<Error>;

    async fn load(&self, keys: &[CoverageOf]) -> LoadResult<CoverageOf, coverage::Summary> {
        let subjects: Vec<coverage::Subject> = keys.iter().map(|k| k.0).collect();
        let map = coverage::summaries(&self.db, &self.scope, &subjects).await?;
        Ok(map.into_iter().map(|(k, v)| (CoverageOf(k), v)).collect())
    }
}

/// A page of the organizations a department is responsible for. The page
/// is part of the key: sibling departments that ask for the same page load
/// together, in one statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrganizationsOfDepartment(pub i32, pub PageRequest);
/// How many organizations a department is responsible for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrganizationCountOfDepartment(pub i32);

impl Loader<OrganizationsOfDepartment> for Loaders {
    type Value = Page<organization::Model>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[OrganizationsOfDepartment],
    ) -> LoadResult<OrganizationsOfDepartment, Self::Value> {
        // One statement per distinct page asked for; usually there is one.
        let mut by_request: HashMap<PageRequest, Vec<i32>> = HashMap::new();
        for key in keys {
            by_request.entry(key.1).or_default().push(key.0);
        }
        let mut out = HashMap::new();
        for (request, department_ids) in by_request {
            let pages = organization_domain::pages_by_department(
                &self.db,
                &self.scope,
                &department_ids,
                &request,
            )
            .await?;
            for (id, page) in pages {
                out.insert(OrganizationsOfDepartment(id, request), page);
            }
        }
        Ok(out)
    }
}

impl Loader<OrganizationCountOfDepartment> for Loaders {
    type Value = u64;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[OrganizationCountOfDepartment],
    ) -> LoadResult<OrganizationCountOfDepartment, u64> {
        let counts =
            organization_domain::counts_by_department(&self.db, &self.scope, &ids(keys, |k| k.0))
                .await?;
        Ok(counts
            .into_iter()
            .map(|(id, n)| (OrganizationCountOfDepartment(id), n))
            .collect())
    }
}
