//! Regions: upserts, GB/T 2260 code and nesting rules, lookups and lists.

use serde_json::{Value, json};

use crate::helpers::{self, TestApp, codes};

const UPSERT: &str = "mutation($input: RegionInput!) {
    upsertRegion(input: $input) { code name level parent { code } }
}";

const REGION: &str = "query($code: String!) {
    region(code: $code) {
        code name level
        parent { code }
        children { code }
        ancestors { code }
        departments { code kind { code } }
    }
}";

fn input(code: &str, name: &str, level: &str, parent: Option<&str>) -> Value {
    json!({ "input": { "code": code, "name": name, "level": level, "parentCode": parent } })
}

async fn region(app: &TestApp, code: &str) -> Value {
    app.data(REGION, json!({ "code": code })).await["region"].clone()
}

#[tokio::test]
async fn upserting_a_region_returns_it_under_its_parent() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    let data = app
        .data(UPSERT, input("350104", "台江区", "COUNTY", Some("350100")))
        .await;

    assert_eq!(
        data["upsertRegion"],
        json!({ "code": "350104", "name": "台江区", "level": "COUNTY", "parent": { "code": "350100" } })
    );
    assert_eq!(app.count("region").await, 8);
    assert_eq!(
        codes(&region(&app, "350104").await["ancestors"], "code"),
        ["350000", "350100"],
        "the closure table knows the new region's ancestors"
    );
}

#[tokio::test]
async fn upserting_the_same_regions_twice_leaves_one_row_each() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let before = app.counts().await;

    helpers::small_province(&app).await;

    assert_eq!(app.count("region").await, 7);
    assert_eq!(
        app.counts().await,
        before,
        "no closure rows or other rows added"
    );
}

#[tokio::test]
async fn upserting_an_existing_region_renames_it_trimmed_and_keeps_its_place() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    let data = app
        .data(
            UPSERT,
            input("350102", "  鼓楼区（新） ", "COUNTY", Some("350100")),
        )
        .await;

    assert_eq!(data["upsertRegion"]["name"], "鼓楼区（新）");
    let stored = region(&app, "350102").await;
    assert_eq!(stored["name"], "鼓楼区（新）");
    assert_eq!(stored["parent"]["code"], "350100");
    assert_eq!(
        codes(&stored["children"], "code"),
        ["350102001", "350102002"]
    );
    assert_eq!(app.count("region").await, 7);
}

#[tokio::test]
async fn region_codes_must_have_the_digits_of_their_level_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        ("five digits", "35000", "PROVINCE", None),
        ("letters", "35000a", "PROVINCE", None),
        ("eight digits", "35010200", "SUBDISTRICT", Some("350102")),
        ("nine-digit province", "360000001", "PROVINCE", None),
        ("nine-digit city", "350300001", "CITY", Some("350000")),
        ("nine-digit county", "350103001", "COUNTY", Some("350100")),
        ("six-digit township", "350105", "TOWNSHIP", Some("350102")),
        (
            "six-digit subdistrict",
            "350106",
            "SUBDISTRICT",
            Some("350102"),
        ),
        ("province not ending in 0000", "350300", "PROVINCE", None),
        ("city ending in 0000", "360000", "CITY", Some("350000")),
        ("county ending in 00", "350300", "COUNTY", Some("350000")),
        (
            "township ending in 000",
            "350102000",
            "TOWNSHIP",
            Some("350102"),
        ),
    ];

    for (case, code, level, parent) in cases {
        app.refused(
            case,
            UPSERT,
            input(code, "某地", level, parent),
            "BAD_USER_INPUT",
            "code",
        )
        .await;
    }
    assert_eq!(app.count("region").await, 7);
}

#[tokio::test]
async fn region_nesting_follows_gbt_2260_and_refusals_write_nothing() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        (
            "a province has no parent",
            "360000",
            "PROVINCE",
            Some("350000"),
            "parentCode",
        ),
        (
            "a city needs a parent",
            "350300",
            "CITY",
            None,
            "parentCode",
        ),
        (
            "a city sits under a province, not a city",
            "350300",
            "CITY",
            Some("350100"),
            "parentCode",
        ),
        (
            "a city shares its province's 2 digits",
            "360100",
            "CITY",
            Some("350000"),
            "code",
        ),
        (
            "a county under a city shares its 4 digits",
            "350301",
            "COUNTY",
            Some("350100"),
            "code",
        ),
        (
            "a county under a province shares its 2 digits",
            "369001",
            "COUNTY",
            Some("350000"),
            "code",
        ),
        (
            "a county does not sit under a county",
            "350103",
            "COUNTY",
            Some("350102"),
            "parentCode",
        ),
        (
            "a township under a city",
            "350100001",
            "TOWNSHIP",
            Some("350100"),
            "parentCode",
        ),
        (
            "a township under a province",
            "350000001",
            "TOWNSHIP",
            Some("350000"),
            "parentCode",
        ),
        (
            "a township under a township",
            "350102003",
            "TOWNSHIP",
            Some("350102001"),
            "parentCode",
        ),
        (
            "a subdistrict begins with its county's 6 digits",
            "350203001",
            "SUBDISTRICT",
            Some("350102"),
            "code",
        ),
        (
            "a township begins with its county's 6 digits, not 4",
            "350103001",
            "TOWNSHIP",
            Some("350102"),
            "code",
        ),
        (
            "a township needs a parent",
            "350102003",
            "TOWNSHIP",
            None,
            "parentCode",
        ),
    ];

    for (case, code, level, parent, field) in cases {
        app.refused(
            case,
            UPSERT,
            input(code, "某地", level, parent),
            "BAD_USER_INPUT",
            field,
        )
        .await;
        assert!(
            region(&app, code).await.is_null(),
            "{case}: no region {code}"
        );
    }
}

#[tokio::test]
async fn township_under_a_city_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    let message = app
        .refused(
            "township under a city",
            UPSERT,
            input("350100001", "某镇", "TOWNSHIP", Some("350100")),
            "BAD_USER_INPUT",
            "parentCode",
        )
        .await;

    assert!(
        message.contains("COUNTY"),
        "says where it belongs: {message}"
    );
    assert!(region(&app, "350100001").await.is_null());
    assert_eq!(
        codes(&region(&app, "350100").await["children"], "code"),
        ["350102"]
    );
}

#[tokio::test]
async fn allowed_placements_are_accepted() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        (
            "a county directly under its province",
            "359001",
            "COUNTY",
            "350000",
        ),
        (
            "a township under its county",
            "350203100",
            "TOWNSHIP",
            "350203",
        ),
        (
            "a subdistrict under its county",
            "350203001",
            "SUBDISTRICT",
            "350203",
        ),
        ("a city under its province", "350300", "CITY", "350000"),
    ];

    for (case, code, level, parent) in cases {
        let data = app
            .data(UPSERT, input(code, "某地", level, Some(parent)))
            .await;

        assert_eq!(data["upsertRegion"]["level"], level, "{case}");
        assert_eq!(data["upsertRegion"]["parent"]["code"], parent, "{case}");
    }
    assert_eq!(app.count("region").await, 11);
}

#[tokio::test]
async fn an_unknown_parent_code_is_not_found_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    app.refused(
        "unknown parent",
        UPSERT,
        input("350300", "莆田市", "CITY", Some("370000")),
        "NOT_FOUND",
        "parentCode",
    )
    .await;

    assert!(region(&app, "350300").await.is_null());
}

#[tokio::test]
async fn an_existing_regions_level_and_parent_cannot_change() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        (
            "moving a county from its city to the province",
            "350102",
            "COUNTY",
            Some("350000"),
        ),
        (
            "turning a subdistrict into a township",
            "350102001",
            "TOWNSHIP",
            Some("350102"),
        ),
    ];

    for (case, code, level, parent) in cases {
        let before = region(&app, code).await;

        app.refused(
            case,
            UPSERT,
            input(code, "改名", level, parent),
            "BAD_USER_INPUT",
            "parentCode",
        )
        .await;

        assert_eq!(
            region(&app, code).await,
            before,
            "{case}: name, level and parent unchanged"
        );
    }
}

#[tokio::test]
async fn region_names_are_required_and_at_most_100_characters() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let too_long = "区".repeat(101);
    let cases = [
        ("empty name", ""),
        ("blank name", "   "),
        ("101 characters", too_long.as_str()),
    ];

    for (case, name) in cases {
        app.refused(
            case,
            UPSERT,
            input("350104", name, "COUNTY", Some("350100")),
            "BAD_USER_INPUT",
            "name",
        )
        .await;
    }
    app.refused(
        "renaming to a blank name",
        UPSERT,
        input("350102", " ", "COUNTY", Some("350100")),
        "BAD_USER_INPUT",
        "name",
    )
    .await;
    assert_eq!(region(&app, "350102").await["name"], "鼓楼区");

    let longest = "区".repeat(100);
    let data = app
        .data(
            UPSERT,
            input("350104", &format!(" {longest} "), "COUNTY", Some("350100")),
        )
        .await;
    assert_eq!(data["upsertRegion"]["name"], longest.as_str());
}

#[tokio::test]
async fn a_region_shows_its_parent_children_ancestors_and_departments() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "GL-TOWNSHIP", "TOWNSHIP", "350102").await;
    helpers::department(&app, "GL-EDU", "EDUCATION", "350102").await;
    helpers::department(&app, "GL-ORG", "ORGANIZATION", "350102").await;
    helpers::department(&app, "DJ-TOWNSHIP", "TOWNSHIP", "350102001").await;

    let subdistrict = region(&app, "350102001").await;
    let county = region(&app, "350102").await;
    let province = region(&app, "350000").await;

    assert_eq!(subdistrict["level"], "SUBDISTRICT");
    assert_eq!(subdistrict["parent"]["code"], "350102");
    assert_eq!(
        codes(&subdistrict["ancestors"], "code"),
        ["350000", "350100", "350102"],
        "root first, ending with the parent"
    );
    assert_eq!(
        codes(&subdistrict["children"], "code"),
        Vec::<String>::new()
    );
    assert_eq!(codes(&subdistrict["departments"], "code"), ["DJ-TOWNSHIP"]);
    assert_eq!(
        codes(&county["children"], "code"),
        ["350102001", "350102002"]
    );
    assert_eq!(
        codes(&county["departments"], "code"),
        ["GL-ORG", "GL-EDU", "GL-TOWNSHIP"],
        "the county's own departments, by kind, none from below"
    );
    assert!(province["parent"].is_null());
    assert_eq!(codes(&province["ancestors"], "code"), Vec::<String>::new());
    assert_eq!(codes(&province["children"], "code"), ["350100", "350200"]);
    assert_eq!(
        codes(&province["departments"], "code"),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn an_unknown_region_is_null() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    let data = app.data(REGION, json!({ "code": "370000" })).await;

    assert!(data["region"].is_null());
}

#[tokio::test]
async fn regions_filter_by_level_and_parent() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let query = "query($level: RegionLevel, $parent: String) {
        regions(level: $level, parentCode: $parent) { totalCount edges { node { code } } }
    }";
    let cases = [
        (
            "no filter",
            json!({}),
            vec![
                "350000",
                "350100",
                "350102",
                "350102001",
                "350102002",
                "350200",
                "350203",
            ],
        ),
        (
            "cities",
            json!({ "level": "CITY" }),
            vec!["350100", "350200"],
        ),
        (
            "subdistricts",
            json!({ "level": "SUBDISTRICT" }),
            vec!["350102001", "350102002"],
        ),
        ("townships", json!({ "level": "TOWNSHIP" }), vec![]),
        (
            "children of a county",
            json!({ "parent": "350102" }),
            vec!["350102001", "350102002"],
        ),
        (
            "children of the province, not grandchildren",
            json!({ "parent": "350000" }),
            vec!["350100", "350200"],
        ),
        (
            "counties of Xiamen",
            json!({ "level": "COUNTY", "parent": "350200" }),
            vec!["350203"],
        ),
        (
            "cities under a county",
            json!({ "level": "CITY", "parent": "350102" }),
            vec![],
        ),
    ];

    for (case, variables, expected) in cases {
        let data = app.data(query, variables).await;

        assert_eq!(codes(&data["regions"], "code"), expected, "{case}");
        assert_eq!(
            data["regions"]["totalCount"],
            expected.len(),
            "{case}: totalCount"
        );
    }
}

#[tokio::test]
async fn regions_under_an_unknown_parent_are_not_found() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    let (code, message) = app
        .error(
            "{ regions(parentCode: \"370000\") { totalCount } }",
            json!({}),
        )
        .await;

    assert_eq!(code, "NOT_FOUND");
    assert!(message.starts_with("parentCode: "), "{message}");
}
