//! The coverage report as a spreadsheet, read back with calamine and
//! checked cell by cell against the API's figures.

use std::collections::HashMap;
use std::io::Cursor;

use axum::http::{StatusCode, header};
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use orgmap::i18n::Lang;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, credit_code, department, get, send, small_province, upsert_organization,
};

const SUMMARY: &str = "coverage { organizations byBasis { basis count } responsibilityRate \
    fallbackShare organizationalCoverageRate workCoverageRate shouldEstablish }";

/// 福建 with organizations of every basis, in both cities.
async fn province_with_gaps(app: &TestApp) {
    small_province(app).await;
    department(app, "GL-TOWNSHIP-1", "TOWNSHIP", "350102001").await;
    department(app, "FJ-JUSTICE", "JUSTICE", "350000").await;
    department(app, "FJ-CIVIL", "CIVIL_AFFAIRS", "350000").await;
    let orgs = [
        (
            "91",
            "350102",
            1,
            "SMALL_MICRO_ENTERPRISE",
            "350102001",
            json!({}),
        ),
        (
            "52",
            "350102",
            2,
            "LAW_FIRM",
            "350102001",
            json!({ "partyOrganization": "OWN" }),
        ),
        (
            "51",
            "350102",
            3,
            "SOCIAL_GROUP",
            "350102002",
            json!({ "workCovered": true }),
        ),
        (
            "52",
            "350102",
            4,
            "NOTARY",
            "350102002",
            json!({ "supervisingDepartmentCode": "FJ-CIVIL", "partyOrganization": "JOINT" }),
        ),
        (
            "91",
            "350203",
            5,
            "SMALL_MICRO_ENTERPRISE",
            "350203",
            json!({}),
        ),
        ("52", "350203", 6, "PRIVATE_SCHOOL", "350203", json!({})),
    ];
    for (prefix, region6, serial, category, region, extra) in orgs {
        upsert_organization(
            app,
            &credit_code(prefix, region6, serial),
            category,
            region,
            extra,
        )
        .await;
    }
}

fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn number(range: &Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

fn count(summary: &Value, basis: &str) -> f64 {
    summary["byBasis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["basis"] == basis)
        .map_or(0.0, |b| b["count"].as_f64().unwrap())
}

#[tokio::test]
async fn the_coverage_spreadsheet_holds_the_apis_figures() {
    let app = TestApp::spawn().await;
    province_with_gaps(&app).await;
    // The sheet is in the default language (no Accept-Language): Chinese.
    let api = app
        .execute_in(
            Lang::Zh,
            &format!(
                "{{ region(code: \"350000\") {{ code name {SUMMARY} children {{ code name {SUMMARY} }} }} \
                 coverageMatrix(regionCode: \"350000\") {{ category {{ code }} departmentKind {{ name }} count }} \
                 coverageGaps(regionCode: \"350000\", first: 1000) {{ totalCount edges {{ node {{ kind detail }} }} }} }}"
            ),
            json!({}),
        )
        .await["data"]
        .clone();

    let (status, headers, bytes) = get(app.router(), "/reports/coverage.xlsx?region=350000")
        .await
        .into_parts();

    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["汇总", "类别×部门条线", "问题清单", "整改台账"]
    );

    // Summary: the province, then each city.
    let summary = book.worksheet_range("汇总").unwrap();
    let headers: Vec<String> = (0..14).map(|c| text(&summary, 0, c)).collect();
    assert_eq!(headers, orgmap::report::summary_headers(Lang::Zh));
    let mut regions = vec![api["region"].clone()];
    regions.extend(
        api["region"]["children"]
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    assert_eq!(summary.height(), regions.len() + 1);
    for (i, region) in regions.iter().enumerate() {
        let row = i as u32 + 1;
        let c = &region["coverage"];
        assert_eq!(text(&summary, row, 0), region["code"].as_str().unwrap());
        assert_eq!(text(&summary, row, 1), region["name"].as_str().unwrap());
        let expected = [
            c["organizations"].as_f64().unwrap(),
            count(c, "PARTY_AFFILIATION"),
            count(c, "SUPERVISING_UNIT"),
            count(c, "RULE"),
            count(c, "FALLBACK"),
            count(c, "NONE"),
            c["responsibilityRate"].as_f64().unwrap(),
            c["fallbackShare"].as_f64().unwrap(),
            c["organizationalCoverageRate"].as_f64().unwrap(),
            c["workCoverageRate"].as_f64().unwrap(),
            c["shouldEstablish"].as_f64().unwrap(),
        ];
        for (j, want) in expected.iter().enumerate() {
            let got = number(&summary, row, 3 + j as u32);
            assert!(
                (got - want).abs() < 1e-9,
                "{} column {}: {got} != {want}",
                region["code"],
                j + 3
            );
        }
    }
    assert_eq!(number(&summary, 1, 3), 6.0, "all six organizations");

    // Matrix: each category's count per deciding kind.
    let matrix = book.worksheet_range("类别×部门条线").unwrap();
    let width = matrix.width() as u32;
    let columns: HashMap<String, u32> = (0..width).map(|c| (text(&matrix, 0, c), c)).collect();
    let mut expected: HashMap<(String, String), f64> = HashMap::new();
    for cell in api["coverageMatrix"].as_array().unwrap() {
        let kind = cell["departmentKind"]["name"]
            .as_str()
            .unwrap_or("无人负责")
            .to_owned();
        let category = cell["category"]["code"].as_str().unwrap().to_owned();
        *expected.entry((category.clone(), kind)).or_default() += cell["count"].as_f64().unwrap();
        *expected.entry((category, "合计".into())).or_default() += cell["count"].as_f64().unwrap();
    }
    let mut seen = 0;
    for row in 1..matrix.height() as u32 {
        let category = text(&matrix, row, 0);
        for (name, col) in &columns {
            if *col < 2 {
                continue;
            }
            let want = expected
                .get(&(category.clone(), name.clone()))
                .copied()
                .unwrap_or(0.0);
            assert_eq!(number(&matrix, row, *col), want, "{category} × {name}");
            if want > 0.0 {
                seen += 1;
            }
        }
    }
    assert_eq!(
        seen,
        expected.len(),
        "every cell of the API is in the sheet"
    );

    // Gaps: one row each, in the API's order.
    let gaps = book.worksheet_range("问题清单").unwrap();
    let edges = api["coverageGaps"]["edges"].as_array().unwrap();
    assert_eq!(
        api["coverageGaps"]["totalCount"].as_u64().unwrap() as usize,
        edges.len()
    );
    assert!(!edges.is_empty());
    assert_eq!(gaps.height(), edges.len() + 1);
    assert_eq!(text(&gaps, 0, 0), "缺口类型");
    for (i, edge) in edges.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(
            text(&gaps, row, 1),
            edge["node"]["detail"].as_str().unwrap()
        );
        let label = match edge["node"]["kind"].as_str().unwrap() {
            "UNASSIGNED" => "无人负责（盲区）",
            "FALLBACK_ONLY" => "仅乡镇（街道）兜底",
            "MISSING_DEPARTMENT" => "缺少主管部门",
            "UNRULED_CATEGORY" => "无主管规则的类别",
            "CONTESTED" => "多头管理",
            "SHOULD_ESTABLISH" => "应建未建",
            "CATEGORY_MISMATCH" => "类别与代码不符",
            _ => "专门组织、专门人员、专门办法不全",
        };
        assert_eq!(text(&gaps, row, 0), label);
    }
}

#[tokio::test]
async fn the_report_of_an_unknown_region_is_not_found() {
    let app = TestApp::spawn().await;

    let (status, _, body) = get(app.router(), "/reports/coverage.xlsx?region=999999")
        .await
        .into_parts();

    assert_eq!(status, StatusCode::NOT_FOUND);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn the_spreadsheet_is_in_english_when_the_download_asks_for_it() {
    let app = TestApp::spawn().await;
    province_with_gaps(&app).await;

    let request = axum::http::Request::get("/reports/coverage.xlsx?region=350000")
        .header("accept-language", "en")
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, bytes) = send(app.router(), request).await.into_parts();

    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        orgmap::report::sheet_names(Lang::En).to_vec()
    );
    assert_ne!(
        book.sheet_names(),
        orgmap::report::sheet_names(Lang::Zh).to_vec()
    );
    let summary = book.worksheet_range("Summary").unwrap();
    let headers: Vec<String> = (0..14).map(|c| text(&summary, 0, c)).collect();
    assert_eq!(headers, orgmap::report::summary_headers(Lang::En));
    let gaps = book.worksheet_range("Gaps").unwrap();
    assert_eq!(text(&gaps, 0, 0), "Gap kind");
    let detail = text(&gaps, 1, 1);
    assert!(
        detail.is_ascii() || detail.contains(" in "),
        "an English detail: {detail}"
    );
}
