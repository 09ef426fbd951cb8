//! The responsibility engine: keeps every organization's resolved
//! responsibility current inside the transaction that writes.
//!
//! Three small derived tables hold what the trees and rules imply:
//! `effective_rule` (the rule in force per category and region: most
//! specific category first, then most local scope), `effective_department`
//! (the department of a kind at a region or its nearest ancestor) and
//! `effective_fallback` (the department of a FALLBACK-role kind at a
//! township or subdistrict). A structural write (rule, department, region,
//! category, a kind's role) recomputes them into staging tables, diffs old against new, and
//! re-resolves exactly the organizations whose inputs changed, in set-based
//! statements. An organization write re-resolves that organization. Reads
//! never recompute.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use futures::TryStreamExt;
use sea_orm::{ConnectionTrait, DbBackend, Statement, StreamTrait};

use super::conditions::SHOULD_ESTABLISH;
use super::feed;
use super::history::periods::{self, Affected};
use super::ledger::follow as ledger;
use super::store::db;
use crate::error::Result;

/// Which organizations to resolve.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    One(i32),
    /// Those listed in the `dirty_organization` work table.
    Dirty,
    /// Those decided by this department (its kind changed).
    DecidedBy(i32),
    All,
}

impl Target {
    /// The condition on `o2`, the organization row being resolved.
    fn condition(self) -> String {
        match self {
            Target::One(id) => format!("o2.id = {id}"),
            Target::Dirty => "o2.id IN (SELECT id FROM dirty_organization)".to_owned(),
            Target::DecidedBy(id) => {
                format!("o2.id IN (SELECT id FROM responsibility WHERE department_id = {id})")
            }
            Target::All => "1 = 1".to_owned(),
        }
    }
}

/// The new resolution of the target organizations: one row per
/// organization with the columns the engine stores, and its credit code
/// (read with the row anyway, for the history).
pub(crate) fn resolution_select(target: Target) -> String {
    format!(
        "SELECT y.id, y.basis, y.department_id, dk.kind_id, y.rule_id, y.rule_kind_id, \
                y.rule_department_id, y.fallback_department_id, y.contested, y.credit_code, \
                {cell} \
         FROM ( \
           SELECT x.id, x.credit_code, {cell}, \
             CASE WHEN x.pa IS NOT NULL THEN 'PARTY_AFFILIATION' \
                  WHEN x.su IS NOT NULL THEN 'SUPERVISING_UNIT' \
                  WHEN x.rule_department_id IS NOT NULL THEN 'RULE' \
                  WHEN x.fallback_department_id IS NOT NULL THEN 'FALLBACK' \
                  ELSE 'NONE' END AS basis, \
             COALESCE(x.pa, x.su, x.rule_department_id, x.fallback_department_id) AS department_id, \
             x.rule_id, x.rule_kind_id, x.rule_department_id, x.fallback_department_id, \
             CASE WHEN (x.pa IS NOT NULL AND x.su IS NOT NULL AND x.pa <> x.su) \
                    OR (x.pa IS NOT NULL AND x.rule_department_id IS NOT NULL AND x.pa <> x.rule_department_id) \
                    OR (x.su IS NOT NULL AND x.rule_department_id IS NOT NULL AND x.su <> x.rule_department_id) \
                  THEN TRUE ELSE FALSE END AS contested \
           FROM ( \
             SELECT o2.id, o2.credit_code, {o2_cell}, o2.party_affiliation_id AS pa, \
                    o2.supervising_department_id AS su, \
                    er.rule_id, er.kind_id AS rule_kind_id, ed.department_id AS rule_department_id, \
                    ef.department_id AS fallback_department_id \
             FROM organization o2 \
             LEFT JOIN effective_rule er \
               ON er.category_id = o2.category_id AND er.region_id = o2.region_id \
             LEFT JOIN effective_department ed \
               ON ed.kind_id = er.kind_id \
              AND ed.region_id = COALESCE(o2.administering_region_id, o2.region_id) \
             LEFT JOIN effective_fallback ef ON ef.region_id = o2.region_id \
             WHERE {} \
           ) x \
         ) y \
         LEFT JOIN (SELECT id, kind_id FROM department) dk ON dk.id = y.department_id",
        target.condition(),
        cell = ORGANIZATION_CELL.join(", "),
        o2_cell = qualified("o2", &ORGANIZATION_CELL),
    )
}

/// The organization's own columns that its coverage cell reads, as the
/// new resolution carries them through to `resolution_next`.
const ORGANIZATION_CELL: [&str; 7] = [
    "region_id",
    "administering_region_id",
    "category_id",
    "party_organization",
    "work_covered",
    "party_member_count",
    "category_mismatch",
];

/// The condition under which a stored resolution `st` (a `responsibility`
/// row) differs from a new one `n`.
pub(crate) const CHANGED: &str = "(st.basis <> n.basis \
     OR st.department_id IS DISTINCT FROM n.department_id \
     OR st.kind_id IS DISTINCT FROM n.kind_id \
     OR st.rule_id IS DISTINCT FROM n.rule_id \
     OR st.rule_kind_id IS DISTINCT FROM n.rule_kind_id \
     OR st.rule_department_id IS DISTINCT FROM n.rule_department_id \
     OR st.fallback_department_id IS DISTINCT FROM n.fallback_department_id \
     OR st.contested <> n.contested)";

/// The columns of `responsibility` the engine writes, as `resolution_next`
/// and [`resolution_select`] name them too.
const STORED: &str = "id, basis, department_id, kind_id, rule_id, rule_kind_id, \
     rule_department_id, fallback_department_id, contested";

/// Every stored organization joined with its stored responsibility `st`.
pub(crate) const WITH_STORED: &str = "organization o JOIN responsibility st ON st.id = o.id";

/// Re-resolves the target organizations and keeps the coverage cells;
/// returns how many changed. Only the changed ones are written.
pub async fn resolve(db: &(impl ConnectionTrait + StreamTrait), target: Target) -> Result<u64> {
    let started = Instant::now();
    let changed = resolve_counted(db, target).await?;
    observe(started, changed);
    Ok(changed)
}

/// What [`resolve`] does, unobserved.
async fn resolve_counted(db: &(impl ConnectionTrait + StreamTrait), target: Target) -> Result<u64> {
    db::execute_unprepared(db, "DELETE FROM resolution_next").await?;
    let cell = ORGANIZATION_CELL.join(", ");
    let was = CELL_RESOLUTION.map(|c| format!("was_{c}")).join(", ");
    let organization_cell = qualified("n", &ORGANIZATION_CELL);
    let stored_was = qualified("st", &CELL_RESOLUTION);
    let staged = db::execute_unprepared(
        db,
        &format!(
            "INSERT INTO resolution_next (id, basis, department_id, kind_id, rule_id, rule_kind_id, \
               rule_department_id, fallback_department_id, contested, index_change, \
               credit_code, moved, {cell}, {was}) \
             SELECT n.id, n.basis, n.department_id, n.kind_id, n.rule_id, n.rule_kind_id, \
                    n.rule_department_id, n.fallback_department_id, n.contested, {INDEX_CHANGE}, \
                    n.credit_code, {MOVED}, {organization_cell}, {stored_was} \
             FROM ({}) n JOIN responsibility st ON st.id = n.id WHERE {CHANGED}",
            resolution_select(target)
        ),
    )
    .await?
    .rows_affected();
    if staged == 0 {
        return Ok(0);
    }
    analyze(db, "resolution_next").await?;
    if feed::is_recording() {
        feed::record(ids_of(db, "SELECT id FROM resolution_next".to_owned()).await?);
    }
    // The history appends the staged changes that move the basis or the
    // department, as a step of its own.
    periods::follow_staged(db).await?;
    move_staged_between_cells(db).await?;
    // SQLite rewrites the entries of every index over an assigned column,
    // changed or not: each shape of change assigns only what it changes
    // among the indexed columns (basis, department, contested).
    for (index_change, indexed) in [
        (0, ""),
        (1, "department_id = n.department_id, "),
        (
            2,
            "basis = n.basis, department_id = n.department_id, contested = n.contested, ",
        ),
    ] {
        db::execute_unprepared(
            db,
            &format!(
                "UPDATE responsibility AS st SET {indexed}\
                   kind_id = n.kind_id, rule_id = n.rule_id, rule_kind_id = n.rule_kind_id, \
                   rule_department_id = n.rule_department_id, \
                   fallback_department_id = n.fallback_department_id \
                 FROM resolution_next AS n WHERE n.index_change = {index_change} AND st.id = n.id"
            ),
        )
        .await?;
    }
    // The ledger's stored state of their gaps follows, for those whose
    // basis or contested flag changed (the stored columns a gap of an
    // organization depends on that a re-resolution can change).
    ledger::follow(
        db,
        "resolution_next staged CROSS JOIN organization o CROSS JOIN responsibility st \
         WHERE o.id = staged.id AND st.id = staged.id AND staged.index_change = 2",
    )
    .await?;
    db::execute_unprepared(db, "DELETE FROM resolution_next").await?;
    Ok(staged)
}

/// Which indexed responsibility columns a new resolution `n` changes on a
/// stored one `st`: 0 none, 1 the department only, 2 the basis or the
/// contested flag (and perhaps the department).
const INDEX_CHANGE: &str = "CASE WHEN st.basis <> n.basis OR st.contested <> n.contested THEN 2 \
     WHEN st.department_id IS DISTINCT FROM n.department_id THEN 1 ELSE 0 END";

/// Whether a new resolution `n` moves a stored one `st` to another basis
/// or department: what the history records.
const MOVED: &str = "CASE WHEN st.basis <> n.basis \
     OR st.department_id IS DISTINCT FROM n.department_id THEN TRUE ELSE FALSE END";

/// Re-resolves the target organizations without touching the coverage
/// cells: for an organization write, which counts the row itself, and for
/// a rebuild, which recounts everything.
pub async fn resolve_uncounted(
    db: &(impl ConnectionTrait + StreamTrait),
    target: Target,
) -> Result<u64> {
    let started = Instant::now();
    let changed = resolve_cells_untouched(db, target).await?;
    observe(started, changed);
    Ok(changed)
}

/// Counts a re-resolution for the metrics (`/metrics`, through the facade:
/// the domain does not know the exporter). A re-resolution whose
/// transaction is rolled back later still counts: it was work done.
fn observe(started: Instant, changed: u64) {
    metrics::counter!("orgmap_reresolutions_total").increment(1);
    metrics::counter!("orgmap_reresolved_organizations_total").increment(changed);
    metrics::histogram!("orgmap_reresolution_duration_seconds")
        .record(started.elapsed().as_secs_f64());
}

/// What [`resolve_uncounted`] does, unobserved.
async fn resolve_cells_untouched(
    db: &(impl ConnectionTrait + StreamTrait),
    target: Target,
) -> Result<u64> {
    let changed = store_resolution(db, target).await?;
    // The history follows what is now stored, as a step of its own: every
    // target organization, since a new one has no period yet.
    let affected = match target {
        Target::One(id) => Affected::One(id),
        Target::Dirty => Affected::Listed,
        Target::DecidedBy(_) | Target::All => Affected::All,
    };
    periods::follow(db, affected).await?;
    Ok(changed)
}

/// Stores the target organizations' new resolution, a first one for an
/// organization that has none yet; returns how many changed.
async fn store_resolution(
    db: &(impl ConnectionTrait + StreamTrait),
    target: Target,
) -> Result<u64> {
    let sql = format!(
        "INSERT INTO responsibility ({STORED}) \
         SELECT n.id, n.basis, n.department_id, n.kind_id, n.rule_id, n.rule_kind_id, \
                n.rule_department_id, n.fallback_department_id, n.contested \
         FROM ({}) AS n LEFT JOIN responsibility st ON st.id = n.id \
         WHERE st.id IS NULL OR {CHANGED} \
         ON CONFLICT (id) DO UPDATE SET \
           basis = excluded.basis, department_id = excluded.department_id, \
           kind_id = excluded.kind_id, rule_id = excluded.rule_id, \
           rule_kind_id = excluded.rule_kind_id, rule_department_id = excluded.rule_department_id, \
           fallback_department_id = excluded.fallback_department_id, contested = excluded.contested",
        resolution_select(target)
    );
    if !feed::is_recording() {
        let result = db::execute_unprepared(db, &sql).await?;
        return Ok(result.rows_affected());
    }
    // Inside a write that reports its changes: which organizations changed.
    let ids = ids_of(db, sql + " RETURNING id").await?;
    let changed = ids.len() as u64;
    feed::record(ids);
    Ok(changed)
}

/// The `id` column of what `sql` returns, streamed, so that a million rows
/// cost four bytes each.
async fn ids_of(db: &(impl ConnectionTrait + StreamTrait), sql: String) -> Result<Vec<i32>> {
    let backend = ConnectionTrait::get_database_backend(db);
    let mut rows = Box::pin(db.stream_raw(Statement::from_string(backend, sql)).await?);
    let mut ids = Vec::new();
    while let Some(row) = rows.try_next().await? {
        ids.push(row.try_get::<i32>("", "id")?);
    }
    Ok(ids)
}

/// The cell key of an organization `o` with its stored responsibility
/// `stored`, as `coverage_cell`'s columns.
fn cell_key(stored: &str) -> String {
    format!(
        "o.region_id, COALESCE(o.administering_region_id, o.region_id), o.category_id, \
         {stored}.basis, COALESCE({stored}.department_id, 0), COALESCE({stored}.kind_id, 0), \
         CASE WHEN {stored}.contested THEN 1 ELSE 0 END, \
         CASE WHEN {stored}.rule_id IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN {stored}.rule_id IS NOT NULL AND {stored}.rule_department_id IS NULL \
              THEN COALESCE({stored}.rule_kind_id, 0) ELSE 0 END"
    )
}

const CELL_COLUMNS: &str = "region_id, admin_region_id, category_id, basis, department_id, kind_id, \
   contested, ruled, missing_kind_id";

/// Whether an organization `o`'s credit code has a type (its first two
/// characters) that its category does not admit: the admitted types are
/// those of the nearest category up the chain, itself first, that lists
/// any; with none anywhere up the chain, every code is admitted. Types are
/// two characters of the credit-code alphabet, which holds neither `|`
/// nor a LIKE wildcard.
const MISMATCH: &str = "(COALESCE(( \
     SELECT CASE WHEN ('|' || a.credit_code_types || '|') \
                   LIKE ('%|' || SUBSTR(o.credit_code, 1, 2) || '|%') THEN 0 ELSE 1 END \
     FROM category_closure ac JOIN category a ON a.id = ac.ancestor_id \
     WHERE ac.descendant_id = o.category_id AND a.credit_code_types <> '' \
     ORDER BY ac.depth LIMIT 1), 0) = 1)";

/// Sets the category-mismatch flag of the organizations matching
/// `condition` (on `o`) without touching the coverage cells: for an
/// organization write, which counts its row itself, and for a rebuild.
pub async fn mark_mismatches_uncounted(db: &impl ConnectionTrait, condition: &str) -> Result<u64> {
    let result = db::execute_unprepared(
        db,
        &format!(
            "UPDATE organization AS o SET category_mismatch = {MISMATCH} \
             WHERE {condition} AND o.category_mismatch <> {MISMATCH}"
        ),
    )
    .await?;
    Ok(result.rows_affected())
}

/// Re-evaluates the category-mismatch flag of the organizations matching
/// `condition` (on `o`) after a category's credit-code types or place in
/// the tree changed, and moves the changed ones between coverage cells;
/// returns how many changed. Set-based: five statements whatever their
/// number.
pub async fn refresh_mismatches(db: &impl ConnectionTrait, condition: &str) -> Result<u64> {
    db::execute_unprepared(db, "DELETE FROM dirty_organization").await?;
    let changed = db::execute_unprepared(
        db,
        &format!(
            "INSERT INTO dirty_organization (id) SELECT o.id FROM organization o \
             WHERE {condition} AND o.category_mismatch <> {MISMATCH}"
        ),
    )
    .await?
    .rows_affected();
    if changed > 0 {
        analyze(db, "dirty_organization").await?;
        let dirty = "o.id IN (SELECT id FROM dirty_organization)";
        count_cells(db, -1, dirty).await?;
        db::execute_unprepared(
            db,
            "UPDATE organization SET category_mismatch = NOT category_mismatch \
             WHERE id IN (SELECT id FROM dirty_organization)",
        )
        .await?;
        count_cells(db, 1, dirty).await?;
        db::execute_unprepared(db, "DELETE FROM coverage_cell WHERE n = 0").await?;
    }
    db::execute_unprepared(db, "DELETE FROM dirty_organization").await?;
    Ok(changed)
}

/// Adds (`sign` 1) or takes away (`sign` -1) the organizations matching
/// `condition` (on `o` and its stored responsibility `st`) from the coverage cells, as they are stored now.
/// Counting them in (`sign` 1) is the step after their write: the ledger's
/// stored state of their gaps follows too.
pub async fn count_cells(db: &impl ConnectionTrait, sign: i64, condition: &str) -> Result<()> {
    let source = format!("{WITH_STORED} WHERE {condition}");
    count_cells_from(db, &sign.to_string(), &source, "st").await?;
    if sign > 0 {
        ledger::follow(db, &source).await?;
    }
    Ok(())
}

/// The stored resolution's columns a coverage cell reads; staged as
/// `was_*` (the column with that prefix) beside the new ones.
const CELL_RESOLUTION: [&str; 7] = [
    "basis",
    "department_id",
    "kind_id",
    "contested",
    "rule_id",
    "rule_kind_id",
    "rule_department_id",
];

/// `columns` qualified by `alias`, comma-separated.
fn qualified(alias: &str, columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Moves the organizations staged in `resolution_next` from the cells of
/// what they store to the cells of what is staged, before it is stored:
/// one statement over the staged rows alone, which carry the
/// organization's cell columns and what it stored. The staged rows are
/// counted first by what they were and what they become (a few thousand
/// groups for 100,000 organizations a rule moves), and each group then
/// leaves one cell (-1) and enters another (+1): one pass over the rows
/// instead of two.
async fn move_staged_between_cells(db: &impl ConnectionTrait) -> Result<()> {
    let place = ["region_id", "administering_region_id", "category_id"];
    let groups: Vec<String> = place
        .iter()
        .map(|c| format!("o.{c}"))
        .chain(
            CELL_RESOLUTION
                .iter()
                .flat_map(|c| [format!("o.{c}"), format!("o.was_{c}")]),
        )
        .collect();
    let sides: Vec<String> = CELL_RESOLUTION
        .iter()
        .map(|column| {
            format!("CASE WHEN s.sign < 0 THEN g.was_{column} ELSE g.{column} END AS {column}")
        })
        .collect();
    let counts = COUNTS.map(|(name, _)| format!("g.{name}")).join(", ");
    let source = format!(
        "(SELECT {}, {}, s.sign, {counts} \
          FROM (SELECT {}, {} FROM resolution_next o GROUP BY {}) g \
          CROSS JOIN (SELECT -1 AS sign UNION ALL SELECT 1) s) o",
        qualified("g", &place),
        sides.join(", "),
        groups.join(", "),
        counted("1"),
        groups.join(", "),
    );
    let key = cell_key("o");
    let sums = COUNTS
        .map(|(name, _)| format!("SUM(o.sign * o.{name})"))
        .join(", ");
    add_to_cells(
        db,
        &format!("SELECT {key}, {sums} FROM {source} GROUP BY {key}"),
    )
    .await
}

/// The counts of a coverage cell: each with what makes an organization `o`
/// count in it.
const COUNTS: [(&str, &str); 5] = [
    ("n", "TRUE"),
    ("organized", "o.party_organization IN ('OWN', 'JOINT')"),
    (
        "covered",
        "o.party_organization IN ('OWN', 'JOINT') OR o.work_covered",
    ),
    ("should_establish", SHOULD_ESTABLISH),
    ("mismatched", "o.category_mismatch"),
];

/// The counts of the organizations `o` in a group, each organization
/// weighted by `sign` (an SQL expression: 1, -1), named as the cell's
/// columns.
fn counted(sign: &str) -> String {
    COUNTS
        .map(|(name, counts)| format!("SUM(CASE WHEN {counts} THEN {sign} ELSE 0 END) AS {name}"))
        .join(", ")
}

/// Counts the organizations `o` (with their stored responsibility as
/// `stored`) that `source` (a FROM and WHERE) yields into the cells, each
/// with `sign` (1 or -1).
async fn count_cells_from(
    db: &impl ConnectionTrait,
    sign: &str,
    source: &str,
    stored: &str,
) -> Result<()> {
    let key = cell_key(stored);
    add_to_cells(
        db,
        &format!(
            "SELECT {key}, {} FROM {source} GROUP BY {key}",
            counted(sign)
        ),
    )
    .await
}

/// Adds to the coverage cells what `select` yields: a cell's key and its
/// five counts, as [`CELL_COLUMNS`] and [`COUNTS`] order them.
async fn add_to_cells(db: &impl ConnectionTrait, select: &str) -> Result<()> {
    let names = COUNTS.map(|(name, _)| name);
    let added = names
        .map(|name| format!("{name} = coverage_cell.{name} + excluded.{name}"))
        .join(", ");
    db::execute_unprepared(
        db,
        &format!(
            "INSERT INTO coverage_cell ({CELL_COLUMNS}, {}) {select} \
             ON CONFLICT ({CELL_COLUMNS}) DO UPDATE SET {added}",
            names.join(", ")
        ),
    )
    .await?;
    Ok(())
}

/// Recounts every coverage cell from the organizations.
pub async fn recount_cells(db: &impl ConnectionTrait) -> Result<()> {
    db::execute_unprepared(db, "DELETE FROM coverage_cell").await?;
    count_cells(db, 1, "1 = 1").await
}

/// Serialises structural writes across connections and replicas: the
/// first statement of every transaction that changes rules, departments,
/// regions, categories or department kinds. Counts them, too.
pub async fn lock_exclusive(db: &impl ConnectionTrait) -> Result<()> {
    db::execute_unprepared(
        db,
        "UPDATE engine_state SET version = version + 1 WHERE id = 1",
    )
    .await?;
    if ConnectionTrait::get_database_backend(db) == DbBackend::Postgres {
        // A structural write joins and sorts up to a few hundred thousand
        // rows in one statement: PostgreSQL's default of 4 MB per sort or
        // hash spilled them to disk (a hash join in two batches, the cell
        // sort an external merge). Structural writes run one at a time, so
        // this is their memory, not each connection's.
        db::execute_unprepared(db, "SET LOCAL work_mem = '64MB'").await?;
    }
    mark_structural();
    Ok(())
}

/// On PostgreSQL, refreshes the planner's statistics of a work table just
/// filled. Autovacuum analyses the work tables whenever it passes, most
/// often empty between two writes, and the planner then plans the next
/// join for one row: a nested loop over 44,804 staged effective rules and
/// 1,906 dirty pairs took 19 s at 1,000,000 organizations (85 million
/// comparisons), where a hash join takes milliseconds. Nothing on SQLite,
/// which plans these joins from their indexes.
///
/// A small sample is enough for what the plans read of a work table (its
/// size, and a few values of a handful of flags): 3,000 rows instead of
/// the default 30,000 took the analysis of 100,000 staged resolutions from
/// about 330 ms to about 40 ms. `SET LOCAL` holds to the end of the
/// write, whose every analysis is of a work table.
pub(crate) async fn analyze(db: &impl ConnectionTrait, table: &str) -> Result<()> {
    if ConnectionTrait::get_database_backend(db) == DbBackend::Postgres {
        db::execute_unprepared(
            db,
            &format!("SET LOCAL default_statistics_target = 10; ANALYZE {table}"),
        )
        .await?;
    }
    Ok(())
}

/// Inside `count_structural`: counts the attempt as structural (once).
fn mark_structural() {
    let _ = STRUCTURAL.try_with(|counted| {
        if !counted.get() {
            counted.set(true);
            STRUCTURAL_RUNNING.fetch_add(1, Ordering::SeqCst);
        }
    });
}

tokio::task_local! {
    /// Whether the write attempt under way took the exclusive lock.
    static STRUCTURAL: Cell<bool>;
}

/// Structural writes of this process running now.
static STRUCTURAL_RUNNING: AtomicUsize = AtomicUsize::new(0);

/// True while a structural write (rule, department, region, category) of
/// this process runs: it may re-resolve many organizations.
pub fn structural_write_running() -> bool {
    STRUCTURAL_RUNNING.load(Ordering::SeqCst) > 0
}

/// Runs one write attempt, counted as structural from its
/// `lock_exclusive` until it ends (committed, failed or dropped).
pub async fn count_structural<F: std::future::Future>(attempt: F) -> F::Output {
    struct Uncount;
    impl Drop for Uncount {
        fn drop(&mut self) {
            let _ = STRUCTURAL.try_with(|counted| {
                if counted.replace(false) {
                    STRUCTURAL_RUNNING.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    }
    STRUCTURAL
        .scope(Cell::new(false), async move {
            let _uncount = Uncount;
            attempt.await
        })
        .await
}

/// Lets an organization write wait for a structural write in progress, so
/// that it resolves against committed effective tables. SQLite's IMMEDIATE
/// transactions serialise writers already.
pub async fn lock_shared(db: &impl ConnectionTrait) -> Result<()> {
    if ConnectionTrait::get_database_backend(db) == DbBackend::Postgres {
        db::execute_unprepared(
            db,
            "SELECT version FROM engine_state WHERE id = 1 FOR SHARE",
        )
        .await?;
    }
    Ok(())
}

/// What a refresh did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refresh {
    /// Organizations whose stored responsibility changed.
    pub changed: u64,
}

const COMPUTE_RULES: &str = "INSERT INTO effective_rule_next (category_id, region_id, rule_id, kind_id) \
  SELECT category_id, region_id, rule_id, kind_id FROM ( \
    SELECT cc.descendant_id AS category_id, reach.region_id, reach.rule_id, reach.kind_id, \
      ROW_NUMBER() OVER (PARTITION BY cc.descendant_id, reach.region_id \
                         ORDER BY cc.depth, reach.distance) AS rank \
    FROM ( \
      SELECT r.id AS rule_id, r.category_id, r.department_kind_id AS kind_id, \
             rc.descendant_id AS region_id, rc.depth AS distance \
      FROM responsibility_rule r JOIN region_closure rc ON rc.ancestor_id = r.scope_region_id \
      UNION ALL \
      SELECT r.id, r.category_id, r.department_kind_id, g.id, 1000000 \
      FROM responsibility_rule r CROSS JOIN region g WHERE r.scope_region_id IS NULL \
    ) reach \
    JOIN category_closure cc ON cc.ancestor_id = reach.category_id \
  ) ranked WHERE rank = 1";

const COMPUTE_DEPARTMENTS: &str = "INSERT INTO effective_department_next (kind_id, region_id, department_id) \
  SELECT kind_id, region_id, department_id FROM ( \
    SELECT d.kind_id, rc.descendant_id AS region_id, d.id AS department_id, \
      ROW_NUMBER() OVER (PARTITION BY d.kind_id, rc.descendant_id ORDER BY rc.depth) AS rank \
    FROM department d JOIN region_closure rc ON rc.ancestor_id = d.region_id \
  ) ranked WHERE rank = 1";

/// The fallback is found by its kind's role, not by a kind code: kinds are
/// data, and a region may add its own. Writes refuse a second department of
/// a FALLBACK-role kind in a region; a database written before that check
/// could still hold two, so the lowest department id is taken, which keeps
/// the derived table's key unique and the answer deterministic.
const COMPUTE_FALLBACKS: &str = "INSERT INTO effective_fallback_next (region_id, department_id) \
  SELECT r.id, MIN(d.id) FROM region r \
  JOIN department d ON d.region_id = r.id \
  JOIN department_kind k ON k.id = d.kind_id \
  WHERE r.level IN ('TOWNSHIP', 'SUBDISTRICT') AND k.role = 'FALLBACK' \
  GROUP BY r.id";

/// One derived table: its name, its key columns, its value columns, its
/// dirty table, the statement that computes it into `{name}_next`, and the
/// inputs it reads.
struct Derived {
    table: &'static str,
    keys: &'static [&'static str],
    values: &'static [&'static str],
    dirty: &'static str,
    compute: &'static str,
    reads: &'static [Inputs],
}

const DERIVED: [Derived; 3] = [
    Derived {
        table: "effective_rule",
        keys: &["category_id", "region_id"],
        values: &["rule_id", "kind_id"],
        dirty: "dirty_rule_pair",
        compute: COMPUTE_RULES,
        reads: &[Inputs::Rules, Inputs::Categories],
    },
    Derived {
        table: "effective_department",
        keys: &["kind_id", "region_id"],
        values: &["department_id"],
        dirty: "dirty_department_pair",
        compute: COMPUTE_DEPARTMENTS,
        reads: &[Inputs::Departments],
    },
    Derived {
        table: "effective_fallback",
        keys: &["region_id"],
        values: &["department_id"],
        dirty: "dirty_fallback_region",
        compute: COMPUTE_FALLBACKS,
        reads: &[Inputs::Departments],
    },
];

/// What a structural write changed among the inputs of the derived
/// tables, so that a refresh recomputes only the tables that read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inputs {
    /// Responsibility rules: the effective rules alone (departments and
    /// fallbacks read no rule).
    Rules,
    /// Categories (their tree): the effective rules alone.
    Categories,
    /// Departments: the effective departments and fallbacks (rules read
    /// no department).
    Departments,
    /// Anything else (regions, kinds): every derived table.
    Any,
}

impl Derived {
    fn reads(&self, inputs: Inputs) -> bool {
        inputs == Inputs::Any || self.reads.contains(&inputs)
    }
}

/// The organizations whose inputs changed, driven from the small dirty
/// tables (CROSS JOIN keeps SQLite from scanning organizations first; it
/// is a plain join to PostgreSQL's planner).
const DIRTY_ORGANIZATIONS: &str = "INSERT INTO dirty_organization (id) \
  SELECT o.id FROM dirty_rule_pair d CROSS JOIN organization o \
    WHERE o.category_id = d.category_id AND o.region_id = d.region_id \
  UNION \
  SELECT o.id FROM dirty_department_pair d CROSS JOIN organization o \
    CROSS JOIN effective_rule er \
    WHERE o.region_id = d.region_id AND o.administering_region_id IS NULL \
      AND er.category_id = o.category_id AND er.region_id = o.region_id AND er.kind_id = d.kind_id \
  UNION \
  SELECT o.id FROM dirty_department_pair d CROSS JOIN organization o \
    CROSS JOIN effective_rule er \
    WHERE o.administering_region_id = d.region_id \
      AND er.category_id = o.category_id AND er.region_id = o.region_id AND er.kind_id = d.kind_id \
  UNION \
  SELECT o.id FROM dirty_fallback_region d CROSS JOIN organization o WHERE o.region_id = d.region_id";

/// Recomputes the derived tables and re-resolves the organizations whose
/// inputs changed. Call inside the writing transaction, after the write.
pub async fn refresh(db: &(impl ConnectionTrait + StreamTrait), inputs: Inputs) -> Result<Refresh> {
    lock_exclusive(db).await?;
    stage_dirty(db, inputs).await?;
    let changed = resolve(db, Target::Dirty).await?;
    clear_work_tables(db).await?;
    // Cells whose organizations all moved elsewhere.
    db::execute_unprepared(db, "DELETE FROM coverage_cell WHERE n = 0").await?;
    Ok(Refresh { changed })
}

/// Stages the derived tables and lists the organizations whose inputs
/// changed in `dirty_organization`, without re-resolving them: what a
/// preview reads before it rolls back.
pub(crate) async fn stage_dirty(db: &impl ConnectionTrait, inputs: Inputs) -> Result<()> {
    stage_and_apply(db, inputs).await?;
    db::execute_unprepared(db, DIRTY_ORGANIZATIONS).await?;
    analyze(db, "dirty_organization").await?;
    Ok(())
}

/// Computes the derived tables that read `inputs` into staging, records
/// which keys changed in the dirty tables, and brings those tables up to
/// date.
async fn stage_and_apply(db: &impl ConnectionTrait, inputs: Inputs) -> Result<()> {
    clear_work_tables(db).await?;
    // Each table is computed from the base tables alone, never from another
    // derived table: one at a time, computed, compared and applied.
    for derived in DERIVED.iter().filter(|derived| derived.reads(inputs)) {
        let Derived {
            table,
            keys,
            values,
            dirty,
            compute,
            ..
        } = *derived;
        db::execute_unprepared(db, compute).await?;
        analyze(db, &format!("{table}_next")).await?;
        let keys_list = keys.join(", ");
        let all = [keys, values].concat().join(", ");
        db::execute_unprepared(db, &format!(
            "INSERT INTO {dirty} ({keys_list}) \
             SELECT {keys_list} FROM (SELECT {all} FROM {table}_next EXCEPT SELECT {all} FROM {table}) added \
             UNION \
             SELECT {keys_list} FROM (SELECT {all} FROM {table} EXCEPT SELECT {all} FROM {table}_next) removed"
        ))
        .await?;
        analyze(db, dirty).await?;
        let matches = |alias: &str| {
            keys.iter()
                .map(|k| format!("d.{k} = {alias}.{k}"))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        db::execute_unprepared(
            db,
            &format!(
                "DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {dirty} d WHERE {})",
                matches(table)
            ),
        )
        .await?;
        let select_all = [keys, values]
            .concat()
            .iter()
            .map(|c| format!("n.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        db::execute_unprepared(
            db,
            &format!(
                "INSERT INTO {table} ({all}) SELECT {select_all} FROM {table}_next n \
             JOIN {dirty} d ON {}",
                matches("n")
            ),
        )
        .await?;
    }
    Ok(())
}

async fn clear_work_tables(db: &impl ConnectionTrait) -> Result<()> {
    for table in [
        "effective_rule_next",
        "effective_department_next",
        "effective_fallback_next",
        "dirty_rule_pair",
        "dirty_department_pair",
        "dirty_fallback_region",
        "dirty_organization",
    ] {
        db::execute_unprepared(db, &format!("DELETE FROM {table}")).await?;
    }
    Ok(())
}

/// Brings a database whose engine has never run up to date: the derived
/// tables and every organization. Runs at start-up, in a write; a no-op
/// afterwards.
pub async fn ensure_current(txn: &(impl ConnectionTrait + StreamTrait)) -> Result<bool> {
    db::execute_unprepared(
        txn,
        "INSERT INTO engine_state (id, version) \
         SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM engine_state WHERE id = 1)",
    )
    .await?;
    let backend = ConnectionTrait::get_database_backend(txn);
    let row = txn
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT version FROM engine_state WHERE id = 1",
        ))
        .await?;
    let version: i64 = row
        .map(|r| r.try_get("", "version"))
        .transpose()?
        .unwrap_or(0);
    if version > 0 {
        return Ok(false);
    }
    rebuild(txn).await?;
    Ok(true)
}

/// Recomputes everything: the derived tables and every organization.
pub async fn rebuild(db: &(impl ConnectionTrait + StreamTrait)) -> Result<u64> {
    lock_exclusive(db).await?;
    stage_and_apply(db, Inputs::Any).await?;
    let changed = resolve_uncounted(db, Target::All).await?;
    mark_mismatches_uncounted(db, "1 = 1").await?;
    recount_cells(db).await?;
    clear_work_tables(db).await?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_structural_attempt_counts_while_it_runs_and_however_it_ends() {
        assert!(!structural_write_running());
        count_structural(async {
            assert!(!structural_write_running(), "not before the lock");
            mark_structural();
            mark_structural();
            assert!(structural_write_running());
        })
        .await;
        assert!(!structural_write_running(), "uncounted when it ends");

        // Dropped half-way (a request past its deadline): uncounted too.
        let (started, wait) = tokio::sync::oneshot::channel::<()>();
        let attempt = tokio::spawn(count_structural(async move {
            mark_structural();
            let _ = started.send(());
            std::future::pending::<()>().await;
        }));
        wait.await.unwrap();
        assert!(structural_write_running());
        attempt.abort();
        let _ = attempt.await;
        assert!(!structural_write_running());

        // Outside any attempt the mark does nothing.
        mark_structural();
        assert!(!structural_write_running());
    }
}
