//! Cursor connections: walking pages visits every item once, `first` is
//! bounded, forged cursors are refused.

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::helpers::{self, TestApp, codes, credit_code};

const ORGANIZATIONS: &str = "query($filter: OrganizationFilter, $first: Int, $after: String) {
    organizations(filter: $filter, first: $first, after: $after) {
        totalCount
        edges { cursor node { creditCode region { code } category { code } } }
        pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
    }
}";

/// The small province with seven organizations, five of them in Fuzhou;
/// returns their credit codes in creation order.
async fn seven_organizations(app: &TestApp) -> Vec<String> {
    helpers::small_province(app).await;
    let regions = [
        "350102001",
        "350203",
        "350102",
        "350102002",
        "350100",
        "350200",
        "350102001",
    ];
    let mut created = Vec::new();
    for (i, region) in regions.into_iter().enumerate() {
        let code = credit_code("91", &region[..6], i as u32 + 1);
        helpers::organization(
            app,
            &code,
            &format!("第{i}号公司"),
            "SMALL_MICRO_ENTERPRISE",
            region,
        )
        .await;
        created.push(code);
    }
    created
}

/// Walks a connection page by page, checking each page; returns the
/// `field` of every node visited, in order, and the number of pages.
async fn walk(
    app: &TestApp,
    query: &str,
    root: &str,
    field: &str,
    mut variables: Value,
    first: usize,
    total: usize,
) -> (Vec<String>, usize) {
    let mut visited = Vec::new();
    let mut pages = 0;
    let mut after: Option<String> = None;
    loop {
        variables["first"] = json!(first);
        variables["after"] = json!(after);
        let data = app.data(query, variables.clone()).await;
        let connection = &data[root];
        let info = &connection["pageInfo"];
        let edges = connection["edges"].as_array().unwrap();
        pages += 1;
        assert!(pages <= total + 1, "the walk ends");
        assert_eq!(
            connection["totalCount"], total,
            "page {pages}: totalCount is the whole list"
        );
        assert!(edges.len() <= first, "page {pages}: at most first items");
        assert_eq!(
            info["hasPreviousPage"],
            after.is_some(),
            "page {pages}: hasPreviousPage"
        );
        if let (Some(first_edge), Some(last_edge)) = (edges.first(), edges.last()) {
            assert_eq!(info["startCursor"], first_edge["cursor"], "page {pages}");
            assert_eq!(info["endCursor"], last_edge["cursor"], "page {pages}");
        }
        visited.extend(codes(connection, field));
        if info["hasNextPage"] == false {
            break;
        }
        assert_eq!(
            edges.len(),
            first,
            "page {pages}: a page before the last is full"
        );
        after = Some(info["endCursor"].as_str().unwrap().to_owned());
    }
    (visited, pages)
}

#[tokio::test]
async fn walking_organizations_two_at_a_time_visits_every_item_exactly_once() {
    let app = TestApp::spawn().await;
    let created = seven_organizations(&app).await;

    let (visited, pages) = walk(
        &app,
        ORGANIZATIONS,
        "organizations",
        "creditCode",
        json!({}),
        2,
        7,
    )
    .await;

    assert_eq!(visited, created, "every item once, in creation order");
    assert_eq!(pages, 4, "2 + 2 + 2 + 1");
    let unique: HashSet<&String> = visited.iter().collect();
    assert_eq!(unique.len(), 7);
}

#[tokio::test]
async fn every_page_size_visits_every_organization_once_and_ends_with_no_next_page() {
    let app = TestApp::spawn().await;
    let created = seven_organizations(&app).await;
    let cases = [
        ("one at a time", 1, 7),
        ("three at a time", 3, 3),
        ("a page that divides nothing", 6, 2),
        ("exactly the whole list", 7, 1),
        ("more than the whole list", 1000, 1),
    ];

    for (case, first, expected_pages) in cases {
        let (visited, pages) = walk(
            &app,
            ORGANIZATIONS,
            "organizations",
            "creditCode",
            json!({}),
            first,
            7,
        )
        .await;

        assert_eq!(visited, created, "{case}");
        assert_eq!(pages, expected_pages, "{case}: pages");
    }
}

#[tokio::test]
async fn walking_a_filtered_list_visits_only_matching_items() {
    let app = TestApp::spawn().await;
    let created = seven_organizations(&app).await;
    let in_fuzhou: Vec<String> = [0, 2, 3, 4, 6]
        .into_iter()
        .map(|i| created[i].clone())
        .collect();

    let (visited, pages) = walk(
        &app,
        ORGANIZATIONS,
        "organizations",
        "creditCode",
        json!({ "filter": { "regionCode": "350100" } }),
        2,
        5,
    )
    .await;

    assert_eq!(visited, in_fuzhou);
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn walking_regions_and_departments_visits_every_item_once() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    for (code, region) in [
        ("FJ", "350000"),
        ("FZ", "350100"),
        ("GL", "350102"),
        ("XM", "350200"),
        ("SM", "350203"),
    ] {
        helpers::department(&app, code, "EDUCATION", region).await;
    }
    let regions = "query($first: Int, $after: String) {
        regions(first: $first, after: $after) {
            totalCount edges { cursor node { code } }
            pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
        }
    }";
    let departments = "query($first: Int, $after: String) {
        departments(kindCode: \"EDUCATION\", first: $first, after: $after) {
            totalCount edges { cursor node { code } }
            pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
        }
    }";

    let (region_codes, _) = walk(&app, regions, "regions", "code", json!({}), 3, 7).await;
    let (department_codes, _) =
        walk(&app, departments, "departments", "code", json!({}), 2, 5).await;

    assert_eq!(
        region_codes,
        [
            "350000",
            "350100",
            "350102",
            "350102001",
            "350102002",
            "350200",
            "350203"
        ]
    );
    assert_eq!(department_codes, ["FJ", "FZ", "GL", "XM", "SM"]);
}

#[tokio::test]
async fn first_zero_returns_no_items_but_says_whether_more_follow() {
    let app = TestApp::spawn().await;
    seven_organizations(&app).await;

    let data = app.data(ORGANIZATIONS, json!({ "first": 0 })).await;

    let connection = &data["organizations"];
    assert_eq!(connection["edges"], json!([]));
    assert_eq!(connection["pageInfo"]["hasNextPage"], true);
    assert!(connection["pageInfo"]["endCursor"].is_null());
    assert_eq!(connection["totalCount"], 7);
}

#[tokio::test]
async fn first_above_1000_or_below_0_is_refused() {
    let app = TestApp::spawn().await;
    seven_organizations(&app).await;
    let lists = [
        "query($first: Int) { organizations(first: $first) { totalCount } }",
        "query($first: Int) { regions(first: $first) { totalCount } }",
        "query($first: Int) { departments(first: $first) { totalCount } }",
    ];
    let cases = [
        ("1001", 1001, "at most 1000"),
        ("far above", i32::MAX, "at most 1000"),
        ("-1", -1, "negative"),
        ("far below", i32::MIN, "negative"),
    ];

    for query in lists {
        for (case, first, reason) in cases {
            let (code, message) = app.error(query, json!({ "first": first })).await;

            assert_eq!(code, "BAD_USER_INPUT", "{case} in {query}: {message}");
            assert!(
                message.starts_with("first: ") && message.contains(reason),
                "{case} in {query}: {message}"
            );
        }
        let data = app.data(query, json!({ "first": 1000 })).await;
        assert!(data.is_object(), "1000 is allowed in {query}");
    }
}

#[tokio::test]
async fn a_forged_after_cursor_is_refused() {
    let app = TestApp::spawn().await;
    seven_organizations(&app).await;
    let lists = [
        "query($after: String) { organizations(after: $after) { totalCount } }",
        "query($after: String) { regions(after: $after) { totalCount } }",
        "query($after: String) { departments(after: $after) { totalCount } }",
    ];
    let cases = [
        ("not base64", "not a cursor!"),
        ("a bare id", "42"),
        ("the empty string", ""),
        ("a prefix without a number", "YzE6"),
        ("a non-numeric position", "YzE6YWJj"),
        ("another version's prefix", "YzI6NQ"),
        (
            "a position that overflows",
            "YzE6OTk5OTk5OTk5OTk5OTk5OTk5OTk",
        ),
    ];

    for query in lists {
        for (case, after) in cases {
            let (code, message) = app.error(query, json!({ "after": after })).await;

            assert_eq!(code, "BAD_USER_INPUT", "{case} in {query}: {message}");
            assert!(
                message.starts_with("after: "),
                "{case} in {query}: {message}"
            );
        }
    }
}

#[tokio::test]
async fn a_page_costs_the_same_number_of_statements_whatever_its_size() {
    let app = TestApp::spawn().await;
    seven_organizations(&app).await;
    app.take_statement_count();

    app.data(ORGANIZATIONS, json!({ "first": 1 })).await;
    let one = app.take_statement_count();
    app.data(ORGANIZATIONS, json!({ "first": 7 })).await;
    let seven = app.take_statement_count();

    assert_eq!(
        seven, one,
        "regions and categories load in one query per level, not per item"
    );
}

/// The nested query of the statement-count tests: departments, a few of
/// the organizations each is responsible for, and their relations.
const NESTED: &str = "query($n: Int!) { departments(first: $n) { totalCount edges { node {
    name kind { code } region { name parent { name } }
    organizations(first: 5) { totalCount edges { node {
        creditCode category { name parent { code } } region { name }
        responsibility { basis department { name } } } } } } } } }";

#[tokio::test]
async fn a_nested_query_runs_as_many_statements_for_500_departments_as_for_10() {
    let app = TestApp::spawn().await;
    // Enough organizations that 500 departments reach more than 500 of
    // them: in the demo most organizations are sole proprietors and
    // enterprises, so most county line bureaus oversee only a few.
    orgmap::demo::generate(&app.db, 8_000, 11).await.unwrap();

    app.take_statement_count();
    let small = app.data(NESTED, json!({ "n": 10 })).await;
    let small_count = app.take_statement_count();
    let large = app.data(NESTED, json!({ "n": 500 })).await;
    let large_count = app.take_statement_count();

    assert_eq!(small["departments"]["edges"].as_array().unwrap().len(), 10);
    assert_eq!(large["departments"]["edges"].as_array().unwrap().len(), 500);
    let nested: usize = large["departments"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["node"]["organizations"]["edges"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    assert!(
        nested > 500,
        "the large page reaches {nested} organizations"
    );
    assert_eq!(
        small_count, large_count,
        "statements for 10 and for 500 departments"
    );
}

#[tokio::test]
async fn a_list_of_1000_organizations_with_relations_runs_as_many_statements_as_one_of_10() {
    let app = TestApp::spawn().await;
    orgmap::demo::generate(&app.db, 3_000, 12).await.unwrap();
    let query = "query($n: Int!) { organizations(first: $n) { edges { node {
        name category { name } region { name parent { name } } administeringRegion { code }
        supervisingDepartment { name } partyAffiliation { name }
        responsibility { basis department { name kind { code } } rule { departmentKind { code } } contestedBy { name } } } } } }";

    app.take_statement_count();
    app.data(query, json!({ "n": 10 })).await;
    let small = app.take_statement_count();
    app.data(query, json!({ "n": 1000 })).await;
    let large = app.take_statement_count();

    assert_eq!(small, large, "statements for 10 and for 1000 organizations");
}

#[tokio::test]
async fn each_benchmark_query_runs_as_many_statements_for_a_small_page_as_for_a_large_one() {
    let app = TestApp::spawn().await;
    orgmap::demo::generate(&app.db, 4_000, 13).await.unwrap();
    let cases = [
        (
            "unassignedOrganizations",
            "query($n: Int!) { unassignedOrganizations(first: $n) {
                edges { node { creditCode name category { name } region { name } } } pageInfo { hasNextPage } } }",
            5,
            1000,
        ),
        // A page of gaps reads one statement per gap kind it reaches (at
        // most six, whatever its size), so the comparison holds to one kind.
        (
            "coverageGaps",
            "query($n: Int!) { coverageGaps(first: $n, kinds: [FALLBACK_ONLY]) { totalCount edges { cursor node {
                kind detail organization { creditCode } region { name } category { name }
                department { name } departmentKind { code } } } pageInfo { hasNextPage } } }",
            5,
            1000,
        ),
        (
            "organizations with responsibility",
            "query($n: Int!) { organizations(first: $n) { edges { node {
                creditCode responsibility { basis department { name } explanation } } } } }",
            5,
            1000,
        ),
        (
            "regions with coverage and coordinator",
            "query($n: Int!) { regions(level: COUNTY, first: $n) { edges { node {
                name coverage { organizations responsibilityRate } coordinator { name } } } } }",
            5,
            1000,
        ),
    ];

    for (case, query, small, large) in cases {
        app.take_statement_count();
        let small_data = app.data(query, json!({ "n": small })).await;
        let small_count = app.take_statement_count();
        let large_data = app.data(query, json!({ "n": large })).await;
        let large_count = app.take_statement_count();

        assert!(
            large_data.to_string().len() > 2 * small_data.to_string().len(),
            "{case}: the large page holds more than the small one"
        );
        assert_eq!(
            small_count, large_count,
            "{case}: statements for {small} and for {large}"
        );
    }
}

/// A page whose organizations show their category and region reads them
/// in its own statement; what it shows is what a lookup of each shows.
#[tokio::test]
async fn a_page_reads_its_categories_and_regions_in_its_own_statement() {
    let app = TestApp::spawn().await;
    orgmap::demo::generate(&app.db, 3_000, 17).await.unwrap();
    const NAMES: &str =
        "creditCode category { id code name description } region { id code name level }";
    const MORE: &str = "region { parent { code } } administeringRegion { code }";
    let organizations = |node: &str| {
        format!(
            "query($after: String) {{ organizations(first: 50, after: $after) {{ edges {{ node {{ {node} }} }} }} }}"
        )
    };
    let unassigned = |node: &str| {
        format!(
            "query($after: String) {{ unassignedOrganizations(regionCode: \"350000\", first: 50, after: $after) {{ edges {{ node {{ {node} }} }} }} }}"
        )
    };
    let after = json!({ "after": orgmap::domain::page::encode_cursor(7) });
    type List<'a> = (&'a dyn Fn(&str) -> String, Value);
    let lists: [List; 2] = [
        (&organizations, after),
        (&unassigned, json!({ "after": null })),
    ];

    // The page alone; the region of a filter is looked up first.
    for ((list, variables), statements) in lists.iter().zip([1, 2]) {
        let query = list(NAMES);
        app.take_statement_count();
        app.data(&query, variables.clone()).await;
        assert_eq!(app.take_statement_count(), statements, "{query}");
    }

    for (list, variables) in &lists {
        let query = list(&format!("{NAMES} {MORE}"));
        let data = app.data(&query, variables.clone()).await;
        let edges = data.as_object().unwrap().values().next().unwrap()["edges"]
            .as_array()
            .unwrap()
            .clone();
        assert!(edges.len() > 5, "{query}: {} organizations", edges.len());
        for edge in edges {
            let node = &edge["node"];
            let looked_up = app
                .data(
                    &format!("query($code: String!) {{ organization(creditCode: $code) {{ {NAMES} {MORE} }} }}"),
                    json!({ "code": node["creditCode"] }),
                )
                .await;
            assert_eq!(&looked_up["organization"], node);
        }
    }
}

#[tokio::test]
async fn a_lookup_with_its_category_region_and_department_is_one_statement() {
    let app = TestApp::spawn().await;
    let code = seven_organizations(&app).await.remove(0);
    let lookup = "query($code: String!) { organization(creditCode: $code) {
        name category { code name } region { code name level }
        responsibility { basis department { name } } } }";
    app.take_statement_count();
    let data = app.data(lookup, json!({ "code": code })).await;
    assert_eq!(app.take_statement_count(), 1, "{data}");
    // The names come from that one statement, whole.
    let organization = &data["organization"];
    assert!(
        organization["category"]["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty())
    );
    assert!(organization["region"]["level"].is_string(), "{data}");
}
