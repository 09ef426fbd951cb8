//! The coverage report as a spreadsheet (覆盖情况报表): a summary sheet with
//! each child region's counts and rates, the category × department-kind
//! matrix, and the gap list, with headers in the caller's language (Chinese
//! by default, from the catalogs), frozen header rows and
//! set column widths. The figures are the API's own (`coverage`,
//! `coverageMatrix`, `coverageGaps`).

use std::collections::{BTreeMap, HashMap};

use entity::{category, department, department_kind, organization, region};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::clock::Clock;
use crate::domain::coverage::{self, Subject, Summary};
use crate::domain::gaps::{self, GapFilter, GapKind};
use crate::domain::ledger::reading::{self, Filter as LedgerFilter};
use crate::domain::ledger::{self, Status};
use crate::domain::page::encode_key;
use crate::domain::region as region_domain;
use crate::domain::responsibility::Basis;
use crate::domain::scope::Scope;
use crate::domain::values::RegionLevel;
use crate::error::{Error, Result};
use crate::i18n::{Lang, Message};
use crate::msg;

/// Gap rows listed at most; a last row says how many there are in all.
pub const MAX_GAP_ROWS: u64 = 100_000;
/// Gaps fetched per statement.
const GAP_PAGE: i32 = 1_000;

/// The columns of the summary sheet, in order.
fn summary_columns() -> [Message; 14] {
    [
        msg!("report-col-region-code"),
        msg!("report-col-region-name"),
        msg!("report-col-level"),
        msg!("report-col-organizations"),
        msg!("basis-party-affiliation"),
        msg!("basis-supervising-unit"),
        msg!("report-col-rule"),
        msg!("basis-fallback"),
        msg!("report-col-unassigned"),
        msg!("report-col-responsibility-rate"),
        msg!("report-col-fallback-share"),
        msg!("report-col-organizational-coverage"),
        msg!("report-col-work-coverage"),
        msg!("gap-kind-should-establish"),
    ]
}

/// The columns of the gap list, in order.
fn gap_columns() -> [Message; 9] {
    [
        msg!("report-col-gap-kind"),
        msg!("report-col-detail"),
        msg!("report-col-region-code"),
        msg!("report-col-region-name"),
        msg!("report-col-category"),
        msg!("report-col-department"),
        msg!("report-col-department-kind"),
        msg!("report-col-credit-code"),
        msg!("report-col-organization-name"),
    ]
}

/// The sheet names, in order: summary, matrix, gaps (问题清单), the
/// rectification ledger (整改台账).
pub fn sheet_names(lang: Lang) -> [String; 4] {
    [
        msg!("report-sheet-summary"),
        msg!("report-sheet-matrix"),
        msg!("report-sheet-gaps"),
        msg!("report-sheet-ledger"),
    ]
    .map(|m| m.render(lang))
}

/// The headers of the summary sheet.
pub fn summary_headers(lang: Lang) -> Vec<String> {
    summary_columns().iter().map(|m| m.render(lang)).collect()
}

fn gap_headers(lang: Lang) -> Vec<String> {
    gap_columns().iter().map(|m| m.render(lang)).collect()
}

/// The label of a gap kind in the report.
pub fn gap_label(kind: GapKind, lang: Lang) -> String {
    let label = match kind {
        GapKind::Unassigned => msg!("gap-kind-unassigned"),
        GapKind::FallbackOnly => msg!("gap-kind-fallback-only"),
        GapKind::MissingDepartment => msg!("gap-kind-missing-department"),
        GapKind::UnruledCategory => msg!("gap-kind-unruled-category"),
        GapKind::Contested => msg!("gap-kind-contested"),
        GapKind::IncompleteDedication => msg!("gap-kind-incomplete-dedication"),
        GapKind::ShouldEstablish => msg!("gap-kind-should-establish"),
        GapKind::CategoryMismatch => msg!("gap-kind-category-mismatch"),
    };
    label.render(lang)
}

fn level_label(level: &str, lang: Lang) -> String {
    RegionLevel::from_db(level).map_or_else(String::new, |l| l.label().render(lang))
}

/// A spreadsheet failure is ours, not the caller's: internal, logged.
fn sheet_error(err: XlsxError) -> Error {
    Error::Internal(format!("spreadsheet: {err}"))
}

/// Column widths of the summary sheet, one per header.
const SUMMARY_WIDTHS: [f64; 14] = [
    12.0, 18.0, 8.0, 10.0, 12.0, 14.0, 14.0, 14.0, 10.0, 12.0, 10.0, 12.0, 12.0, 10.0,
];
/// The columns of the ledger sheet, in order.
fn ledger_columns() -> [Message; 12] {
    [
        msg!("report-col-gap-kind"),
        msg!("report-col-gap-key"),
        msg!("report-col-region-code"),
        msg!("report-col-region-name"),
        msg!("report-col-credit-code"),
        msg!("report-col-organization-name"),
        msg!("report-col-owner"),
        msg!("report-col-milestone"),
        msg!("report-col-due-date"),
        msg!("report-col-status"),
        msg!("report-col-overdue"),
        msg!("report-col-gap-open"),
    ]
}

/// The headers of the ledger sheet.
pub fn ledger_headers(lang: Lang) -> Vec<String> {
    ledger_columns().iter().map(|m| m.render(lang)).collect()
}

/// A ledger status as the report says it.
fn status_label(status: Status, lang: Lang) -> String {
    match status {
        Status::Open => msg!("ledger-status-open"),
        Status::InProgress => msg!("ledger-status-in-progress"),
        Status::Resolved => msg!("ledger-status-resolved"),
        Status::Verified => msg!("ledger-status-verified"),
    }
    .render(lang)
}

fn yes_no(value: bool, lang: Lang) -> String {
    if value {
        msg!("report-yes")
    } else {
        msg!("report-no")
    }
    .render(lang)
}

/// Column widths of the ledger sheet, one per header.
const LEDGER_WIDTHS: [f64; 12] = [
    16.0, 40.0, 12.0, 18.0, 22.0, 30.0, 24.0, 12.0, 12.0, 10.0, 10.0, 12.0,
];

/// Column widths of the gap list, one per header.
const GAP_WIDTHS: [f64; 9] = [16.0, 80.0, 12.0, 18.0, 22.0, 24.0, 16.0, 22.0, 30.0];

/// The report of `region_code`'s subtree (None: the caller's scope), as
/// the bytes of an .xlsx file.
pub async fn coverage_xlsx(
    db: &DatabaseConnection,
    scope: &Scope,
    region_code: Option<&str>,
    lang: Lang,
) -> Result<Vec<u8>> {
    let mut report = Report::load(db, scope, region_code).await?;
    report.lang = lang;
    let mut workbook = Workbook::new();
    report.summary_sheet(&mut workbook).await?;
    report.matrix_sheet(&mut workbook).await?;
    report.gaps_sheet(&mut workbook).await?;
    report.ledger_sheet(&mut workbook).await?;
    workbook.save_to_buffer().map_err(sheet_error)
}

/// [`coverage_xlsx`] on a thread of the blocking pool, so that writing and
/// compressing a large spreadsheet never holds one of the async workers
/// (two on a two-core machine) that answer every other request. Its
/// database reads run there too, awaited through the runtime's handle.
pub async fn coverage_xlsx_blocking(
    db: DatabaseConnection,
    scope: Scope,
    region_code: Option<String>,
    lang: Lang,
) -> Result<Vec<u8>> {
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        runtime.block_on(coverage_xlsx(&db, &scope, region_code.as_deref(), lang))
    })
    .await
    .map_err(|err| Error::Internal(format!("the report's thread failed: {err}")))?
}

/// What every sheet reads: the region reported on and the names of the
/// kinds and categories. Each sheet is one method.
struct Report<'a> {
    db: &'a DatabaseConnection,
    scope: &'a Scope,
    /// None: every top-level region.
    root: Option<region::Model>,
    /// In id order, the order of the matrix's columns.
    kinds: Vec<department_kind::Model>,
    categories: HashMap<i32, category::Model>,
    formats: Formats,
    /// The language of the gap details.
    lang: Lang,
}

/// The cell formats the sheets share.
struct Formats {
    header: Format,
    percent: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color("#DDEBF7")
                .set_border_bottom(rust_xlsxwriter::FormatBorder::Thin),
            percent: Format::new().set_num_format("0.0%"),
        }
    }
}

impl<'a> Report<'a> {
    async fn load(
        db: &'a DatabaseConnection,
        scope: &'a Scope,
        region_code: Option<&str>,
    ) -> Result<Report<'a>> {
        let root = match region_code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Some(region_domain::require(db, scope, "region", code).await?),
            None => match scope.region_id {
                Some(id) => region::Entity::find_by_id(id).one(db).await?,
                None => None,
            },
        };
        let kinds = department_kind::Entity::find()
            .order_by_asc(department_kind::Column::Id)
            .all(db)
            .await?;
        let categories = category::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(Report {
            db,
            scope,
            root,
            kinds,
            categories,
            formats: Formats::new(),
            lang: Lang::default(),
        })
    }

    fn root_id(&self) -> Option<i32> {
        self.root.as_ref().map(|r| r.id)
    }

    /// A new sheet called `name` with a frozen header row of `headers` and
    /// columns `widths` wide.
    fn add_sheet<'w>(
        &self,
        workbook: &'w mut Workbook,
        name: &str,
        headers: &[String],
        widths: &[f64],
    ) -> Result<&'w mut Worksheet> {
        // Constant memory: each row goes to a temporary file once the next
        // begins (rows are written in order), so a report of a million
        // organizations does not hold its sheets in memory.
        let sheet = workbook
            .add_worksheet_with_constant_memory()
            .map_err(sheet_error)?;
        sheet.set_name(name).map_err(sheet_error)?;
        for (col, text) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, text.as_str(), &self.formats.header)
                .map_err(sheet_error)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(sheet_error)?;
        for (col, width) in widths.iter().enumerate() {
            sheet
                .set_column_width(col as u16, *width)
                .map_err(sheet_error)?;
        }
        Ok(sheet)
    }

    /// The summary: the region itself, then each child (without a region, the
    /// top-level regions).
    async fn summary_sheet(&self, workbook: &mut Workbook) -> Result<()> {
        let db = self.db;
        let mut rows: Vec<region::Model> = Vec::new();
        let children = match &self.root {
            Some(root) => {
                rows.push(root.clone());
                region::Entity::find().filter(region::Column::ParentId.eq(root.id))
            }
            None => region::Entity::find().filter(region::Column::ParentId.is_null()),
        };
        rows.extend(children.order_by_asc(region::Column::Code).all(db).await?);
        let subjects: Vec<Subject> = rows
            .iter()
            .map(|r| Subject {
                region_id: Some(r.id),
                ..Subject::default()
            })
            .collect();
        let summaries = coverage::summaries(db, self.scope, &subjects).await?;
        let [summary_name, _, _, _] = sheet_names(self.lang);
        let headers = summary_headers(self.lang);
        let sheet = self.add_sheet(workbook, &summary_name, &headers, &SUMMARY_WIDTHS)?;
        let empty = Summary::default();
        for (i, (region, subject)) in rows.iter().zip(&subjects).enumerate() {
            let summary = summaries.get(subject).unwrap_or(&empty);
            write_summary_row(
                sheet,
                i as u32 + 1,
                region,
                summary,
                &self.formats.percent,
                self.lang,
            )
            .map_err(sheet_error)?;
        }
        Ok(())
    }

    /// The matrix: categories down (by code), the kinds that decide across,
    /// then those nobody decides and the total.
    async fn matrix_sheet(&self, workbook: &mut Workbook) -> Result<()> {
        let mut matrix: BTreeMap<String, HashMap<Option<i32>, u64>> = BTreeMap::new();
        for cell in coverage::matrix(self.db, self.root_id()).await? {
            let code = self
                .categories
                .get(&cell.category_id)
                .map(|c| c.code.clone())
                .unwrap_or_default();
            *matrix
                .entry(code)
                .or_default()
                .entry(cell.kind_id)
                .or_default() += cell.count;
        }
        let kinds = &self.kinds;
        let lang = self.lang;
        let mut headers = vec![
            msg!("report-col-category-code").render(lang),
            msg!("report-col-category-name").render(lang),
        ];
        headers.extend(kinds.iter().map(|k| k.name.clone()));
        headers.extend([
            msg!("report-col-unassigned").render(lang),
            msg!("report-col-total").render(lang),
        ]);
        let mut widths = vec![26.0, 22.0];
        widths.extend(std::iter::repeat_n(14.0, kinds.len() + 2));
        let [_, matrix_name, _, _] = sheet_names(lang);
        let sheet = self.add_sheet(workbook, &matrix_name, &headers, &widths)?;
        sheet.set_freeze_panes(1, 2).map_err(sheet_error)?;
        let by_code: HashMap<&str, &category::Model> = self
            .categories
            .values()
            .map(|c| (c.code.as_str(), c))
            .collect();
        for (i, (code, counts)) in matrix.iter().enumerate() {
            let name = by_code.get(code.as_str()).map_or("", |c| c.name.as_str());
            write_matrix_row(sheet, i as u32 + 1, code, name, counts, kinds)
                .map_err(sheet_error)?;
        }
        Ok(())
    }

    /// The gap list, a page of gaps at a time, cut after [`MAX_GAP_ROWS`]
    /// rows with a last row that says how many there are in all.
    async fn gaps_sheet(&self, workbook: &mut Workbook) -> Result<()> {
        let db = self.db;
        let filter = GapFilter {
            region_id: self.root_id(),
            kinds: Vec::new(),
        };
        let total = gaps::count(db, &filter).await?;
        let [_, _, gaps_name, _] = sheet_names(self.lang);
        let headers = gap_headers(self.lang);
        let sheet = self.add_sheet(workbook, &gaps_name, &headers, &GAP_WIDTHS)?;
        let names = Names::load(db).await?;
        let mut after: Option<String> = None;
        let mut row = 1u32;
        loop {
            let (page, has_next) =
                gaps::list(db, &filter, Some(GAP_PAGE), after.as_deref()).await?;
            let org_ids: Vec<i32> = page.iter().filter_map(|g| g.organization_id).collect();
            let orgs: HashMap<i32, (String, String)> = if org_ids.is_empty() {
                HashMap::new()
            } else {
                organization::Entity::find()
                    .filter(organization::Column::Id.is_in(org_ids))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|o| (o.id, (o.credit_code, o.name)))
                    .collect()
            };
            for gap in &page {
                if u64::from(row) > MAX_GAP_ROWS {
                    let note = msg!("report-gaps-cut", total = total, shown = MAX_GAP_ROWS)
                        .render(self.lang);
                    sheet.write_string(row, 0, note).map_err(sheet_error)?;
                    return Ok(());
                }
                let region = gap.region_id.and_then(|id| names.regions.get(&id));
                let org = gap.organization_id.and_then(|id| orgs.get(&id));
                let detail = gap.detail.render(self.lang);
                let label = gap_label(gap.kind, self.lang);
                let cells = [
                    label.as_str(),
                    detail.as_str(),
                    region.map_or("", |r| r.0.as_str()),
                    region.map_or("", |r| r.1.as_str()),
                    gap.category_id
                        .and_then(|id| self.categories.get(&id))
                        .map_or("", |c| c.name.as_str()),
                    gap.department_id
                        .and_then(|id| names.departments.get(&id))
                        .map_or("", String::as_str),
                    gap.department_kind_id
                        .and_then(|id| self.kinds.iter().find(|k| k.id == id))
                        .map_or("", |k| k.name.as_str()),
                    org.map_or("", |o| o.0.as_str()),
                    org.map_or("", |o| o.1.as_str()),
                ];
                for (col, text) in cells.iter().enumerate() {
                    if !text.is_empty() {
                        sheet
                            .write_string(row, col as u16, *text)
                            .map_err(sheet_error)?;
                    }
                }
                row += 1;
            }
            match (has_next, page.last()) {
                (true, Some(last)) => after = Some(last.cursor()),
                _ => return Ok(()),
            }
        }
    }
}

impl Report<'_> {
    /// The rectification ledger (整改台账), in the API's order (overdue
    /// first, then by due date), a page of items at a time, cut after
    /// [`MAX_GAP_ROWS`] rows as the gap list is.
    async fn ledger_sheet(&self, workbook: &mut Workbook) -> Result<()> {
        let db = self.db;
        let lang = self.lang;
        let [_, _, _, ledger_name] = sheet_names(lang);
        let sheet = self.add_sheet(
            workbook,
            &ledger_name,
            &ledger_headers(lang),
            &LEDGER_WIDTHS,
        )?;
        let names = Names::load(db).await?;
        let milestones: HashMap<i32, String> = ledger::milestones(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect();
        let today = Clock::system().today();
        let filter = LedgerFilter {
            region_id: self.root_id(),
            ..LedgerFilter::default()
        };
        let mut after: Option<String> = None;
        let mut row = 1u32;
        loop {
            let (page, has_next) =
                reading::page(db, &filter, today, Some(GAP_PAGE), after.as_deref()).await?;
            let org_ids: Vec<i32> = page
                .iter()
                .filter_map(|(_, item)| item.model.organization_id)
                .collect();
            let orgs: HashMap<i32, (String, String)> = if org_ids.is_empty() {
                HashMap::new()
            } else {
                organization::Entity::find()
                    .filter(organization::Column::Id.is_in(org_ids))
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|o| (o.id, (o.credit_code, o.name)))
                    .collect()
            };
            for (_, item) in &page {
                if u64::from(row) > MAX_GAP_ROWS {
                    return Ok(());
                }
                let m = &item.model;
                let status = Status::of(&m.status);
                let region = names.regions.get(&m.region_id);
                let org = m.organization_id.and_then(|id| orgs.get(&id));
                let kind = GapKind::from_code(&m.gap_kind)
                    .map_or_else(String::new, |k| gap_label(k, lang));
                let cells = [
                    kind,
                    m.gap_key.clone(),
                    region.map_or_else(String::new, |r| r.0.clone()),
                    region.map_or_else(String::new, |r| r.1.clone()),
                    org.map_or_else(String::new, |o| o.0.clone()),
                    org.map_or_else(String::new, |o| o.1.clone()),
                    names
                        .departments
                        .get(&m.owner_department_id)
                        .cloned()
                        .unwrap_or_default(),
                    m.milestone_id
                        .and_then(|id| milestones.get(&id).cloned())
                        .unwrap_or_default(),
                    m.due_date.clone(),
                    status_label(status, lang),
                    yes_no(ledger::overdue(status, &m.due_date, today), lang),
                    yes_no(item.gap_open, lang),
                ];
                for (col, text) in cells.iter().enumerate() {
                    if !text.is_empty() {
                        sheet
                            .write_string(row, col as u16, text.as_str())
                            .map_err(sheet_error)?;
                    }
                }
                row += 1;
            }
            match (has_next, page.last()) {
                (true, Some((position, _))) => after = Some(encode_key(position)),
                _ => return Ok(()),
            }
        }
    }
}

/// One category's row of the matrix.
fn write_matrix_row(
    sheet: &mut Worksheet,
    row: u32,
    code: &str,
    name: &str,
    counts: &HashMap<Option<i32>, u64>,
    kinds: &[department_kind::Model],
) -> Result<(), XlsxError> {
    sheet.write_string(row, 0, code)?;
    sheet.write_string(row, 1, name)?;
    for (j, kind) in kinds.iter().enumerate() {
        let n = counts.get(&Some(kind.id)).copied().unwrap_or(0);
        sheet.write_number(row, j as u16 + 2, n as f64)?;
    }
    let nobody = counts.get(&None).copied().unwrap_or(0);
    let total: u64 = counts.values().sum();
    let col = kinds.len() as u16 + 2;
    sheet.write_number(row, col, nobody as f64)?;
    sheet.write_number(row, col + 1, total as f64)?;
    Ok(())
}

/// Region codes and names, department names, by id.
struct Names {
    regions: HashMap<i32, (String, String)>,
    departments: HashMap<i32, String>,
}

impl Names {
    async fn load(db: &DatabaseConnection) -> Result<Self> {
        Ok(Names {
            regions: region::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|r| (r.id, (r.code, r.name)))
                .collect(),
            departments: department::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
        })
    }
}

fn write_summary_row(
    sheet: &mut Worksheet,
    row: u32,
    region: &region::Model,
    summary: &Summary,
    percent: &Format,
    lang: Lang,
) -> Result<(), XlsxError> {
    sheet.write_string(row, 0, &region.code)?;
    sheet.write_string(row, 1, &region.name)?;
    sheet.write_string(row, 2, level_label(&region.level, lang))?;
    let counts = [
        summary.organizations,
        summary.count(Basis::PartyAffiliation),
        summary.count(Basis::SupervisingUnit),
        summary.count(Basis::Rule),
        summary.count(Basis::Fallback),
        summary.count(Basis::None),
    ];
    for (i, n) in counts.iter().enumerate() {
        sheet.write_number(row, 3 + i as u16, *n as f64)?;
    }
    let rates = [
        summary.responsibility_rate(),
        summary.fallback_share(),
        summary.organizational_coverage_rate(),
        summary.work_coverage_rate(),
    ];
    for (i, rate) in rates.iter().enumerate() {
        sheet.write_number_with_format(row, 9 + i as u16, *rate, percent)?;
    }
    // Last, after the rates, so that the columns before it keep their place.
    sheet.write_number(row, 13, summary.should_establish as f64)?;
    Ok(())
}
