//! The deterministic demo province, as people who know the field would
//! recognise it: one province of 15 cities, about 120 counties and 1,900
//! townships and subdistricts coded as GB/T 2260 codes them (`regions`),
//! the departments that exist at each level, a few line bureaus
//! deliberately missing (`departments`), and any number of organizations
//! in the shares of published national statistics, with party-building
//! rates that differ by category and by region (`organizations`). The same
//! seed gives the same province. Inserts are batched multi-row statements
//! in one transaction.

mod departments;
mod history;
pub mod ledger;
mod names;
mod organizations;
mod regions;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use entity::{category, department_kind, region};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryOrder, Statement,
};

use crate::domain::{engine, region as region_domain, search, store};
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
            for code in organizations::CATEGORY_CODES {
                if !categories.contains_key(code) {
                    return Err(Error::invalid(
                        "reference data",
                        msg!("demo-category-missing", code = code.to_string()),
                    ));
                }
            }

            let regions = regions::plan(&mut rng);
            let region_ids = regions::insert(txn, &regions).await?;
            region_domain::rebuild_closure(txn).await?;

            let departments = departments::plan(&mut rng, &regions);
            let department_ids =
                departments::insert(txn, &departments, &regions, &region_ids, &kinds, &mut rng)
                    .await?;

            let world =
                organizations::World::new(&regions, &region_ids, &departments, &department_ids);
            let made =
                organizations::insert(txn, &world, &categories, organizations, &mut rng).await?;
            search::reindex(txn, "1 = 1").await?;
            engine::rebuild(txn).await?;
            history::lay_down(txn).await?;
            Ok((regions.len(), departments.len(), made))
        })
    })
    .await?;
    ledger::seed(db, PROVINCE_CODE).await?;
    // Fresh statistics, so the query planner knows the tables' sizes. On
    // PostgreSQL a bare ANALYZE would visit every schema of the database;
    // name the service's tables (in the connection's search path). It
    // vacuums them too: the first statement to read a freshly written page
    // otherwise sets its rows' visibility hints and writes it again, and
    // autovacuum would vacuum a million fresh rows later anyway, in the
    // middle of whatever runs then (the benchmark's figures, say).
    let analyze = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "VACUUM (ANALYZE) organization, region, region_closure, department, \
             department_contact, category, category_closure, responsibility_rule, \
             effective_rule, effective_department, effective_fallback, coverage_cell, \
             organization_name_gram, responsibility, responsibility_period, rectification, \
             rectification_event"
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
