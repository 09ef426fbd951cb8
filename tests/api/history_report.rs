//! The coverage report's comparison sheet: the region's children at a past
//! date beside today, from the snapshots, with the change in each figure.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::Duration;
use orgmap::domain::clock;
use orgmap::domain::history::snapshots;
use serde_json::json;

use crate::helpers::{self, TestApp, get};

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[tokio::test]
async fn the_comparison_sheet_sets_a_past_snapshot_beside_today_and_says_when_none_exists() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    for serial in 1..=2 {
        let code = helpers::credit_code("91", "350102", serial);
        helpers::organization(&app, &code, "公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    }
    let today = clock::Clock::system().today();
    let last_month = today - Duration::days(30);
    snapshots::take(&app.db, clock::start_of(last_month) + Duration::hours(1))
        .await
        .unwrap();
    let code = helpers::credit_code("91", "350102", 3);
    helpers::organization(&app, &code, "公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    app.data("mutation { recordCoverageSnapshot }", json!({}))
        .await;

    let path = format!("/reports/coverage.xlsx?region=350000&compareWith={last_month}");
    let (status, _, bytes) = get(app.router(), &path).await.into_parts();
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names().last().unwrap(), "前后对比");
    let sheet = book.worksheet_range("前后对比").unwrap();
    assert_eq!(
        cell(&sheet, 0, 2),
        Data::String(format!("组织数（{last_month}）"))
    );
    assert_eq!(cell(&sheet, 0, 4), Data::String("组织数增减".to_owned()));
    // Row 1: the province; row 2: 福州; row 3: 厦门; the notes after a blank row.
    assert_eq!(cell(&sheet, 2, 0), Data::String("350100".to_owned()));
    assert_eq!(cell(&sheet, 2, 2), Data::Float(2.0), "then");
    assert_eq!(cell(&sheet, 2, 3), Data::Float(3.0), "today");
    assert_eq!(cell(&sheet, 2, 4), Data::Float(1.0), "the change");
    let notes: Vec<String> = (5..=6)
        .map(|row| cell(&sheet, row, 0).to_string())
        .collect();
    assert!(
        notes[0].starts_with(&format!("{last_month}：数据取自")),
        "{notes:?}"
    );

    // A date before any snapshot: said in the sheet, its cells blank.
    let long_ago = today - Duration::days(400);
    let path = format!("/reports/coverage.xlsx?region=350000&compareWith={long_ago}");
    let (_, _, bytes) = get(app.router(), &path).await.into_parts();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("前后对比").unwrap();
    assert_eq!(cell(&sheet, 2, 2), Data::Empty);
    assert_eq!(cell(&sheet, 2, 3), Data::Float(3.0));
    let note = cell(&sheet, 5, 0).to_string();
    assert!(note.contains("没有覆盖情况快照"), "{note}");

    let (status, _, _) = get(app.router(), "/reports/coverage.xlsx?compareWith=someday")
        .await
        .into_parts();
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
