//! The fallback and the coordinator are found by their kind's role, not by
//! the codes TOWNSHIP and ORGANIZATION: a kind a region adds under its own
//! code takes either part; a region has at most one department of a
//! FALLBACK-role kind (API, import and a kind's role change alike); and a
//! changed role re-resolves the organizations it affects.
//!
//! The province is `helpers::small_province`: 福建 350000 > 福州 350100 >
//! 鼓楼区 350102 > 东街街道 350102001, 五凤街道 350102002; 厦门 350200 >
//! 思明区 350203. Departments are named "<region> <kind>" by the helpers.
//! TWO_NEW has no rule in the reference data, so only the fallback can
//! decide for its organizations here.

use orgmap::domain::access::{Caller, Role};
use orgmap::domain::scope::Scope;
use orgmap::domain::transfer::import::{ImportOptions, import};
use orgmap::domain::transfer::{Dataset, Encoding, Format, ImportReport};
use orgmap::i18n::Lang;
use serde_json::{Value, json};

use crate::helpers::{
    self, TestApp, answer, assert_engine_current, credit_code, responsibility, upsert_organization,
};

const UPSERT_KIND: &str =
    "mutation($input: DepartmentKindInput!) { upsertDepartmentKind(input: $input) { code role } }";

const UPSERT_DEPARTMENT: &str =
    "mutation($input: DepartmentInput!) { upsertDepartment(input: $input) { code } }";

const DEPARTMENTS: &str =
    "{ departments(first: 100) { edges { node { code name kind { code } region { code } } } } }";

async fn kind(app: &TestApp, code: &str, name: &str, role: &str) {
    app.data(
        UPSERT_KIND,
        json!({ "input": { "code": code, "name": name, "role": role } }),
    )
    .await;
}

/// The role a kind has now.
async fn role_of(app: &TestApp, code: &str) -> String {
    let data = app
        .data("{ departmentKinds { code role } }", json!({}))
        .await;
    data["departmentKinds"]
        .as_array()
        .expect("a list of kinds")
        .iter()
        .find(|k| k["code"] == code)
        .and_then(|k| k["role"].as_str())
        .expect("the kind exists")
        .to_owned()
}

/// The n-th organization's credit code (a private non-enterprise unit's).
fn org(n: u32) -> String {
    credit_code("52", "350102", n)
}

async fn explanation(app: &TestApp, code: &str) -> Vec<String> {
    let data = app
        .data(
            "query($code: String!) { organization(creditCode: $code) { responsibility { explanation } } }",
            json!({ "code": code }),
        )
        .await;
    serde_json::from_value(data["organization"]["responsibility"]["explanation"].clone())
        .expect("a list of steps")
}

async fn coordinator(app: &TestApp, region: &str) -> Value {
    let data = app
        .data(
            "query($region: String!) { coordinator(regionCode: $region) { code } region(code: $region) { coordinator { code } } }",
            json!({ "region": region }),
        )
        .await;
    assert_eq!(
        data["coordinator"], data["region"]["coordinator"],
        "at {region}: coordinator and Region.coordinator agree"
    );
    data["coordinator"]["code"].clone()
}

async fn import_departments(app: &TestApp, csv: &str) -> ImportReport {
    let caller = Caller {
        name: "importer".to_owned(),
        role: Role::Editor,
        scope: Scope::EVERYTHING,
    };
    import(
        &app.db,
        &caller,
        "departments.csv",
        Box::new(std::io::Cursor::new(csv.as_bytes().to_vec())),
        ImportOptions {
            entity: Dataset::Departments,
            format: Format::Csv,
            encoding: Encoding::Utf8,
            dry_run: false,
        },
    )
    .await
    .expect("the import runs")
}

#[tokio::test]
async fn a_region_defined_fallback_kind_is_the_fallback_at_its_township() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    kind(&app, "COMMUNITY", "社区党委", "FALLBACK").await;
    helpers::department(&app, "DJ-COM", "COMMUNITY", "350102001").await;
    upsert_organization(&app, &org(1), "TWO_NEW", "350102001", json!({})).await;
    upsert_organization(&app, &org(2), "TWO_NEW", "350102002", json!({})).await;

    assert_eq!(
        responsibility(&app, &org(1)).await,
        answer("FALLBACK", Some("DJ-COM"), None, &[]),
        "in 东街街道, the COMMUNITY department is the fallback"
    );
    assert_eq!(
        explanation(&app, &org(1)).await[3],
        "4. Fallback (乡镇、街道兜底): 350102001 COMMUNITY (DJ-COM) of 东街街道 (350102001) decides."
    );
    assert_eq!(
        responsibility(&app, &org(2)).await,
        answer("NONE", None, None, &[]),
        "五凤街道 has no fallback department of any kind"
    );
    assert_eq!(
        explanation(&app, &org(2)).await[3],
        "4. Fallback (乡镇、街道兜底): 五凤街道 (350102002) has no department of a FALLBACK-role kind."
    );
    assert_engine_current(&app, "a COMMUNITY fallback").await;
}

#[tokio::test]
async fn the_coordinator_is_the_nearest_department_of_a_coordinator_role_kind() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    // PARTY_WORK is created after the reference kinds: its id is higher
    // than ORGANIZATION's.
    kind(&app, "PARTY_WORK", "党建工作部门", "COORDINATOR").await;
    helpers::department(&app, "FJ-PW", "PARTY_WORK", "350000").await;
    helpers::department(&app, "FZ-ORG", "ORGANIZATION", "350100").await;

    let cases = [
        (
            "a county of 厦门: only the province's PARTY_WORK up the chain",
            "350203",
            "FJ-PW",
        ),
        ("the province itself", "350000", "FJ-PW"),
        (
            "a subdistrict of 福州: 福州's ORGANIZATION is nearer",
            "350102001",
            "FZ-ORG",
        ),
    ];
    for (case, region, expected) in cases {
        assert_eq!(coordinator(&app, region).await, expected, "{case}");
    }

    // Two COORDINATOR-role kinds at the same distance: the lower kind id.
    helpers::department(&app, "FZ-PW", "PARTY_WORK", "350100").await;
    assert_eq!(
        coordinator(&app, "350102001").await,
        "FZ-ORG",
        "a tie at 福州 goes to ORGANIZATION, the kind created first"
    );
    // Nearer wins over the kind's id.
    helpers::department(&app, "GL-PW", "PARTY_WORK", "350102").await;
    assert_eq!(
        coordinator(&app, "350102001").await,
        "GL-PW",
        "鼓楼区's PARTY_WORK is nearer than 福州's ORGANIZATION"
    );
}

#[tokio::test]
async fn a_second_fallback_department_in_a_region_is_a_conflict_and_writes_nothing() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    kind(&app, "COMMUNITY", "社区党委", "FALLBACK").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;
    helpers::department(&app, "WF-COM", "COMMUNITY", "350102002").await;
    helpers::department(&app, "DJ-EDU", "EDUCATION", "350102001").await;
    let cases = [
        (
            "a new COMMUNITY department where a TOWNSHIP one is",
            json!({ "code": "DJ-COM", "name": "东街社区党委", "kindCode": "COMMUNITY", "regionCode": "350102001" }),
        ),
        (
            "a COMMUNITY department moved onto it",
            json!({ "code": "WF-COM", "name": "五凤社区党委", "kindCode": "COMMUNITY", "regionCode": "350102001" }),
        ),
        (
            "a department given a FALLBACK-role kind there",
            json!({ "code": "DJ-EDU", "name": "东街教育", "kindCode": "COMMUNITY", "regionCode": "350102001" }),
        ),
    ];

    for (case, input) in cases {
        let before = app.counts().await;
        let departments = app.data(DEPARTMENTS, json!({})).await;

        let (code, message) = app
            .error(UPSERT_DEPARTMENT, json!({ "input": input }))
            .await;

        assert_eq!(code, "CONFLICT", "{case}: {message}");
        assert!(
            message.contains("350102001") && message.contains("DJ-TS"),
            "{case}: names the region and the department already there: {message}"
        );
        assert_eq!(app.counts().await, before, "{case}: nothing is written");
        assert_eq!(
            app.data(DEPARTMENTS, json!({})).await,
            departments,
            "{case}: no department changed"
        );
    }

    // The fallback itself may be written again, and a FALLBACK-role
    // department in another region is no conflict.
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;
    assert_eq!(app.count("department").await, 3);
}

#[tokio::test]
async fn an_import_refuses_a_second_fallback_department_by_its_line_and_writes_nothing() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    kind(&app, "COMMUNITY", "社区党委", "FALLBACK").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;
    let before = app.counts().await;

    let stored = import_departments(
        &app,
        "code,name,kindCode,regionCode\n\
         FZ-EDU,福州市教育局,EDUCATION,350100\n\
         DJ-COM,东街社区党委,COMMUNITY,350102001\n",
    )
    .await;
    let in_file = import_departments(
        &app,
        "code,name,kindCode,regionCode\n\
         WF-TS,五凤街道党工委,TOWNSHIP,350102002\n\
         WF-COM,五凤社区党委,COMMUNITY,350102002\n",
    )
    .await;

    for (case, report, line, holder) in [
        ("against a stored fallback", &stored, 3, "DJ-TS"),
        ("against an earlier row of the file", &in_file, 3, "WF-TS"),
    ] {
        assert!(!report.committed, "{case}: {report:?}");
        assert_eq!(report.rejected, 1, "{case}: {report:?}");
        let error = &report.errors[0];
        assert_eq!(
            (error.line, error.column.as_deref()),
            (line, Some("kindCode")),
            "{case}: {error:?}"
        );
        assert!(
            error.reason.render(Lang::En).contains(holder)
                && error.reason.render(Lang::En).contains("fallback"),
            "{case}: names the department already there: {error:?}"
        );
    }
    assert_eq!(app.counts().await, before, "nothing is written");

    // A file that moves the fallback away first frees its region.
    let moved = import_departments(
        &app,
        "code,name,kindCode,regionCode\n\
         DJ-TS,东街街道党工委,TOWNSHIP,350102002\n\
         DJ-COM,东街社区党委,COMMUNITY,350102001\n",
    )
    .await;
    assert!(moved.committed && moved.rejected == 0, "{moved:?}");
    assert_engine_current(&app, "after the import").await;
}

#[tokio::test]
async fn making_a_kind_fallback_where_a_region_would_have_two_is_a_conflict() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    kind(&app, "COMMUNITY", "社区党委", "SUPERVISOR").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;
    helpers::department(&app, "DJ-COM", "COMMUNITY", "350102001").await;
    let before = app.counts().await;

    let (code, message) = app
        .error(
            UPSERT_KIND,
            json!({ "input": { "code": "COMMUNITY", "name": "社区党委", "role": "FALLBACK" } }),
        )
        .await;

    assert_eq!(code, "CONFLICT", "{message}");
    assert!(
        message.contains("350102001") && message.contains("DJ-TS") && message.contains("DJ-COM"),
        "names the region and both departments: {message}"
    );
    assert_eq!(app.counts().await, before, "nothing is written");
    assert_eq!(role_of(&app, "COMMUNITY").await, "SUPERVISOR");

    // Without the clash the same change is taken.
    app.data(
        UPSERT_DEPARTMENT,
        json!({ "input": { "code": "DJ-COM", "name": "社区党委", "kindCode": "COMMUNITY", "regionCode": "350102002" } }),
    )
    .await;
    kind(&app, "COMMUNITY", "社区党委", "FALLBACK").await;
    assert_eq!(role_of(&app, "COMMUNITY").await, "FALLBACK");
}

#[tokio::test]
async fn changing_a_kinds_role_re_resolves_the_organizations_it_affects() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    kind(&app, "COMMUNITY", "社区党委", "SUPERVISOR").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;
    helpers::department(&app, "WF-COM", "COMMUNITY", "350102002").await;
    helpers::department(&app, "FZ-ORG", "ORGANIZATION", "350100").await;
    upsert_organization(&app, &org(1), "TWO_NEW", "350102001", json!({})).await;
    upsert_organization(&app, &org(2), "TWO_NEW", "350102002", json!({})).await;
    let fallback = |department| answer("FALLBACK", Some(department), None, &[]);
    let nobody = answer("NONE", None, None, &[]);
    assert_eq!(responsibility(&app, &org(1)).await, fallback("DJ-TS"));
    assert_eq!(responsibility(&app, &org(2)).await, nobody);

    // Each step: the role change, then what each organization answers.
    let steps = [
        (
            "TOWNSHIP no longer FALLBACK",
            "TOWNSHIP",
            "SUPERVISOR",
            nobody.clone(),
            nobody.clone(),
        ),
        (
            "COMMUNITY made FALLBACK",
            "COMMUNITY",
            "FALLBACK",
            nobody.clone(),
            fallback("WF-COM"),
        ),
        (
            "TOWNSHIP FALLBACK again",
            "TOWNSHIP",
            "FALLBACK",
            fallback("DJ-TS"),
            fallback("WF-COM"),
        ),
        (
            "COMMUNITY back to SUPERVISOR",
            "COMMUNITY",
            "SUPERVISOR",
            fallback("DJ-TS"),
            nobody.clone(),
        ),
    ];
    for (case, code, role, first, second) in steps {
        let name = if code == "TOWNSHIP" {
            "乡镇党委 / 街道党工委"
        } else {
            "社区党委"
        };

        kind(&app, code, name, role).await;

        assert_eq!(
            responsibility(&app, &org(1)).await,
            first,
            "{case}: 东街街道"
        );
        assert_eq!(
            responsibility(&app, &org(2)).await,
            second,
            "{case}: 五凤街道"
        );
        assert_engine_current(&app, case).await;
    }

    // The coordinator follows its kind's role, read as it is now.
    assert_eq!(coordinator(&app, "350102001").await, "FZ-ORG");
    kind(&app, "ORGANIZATION", "组织部门", "SUPERVISOR").await;
    assert!(
        coordinator(&app, "350102001").await.is_null(),
        "no COORDINATOR-role kind has a department"
    );
}
