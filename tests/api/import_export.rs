//! Bulk import and export: round trips for every entity and format, bad
//! rows reported line by line with nothing written, encodings, idempotence,
//! dry runs, region scoping, the multipart upload and the HTTP download.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use orgmap::domain::access::{Caller, Role};
use orgmap::domain::scope::Scope;
use orgmap::domain::transfer::export::{ExportOptions, Exporter};
use orgmap::domain::transfer::import::{ImportOptions, import};
use orgmap::domain::transfer::{Dataset, Encoding, Format};
use orgmap::domain::transfer::{ImportReport, RowError};
use orgmap::i18n::Lang;
use orgmap::msg;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, assert_engine_current, credit_code, department, get, responsibility, send,
    small_province,
};

/// The order an empty database takes files in: what a row names first.
const ORDER: [Dataset; 5] = [
    Dataset::Regions,
    Dataset::Categories,
    Dataset::Departments,
    Dataset::Rules,
    Dataset::Organizations,
];

async fn import_bytes(
    app: &TestApp,
    entity: Dataset,
    format: Format,
    bytes: Vec<u8>,
) -> ImportReport {
    import_with(
        app,
        &Scope::EVERYTHING,
        entity,
        format,
        Encoding::Utf8,
        false,
        bytes,
    )
    .await
}

async fn import_with(
    app: &TestApp,
    scope: &Scope,
    entity: Dataset,
    format: Format,
    encoding: Encoding,
    dry_run: bool,
    bytes: Vec<u8>,
) -> ImportReport {
    // An editor bound to `scope`, as the API's importData is called.
    let caller = Caller {
        name: "importer".to_owned(),
        role: Role::Editor,
        scope: *scope,
    };
    import(
        &app.db,
        &caller,
        "test-file",
        Box::new(std::io::Cursor::new(bytes)),
        ImportOptions {
            entity,
            format,
            encoding,
            dry_run,
        },
    )
    .await
    .expect("the import runs")
}

async fn export(app: &TestApp, entity: Dataset, format: Format, region: Option<&str>) -> Vec<u8> {
    Exporter::new(
        &app.db,
        &Scope::EVERYTHING,
        ExportOptions {
            entity,
            format,
            region_code: region.map(str::to_owned),
        },
    )
    .await
    .expect("the export starts")
    .collect()
    .await
    .expect("the export runs")
}

/// The bad rows, their reasons in English.
fn errors(report: &ImportReport) -> Vec<(u64, Option<&str>, String)> {
    report
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref(), e.reason.render(Lang::En)))
        .collect()
}

/// A demo province of 300 organizations, exported in `format`.
async fn demo_files(format: Format) -> Vec<(Dataset, Vec<u8>)> {
    let source = TestApp::spawn().await;
    orgmap::demo::generate(&source.db, 300, 7)
        .await
        .expect("the demo province is generated");
    let mut files = Vec::new();
    for entity in ORDER {
        files.push((entity, export(&source, entity, format, None).await));
    }
    files
}

#[tokio::test]
async fn every_entity_round_trips_byte_for_byte_in_both_formats() {
    for format in [Format::Csv, Format::Jsonl] {
        let files = demo_files(format).await;
        let target = TestApp::spawn().await;

        for (entity, bytes) in &files {
            let report = import_bytes(&target, *entity, format, bytes.clone()).await;
            assert!(
                report.committed && report.rejected == 0,
                "{format:?} {entity:?}: {:?}",
                report.errors
            );
        }

        for (entity, bytes) in &files {
            let again = export(&target, *entity, format, None).await;
            assert!(
                !bytes.is_empty() && again == *bytes,
                "{format:?} {entity:?}: the second export differs from the first"
            );
        }
        assert_engine_current(&target, "after a round trip").await;
    }
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let files = demo_files(Format::Csv).await;
    let target = TestApp::spawn().await;
    for (entity, bytes) in &files {
        import_bytes(&target, *entity, Format::Csv, bytes.clone()).await;
    }
    let before = target.counts().await;

    for (entity, bytes) in &files {
        let report = import_bytes(&target, *entity, Format::Csv, bytes.clone()).await;

        let rows = bytes.iter().filter(|b| **b == b'\n').count() as u64 - 1;
        assert_eq!(
            (
                report.created,
                report.updated,
                report.unchanged,
                report.rejected
            ),
            (0, 0, rows, 0),
            "{entity:?}"
        );
        assert_eq!(report.changed_responsibility, 0, "{entity:?}");
    }
    assert_eq!(target.counts().await, before);
}

/// 福建 with the departments the resolution tests use.
async fn province(app: &TestApp) {
    small_province(app).await;
    department(app, "GL-TOWNSHIP-1", "TOWNSHIP", "350102001").await;
    department(app, "FJ-JUSTICE", "JUSTICE", "350000").await;
}

#[tokio::test]
async fn a_file_with_bad_rows_is_reported_line_by_line_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let good = credit_code("91", "350102", 1);
    let mut bad_check = credit_code("91", "350102", 2);
    bad_check.replace_range(17.., if bad_check.ends_with('0') { "1" } else { "0" });
    let file = format!(
        "creditCode,name,categoryCode,regionCode,partyOrganization\n\
         {good},甲公司,SMALL_MICRO_ENTERPRISE,350102001,OWN\n\
         {bad_check},乙公司,SMALL_MICRO_ENTERPRISE,350102001,\n\
         {},丙公司,NO_SUCH_CATEGORY,350102001,\n\
         {good},甲公司重复,SMALL_MICRO_ENTERPRISE,350102001,\n\
         {},丁公司,SMALL_MICRO_ENTERPRISE,350102001,SOMETIMES\n\
         {},戊公司,SMALL_MICRO_ENTERPRISE,999999,\n\
         {},己公司,SMALL_MICRO_ENTERPRISE,350102002,JOINT\n",
        credit_code("91", "350102", 3),
        credit_code("91", "350102", 4),
        credit_code("91", "350102", 5),
        credit_code("91", "350102", 6),
    );
    let before = app.counts().await;

    let report = import_bytes(&app, Dataset::Organizations, Format::Csv, file.into_bytes()).await;

    let found = errors(&report);
    let expected: [(u64, &str, &str); 5] = [
        (3, "creditCode", "check character"),
        (4, "categoryCode", "no category has code 'NO_SUCH_CATEGORY'"),
        (5, "creditCode", "the file gives it on line 2 already"),
        (
            6,
            "partyOrganization",
            "'SOMETIMES' is not one of OWN, JOINT, NONE",
        ),
        (7, "regionCode", "no region has code '999999'"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:?}");
    for ((line, column, reason), (want_line, want_column, needle)) in found.iter().zip(expected) {
        assert_eq!(*line, want_line, "{found:?}");
        assert_eq!(*column, Some(want_column), "line {line}");
        assert!(reason.contains(needle), "line {line}: {reason}");
    }
    assert_eq!(
        (report.created, report.rejected, report.committed),
        (2, 5, false)
    );
    assert_eq!(app.counts().await, before, "nothing is written");
}

#[tokio::test]
async fn region_rows_of_the_wrong_level_or_given_twice_are_refused() {
    let app = TestApp::spawn().await;
    small_province(&app).await;
    let file = "code,name,level,parentCode\n\
                350103,台江区,COUNTY,350100\n\
                350104,仓山区,CITY,350100\n\
                350103001,瀛洲街道,SUBDISTRICT,350103\n\
                350103,台江区重复,COUNTY,350100\n\
                350105002,某街道,SUBDISTRICT,350105\n\
                350102,鼓楼区,CITY,350000\n";
    let before = app.counts().await;

    let report = import_bytes(&app, Dataset::Regions, Format::Csv, file.into()).await;

    let found = errors(&report);
    assert_eq!(
        found.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
        vec![
            (3, Some("code")),
            (5, Some("code")),
            (6, Some("parentCode")),
            (7, Some("code")),
        ],
        "{found:?}"
    );
    assert!(
        found[0].2.contains("four digits followed by 00"),
        "{}",
        found[0].2
    );
    assert!(found[1].2.contains("line 2"), "{}", found[1].2);
    assert!(
        found[2].2.contains("no region has code '350105'"),
        "{}",
        found[2].2
    );
    // The township under the new county of line 2 is fine: parents may come from the file.
    assert_eq!((report.created, report.rejected), (2, 4));
    assert_eq!(app.counts().await, before, "nothing is written");
}

#[tokio::test]
async fn a_dry_run_counts_and_writes_nothing() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let file = format!(
        "creditCode,name,categoryCode,regionCode\n{},甲公司,SMALL_MICRO_ENTERPRISE,350102001\n",
        credit_code("91", "350102", 1)
    );
    let before = app.counts().await;

    let report = import_with(
        &app,
        &Scope::EVERYTHING,
        Dataset::Organizations,
        Format::Csv,
        Encoding::Utf8,
        true,
        file.clone().into_bytes(),
    )
    .await;

    assert_eq!(
        (
            report.created,
            report.rejected,
            report.committed,
            report.dry_run
        ),
        (1, 0, false, true)
    );
    assert_eq!(app.counts().await, before, "nothing is written");
    let report = import_bytes(&app, Dataset::Organizations, Format::Csv, file.into_bytes()).await;
    assert_eq!((report.created, report.committed), (1, true));
}

#[tokio::test]
async fn a_gb18030_file_is_read_when_asked() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let code = credit_code("91", "350102", 1);
    let text = format!(
        "creditCode,name,categoryCode,regionCode\n{code},福州鼓楼甲乙科技有限公司,SMALL_MICRO_ENTERPRISE,350102001\n"
    );
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let bytes = bytes.into_owned();
    assert_ne!(bytes, text.as_bytes(), "the file really is GB18030");

    let as_utf8 = import_bytes(&app, Dataset::Organizations, Format::Csv, bytes.clone()).await;
    assert_eq!(as_utf8.rejected, 1, "read as UTF-8, the row is refused");
    assert!(
        as_utf8.errors[0]
            .reason
            .render(Lang::En)
            .contains("gb18030"),
        "{:?}",
        as_utf8.errors
    );

    let report = import_with(
        &app,
        &Scope::EVERYTHING,
        Dataset::Organizations,
        Format::Csv,
        Encoding::Gb18030,
        false,
        bytes,
    )
    .await;

    assert_eq!(
        (report.created, report.rejected),
        (1, 0),
        "{:?}",
        report.errors
    );
    let data = app
        .data(
            "query($c: String!) { organization(creditCode: $c) { name } }",
            json!({ "c": code }),
        )
        .await;
    assert_eq!(data["organization"]["name"], "福州鼓楼甲乙科技有限公司");
}

#[tokio::test]
async fn a_utf8_file_with_a_byte_order_mark_is_accepted() {
    let app = TestApp::spawn().await;
    province(&app).await;
    for (format, body) in [
        (
            Format::Csv,
            format!(
                "creditCode,name,categoryCode,regionCode\n{},甲公司,SMALL_MICRO_ENTERPRISE,350102001\n",
                credit_code("91", "350102", 1)
            ),
        ),
        (
            Format::Jsonl,
            json!({ "creditCode": credit_code("91", "350102", 2), "name": "乙公司",
                    "categoryCode": "SMALL_MICRO_ENTERPRISE", "regionCode": "350102001" })
            .to_string(),
        ),
    ] {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend(body.into_bytes());

        let report = import_bytes(&app, Dataset::Organizations, format, bytes).await;

        assert_eq!(
            (report.created, report.rejected),
            (1, 0),
            "{format:?}: {:?}",
            report.errors
        );
    }
}

#[tokio::test]
async fn malformed_files_are_reported_not_fatal() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let cases: [(&str, Dataset, Format, Vec<u8>, u64); 8] = [
        (
            "unknown column",
            Dataset::Regions,
            Format::Csv,
            b"code,name,colour\n350103,x,red\n".to_vec(),
            1,
        ),
        (
            "ragged row",
            Dataset::Regions,
            Format::Csv,
            b"code,name,level,parentCode\n350103,x\n".to_vec(),
            2,
        ),
        (
            "binary garbage",
            Dataset::Organizations,
            Format::Csv,
            vec![0x80, 0x81, 0xfe, b'\n', 0xff],
            1,
        ),
        (
            "not JSON",
            Dataset::Organizations,
            Format::Jsonl,
            b"{\"creditCode\": \n[1,2]\n".to_vec(),
            1,
        ),
        (
            "a list where text belongs",
            Dataset::Rules,
            Format::Jsonl,
            br#"{"categoryCode": ["A"], "departmentKindCode": "HEALTH"}"#.to_vec(),
            1,
        ),
        (
            "an overlong line",
            Dataset::Categories,
            Format::Jsonl,
            format!("{{\"code\": \"{}\"}}\n", "x".repeat(2 << 20)).into_bytes(),
            1,
        ),
        (
            "a huge JSON line",
            Dataset::Categories,
            Format::Jsonl,
            format!("{{\"code\": \"{}\"}}\n", "x".repeat(9 << 20)).into_bytes(),
            1,
        ),
        (
            "a huge CSV line",
            Dataset::Regions,
            Format::Csv,
            format!(
                "code,name,level,parentCode\n350103,\"{}\n",
                "名".repeat(3 << 20)
            )
            .into_bytes(),
            2,
        ),
    ];
    for (case, entity, format, bytes, first_line) in cases {
        let before = app.counts().await;

        let report = import_bytes(&app, entity, format, bytes).await;

        assert!(
            report.rejected > 0 && !report.committed,
            "{case}: {report:?}"
        );
        assert_eq!(
            report.errors[0].line, first_line,
            "{case}: {:?}",
            report.errors
        );
        assert_eq!(app.counts().await, before, "{case}: nothing is written");
    }
}

#[tokio::test]
async fn rows_outside_a_region_bound_callers_region_are_refused() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let xiamen = orgmap::domain::region::require(&app.db, &Scope::EVERYTHING, "r", "350200")
        .await
        .unwrap();
    let file = format!(
        "creditCode,name,categoryCode,regionCode\n\
         {},厦门甲公司,SMALL_MICRO_ENTERPRISE,350203\n\
         {},福州乙公司,SMALL_MICRO_ENTERPRISE,350102001\n",
        credit_code("91", "350203", 1),
        credit_code("91", "350102", 2),
    );

    let report = import_with(
        &app,
        &Scope::within(xiamen.id),
        Dataset::Organizations,
        Format::Csv,
        Encoding::Utf8,
        false,
        file.into_bytes(),
    )
    .await;

    assert_eq!(
        report.errors,
        vec![RowError {
            line: 3,
            column: Some("regionCode".into()),
            reason: msg!("import-outside-region")
        }]
    );
    assert_eq!(app.count("organization").await, 0);
}

#[tokio::test]
async fn an_import_that_changes_organizations_keeps_responsibility_current() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let code = credit_code("52", "350102", 1);
    let first = format!(
        "creditCode,name,categoryCode,regionCode\n{code},某律师事务所,LAW_FIRM,350102001\n"
    );
    import_bytes(
        &app,
        Dataset::Organizations,
        Format::Csv,
        first.into_bytes(),
    )
    .await;
    let before = responsibility(&app, &code).await;

    let second = json!({ "creditCode": code, "name": "某律师事务所",
        "categoryCode": "LAW_FIRM", "regionCode": "350102001",
        "supervisingDepartmentCode": "FJ-JUSTICE" })
    .to_string();
    let report = import_bytes(
        &app,
        Dataset::Organizations,
        Format::Jsonl,
        second.into_bytes(),
    )
    .await;

    assert_eq!((report.updated, report.changed_responsibility), (1, 1));
    let after = responsibility(&app, &code).await;
    assert_ne!(before, after);
    assert_eq!(after["basis"], "SUPERVISING_UNIT");
    assert_eq!(after["department"]["code"], "FJ-JUSTICE");
    assert_engine_current(&app, "after an updating import").await;
}

#[tokio::test]
async fn import_data_takes_a_multipart_upload() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let file = format!(
        "creditCode,name,categoryCode,regionCode\n{},甲公司,SMALL_MICRO_ENTERPRISE,350102001\nBAD,乙公司,SMALL_MICRO_ENTERPRISE,350102001\n",
        credit_code("91", "350102", 1)
    );
    let operations = json!({
        "query": "mutation($file: Upload!) { importData(entity: ORGANIZATIONS, file: $file) { committed rows created rejected errors { line column reason } } }",
        "variables": { "file": null }
    });
    let boundary = "orgmapboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.file\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"organizations.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
         --{boundary}--\r\n"
    );
    let request = Request::post("/graphql")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        // Without it a browser could send this form from any site (CSRF).
        .header("GraphQL-Require-Preflight", "1")
        .body(Body::from(body))
        .unwrap();

    let (status, _, body) = send(app.router(), request).await.into_parts();

    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        body["data"]["importData"],
        json!({ "committed": false, "rows": 2, "created": 1, "rejected": 1, "errors": [
            // No Accept-Language: the reason is in Chinese.
            { "line": 3, "column": "creditCode", "reason": "统一社会信用代码应为 18 位，实为 3 位" }
        ] }),
        "{body}"
    );
    assert_eq!(app.count("organization").await, 0);
}

#[tokio::test]
async fn exports_download_over_http_filtered_by_region() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let file = format!(
        "creditCode,name,categoryCode,regionCode\n\
         {},甲公司,SMALL_MICRO_ENTERPRISE,350102001\n\
         {},乙公司,SMALL_MICRO_ENTERPRISE,350203\n",
        credit_code("91", "350102", 1),
        credit_code("91", "350203", 2),
    );
    import_bytes(&app, Dataset::Organizations, Format::Csv, file.into_bytes()).await;

    let request = Request::get("/export/organizations.csv?region=350100")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = send(app.router(), request).await.into_parts();

    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"organizations.csv\""
    );
    assert_eq!(
        body,
        export(&app, Dataset::Organizations, Format::Csv, Some("350100")).await
    );
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.contains("甲公司,SMALL_MICRO_ENTERPRISE,350102001,"),
        "{text}"
    );
    assert!(text.lines().next().unwrap().ends_with(
        "responsibilityBasis,responsibilityDepartmentCode,responsibilityDepartmentName"
    ));

    for (uri, status, code) in [
        ("/export/people.csv", StatusCode::NOT_FOUND, "NOT_FOUND"),
        ("/export/regions.xml", StatusCode::NOT_FOUND, "NOT_FOUND"),
        (
            "/export/regions.jsonl?region=999999",
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
        ),
        (
            "/export/regions.jsonl?region=abc",
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
    ] {
        let (got, _, body) = get(app.router(), uri).await.into_parts();
        assert_eq!(got, status, "{uri}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{uri}");
    }
}

#[tokio::test]
async fn a_duplicate_in_a_later_batch_is_found() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let mut file = String::from("creditCode,name,categoryCode,regionCode\n");
    for i in 1..=2_100 {
        file.push_str(&format!(
            "{},公司{i},SMALL_MICRO_ENTERPRISE,350102001\n",
            credit_code("91", "350102", i)
        ));
    }
    file.push_str(&format!(
        "{},公司重复,SMALL_MICRO_ENTERPRISE,350102001\n",
        credit_code("91", "350102", 1)
    ));

    let report = import_bytes(&app, Dataset::Organizations, Format::Csv, file.into_bytes()).await;

    assert_eq!((report.created, report.rejected), (2_100, 1));
    assert_eq!(report.errors[0].line, 2_102);
    assert!(
        report.errors[0]
            .reason
            .render(Lang::En)
            .contains("line 2 already"),
        "{:?}",
        report.errors
    );
    assert_eq!(app.count("organization").await, 0);
}

/// A token of `role` (bound to `region`, if any) and its secret.
async fn token(app: &TestApp, role: Role, region: Option<&str>, name: &str) -> String {
    orgmap::domain::token::create(&app.db, &Caller::local(), role, region, Some(name))
        .await
        .unwrap()
        .secret
}

#[tokio::test]
async fn downloads_need_a_token_once_one_exists_and_show_only_its_region() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let file = format!(
        "creditCode,name,categoryCode,regionCode\n\
         {},甲公司,SMALL_MICRO_ENTERPRISE,350102001\n\
         {},乙公司,SMALL_MICRO_ENTERPRISE,350203\n",
        credit_code("91", "350102", 1),
        credit_code("91", "350203", 2),
    );
    import_bytes(&app, Dataset::Organizations, Format::Csv, file.into_bytes()).await;
    let fuzhou = token(&app, Role::Viewer, Some("350100"), "fz-viewer").await;

    for uri in ["/export/organizations.csv", "/reports/coverage.xlsx"] {
        let (status, headers, _) = get(app.router(), uri).await.into_parts();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    }

    // Without ?region= a city's token gets its city, not the province.
    let request = Request::get("/export/organizations.csv")
        .header(header::AUTHORIZATION, format!("Bearer {fuzhou}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(app.router(), request).await.into_parts();
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("甲公司"), "{text}");
    assert!(
        !text.contains("乙公司"),
        "厦门 is outside the token's region: {text}"
    );

    // Another city's subtree is not found, as in the API.
    let request = Request::get("/export/organizations.csv?region=350200")
        .header(header::AUTHORIZATION, format!("Bearer {fuzhou}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = send(app.router(), request).await.into_parts();
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn import_data_needs_an_editor_and_a_committed_import_is_audited() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let operations = json!({
        "query": "mutation($file: Upload!) { importData(entity: ORGANIZATIONS, file: $file) { committed created } }",
        "variables": { "file": null }
    });
    let file = format!(
        "creditCode,name,categoryCode,regionCode\n{},甲公司,SMALL_MICRO_ENTERPRISE,350102001\n",
        credit_code("91", "350102", 7)
    );
    let boundary = "orgmapboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.file\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"orgs.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n\
         --{boundary}--\r\n"
    );
    let viewer = token(&app, Role::Viewer, None, "viewer").await;
    let editor = token(&app, Role::Editor, None, "importer").await;
    let upload = |secret: &str| {
        Request::post("/graphql")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("GraphQL-Require-Preflight", "1")
            .header(header::AUTHORIZATION, format!("Bearer {secret}"))
            .body(Body::from(body.clone()))
            .unwrap()
    };

    let (_, _, refused) = send(app.router(), upload(&viewer)).await.into_parts();
    let refused: Value = serde_json::from_slice(&refused).unwrap();
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );
    assert_eq!(app.count("organization").await, 0);

    let (_, _, done) = send(app.router(), upload(&editor)).await.into_parts();
    let done: Value = serde_json::from_slice(&done).unwrap();
    assert_eq!(
        done["data"]["importData"],
        json!({ "committed": true, "created": 1 })
    );
    let trail = app
        .data(
            "{ changes(entity: ORGANIZATION) { edges { node { actor key action after } } } }",
            json!({}),
        )
        .await;
    let entry = &trail["changes"]["edges"][0]["node"];
    assert_eq!(entry["actor"], "importer", "{trail}");
    assert_eq!(entry["key"], "import:orgs.csv");
    assert_eq!(entry["action"], "IMPORT");
    assert_eq!(entry["after"]["created"], 1);
}
