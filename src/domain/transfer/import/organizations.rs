//! Importing organizations, streamed in batches so that memory stays flat
//! however long the file: each batch is compared with the stored rows and
//! written with one multi-row upsert, and the engine re-resolves the
//! written organizations once at the end, set-based. The credit codes of
//! earlier batches live in a temporary table, which refuses a code the
//! file gave before.

use std::collections::HashMap;
use std::time::Instant;

use entity::{category, department, organization};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    DbErr, EntityTrait, PaginatorTrait, QueryFilter, Statement,
};

use super::driver::{Importer, Row, Taken, duplicate};
use super::lookup::{RegionMap, lookup};
use crate::domain::engine;
use crate::domain::organization::{
    Fields, PartyOrganization, check_party_member_count, stored_row,
};
use crate::domain::scope::Scope;
use crate::domain::search;
use crate::domain::store::db;
use crate::domain::transfer::Dataset;
use crate::domain::transfer::codes::ids_by_code;
use crate::domain::transfer::report::{ImportReport, RowError};
use crate::domain::values::{CreditCode, Patch, parse_name};
use crate::error::{Error, Result};
use crate::msg;

/// Organizations validated and compared with the stored rows together.
const BATCH: usize = 2_000;
/// Rows per multi-row INSERT: 1,000 rows of 22 columns stay inside both
/// databases' limits on bound parameters.
const INSERT_ROWS: usize = 1_000;

/// The batch under way, and what its rows are checked against.
pub(super) struct Organizations {
    lookups: OrganizationLookups,
    batch: Vec<PendingOrganization>,
    /// Rows written so far.
    written: u64,
    started: Instant,
}

/// A parsed organization row, its references resolved, before it meets
/// what is stored.
pub(super) struct PendingOrganization {
    line: u64,
    credit_code: CreditCode,
    name: String,
    category_id: i32,
    region_id: i32,
    region_code: String,
    administering: Patch<i32>,
    supervising: Patch<i32>,
    affiliation: Patch<i32>,
    party_organization: Option<PartyOrganization>,
    work_covered: Option<bool>,
    party_member_count: Option<i32>,
    model: Option<bool>,
}

/// What every organization row is checked against.
pub(super) struct OrganizationLookups {
    regions: RegionMap,
    categories: HashMap<String, i32>,
    departments: HashMap<String, i32>,
}

fn parse_organization(row: &Row<'_>, l: &OrganizationLookups) -> Result<PendingOrganization> {
    let credit_code = CreditCode::parse("creditCode", row.required("creditCode")?)?;
    let name = parse_name("name", row.required("name")?, 200)?;
    let category_id = lookup(
        &l.categories,
        "categoryCode",
        row.required("categoryCode")?,
        "category",
    )?;
    let location = l
        .regions
        .require("regionCode", row.required("regionCode")?)?;
    l.regions.check_writable("regionCode", location.id)?;
    let region_code = row.required("regionCode")?.trim().to_owned();
    let administering = match row.patch("administeringRegionCode")? {
        Patch::Set(code) => {
            let admin = l.regions.require("administeringRegionCode", &code)?;
            if !l.regions.is_ancestor_or_self(admin.id, location.id) {
                return Err(Error::invalid(
                    "administeringRegionCode",
                    msg!(
                        "administering-not-above",
                        admin = code.trim(),
                        region = region_code.as_str()
                    ),
                ));
            }
            // The location itself is the default; stored as such.
            if admin.id == location.id {
                Patch::Clear
            } else {
                Patch::Set(admin.id)
            }
        }
        Patch::Clear => Patch::Clear,
        Patch::Keep => Patch::Keep,
    };
    let department = |field: &str| -> Result<Patch<i32>> {
        Ok(match row.patch(field)? {
            Patch::Set(code) => Patch::Set(lookup(&l.departments, field, &code, "department")?),
            Patch::Clear => Patch::Clear,
            Patch::Keep => Patch::Keep,
        })
    };
    let supervising = department("supervisingDepartmentCode")?;
    let affiliation = department("partyAffiliationCode")?;
    let party_organization = row
        .optional("partyOrganization")?
        .map(|p| PartyOrganization::parse("partyOrganization", p))
        .transpose()?;
    let party_member_count = row.integer("partyMemberCount")?;
    if let Some(count) = party_member_count {
        check_party_member_count(count)?;
    }
    Ok(PendingOrganization {
        line: row.record.line,
        credit_code,
        name,
        category_id,
        region_id: location.id,
        region_code,
        administering,
        supervising,
        affiliation,
        party_organization,
        work_covered: row.boolean("workCovered")?,
        party_member_count,
        model: row.boolean("model")?,
    })
}

impl Organizations {
    /// Refuses the batch's keys that earlier batches gave, then compares and
    /// (while the file is clean) writes the rest.
    async fn flush(
        &mut self,
        txn: &DatabaseTransaction,
        report: &mut ImportReport,
        write: bool,
    ) -> Result<()> {
        let batch = drop_earlier_keys(txn, std::mem::take(&mut self.batch), report).await?;
        self.written += flush_organizations(txn, &self.lookups, batch, report, write).await?;
        Ok(())
    }
}

impl Importer for Organizations {
    type Parsed = PendingOrganization;
    type Key = [u8; 18];
    const DATASET: Dataset = Dataset::Organizations;
    const KEY_COLUMN: &'static str = "creditCode";

    async fn load(txn: &DatabaseTransaction, scope: &Scope) -> Result<Self> {
        let lookups = OrganizationLookups {
            regions: RegionMap::load(txn, scope).await?,
            categories: ids_by_code::<category::Entity>(txn).await?,
            departments: ids_by_code::<department::Entity>(txn).await?,
        };
        let started = Instant::now();
        // The credit codes given so far live in a temporary table, so that
        // memory stays flat however long the file; the current batch's in
        // the driver's map.
        db::execute_unprepared(
            txn,
            "CREATE TEMPORARY TABLE IF NOT EXISTS import_key \
             (credit_code CHAR(18) PRIMARY KEY, line BIGINT NOT NULL)",
        )
        .await?;
        db::execute_unprepared(txn, "DELETE FROM import_key").await?;
        Ok(Organizations {
            lookups,
            batch: Vec::with_capacity(BATCH),
            written: 0,
            started,
        })
    }

    fn parse(&self, row: &Row<'_>) -> Result<PendingOrganization> {
        parse_organization(row, &self.lookups)
    }

    fn key(parsed: &PendingOrganization, _: &Row<'_>) -> Result<([u8; 18], String)> {
        Ok((
            credit_key(&parsed.credit_code),
            parsed.credit_code.as_str().to_owned(),
        ))
    }

    async fn take(
        &mut self,
        txn: &DatabaseTransaction,
        _: u64,
        parsed: PendingOrganization,
        report: &mut ImportReport,
        write: bool,
    ) -> Result<Taken> {
        self.batch.push(parsed);
        if self.batch.len() < BATCH {
            return Ok(Taken::Held);
        }
        self.flush(txn, report, write).await?;
        Ok(Taken::Flushed)
    }

    async fn end(
        &mut self,
        txn: &DatabaseTransaction,
        report: &mut ImportReport,
        write: bool,
    ) -> Result<()> {
        if !self.batch.is_empty() {
            self.flush(txn, report, write).await?;
        }
        db::execute_unprepared(txn, "DROP TABLE import_key").await?;
        tracing::debug!(written = self.written, elapsed = ?self.started.elapsed(), "organizations read, compared and written");
        // Rows refused when their batch met the database come after rows of
        // that batch refused on reading: put the list back in line order.
        report.errors.sort_by_key(|e| e.line);
        Ok(())
    }

    async fn write(self, txn: &DatabaseTransaction, report: &mut ImportReport) -> Result<()> {
        if self.written > 0 {
            (report.changed_responsibility, report.category_mismatches) =
                resolve_written(txn, self.written).await?;
        }
        Ok(())
    }
}

/// Refuses the rows of a batch whose credit code an earlier batch gave,
/// and records the rest as given.
async fn drop_earlier_keys(
    txn: &DatabaseTransaction,
    batch: Vec<PendingOrganization>,
    report: &mut ImportReport,
) -> Result<Vec<PendingOrganization>> {
    // Credit codes are validated: 18 characters of 0-9 and A-Z; lines are numbers.
    let quoted = batch
        .iter()
        .map(|p| format!("'{}'", p.credit_code.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    let earlier: HashMap<String, i64> = txn
        .query_all_raw(Statement::from_string(
            txn.get_database_backend(),
            format!("SELECT credit_code, line FROM import_key WHERE credit_code IN ({quoted})"),
        ))
        .await?
        .into_iter()
        .map(|row| Ok((row.try_get("", "credit_code")?, row.try_get("", "line")?)))
        .collect::<Result<_, DbErr>>()?;
    let mut kept = Vec::with_capacity(batch.len());
    for pending in batch {
        match earlier.get(pending.credit_code.as_str()) {
            Some(first) => report.reject(duplicate(
                pending.line,
                "creditCode",
                pending.credit_code.as_str(),
                u64::try_from(*first).unwrap_or_default(),
            )),
            None => kept.push(pending),
        }
    }
    if !kept.is_empty() {
        let values = kept
            .iter()
            .map(|p| format!("('{}', {})", p.credit_code.as_str(), p.line))
            .collect::<Vec<_>>()
            .join(",");
        db::execute_unprepared(
            txn,
            &format!("INSERT INTO import_key (credit_code, line) VALUES {values}"),
        )
        .await?;
    }
    Ok(kept)
}

fn credit_key(code: &CreditCode) -> [u8; 18] {
    let mut key = [0u8; 18];
    for (k, b) in key.iter_mut().zip(code.as_str().bytes()) {
        *k = b;
    }
    key
}

/// Compares a batch with the stored rows, counts it, and (while the file
/// is clean) writes what changed. Returns the rows written.
async fn flush_organizations(
    txn: &DatabaseTransaction,
    lookups: &OrganizationLookups,
    batch: Vec<PendingOrganization>,
    report: &mut ImportReport,
    write: bool,
) -> Result<u64> {
    let stored: HashMap<String, organization::Model> = organization::Entity::find()
        .filter(
            organization::Column::CreditCode
                .is_in(batch.iter().map(|p| p.credit_code.as_str().to_owned())),
        )
        .all(txn)
        .await?
        .into_iter()
        .map(|o| (o.credit_code.clone(), o))
        .collect();
    let mut changed: Vec<organization::Model> = Vec::new();
    let mut updated_ids: Vec<i32> = Vec::new();
    for pending in batch {
        let current = stored.get(pending.credit_code.as_str());
        let admin_id = pending
            .administering
            .apply(current.and_then(|c| c.administering_region_id));
        if let Some(admin_id) = admin_id
            && !lookups
                .regions
                .is_ancestor_or_self(admin_id, pending.region_id)
        {
            report.reject(RowError {
                line: pending.line,
                column: Some("administeringRegionCode".to_owned()),
                reason: msg!("administering-stale", region = pending.region_code.as_str()),
            });
            continue;
        }
        let row = stored_row(
            current,
            Fields {
                credit_code: pending.credit_code.to_string(),
                name: pending.name,
                category_id: pending.category_id,
                region_id: pending.region_id,
                administering_region_id: admin_id,
                supervising: pending.supervising,
                affiliation: pending.affiliation,
                party_organization: pending.party_organization,
                work_covered: pending.work_covered,
                party_member_count: pending.party_member_count,
                model: pending.model,
            },
        );
        match current {
            Some(current) if *current == row => report.unchanged += 1,
            Some(current) => {
                report.updated += 1;
                updated_ids.push(current.id);
                changed.push(row);
            }
            None => {
                report.created += 1;
                changed.push(row);
            }
        }
    }
    if !(write && report.is_clean()) || changed.is_empty() {
        return Ok(0);
    }
    if !updated_ids.is_empty() {
        // Out of the coverage cells as they are stored; back in once re-resolved.
        let ids = join_ids(&updated_ids);
        engine::count_cells(txn, -1, &format!("o.id IN ({ids})")).await?;
    }
    let codes: Vec<String> = changed.iter().map(|o| o.credit_code.clone()).collect();
    let models: Vec<organization::ActiveModel> = changed
        .into_iter()
        .map(|o| {
            let mut active = organization::ActiveModel::from(o).reset_all();
            active.id = NotSet;
            active
        })
        .collect();
    for chunk in models.chunks(INSERT_ROWS) {
        upsert_organizations(txn, chunk.to_vec()).await?;
    }
    // Credit codes are validated: 18 characters of 0-9 and A-Z.
    let quoted = codes
        .iter()
        .map(|c| format!("'{c}'"))
        .collect::<Vec<_>>()
        .join(",");
    db::execute_unprepared(txn, &format!(
        "INSERT INTO dirty_organization (id) SELECT id FROM organization WHERE credit_code IN ({quoted})"
    ))
    .await?;
    Ok(codes.len() as u64)
}

/// One multi-row INSERT … ON CONFLICT (credit_code) DO UPDATE of the
/// columns a file gives; the stored resolution is the engine's to change.
async fn upsert_organizations(
    txn: &DatabaseTransaction,
    rows: Vec<organization::ActiveModel>,
) -> Result<()> {
    organization::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(organization::Column::CreditCode)
                .update_columns([
                    organization::Column::Name,
                    organization::Column::CategoryId,
                    organization::Column::RegionId,
                    organization::Column::AdministeringRegionId,
                    organization::Column::SupervisingDepartmentId,
                    organization::Column::PartyAffiliationId,
                    organization::Column::PartyOrganization,
                    organization::Column::WorkCovered,
                    organization::Column::PartyMemberCount,
                    organization::Column::IsModel,
                ])
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

fn join_ids(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

/// Re-resolves the written organizations (listed in `dirty_organization`)
/// and counts them into the coverage cells. When they are most of the
/// table, resolving and recounting everything is the cheaper plan.
async fn resolve_written(txn: &DatabaseTransaction, written: u64) -> Result<(u64, u64)> {
    let started = std::time::Instant::now();
    let total = organization::Entity::find().count(txn).await?;
    engine::analyze(txn, "dirty_organization").await?;
    let dirty = "o.id IN (SELECT id FROM dirty_organization)";
    search::reindex(txn, dirty).await?;
    let changed = if written * 2 > total {
        let changed = engine::resolve_uncounted(txn, engine::Target::All).await?;
        engine::mark_mismatches_uncounted(txn, dirty).await?;
        engine::recount_cells(txn).await?;
        changed
    } else {
        let changed = engine::resolve_uncounted(txn, engine::Target::Dirty).await?;
        engine::mark_mismatches_uncounted(txn, dirty).await?;
        engine::count_cells(txn, 1, dirty).await?;
        changed
    };
    // A code its category does not admit is a warning: the row is written
    // and counted in the report.
    let mismatched = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "SELECT COUNT(*) AS n FROM organization \
             WHERE category_mismatch = TRUE AND id IN (SELECT id FROM dirty_organization)",
        ))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    db::execute_unprepared(txn, "DELETE FROM dirty_organization").await?;
    db::execute_unprepared(txn, "DELETE FROM coverage_cell WHERE n = 0").await?;
    tracing::debug!(written, changed, elapsed = ?started.elapsed(), "imported organizations resolved");
    Ok((changed, mismatched as u64))
}
