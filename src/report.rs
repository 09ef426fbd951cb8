//! The coverage report as a spreadsheet (覆盖情况报表): a summary sheet with
//! each child region's counts and rates, the category × department-kind
//! matrix, and the gap list, with Chinese headers, frozen header rows and
//! set column widths. The figures are the API's own (`coverage`,
//! `coverageMatrix`, `coverageGaps`).

use std::collections::{BTreeMap, HashMap};

use entity::{category, department, department_kind, organization, region};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::coverage::{self, Subject, Summary};
use crate::domain::gaps::{self, GapFilter, GapKind};
use crate::domain::region as region_domain;
use crate::domain::responsibility::Basis;
use crate::domain::scope::Scope;
use crate::error::{Error, Result};
use crate::i18n::Lang;

/// Gap rows listed at most; a last row says how many there are in all.
pub const MAX_GAP_ROWS: u64 = 100_000;
/// Gaps fetched per statement.
const GAP_PAGE: i32 = 1_000;

pub const SUMMARY_SHEET: &str = "汇总";
pub const MATRIX_SHEET: &str = "类别×部门条线";
pub const GAPS_SHEET: &str = "缺口清单";

pub const SUMMARY_HEADERS: [&str; 14] = [
    "区划代码",
    "区划名称",
    "层级",
    "组织数",
    "党组织隶属",
    "业务主管单位",
    "主管责任规则",
    "乡镇街道兜底",
    "无人负责",
    "责任落实率",
    "兜底占比",
    "组织覆盖率",
    "工作覆盖率",
    "应建未建",
];

pub const GAP_HEADERS: [&str; 9] = [
    "缺口类型",
    "说明",
    "区划代码",
    "区划名称",
    "组织类别",
    "部门",
    "部门条线",
    "统一社会信用代码",
    "组织名称",
];

/// The label of a gap kind in the report.
pub fn gap_label(kind: GapKind) -> &'static str {
    match kind {
        GapKind::Unassigned => "无人负责（盲区）",
        GapKind::FallbackOnly => "仅乡镇街道兜底",
        GapKind::MissingDepartment => "缺少主管部门",
        GapKind::UnruledCategory => "类别无主管规则",
        GapKind::Contested => "多头管理",
        GapKind::IncompleteDedication => "三个专门不全",
        GapKind::ShouldEstablish => "应建未建",
        GapKind::CategoryMismatch => "类别与代码不符",
    }
}

fn level_label(level: &str) -> &'static str {
    match level {
        "PROVINCE" => "省",
        "CITY" => "市",
        "COUNTY" => "县（区）",
        "TOWNSHIP" => "乡镇",
        "SUBDISTRICT" => "街道",
        _ => "",
    }
}

/// A spreadsheet failure is ours, not the caller's: internal, logged.
fn sheet_error(err: XlsxError) -> Error {
    Error::Internal(format!("spreadsheet: {err}"))
}

/// Column widths of the summary sheet, one per header.
const SUMMARY_WIDTHS: [f64; 14] = [
    12.0, 18.0, 8.0, 10.0, 12.0, 14.0, 14.0, 14.0, 10.0, 12.0, 10.0, 12.0, 12.0, 10.0,
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
        headers: &[&str],
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
                .write_string_with_format(0, col as u16, *text, &self.formats.header)
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
        let sheet = self.add_sheet(workbook, SUMMARY_SHEET, &SUMMARY_HEADERS, &SUMMARY_WIDTHS)?;
        let empty = Summary::default();
        for (i, (region, subject)) in rows.iter().zip(&subjects).enumerate() {
            let summary = summaries.get(subject).unwrap_or(&empty);
            write_summary_row(sheet, i as u32 + 1, region, summary, &self.formats.percent)
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
        let mut headers: Vec<&str> = vec!["类别代码", "类别名称"];
        headers.extend(kinds.iter().map(|k| k.name.as_str()));
        headers.extend(["无人负责", "合计"]);
        let mut widths = vec![26.0, 22.0];
        widths.extend(std::iter::repeat_n(14.0, kinds.len() + 2));
        let sheet = self.add_sheet(workbook, MATRIX_SHEET, &headers, &widths)?;
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
        let sheet = self.add_sheet(workbook, GAPS_SHEET, &GAP_HEADERS, &GAP_WIDTHS)?;
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
                    let note = format!("共 {total} 条缺口，此处列出前 {MAX_GAP_ROWS} 条");
                    sheet.write_string(row, 0, note).map_err(sheet_error)?;
                    return Ok(());
                }
                let region = gap.region_id.and_then(|id| names.regions.get(&id));
                let org = gap.organization_id.and_then(|id| orgs.get(&id));
                let detail = gap.detail.render(self.lang);
                let cells = [
                    gap_label(gap.kind),
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
) -> Result<(), XlsxError> {
    sheet.write_string(row, 0, &region.code)?;
    sheet.write_string(row, 1, &region.name)?;
    sheet.write_string(row, 2, level_label(&region.level))?;
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
