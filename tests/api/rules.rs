//! Responsibility rules: upserts by (category, scope), deletes, validation.

use orgmap::domain::reference::PROVINCE_BASIS;
use serde_json::{Value, json};

use crate::helpers::{self, TestApp};

const UPSERT: &str = "mutation($input: RuleInput!) {
    upsertRule(input: $input) { category { code } departmentKind { code } scope { code } basis }
}";

const DELETE: &str = "mutation($category: String!, $scope: String) {
    deleteRule(categoryCode: $category, scopeRegionCode: $scope)
}";

const RULES_OF: &str = "query($code: String!) {
    category(code: $code) { rules { departmentKind { code } scope { code } basis } }
}";

async fn rules_of(app: &TestApp, category: &str) -> Value {
    app.data(RULES_OF, json!({ "code": category })).await["category"]["rules"].clone()
}

#[tokio::test]
async fn upsert_rule_creates_a_scoped_rule() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    let data = app
        .data(
            UPSERT,
            json!({ "input": {
                "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "CIVIL_AFFAIRS",
                "scopeRegionCode": "350100", "basis": " 福州市分工 (2021) "
            } }),
        )
        .await;

    assert_eq!(
        data["upsertRule"],
        json!({
            "category": { "code": "PRIVATE_SCHOOL" }, "departmentKind": { "code": "CIVIL_AFFAIRS" },
            "scope": { "code": "350100" }, "basis": "福州市分工 (2021)"
        })
    );
    assert_eq!(app.count("responsibility_rule").await, 12, "11 seeded + 1");
    assert_eq!(
        rules_of(&app, "PRIVATE_SCHOOL").await,
        json!([{
            "departmentKind": { "code": "CIVIL_AFFAIRS" }, "scope": { "code": "350100" },
            "basis": "福州市分工 (2021)"
        }])
    );
}

#[tokio::test]
async fn upserting_the_same_rule_twice_leaves_one_row() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        (
            "scoped",
            json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "CIVIL_AFFAIRS", "scopeRegionCode": "350100" }),
            12,
        ),
        (
            "unscoped",
            json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "EDUCATION" }),
            13,
        ),
        (
            "an existing seeded rule",
            json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "CIVIL_AFFAIRS" }),
            13,
        ),
    ];

    for (case, input, expected) in cases {
        let first = app.data(UPSERT, json!({ "input": input })).await;
        let second = app.data(UPSERT, json!({ "input": input })).await;

        assert_eq!(second, first, "{case}");
        assert_eq!(app.count("responsibility_rule").await, expected, "{case}");
    }
}

#[tokio::test]
async fn upsert_rule_changes_the_kind_of_the_rule_with_the_same_category_and_scope() {
    let app = TestApp::spawn().await;

    let data = app
        .data(
            UPSERT,
            json!({ "input": { "categoryCode": "FOUNDATION", "departmentKindCode": "HEALTH" } }),
        )
        .await;

    assert_eq!(data["upsertRule"]["departmentKind"]["code"], "HEALTH");
    assert_eq!(
        data["upsertRule"]["basis"], PROVINCE_BASIS,
        "omitted basis kept"
    );
    assert_eq!(app.count("responsibility_rule").await, 11);
    assert_eq!(
        rules_of(&app, "FOUNDATION").await,
        json!([{ "departmentKind": { "code": "HEALTH" }, "scope": null, "basis": PROVINCE_BASIS }])
    );
}

#[tokio::test]
async fn an_omitted_basis_is_kept_and_null_clears_it() {
    let app = TestApp::spawn().await;

    let kept = app
        .data(
            UPSERT,
            json!({ "input": { "categoryCode": "FOUNDATION", "departmentKindCode": "CIVIL_AFFAIRS" } }),
        )
        .await;
    let cleared = app
        .data(
            UPSERT,
            json!({ "input": { "categoryCode": "FOUNDATION", "departmentKindCode": "CIVIL_AFFAIRS", "basis": null } }),
        )
        .await;

    assert_eq!(kept["upsertRule"]["basis"], PROVINCE_BASIS);
    assert!(cleared["upsertRule"]["basis"].is_null());
    assert!(rules_of(&app, "FOUNDATION").await[0]["basis"].is_null());
}

#[tokio::test]
async fn delete_rule_is_true_then_false_when_gone() {
    let app = TestApp::spawn().await;

    let first = app.data(DELETE, json!({ "category": "FOUNDATION" })).await;
    let second = app.data(DELETE, json!({ "category": "FOUNDATION" })).await;

    assert_eq!(first["deleteRule"], true);
    assert_eq!(second["deleteRule"], false);
    assert_eq!(app.count("responsibility_rule").await, 10);
    assert_eq!(rules_of(&app, "FOUNDATION").await, json!([]));
}

#[tokio::test]
async fn deleting_a_scoped_rule_leaves_the_rule_that_holds_everywhere() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    app.data(
        UPSERT,
        json!({ "input": {
            "categoryCode": "EDUCATION_SOCIAL_ORG", "departmentKindCode": "CIVIL_AFFAIRS", "scopeRegionCode": "350100"
        } }),
    )
    .await;

    let deleted = app
        .data(
            DELETE,
            json!({ "category": "EDUCATION_SOCIAL_ORG", "scope": "350100" }),
        )
        .await;
    let again = app
        .data(
            DELETE,
            json!({ "category": "EDUCATION_SOCIAL_ORG", "scope": "350100" }),
        )
        .await;
    let elsewhere = app
        .data(
            DELETE,
            json!({ "category": "EDUCATION_SOCIAL_ORG", "scope": "350200" }),
        )
        .await;

    assert_eq!(deleted["deleteRule"], true);
    assert_eq!(again["deleteRule"], false);
    assert_eq!(elsewhere["deleteRule"], false, "no rule in that scope");
    assert_eq!(
        rules_of(&app, "EDUCATION_SOCIAL_ORG").await,
        json!([{ "departmentKind": { "code": "EDUCATION" }, "scope": null, "basis": PROVINCE_BASIS }])
    );
    assert_eq!(app.count("responsibility_rule").await, 11);
}

#[tokio::test]
async fn rules_naming_unknown_things_are_not_found_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        (
            "unknown category",
            json!({ "categoryCode": "NO_SUCH_CATEGORY", "departmentKindCode": "EDUCATION" }),
            "categoryCode",
        ),
        (
            "unknown kind",
            json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "NO_SUCH_KIND" }),
            "departmentKindCode",
        ),
        (
            "unknown scope",
            json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "EDUCATION", "scopeRegionCode": "370000" }),
            "scopeRegionCode",
        ),
        (
            "unknown kind for an existing rule",
            json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "NO_SUCH_KIND", "basis": null }),
            "departmentKindCode",
        ),
    ];

    for (case, input, field) in cases {
        app.refused(case, UPSERT, json!({ "input": input }), "NOT_FOUND", field)
            .await;
    }
    assert_eq!(
        rules_of(&app, "FOUNDATION").await,
        json!([{ "departmentKind": { "code": "CIVIL_AFFAIRS" }, "scope": null, "basis": PROVINCE_BASIS }])
    );
}

#[tokio::test]
async fn deleting_a_rule_of_unknown_things_is_not_found_and_deletes_nothing() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        (
            "unknown category",
            json!({ "category": "NO_SUCH_CATEGORY" }),
            "categoryCode",
        ),
        (
            "unknown scope",
            json!({ "category": "FOUNDATION", "scope": "370000" }),
            "scopeRegionCode",
        ),
    ];

    for (case, variables, field) in cases {
        app.refused(case, DELETE, variables, "NOT_FOUND", field)
            .await;
    }
}

#[tokio::test]
async fn a_basis_longer_than_500_characters_is_refused() {
    let app = TestApp::spawn().await;

    app.refused(
        "501-character basis",
        UPSERT,
        json!({ "input": {
            "categoryCode": "FOUNDATION", "departmentKindCode": "HEALTH", "basis": "依".repeat(501)
        } }),
        "BAD_USER_INPUT",
        "basis",
    )
    .await;

    assert_eq!(
        rules_of(&app, "FOUNDATION").await[0]["departmentKind"]["code"],
        "CIVIL_AFFAIRS"
    );
}
