//! The category tree: upserts, cycles refused, the tree and its rules.

use serde_json::{Value, json};

use crate::helpers::{self, TestApp, codes};

const UPSERT: &str = "mutation($input: CategoryInput!) {
    upsertCategory(input: $input) { code name description parent { code } }
}";

const CATEGORY: &str = "query($code: String!) {
    category(code: $code) {
        code name description
        parent { code }
        children { code }
        rules { departmentKind { code } scope { code } basis }
    }
}";

async fn category(app: &TestApp, code: &str) -> Value {
    app.data(CATEGORY, json!({ "code": code })).await["category"].clone()
}

#[tokio::test]
async fn upsert_category_adds_a_child_to_the_tree() {
    let app = TestApp::spawn().await;

    let data = app
        .data(
            UPSERT,
            json!({ "input": {
                "code": "PLATFORM_ENTERPRISE", "name": " 平台企业 ",
                "parentCode": "NON_PUBLIC_ECONOMIC", "description": " 互联网平台 "
            } }),
        )
        .await;

    assert_eq!(
        data["upsertCategory"],
        json!({
            "code": "PLATFORM_ENTERPRISE", "name": "平台企业", "description": "互联网平台",
            "parent": { "code": "NON_PUBLIC_ECONOMIC" }
        })
    );
    assert_eq!(app.count("category").await, 27);
    let parent = category(&app, "NON_PUBLIC_ECONOMIC").await;
    assert!(
        codes(&parent["children"], "code").contains(&"PLATFORM_ENTERPRISE".to_owned()),
        "the parent lists its new child"
    );
}

#[tokio::test]
async fn upserting_the_same_category_twice_leaves_one_row() {
    let app = TestApp::spawn().await;
    let input = json!({ "input": {
        "code": "PLATFORM_ENTERPRISE", "name": "平台企业", "parentCode": "NON_PUBLIC_ECONOMIC"
    } });
    let first = app.data(UPSERT, input.clone()).await;
    let closure = app.count("category_closure").await;

    let second = app.data(UPSERT, input).await;

    assert_eq!(second, first);
    assert_eq!(app.count("category").await, 27);
    assert_eq!(app.count("category_closure").await, closure);
}

#[tokio::test]
async fn omitted_category_fields_keep_their_values_and_null_clears_them() {
    let app = TestApp::spawn().await;
    app.data(
        UPSERT,
        json!({ "input": {
            "code": "PLATFORM_ENTERPRISE", "name": "平台企业",
            "parentCode": "NON_PUBLIC_ECONOMIC", "description": "互联网平台"
        } }),
    )
    .await;

    let renamed = app
        .data(
            UPSERT,
            json!({ "input": { "code": "PLATFORM_ENTERPRISE", "name": "平台经济企业" } }),
        )
        .await;
    let description_cleared = app
        .data(
            UPSERT,
            json!({ "input": { "code": "PLATFORM_ENTERPRISE", "name": "平台经济企业", "description": null } }),
        )
        .await;
    let parent_cleared = app
        .data(
            UPSERT,
            json!({ "input": { "code": "PLATFORM_ENTERPRISE", "name": "平台经济企业", "parentCode": null } }),
        )
        .await;

    assert_eq!(
        renamed["upsertCategory"],
        json!({
            "code": "PLATFORM_ENTERPRISE", "name": "平台经济企业", "description": "互联网平台",
            "parent": { "code": "NON_PUBLIC_ECONOMIC" }
        }),
        "omitted description and parent are kept"
    );
    assert!(description_cleared["upsertCategory"]["description"].is_null());
    assert_eq!(
        description_cleared["upsertCategory"]["parent"]["code"],
        "NON_PUBLIC_ECONOMIC"
    );
    assert!(parent_cleared["upsertCategory"]["parent"].is_null());
    let roots = app.data("{ categories { code } }", json!({})).await;
    assert_eq!(
        codes(&roots["categories"], "code"),
        ["TWO_NEW", "PLATFORM_ENTERPRISE"],
        "a category without a parent is a root"
    );
}

#[tokio::test]
async fn a_parent_that_closes_a_cycle_is_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let cases = [
        ("a root under itself", "TWO_NEW", "TWO_NEW"),
        ("a category under itself", "LAW_FIRM", "LAW_FIRM"),
        ("a root under its child", "TWO_NEW", "SOCIAL_ORGANIZATION"),
        (
            "a root under a grandchild's child",
            "TWO_NEW",
            "PRIVATE_SCHOOL",
        ),
        (
            "a category under its grandchild",
            "SOCIAL_ORGANIZATION",
            "NOTARY",
        ),
    ];

    for (case, code, parent) in cases {
        let before = category(&app, code).await;
        let closure = app.count("category_closure").await;

        app.refused(
            case,
            UPSERT,
            json!({ "input": { "code": code, "name": "改名", "parentCode": parent, "description": "改了" } }),
            "BAD_USER_INPUT",
            "parentCode",
        )
        .await;

        assert_eq!(
            category(&app, code).await,
            before,
            "{case}: nothing changed"
        );
        assert_eq!(app.count("category_closure").await, closure, "{case}");
    }
}

#[tokio::test]
async fn moving_a_category_moves_its_subtree() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::organization(
        &app,
        &helpers::credit_code("52", "350102", 1),
        "福州市某民办学校",
        "PRIVATE_SCHOOL",
        "350102",
    )
    .await;
    let count_in = "query($category: String!) {
        organizations(filter: { categoryCode: $category }) { totalCount }
    }";

    app.data(
        UPSERT,
        json!({ "input": {
            "code": "EDUCATION_SOCIAL_ORG", "name": "教育系统社会组织", "parentCode": "NON_PUBLIC_ECONOMIC"
        } }),
    )
    .await;

    let school = category(&app, "PRIVATE_SCHOOL").await;
    assert_eq!(school["parent"]["code"], "EDUCATION_SOCIAL_ORG");
    for (under, expected) in [
        ("SOCIAL_ORGANIZATION", 0),
        ("NON_PUBLIC_ECONOMIC", 1),
        ("EDUCATION_SOCIAL_ORG", 1),
        ("TWO_NEW", 1),
    ] {
        let data = app.data(count_in, json!({ "category": under })).await;
        assert_eq!(
            data["organizations"]["totalCount"], expected,
            "a private school under {under}"
        );
    }
}

#[tokio::test]
async fn category_inputs_are_validated_and_refusals_write_nothing() {
    let app = TestApp::spawn().await;
    let too_long = "类".repeat(101);
    let cases = [
        (
            "unknown parent",
            json!({ "code": "NEW", "name": "新类别", "parentCode": "NO_SUCH_CATEGORY" }),
            "NOT_FOUND",
            "parentCode",
        ),
        (
            "blank name",
            json!({ "code": "NEW", "name": " ", "parentCode": "TWO_NEW" }),
            "BAD_USER_INPUT",
            "name",
        ),
        (
            "101-character name",
            json!({ "code": "NEW", "name": too_long, "parentCode": "TWO_NEW" }),
            "BAD_USER_INPUT",
            "name",
        ),
        (
            "code with a space",
            json!({ "code": "NEW ONE", "name": "新类别" }),
            "BAD_USER_INPUT",
            "code",
        ),
        (
            "blank code",
            json!({ "code": "", "name": "新类别" }),
            "BAD_USER_INPUT",
            "code",
        ),
        (
            "unknown parent for an existing category",
            json!({ "code": "LAW_FIRM", "name": "改名", "parentCode": "NO_SUCH_CATEGORY" }),
            "NOT_FOUND",
            "parentCode",
        ),
    ];

    for (case, input, code, field) in cases {
        app.refused(case, UPSERT, json!({ "input": input }), code, field)
            .await;
    }
    assert!(category(&app, "NEW").await.is_null());
    assert_eq!(
        category(&app, "LAW_FIRM").await["name"],
        "律师事务所及律师行业组织"
    );
}

#[tokio::test]
async fn the_category_tree_shows_children_parent_and_rules() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    app.data(
        "mutation { upsertRule(input: {
            categoryCode: \"EDUCATION_SOCIAL_ORG\", departmentKindCode: \"CIVIL_AFFAIRS\",
            scopeRegionCode: \"350100\", basis: \"福州市分工\" }) { id } }",
        json!({}),
    )
    .await;

    let roots = app
        .data("{ categories { code parent { code } } }", json!({}))
        .await;
    let legal = category(&app, "LEGAL_SERVICE_ORG").await;
    let school = category(&app, "PRIVATE_SCHOOL").await;
    let education = category(&app, "EDUCATION_SOCIAL_ORG").await;

    assert_eq!(
        roots["categories"],
        json!([{ "code": "TWO_NEW", "parent": null }])
    );
    assert_eq!(legal["parent"]["code"], "SOCIAL_ORGANIZATION");
    assert_eq!(
        codes(&legal["children"], "code"),
        ["LAW_FIRM", "NOTARY", "FORENSIC_APPRAISAL"]
    );
    assert_eq!(school["parent"]["code"], "EDUCATION_SOCIAL_ORG");
    assert_eq!(
        school["rules"],
        json!([]),
        "a rule of an ancestor is listed there"
    );
    assert_eq!(
        education["rules"],
        json!([
            { "departmentKind": { "code": "EDUCATION" }, "scope": null,
              "basis": orgmap::domain::reference::PROVINCE_BASIS },
            { "departmentKind": { "code": "CIVIL_AFFAIRS" }, "scope": { "code": "350100" },
              "basis": "福州市分工" }
        ]),
        "the rule that holds everywhere first"
    );
}

#[tokio::test]
async fn an_unknown_category_is_null() {
    let app = TestApp::spawn().await;

    let data = app
        .data(CATEGORY, json!({ "code": "NO_SUCH_CATEGORY" }))
        .await;

    assert!(data["category"].is_null());
}
