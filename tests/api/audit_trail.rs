//! The audit trail: every write recorded with its actor and its values
//! before and after, no-op writes not at all, and a bound admin reading only
//! its region's changes.

use orgmap::domain::access::Role;
use orgmap::domain::scope::Scope;
use serde_json::{Value, json};

use crate::helpers::access::{
    CHANGES, DELETE_ORGANIZATION, UPSERT_CATEGORY, UPSERT_DEPARTMENT, UPSERT_KIND,
    UPSERT_ORGANIZATION, UPSERT_REGION, UPSERT_RULE, Via, caller, inside, new_token, region_id,
    two_cities,
};
use crate::helpers::{self, TestApp};

fn nodes(changes: &Value) -> Vec<Value> {
    changes["changes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn actions(nodes: &[Value]) -> Vec<&str> {
    nodes
        .iter()
        .map(|n| n["action"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn every_write_is_recorded_with_its_actor_and_values_before_and_after() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let editor = caller("audit-editor", Role::Editor, Scope::EVERYTHING);
    let code = inside(1);
    let organization = |name: &str| json!({ "input": { "creditCode": code, "name": name, "categoryCode": "FOUNDATION", "regionCode": "350102001" } });
    let via = Via::Direct(&editor);

    via.data(&app, "create", UPSERT_ORGANIZATION, organization("旧名"))
        .await;
    let since = chrono::Utc::now();
    via.data(&app, "rename", UPSERT_ORGANIZATION, organization("新名"))
        .await;
    via.data(&app, "delete", DELETE_ORGANIZATION, json!({ "code": code }))
        .await;
    let rule = |kind: &str| json!({ "input": { "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": kind, "scopeRegionCode": "350100" } });
    via.data(&app, "rule", UPSERT_RULE, rule("HEALTH")).await;
    via.data(&app, "rule change", UPSERT_RULE, rule("EDUCATION"))
        .await;

    let trail = nodes(&app.data(CHANGES, json!({ "entity": "ORGANIZATION" })).await);
    assert_eq!(actions(&trail), ["CREATE", "UPDATE", "DELETE"], "{trail:?}");
    for change in &trail {
        assert_eq!(change["actor"], "audit-editor");
        assert_eq!(change["entity"], "ORGANIZATION");
        assert_eq!(change["key"], code.as_str());
    }
    assert!(trail[0]["before"].is_null());
    assert_eq!(trail[0]["after"]["name"], "旧名");
    assert_eq!(trail[0]["after"]["creditCode"], code.as_str());
    assert_eq!(trail[0]["after"]["regionCode"], "350102001");
    assert_eq!(trail[1]["before"]["name"], "旧名");
    assert_eq!(trail[1]["after"]["name"], "新名");
    assert_eq!(trail[2]["before"]["name"], "新名");
    assert!(trail[2]["after"].is_null());
    let times: Vec<chrono::DateTime<chrono::Utc>> = trail
        .iter()
        .map(|c| c["at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    let rules = nodes(&app.data(CHANGES, json!({ "entity": "RULE" })).await);
    assert_eq!(actions(&rules), ["CREATE", "UPDATE"], "{rules:?}");
    assert_eq!(rules[0]["key"], "PRIVATE_SCHOOL@350100");
    assert_eq!(rules[1]["key"], "PRIVATE_SCHOOL@350100");
    assert_eq!(rules[0]["actor"], "audit-editor");
    assert_eq!(rules[1]["before"]["kindCode"], "HEALTH");
    assert_eq!(rules[1]["after"]["kindCode"], "EDUCATION");

    // `since` leaves out what came before.
    let later = nodes(
        &app.data(
            CHANGES,
            json!({ "entity": "ORGANIZATION", "since": since.to_rfc3339() }),
        )
        .await,
    );
    assert_eq!(
        actions(&later),
        ["UPDATE", "DELETE"],
        "since {since}: {later:?}"
    );
    let everything_since = nodes(
        &app.data(CHANGES, json!({ "since": since.to_rfc3339() }))
            .await,
    );
    assert_eq!(everything_since.len(), 4, "{everything_since:?}");
    assert!(
        everything_since
            .iter()
            .all(|c| c["actor"] == "audit-editor")
    );
}

#[tokio::test]
async fn an_upsert_that_changes_nothing_records_nothing() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "GL-EDU", "EDUCATION", "350102").await;
    let editor = caller("audit-editor", Role::Editor, Scope::EVERYTHING);
    let via = Via::Direct(&editor);
    let writes = [
        (
            "organization",
            UPSERT_ORGANIZATION,
            json!({ "input": { "creditCode": inside(1), "name": "组织", "categoryCode": "FOUNDATION", "regionCode": "350102001", "workCovered": true } }),
        ),
        (
            "rule",
            UPSERT_RULE,
            json!({ "input": { "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "HEALTH", "scopeRegionCode": "350100", "basis": "文件" } }),
        ),
        (
            "department",
            UPSERT_DEPARTMENT,
            json!({ "input": { "code": "GL-EDU", "name": "350102 EDUCATION", "kindCode": "EDUCATION", "regionCode": "350102" } }),
        ),
        (
            "region",
            UPSERT_REGION,
            json!({ "input": { "code": "350102", "name": "鼓楼区", "level": "COUNTY", "parentCode": "350100" } }),
        ),
        (
            "category",
            UPSERT_CATEGORY,
            json!({ "input": { "code": "NEW_CATEGORY", "name": "新类别", "parentCode": "SOCIAL_ORGANIZATION" } }),
        ),
        (
            "department kind",
            UPSERT_KIND,
            json!({ "input": { "code": "NEW_KIND", "name": "新部门", "role": "SUPERVISOR" } }),
        ),
    ];

    for (case, query, variables) in &writes {
        via.data(&app, case, query, variables.clone()).await;
    }
    let recorded = app.count("change").await;
    for (case, query, variables) in &writes {
        via.data(&app, case, query, variables.clone()).await;
        assert_eq!(
            app.count("change").await,
            recorded,
            "{case}: an unchanged upsert records nothing"
        );
    }
    // A real change is recorded.
    via.data(
        &app,
        "rename",
        UPSERT_ORGANIZATION,
        json!({ "input": { "creditCode": inside(1), "name": "改名", "categoryCode": "FOUNDATION", "regionCode": "350102001" } }),
    )
    .await;
    assert_eq!(app.count("change").await, recorded + 1);
}

#[tokio::test]
async fn a_bound_admin_reads_only_the_changes_within_its_region() {
    let app = TestApp::spawn().await;
    two_cities(&app).await;
    let fz_admin = caller(
        "fz-admin",
        Role::Admin,
        Scope::within(region_id(&app, "350100").await),
    );
    let secret = new_token(&app, Role::Admin, Some("350100"), "fz-admin-token").await;
    let inside_keys = [
        "350100".to_owned(),
        "350102".to_owned(),
        "350102001".to_owned(),
        "350102002".to_owned(),
        "GL-EDU".to_owned(),
        inside(1),
        inside(2),
        inside(3),
        "fz-admin-token".to_owned(),
    ];

    let all = nodes(&app.data(CHANGES, json!({ "entity": "ORGANIZATION" })).await);
    assert_eq!(all.len(), 5);
    for via in [Via::Direct(&fz_admin), Via::Http(&secret)] {
        let organizations = nodes(
            &via.data(
                &app,
                "changes",
                CHANGES,
                json!({ "entity": "ORGANIZATION" }),
            )
            .await,
        );
        let keys: Vec<&str> = organizations
            .iter()
            .map(|c| c["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, [inside(1), inside(2), inside(3)], "{}", via.name());

        let everything = via.data(&app, "changes", CHANGES, json!({})).await;
        for change in nodes(&everything) {
            let key = change["key"].as_str().unwrap().to_owned();
            assert!(
                inside_keys.contains(&key),
                "{}: {key} lies outside 福州: {change}",
                via.name()
            );
        }
        assert_eq!(
            everything["changes"]["totalCount"],
            nodes(&everything).len(),
            "{}",
            via.name()
        );
    }
}
