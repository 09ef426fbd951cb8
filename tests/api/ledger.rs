//! The rectification ledger (整改台账): milestones, opening items for the
//! current gaps (default owners, alreadyOpen), the workflow and its
//! refusals (nothing written), a gap that goes and comes back, overdue
//! against the Asia/Shanghai date, region scope and the verification rule,
//! and the history with token names.

use chrono::{DateTime, Utc};
use orgmap::domain::access::{Caller, Role};
use orgmap::domain::scope::Scope;
use serde_json::{Value, json};

use crate::helpers::access::{all_counts, caller, region_id};
use crate::helpers::{self, TestApp, credit_code, upsert_organization};

const UPSERT_MILESTONE: &str = "mutation($input: MilestoneInput!) {
    upsertMilestone(input: $input) { code name dueDate } }";
const OPEN: &str = "mutation($input: OpenRectificationsInput!) {
    openRectifications(input: $input) { opened alreadyOpen withoutOwner } }";
const UPDATE: &str = "mutation($input: RectificationUpdateInput!) {
    updateRectification(input: $input) { id status gapOpen overdue closedAt owner { code } dueDate
      history { by status note ownerBefore { code } ownerAfter { code } dueDateBefore dueDateAfter } } }";
const ITEMS: &str = "query($filter: RectificationFilter, $first: Int, $after: String) {
    rectifications(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id gapKey gapKind status gapOpen overdue dueDate owner { code }
        organization { creditCode } region { code } milestone { code } } } } }";
const SUMMARY: &str = "query($region: String, $milestone: String) {
    rectificationSummary(regionCode: $region, milestoneCode: $milestone) {
      total open inProgress resolved verified overdue gapGone reopened } }";

fn a() -> String {
    credit_code("52", "350102", 1)
}

fn b() -> String {
    credit_code("52", "350102", 2)
}

fn x() -> String {
    credit_code("52", "350203", 3)
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// The small province with two coordinators (福建 FJ-ORG, 福州 FZ-ORG), a
/// township fallback (DJ-TS at 东街街道) and three gaps of organizations:
/// A (鼓楼区, a county: UNASSIGNED), B (东街街道: FALLBACK_ONLY by DJ-TS),
/// X (思明区, 厦门: UNASSIGNED, no coordinator below the province); and the
/// seed's three milestones.
async fn ledger_province(app: &TestApp) {
    app.clock.set(utc("2026-11-01T02:00:00Z"));
    helpers::small_province(app).await;
    helpers::department(app, "FJ-ORG", "ORGANIZATION", "350000").await;
    helpers::department(app, "FZ-ORG", "ORGANIZATION", "350100").await;
    helpers::department(app, "DJ-TS", "TOWNSHIP", "350102001").await;
    helpers::department(app, "FZ-UF", "UNITED_FRONT", "350100").await;
    upsert_organization(app, &a(), "TWO_NEW", "350102", json!({})).await;
    upsert_organization(app, &b(), "TWO_NEW", "350102001", json!({})).await;
    upsert_organization(app, &x(), "TWO_NEW", "350203", json!({})).await;
    for (code, name, due) in [
        ("B3", "第三批", "2027-12-31"),
        ("B1", "第一批", "2026-11-30"),
        ("B2", "第二批", "2027-06-30"),
    ] {
        app.data(
            UPSERT_MILESTONE,
            json!({ "input": { "code": code, "name": name, "dueDate": due } }),
        )
        .await;
    }
}

/// Every item as (gap key, status, owner code), in list order.
async fn items(app: &TestApp, filter: Value) -> Vec<(String, String, String)> {
    let data = app.data(ITEMS, json!({ "filter": filter })).await;
    data["rectifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            (
                n["gapKey"].as_str().unwrap().to_owned(),
                n["status"].as_str().unwrap().to_owned(),
                n["owner"]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The id of the newest item of a gap key.
async fn item_id(app: &TestApp, key: &str) -> String {
    let data = app.data(ITEMS, json!({ "first": 1000 })).await;
    data["rectifications"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["gapKey"] == key)
        .map(|e| e["node"]["id"].as_str().unwrap().to_owned())
        .max_by_key(|id| id.parse::<i64>().unwrap())
        .expect("an item of the key")
}

async fn summary(app: &TestApp, region: Option<&str>) -> Value {
    app.data(SUMMARY, json!({ "region": region })).await["rectificationSummary"].clone()
}

/// A request as `who` that must fail with `code` and write nothing at all
/// (the ledger's tables and the audit trail included).
async fn refused_as(
    app: &TestApp,
    who: &Caller,
    case: &str,
    query: &str,
    variables: Value,
    code: &str,
) {
    let before = all_counts(app).await;
    let response = app.execute_as(who, query, variables).await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], code,
        "{case}: {response}"
    );
    assert_eq!(all_counts(app).await, before, "{case}: nothing is written");
}

async fn refused(app: &TestApp, case: &str, query: &str, variables: Value, code: &str) {
    refused_as(app, &Caller::local(), case, query, variables, code).await;
}

fn unassigned(key: &str) -> String {
    format!("UNASSIGNED:{key}")
}

#[tokio::test]
async fn milestones_are_listed_by_due_date_and_upserted_by_code() {
    let app = TestApp::spawn().await;
    ledger_province(&app).await;
    let data = app
        .data("{ milestones { code name dueDate } }", json!({}))
        .await;
    assert_eq!(
        data["milestones"],
        json!([
            { "code": "B1", "name": "第一批", "dueDate": "2026-11-30" },
            { "code": "B2", "name": "第二批", "dueDate": "2027-06-30" },
            { "code": "B3", "name": "第三批", "dueDate": "2027-12-31" },
        ])
    );
    app.data(
        UPSERT_MILESTONE,
        json!({ "input": { "code": "B1", "name": "第一批", "dueDate": "2026-12-15" } }),
    )
    .await;
    let data = app.data("{ milestones { code dueDate } }", json!({})).await;
    assert_eq!(
        data["milestones"][0],
        json!({ "code": "B1", "dueDate": "2026-12-15" })
    );
    refused(
        &app,
        "a date that is no date",
        UPSERT_MILESTONE,
        json!({ "input": { "code": "B4", "name": "第四批", "dueDate": "2026-02-30" } }),
        "BAD_USER_INPUT",
    )
    .await;
    let city = caller(
        "city",
        Role::Admin,
        Scope::within(region_id(&app, "350100").await),
    );
    refused_as(
        &app,
        &city,
        "milestones are the province's",
        UPSERT_MILESTONE,
        json!({ "input": { "code": "B4", "name": "第四批", "dueDate": "2028-01-01" } }),
        "FORBIDDEN",
    )
    .await;
}

#[tokio::test]
async fn opening_gives_each_gap_one_item_with_its_default_owner() {
    let app = TestApp::spawn().await;
    ledger_province(&app).await;
    let gaps = app
        .data(
            "{ coverageGaps(kinds: [UNASSIGNED, FALLBACK_ONLY]) { edges { node { kind key rectification { id } } } } }",
            json!({}),
        )
        .await;
    let keys: Vec<&str> = gaps["coverageGaps"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![
            unassigned(&a()).as_str(),
            unassigned(&x()).as_str(),
            format!("FALLBACK_ONLY:{}", b()).as_str()
        ]
    );
    assert!(gaps["coverageGaps"]["edges"][0]["node"]["rectification"].is_null());

    let opened = app
        .data(
            OPEN,
            json!({ "input": { "kinds": ["UNASSIGNED", "FALLBACK_ONLY"], "milestoneCode": "B1" } }),
        )
        .await;
    assert_eq!(
        opened["openRectifications"],
        json!({ "opened": 3, "alreadyOpen": 0, "withoutOwner": 0 })
    );
    let mut listed = items(&app, json!({})).await;
    listed.sort();
    assert_eq!(
        listed,
        vec![
            (
                format!("FALLBACK_ONLY:{}", b()),
                "OPEN".into(),
                "DJ-TS".into()
            ),
            (unassigned(&a()), "OPEN".into(), "FZ-ORG".into()),
            (unassigned(&x()), "OPEN".into(), "FJ-ORG".into()),
        ],
        "the organization's department, else the nearest coordinator up the chain"
    );
    let data = app.data(ITEMS, json!({})).await;
    assert!(
        data["rectifications"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["dueDate"] == "2026-11-30" && e["node"]["milestone"]["code"] == "B1"),
        "the milestone's due date: {data}"
    );

    let again = app
        .data(OPEN, json!({ "input": { "dueDate": "2027-01-31" } }))
        .await;
    let opened_now = again["openRectifications"]["opened"].as_i64().unwrap();
    assert_eq!(again["openRectifications"]["alreadyOpen"], 3, "{again}");
    assert!(
        opened_now >= 1,
        "the other kinds' gaps (unruled category): {again}"
    );
    let again = app
        .data(OPEN, json!({ "input": { "dueDate": "2027-01-31" } }))
        .await;
    assert_eq!(again["openRectifications"]["opened"], 0);

    let gaps = app
        .data(
            "{ coverageGaps(kinds: [UNASSIGNED]) { edges { node { key rectification { gapKey status } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        gaps["coverageGaps"]["edges"][0]["node"]["rectification"],
        json!({ "gapKey": unassigned(&a()), "status": "OPEN" })
    );

    let owner = app
        .data(
            OPEN,
            json!({ "input": { "kinds": ["UNASSIGNED"], "dueDate": "2027-01-31", "ownerDepartmentCode": "FZ-UF" } }),
        )
        .await;
    assert_eq!(owner["openRectifications"]["alreadyOpen"], 2);
}

#[tokio::test]
async fn an_item_moves_forward_only_and_is_resolved_only_when_its_gap_is_gone() {
    let app = TestApp::spawn().await;
    ledger_province(&app).await;
    app.data(
        OPEN,
        json!({ "input": { "kinds": ["UNASSIGNED"], "milestoneCode": "B1" } }),
    )
    .await;
    let id = item_id(&app, &unassigned(&a())).await;

    refused(
        &app,
        "OPEN to VERIFIED skips the work",
        UPDATE,
        json!({ "input": { "id": id, "status": "VERIFIED" } }),
        "CONFLICT",
    )
    .await;
    refused(
        &app,
        "RESOLVED while the data still shows the gap",
        UPDATE,
        json!({ "input": { "id": id, "status": "RESOLVED" } }),
        "CONFLICT",
    )
    .await;
    refused(
        &app,
        "an unknown item",
        UPDATE,
        json!({ "input": { "id": "999999", "note": "无" } }),
        "NOT_FOUND",
    )
    .await;
    refused(
        &app,
        "an update that changes nothing",
        UPDATE,
        json!({ "input": { "id": id } }),
        "BAD_USER_INPUT",
    )
    .await;
    refused(
        &app,
        "a bad due date",
        UPDATE,
        json!({ "input": { "id": id, "dueDate": "30/11/2026" } }),
        "BAD_USER_INPUT",
    )
    .await;
    let viewer = caller("viewer", Role::Viewer, Scope::EVERYTHING);
    refused_as(
        &app,
        &viewer,
        "a viewer writes nothing",
        UPDATE,
        json!({ "input": { "id": id, "note": "看看" } }),
        "FORBIDDEN",
    )
    .await;

    let started = app
        .data(
            UPDATE,
            json!({ "input": { "id": id, "status": "IN_PROGRESS", "note": "已约谈主管部门" } }),
        )
        .await;
    assert_eq!(started["updateRectification"]["status"], "IN_PROGRESS");
    assert_eq!(started["updateRectification"]["gapOpen"], true);
    refused(
        &app,
        "backwards",
        UPDATE,
        json!({ "input": { "id": id, "status": "OPEN" } }),
        "CONFLICT",
    )
    .await;

    let moved = app
        .data(
            UPDATE,
            json!({ "input": { "id": id, "ownerDepartmentCode": "FZ-UF", "dueDate": "2026-12-31" } }),
        )
        .await;
    assert_eq!(
        moved["updateRectification"]["status"], "IN_PROGRESS",
        "status stays"
    );
    assert_eq!(moved["updateRectification"]["owner"]["code"], "FZ-UF");

    // The data closes the gap: 统战部门 takes A under its supervision.
    upsert_organization(
        &app,
        &a(),
        "TWO_NEW",
        "350102",
        json!({ "supervisingDepartmentCode": "FZ-UF" }),
    )
    .await;
    let figures = summary(&app, None).await;
    assert_eq!(figures["gapGone"], 1, "{figures}");
    let resolved = app
        .data(
            UPDATE,
            json!({ "input": { "id": id, "status": "RESOLVED" } }),
        )
        .await;
    assert_eq!(resolved["updateRectification"]["status"], "RESOLVED");
    assert_eq!(resolved["updateRectification"]["gapOpen"], false);
    assert!(resolved["updateRectification"]["closedAt"].is_string());
    let verified = app
        .data(
            UPDATE,
            json!({ "input": { "id": id, "status": "VERIFIED", "note": "验收通过" } }),
        )
        .await;
    let item = &verified["updateRectification"];
    assert_eq!(item["status"], "VERIFIED");
    assert_eq!(
        item["history"],
        json!([
            { "by": null, "status": "OPEN", "note": null, "ownerBefore": null, "ownerAfter": { "code": "FZ-ORG" }, "dueDateBefore": null, "dueDateAfter": "2026-11-30" },
            { "by": null, "status": "IN_PROGRESS", "note": "已约谈主管部门", "ownerBefore": null, "ownerAfter": null, "dueDateBefore": null, "dueDateAfter": null },
            { "by": null, "status": "IN_PROGRESS", "note": null, "ownerBefore": { "code": "FZ-ORG" }, "ownerAfter": { "code": "FZ-UF" }, "dueDateBefore": "2026-11-30", "dueDateAfter": "2026-12-31" },
            { "by": null, "status": "RESOLVED", "note": null, "ownerBefore": null, "ownerAfter": null, "dueDateBefore": null, "dueDateAfter": null },
            { "by": null, "status": "VERIFIED", "note": "验收通过", "ownerBefore": null, "ownerAfter": null, "dueDateBefore": null, "dueDateAfter": null },
        ])
    );
    refused(
        &app,
        "a VERIFIED item's due date is fixed",
        UPDATE,
        json!({ "input": { "id": id, "dueDate": "2027-01-01" } }),
        "CONFLICT",
    )
    .await;
    let changes = app
        .count("change WHERE entity = 'rectification' AND action = 'UPDATE'")
        .await;
    assert_eq!(changes, 4, "each update is in the audit trail");
    assert_eq!(
        summary(&app, None).await,
        json!({ "total": 2, "open": 1, "inProgress": 0, "resolved": 0, "verified": 1, "overdue": 0, "gapGone": 0, "reopened": 0 })
    );

    // The gap comes back: counted as reopened, and a new item can be opened.
    upsert_organization(
        &app,
        &a(),
        "TWO_NEW",
        "350102",
        json!({ "supervisingDepartmentCode": null }),
    )
    .await;
    assert_eq!(summary(&app, None).await["reopened"], 1);
    let opened = app
        .data(
            OPEN,
            json!({ "input": { "kinds": ["UNASSIGNED"], "milestoneCode": "B2" } }),
        )
        .await;
    assert_eq!(
        opened["openRectifications"],
        json!({ "opened": 1, "alreadyOpen": 1, "withoutOwner": 0 })
    );
    let figures = summary(&app, None).await;
    assert_eq!(
        (figures["total"].clone(), figures["reopened"].clone()),
        (json!(3), json!(0))
    );
    let keyed = items(&app, json!({ "kinds": ["UNASSIGNED"] })).await;
    assert_eq!(
        keyed
            .iter()
            .filter(|(k, _, _)| *k == unassigned(&a()))
            .count(),
        2,
        "nothing is deleted: {keyed:?}"
    );
}

#[tokio::test]
async fn opening_refuses_what_it_cannot_do_and_writes_nothing() {
    let app = TestApp::spawn().await;
    ledger_province(&app).await;
    refused(
        &app,
        "no due date and no milestone",
        OPEN,
        json!({ "input": { "kinds": ["UNASSIGNED"] } }),
        "BAD_USER_INPUT",
    )
    .await;
    refused(
        &app,
        "an unknown milestone",
        OPEN,
        json!({ "input": { "milestoneCode": "B9" } }),
        "NOT_FOUND",
    )
    .await;
    refused(
        &app,
        "an unknown owner",
        OPEN,
        json!({ "input": { "dueDate": "2026-12-01", "ownerDepartmentCode": "NOPE" } }),
        "NOT_FOUND",
    )
    .await;
    let xiamen = caller(
        "xiamen",
        Role::Editor,
        Scope::within(region_id(&app, "350200").await),
    );
    refused_as(
        &app,
        &xiamen,
        "outside the token's region",
        OPEN,
        json!({ "input": { "regionCode": "350100", "dueDate": "2026-12-01" } }),
        "FORBIDDEN",
    )
    .await;
    let viewer = caller("viewer", Role::Viewer, Scope::EVERYTHING);
    refused_as(
        &app,
        &viewer,
        "a viewer",
        OPEN,
        json!({ "input": { "dueDate": "2026-12-01" } }),
        "FORBIDDEN",
    )
    .await;
}

#[tokio::test]
async fn overdue_turns_at_the_end_of_the_due_date_in_shanghai() {
    let app = TestApp::spawn().await;
    ledger_province(&app).await;
    app.data(
        OPEN,
        json!({ "input": { "kinds": ["UNASSIGNED"], "milestoneCode": "B1" } }),
    )
    .await;
    app.data(
        OPEN,
        json!({ "input": { "kinds": ["FALLBACK_ONLY"], "milestoneCode": "B2" } }),
    )
    .await;
    // 2026-11-30 23:59:59 in Shanghai: the due date itself, not yet overdue.
    app.clock.set(utc("2026-11-30T15:59:59Z"));
    assert_eq!(summary(&app, None).await["overdue"], 0);
    let data = app
        .data(ITEMS, json!({ "filter": { "overdue": true } }))
        .await;
    assert_eq!(data["rectifications"]["totalCount"], 0);
    // 2026-12-01 00:00 in Shanghai, still 30 November in UTC.
    app.clock.set(utc("2026-11-30T16:00:00Z"));
    assert_eq!(summary(&app, None).await["overdue"], 2);
    let data = app
        .data(ITEMS, json!({ "filter": { "overdue": true } }))
        .await;
    assert_eq!(data["rectifications"]["totalCount"], 2);
    assert!(
        data["rectifications"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["overdue"] == true)
    );
    // Overdue first, then by due date, then id; pages visit each item once.
    app.clock.set(utc("2027-01-10T00:00:00Z"));
    let b_id = item_id(&app, &format!("FALLBACK_ONLY:{}", b())).await;
    app.data(
        UPDATE,
        json!({ "input": { "id": b_id, "dueDate": "2027-01-01" } }),
    )
    .await;
    let a_id = item_id(&app, &unassigned(&a())).await;
    app.data(
        UPDATE,
        json!({ "input": { "id": a_id, "dueDate": "2027-03-01" } }),
    )
    .await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app.data(ITEMS, json!({ "first": 1, "after": after })).await;
        let page = &data["rectifications"];
        for e in page["edges"].as_array().unwrap() {
            seen.push((
                e["node"]["gapKey"].as_str().unwrap().to_owned(),
                e["node"]["overdue"].as_bool().unwrap(),
            ));
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        seen,
        vec![
            (unassigned(&x()), true),
            (format!("FALLBACK_ONLY:{}", b()), true),
            (unassigned(&a()), false),
        ]
    );
}

#[tokio::test]
async fn region_bound_tokens_see_and_write_their_subtree_and_the_level_above_verifies() {
    let app = TestApp::spawn().await;
    ledger_province(&app).await;
    app.data(
        OPEN,
        json!({ "input": { "kinds": ["UNASSIGNED", "FALLBACK_ONLY"], "milestoneCode": "B1" } }),
    )
    .await;
    let fuzhou = caller(
        "福州市委组织部",
        Role::Editor,
        Scope::within(region_id(&app, "350100").await),
    );
    let xiamen = caller(
        "xiamen",
        Role::Editor,
        Scope::within(region_id(&app, "350200").await),
    );
    let province = caller(
        "省委组织部",
        Role::Editor,
        Scope::within(region_id(&app, "350000").await),
    );

    let seen = app.execute_as(&xiamen, ITEMS, json!({})).await;
    assert_eq!(seen["data"]["rectifications"]["totalCount"], 1, "{seen}");
    assert_eq!(
        seen["data"]["rectifications"]["edges"][0]["node"]["gapKey"],
        unassigned(&x())
    );
    let figures = app.execute_as(&xiamen, SUMMARY, json!({})).await;
    assert_eq!(figures["data"]["rectificationSummary"]["total"], 1);
    let outside = app
        .execute_as(&xiamen, SUMMARY, json!({ "region": "350100" }))
        .await;
    assert_eq!(outside["errors"][0]["extensions"]["code"], "NOT_FOUND");

    let a_id = item_id(&app, &unassigned(&a())).await;
    let b_id = item_id(&app, &format!("FALLBACK_ONLY:{}", b())).await;
    refused_as(
        &app,
        &xiamen,
        "an item outside the token's region",
        UPDATE,
        json!({ "input": { "id": a_id, "note": "越权" } }),
        "FORBIDDEN",
    )
    .await;

    // B: owned by DJ-TS (东街街道); 福州 holds its parent 鼓楼区, so 福州 verifies.
    upsert_organization(
        &app,
        &b(),
        "TWO_NEW",
        "350102001",
        json!({ "supervisingDepartmentCode": "FZ-UF" }),
    )
    .await;
    let resolved = app
        .execute_as(
            &fuzhou,
            UPDATE,
            json!({ "input": { "id": b_id, "status": "RESOLVED", "note": "已明确主管部门" } }),
        )
        .await;
    assert_eq!(
        resolved["data"]["updateRectification"]["status"], "RESOLVED",
        "{resolved}"
    );
    let verified = app
        .execute_as(
            &fuzhou,
            UPDATE,
            json!({ "input": { "id": b_id, "status": "VERIFIED" } }),
        )
        .await;
    let history = &verified["data"]["updateRectification"]["history"];
    assert_eq!(history[1]["by"], "福州市委组织部", "{verified}");
    assert_eq!(history[2]["status"], "VERIFIED");

    // A: owned by FZ-ORG (福州市); only a token holding 福建 verifies it.
    upsert_organization(
        &app,
        &a(),
        "TWO_NEW",
        "350102",
        json!({ "supervisingDepartmentCode": "FZ-UF" }),
    )
    .await;
    app.execute_as(
        &fuzhou,
        UPDATE,
        json!({ "input": { "id": a_id, "status": "RESOLVED" } }),
    )
    .await;
    refused_as(
        &app,
        &fuzhou,
        "the owner's own level does not verify",
        UPDATE,
        json!({ "input": { "id": a_id, "status": "VERIFIED" } }),
        "FORBIDDEN",
    )
    .await;
    let verified = app
        .execute_as(
            &province,
            UPDATE,
            json!({ "input": { "id": a_id, "status": "VERIFIED" } }),
        )
        .await;
    assert_eq!(
        verified["data"]["updateRectification"]["status"], "VERIFIED",
        "{verified}"
    );
}

#[tokio::test]
async fn the_ledger_exports_as_csv_and_json_lines_within_the_callers_region() {
    let app = TestApp::spawn().await;
    ledger_province(&app).await;
    app.data(
        OPEN,
        json!({ "input": { "kinds": ["UNASSIGNED", "FALLBACK_ONLY"], "milestoneCode": "B1" } }),
    )
    .await;
    let (status, _, body) = helpers::get(app.router(), "/export/rectifications.csv")
        .await
        .into_parts();
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,gapKey,gapKind,regionCode,regionName,creditCode,organizationName,categoryCode,\
         departmentCode,departmentKindCode,ownerDepartmentCode,ownerDepartmentName,milestoneCode,\
         dueDate,status,overdue,gapOpen,openedAt,closedAt"
    );
    assert_eq!(lines.len(), 4, "{text}");
    let line = lines
        .iter()
        .find(|l| l.contains(&unassigned(&a())))
        .expect("A's item is exported");
    assert!(line.contains(",FZ-ORG,"), "{text}");
    assert!(line.contains(",B1,2026-11-30,OPEN,"), "{text}");

    let (status, _, body) =
        helpers::get(app.router(), "/export/rectifications.jsonl?region=350200")
            .await
            .into_parts();
    assert_eq!(status, 200);
    let rows: Vec<Value> = String::from_utf8(body)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["gapKey"], unassigned(&x()));
    assert_eq!(rows[0]["ownerDepartmentCode"], "FJ-ORG");
    assert_eq!(rows[0]["gapOpen"], true);
}

#[tokio::test]
async fn the_coverage_report_carries_the_gaps_and_the_ledger_as_sheets() {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let app = TestApp::spawn().await;
    ledger_province(&app).await;
    app.data(
        OPEN,
        json!({ "input": { "kinds": ["UNASSIGNED"], "milestoneCode": "B1" } }),
    )
    .await;
    let (status, _, bytes) = helpers::get(app.router(), "/reports/coverage.xlsx")
        .await
        .into_parts();
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        vec!["汇总", "类别×部门条线", "问题清单", "整改台账"]
    );
    let ledger = book.worksheet_range("整改台账").unwrap();
    let row = |r: u32| -> Vec<String> {
        (0..12)
            .map(|c| {
                ledger
                    .get_value((r, c))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect()
    };
    assert_eq!(
        row(0),
        orgmap::report::ledger_headers(orgmap::i18n::Lang::Zh)
    );
    assert_eq!(ledger.height(), 3, "the header and two items");
    let first = [row(1), row(2)]
        .into_iter()
        .find(|r| r[1] == unassigned(&a()))
        .expect("A's item is listed");
    assert_eq!(first[0], "无人负责（盲区）");
    assert_eq!(first[1], unassigned(&a()));
    assert_eq!(first[6], "350100 ORGANIZATION", "the owner's name");
    assert_eq!(first[7], "第一批");
    assert_eq!(first[8], "2026-11-30");
    assert_eq!(first[9], "待整改");
    assert_eq!(first[11], "是");
}
