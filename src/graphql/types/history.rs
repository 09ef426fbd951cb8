//! Time in the schema: `ResponsibilityPeriod` (an organization's
//! responsibility over a stretch of time, loaded for a page of
//! organizations at once) and `CoveragePoint` (one snapshot of a region's
//! figures).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Object};
use chrono::{DateTime, SecondsFormat, Utc};

use super::Department;
use super::enums::ResponsibilityBasis;
use crate::domain::history::periods::{self, Period};
use crate::domain::history::snapshots::Point;
use crate::error::Error;
use crate::graphql::context::loader;
use crate::graphql::error::ApiResult;
use crate::graphql::loaders::{DepartmentById, Loaders};

/// An RFC 3339 time in UTC, to the microsecond when it has one.
pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A count as GraphQL's Int (a province holds far fewer).
fn int(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The periods of one organization, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeriodsOfOrganization(pub i32);

impl Loader<PeriodsOfOrganization> for Loaders {
    type Value = Vec<Period>;
    type Error = Arc<Error>;

    async fn load(
        &self,
        keys: &[PeriodsOfOrganization],
    ) -> Result<HashMap<PeriodsOfOrganization, Vec<Period>>, Arc<Error>> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let found = periods::of(&self.db, &ids).await.map_err(Arc::new)?;
        Ok(found
            .into_iter()
            .map(|(id, periods)| (PeriodsOfOrganization(id), periods))
            .collect())
    }
}

/// Who was responsible for an organization from one moment up to (not
/// including) the next change.
#[derive(Clone, Debug)]
pub struct ResponsibilityPeriod(pub Period);

#[Object]
impl ResponsibilityPeriod {
    /// When the period began (RFC 3339).
    async fn from(&self) -> String {
        rfc3339(self.0.from)
    }

    /// When it ended, exclusive (RFC 3339). Null: still current.
    async fn to(&self) -> Option<String> {
        self.0.to.map(rfc3339)
    }

    /// The step of the resolution order that decided during the period.
    async fn basis(&self) -> ResponsibilityBasis {
        self.0.basis.into()
    }

    /// The responsible department during the period; null when nobody was.
    async fn department(&self, ctx: &Context<'_>) -> ApiResult<Option<Department>> {
        let Some(id) = self.0.department_id else {
            return Ok(None);
        };
        Ok(loader(ctx)?
            .load_one(DepartmentById(id))
            .await?
            .map(Department))
    }
}

/// The coverage figures of a region subtree at one snapshot.
#[derive(Clone, Debug)]
pub struct CoveragePoint(pub Point);

#[Object]
impl CoveragePoint {
    /// When the snapshot was taken (RFC 3339).
    async fn at(&self) -> String {
        rfc3339(self.0.at)
    }

    async fn organizations(&self) -> i32 {
        int(self.0.organizations)
    }

    /// Organizations with basis NONE: nobody responsible.
    async fn unassigned(&self) -> i32 {
        int(self.0.unassigned)
    }

    /// Organizations covered only by the township fallback.
    async fn fallback_only(&self) -> i32 {
        int(self.0.fallback_only)
    }

    /// 应建未建: three or more party members and no party organization of their own.
    async fn should_establish(&self) -> i32 {
        int(self.0.should_establish)
    }

    /// Basis other than NONE, over all (1.0 with no organizations).
    async fn responsibility_rate(&self) -> f64 {
        self.0.summary().responsibility_rate()
    }

    /// Basis FALLBACK over all (0.0 with no organizations).
    async fn fallback_share(&self) -> f64 {
        self.0.summary().fallback_share()
    }

    /// 党的组织覆盖率: party organization OWN or JOINT, over all.
    async fn organizational_coverage_rate(&self) -> f64 {
        self.0.summary().organizational_coverage_rate()
    }

    /// 党的工作覆盖率: OWN, JOINT, or work coverage in place, over all.
    async fn work_coverage_rate(&self) -> f64 {
        self.0.summary().work_coverage_rate()
    }
}
