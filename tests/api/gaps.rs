//! Coverage gaps: every kind on a small province built by hand, each at its
//! own granularity, the kind and region filters, unassignedOrganizations,
//! and pagination that visits every gap once.

use serde_json::{Value, json};

use crate::helpers::{self, TestApp, codes, credit_code, upsert_organization};

const GAPS: &str = "query($region: String, $kinds: [GapKind!], $first: Int, $after: String) {
    coverageGaps(regionCode: $region, kinds: $kinds, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
        edges { cursor node {
            kind organization { creditCode } category { code } region { code }
            department { code } departmentKind { code } detail
        } }
    }
}";

/// Organization `name`'s credit code (A … J as in [`province`]), of a type
/// its category admits, so that no CATEGORY_MISMATCH gap joins the others.
fn org(name: char) -> String {
    let prefix = match name {
        'D' | 'E' | 'F' | 'J' => "92",
        'G' => "51",
        'I' => "53",
        _ => "52",
    };
    credit_code(prefix, "350102", name as u32)
}

/// The small province with one of every gap:
///
/// | org | category, location (administered) | claims | resolution |
/// |---|---|---|---|
/// | A | TWO_NEW, 鼓楼区 350102 | — | NONE (no rule, a county) |
/// | B | TWO_NEW, 东街街道 | — | FALLBACK DJ-TS |
/// | C | TWO_NEW, 东街街道 | — | FALLBACK DJ-TS |
/// | D | SOLE_PROPRIETOR, 东街街道 | — | MARKET_REGULATION missing: FALLBACK |
/// | E | SOLE_PROPRIETOR, 东街街道 (福州市) | — | missing: FALLBACK |
/// | F | SOLE_PROPRIETOR, 思明区 350203 | — | missing, a county: NONE |
/// | G | SOCIAL_GROUP, 五凤街道 | affiliated FZ-UF | PARTY_AFFILIATION, contested by FZ-CA |
/// | H | PRIVATE_SCHOOL, 五凤街道 | — | RULE FJ-EDU |
/// | I | FOUNDATION, 五凤街道 | — | RULE FZ-CA |
/// | J | SOLE_PROPRIETOR, 东街街道 | supervised by FZ-UF | SUPERVISING_UNIT; the rule's department still missing |
///
/// FZ-CA lacks all three dedications; FJ-HEALTH lacks them too but is
/// responsible for nothing; the others are fully dedicated.
async fn province(app: &TestApp) {
    helpers::small_province(app).await;
    helpers::department(app, "DJ-TS", "TOWNSHIP", "350102001").await;
    helpers::department(app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(app, "FZ-UF", "UNITED_FRONT", "350100").await;
    helpers::bare_department(app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;
    helpers::bare_department(app, "FJ-HEALTH", "HEALTH", "350000").await;
    let organizations = [
        ('A', "TWO_NEW", "350102", json!({})),
        ('B', "TWO_NEW", "350102001", json!({})),
        ('C', "TWO_NEW", "350102001", json!({})),
        ('D', "SOLE_PROPRIETOR", "350102001", json!({})),
        (
            'E',
            "SOLE_PROPRIETOR",
            "350102001",
            json!({ "administeringRegionCode": "350100" }),
        ),
        ('F', "SOLE_PROPRIETOR", "350203", json!({})),
        (
            'G',
            "SOCIAL_GROUP",
            "350102002",
            json!({ "partyAffiliationCode": "FZ-UF" }),
        ),
        ('H', "PRIVATE_SCHOOL", "350102002", json!({})),
        ('I', "FOUNDATION", "350102002", json!({})),
        (
            'J',
            "SOLE_PROPRIETOR",
            "350102001",
            json!({ "supervisingDepartmentCode": "FZ-UF" }),
        ),
    ];
    for (name, category, region, extra) in organizations {
        upsert_organization(app, &org(name), category, region, extra).await;
    }
}

/// A gap as GAPS selects it, without its detail.
fn gap(
    kind: &str,
    organization: Option<char>,
    category: Option<&str>,
    region: &str,
    department: Option<&str>,
    department_kind: Option<&str>,
) -> Value {
    let code = |c: Option<&str>| c.map(|c| json!({ "code": c }));
    json!({
        "kind": kind,
        "organization": organization.map(|o| json!({ "creditCode": org(o) })),
        "category": code(category),
        "region": { "code": region },
        "department": code(department),
        "departmentKind": code(department_kind),
    })
}

/// Every gap of the province, worked out from the table of [`province`]:
/// kind by kind in GapKind order; organizations in creation order;
/// MISSING_DEPARTMENT by (administering region, category, kind) and
/// UNRULED_CATEGORY by (region, category), regions in creation order.
fn all_gaps() -> Vec<Value> {
    vec![
        gap(
            "UNASSIGNED",
            Some('A'),
            Some("TWO_NEW"),
            "350102",
            None,
            None,
        ),
        gap(
            "UNASSIGNED",
            Some('F'),
            Some("SOLE_PROPRIETOR"),
            "350203",
            None,
            None,
        ),
        gap(
            "FALLBACK_ONLY",
            Some('B'),
            Some("TWO_NEW"),
            "350102001",
            Some("DJ-TS"),
            Some("TOWNSHIP"),
        ),
        gap(
            "FALLBACK_ONLY",
            Some('C'),
            Some("TWO_NEW"),
            "350102001",
            Some("DJ-TS"),
            Some("TOWNSHIP"),
        ),
        gap(
            "FALLBACK_ONLY",
            Some('D'),
            Some("SOLE_PROPRIETOR"),
            "350102001",
            Some("DJ-TS"),
            Some("TOWNSHIP"),
        ),
        gap(
            "FALLBACK_ONLY",
            Some('E'),
            Some("SOLE_PROPRIETOR"),
            "350102001",
            Some("DJ-TS"),
            Some("TOWNSHIP"),
        ),
        gap(
            "MISSING_DEPARTMENT",
            None,
            Some("SOLE_PROPRIETOR"),
            "350100",
            None,
            Some("MARKET_REGULATION"),
        ),
        gap(
            "MISSING_DEPARTMENT",
            None,
            Some("SOLE_PROPRIETOR"),
            "350102001",
            None,
            Some("MARKET_REGULATION"),
        ),
        gap(
            "MISSING_DEPARTMENT",
            None,
            Some("SOLE_PROPRIETOR"),
            "350203",
            None,
            Some("MARKET_REGULATION"),
        ),
        gap(
            "UNRULED_CATEGORY",
            None,
            Some("TWO_NEW"),
            "350102",
            None,
            None,
        ),
        gap(
            "UNRULED_CATEGORY",
            None,
            Some("TWO_NEW"),
            "350102001",
            None,
            None,
        ),
        gap(
            "CONTESTED",
            Some('G'),
            Some("SOCIAL_GROUP"),
            "350102002",
            Some("FZ-UF"),
            Some("UNITED_FRONT"),
        ),
        gap(
            "INCOMPLETE_DEDICATION",
            None,
            None,
            "350100",
            Some("FZ-CA"),
            Some("CIVIL_AFFAIRS"),
        ),
    ]
}

/// The nodes of a gap page without their details.
fn nodes(data: &Value) -> Vec<Value> {
    data["coverageGaps"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| {
            let mut node = edge["node"].clone();
            node.as_object_mut().expect("a node").remove("detail");
            node
        })
        .collect()
}

fn details(data: &Value) -> Vec<String> {
    data["coverageGaps"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| {
            edge["node"]["detail"]
                .as_str()
                .expect("a detail")
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn every_gap_kind_is_found_once_per_its_unit_in_kind_order() {
    let app = TestApp::spawn().await;
    province(&app).await;

    let data = app.data(GAPS, json!({})).await;

    assert_eq!(nodes(&data), all_gaps());
    assert_eq!(data["coverageGaps"]["totalCount"], 13);
    assert_eq!(data["coverageGaps"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(data["coverageGaps"]["pageInfo"]["hasPreviousPage"], false);
}

#[tokio::test]
async fn gap_details_name_the_organization_the_count_or_what_is_lacking() {
    let app = TestApp::spawn().await;
    province(&app).await;

    let data = app.data(GAPS, json!({})).await;
    let details = details(&data);

    let expected = [
        (0, format!("组织 {} ({}) in 鼓楼区: nobody is responsible", org('A'), org('A'))),
        (
            2,
            format!(
                "组织 {} ({}) in 东街街道 is covered only by the township fallback 350102001 TOWNSHIP;",
                org('B'),
                org('B')
            ),
        ),
        (
            7,
            "2 organizations of 个体工商户 administered at 东街街道 fall under a rule naming MARKET_REGULATION (市场监管部门), but no MARKET_REGULATION department exists at 东街街道 or any region above it."
                .to_owned(),
        ),
        (
            10,
            "2 organizations of 两新组织 (TWO_NEW) in 东街街道 (350102001) have no rule in force for their category or any category above it."
                .to_owned(),
        ),
        (
            11,
            format!(
                "组织 {} ({}) in 五凤街道: 2 departments claim it (多头管理); 350100 UNITED_FRONT decides.",
                org('G'),
                org('G')
            ),
        ),
        (
            12,
            "350100 CIVIL_AFFAIRS (FZ-CA) is responsible for 1 organization but lacks a dedicated unit (专门组织), dedicated staff (专门人员), a method (专门办法)."
                .to_owned(),
        ),
    ];
    for (index, start) in expected {
        assert!(
            details[index].starts_with(&start),
            "gap {index}: {} does not start with {start}",
            details[index]
        );
    }
    assert!(
        details[6].starts_with("1 organization of 个体工商户 administered at 福州市"),
        "E alone is administered at 福州市: {}",
        details[6]
    );
}

#[tokio::test]
async fn the_kinds_filter_lists_only_those_kinds_in_gap_kind_order() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let all = all_gaps();
    let cases = [
        (json!(["CONTESTED", "UNASSIGNED"]), vec![0, 1, 11]),
        (json!(["MISSING_DEPARTMENT"]), vec![6, 7, 8]),
        (
            json!(["INCOMPLETE_DEDICATION", "UNRULED_CATEGORY"]),
            vec![9, 10, 12],
        ),
        (json!(["FALLBACK_ONLY"]), vec![2, 3, 4, 5]),
    ];

    for (kinds, indexes) in cases {
        let data = app.data(GAPS, json!({ "kinds": kinds })).await;

        let expected: Vec<Value> = indexes.iter().map(|i| all[*i].clone()).collect();
        assert_eq!(nodes(&data), expected, "{kinds}");
        assert_eq!(
            data["coverageGaps"]["totalCount"],
            indexes.len(),
            "{kinds}: totalCount"
        );
    }
}

#[tokio::test]
async fn the_region_filter_takes_each_kind_by_its_own_region() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let all = all_gaps();
    let cases = [
        (
            "东街街道: located there; E's missing department is at 福州市, outside",
            "350102001",
            vec![2, 3, 4, 5, 7, 10],
        ),
        (
            "福州市: everything but 厦门's, FZ-CA's dedication included",
            "350100",
            vec![0, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12],
        ),
        ("厦门市", "350200", vec![1, 8]),
        ("五凤街道: G, located there", "350102002", vec![11]),
    ];

    for (case, region, indexes) in cases {
        let data = app.data(GAPS, json!({ "region": region })).await;

        let expected: Vec<Value> = indexes.iter().map(|i| all[*i].clone()).collect();
        assert_eq!(nodes(&data), expected, "{case}");
        assert_eq!(
            data["coverageGaps"]["totalCount"],
            indexes.len(),
            "{case}: totalCount"
        );
    }
}

/// Walks every page of `first` items; returns the nodes in order and the
/// totalCount of each page.
async fn walk(app: &TestApp, mut variables: Value, first: usize) -> (Vec<Value>, Vec<Value>) {
    let mut seen = Vec::new();
    let mut totals = Vec::new();
    let mut after: Option<String> = None;
    for page in 0.. {
        assert!(page < 100, "paging does not end");
        variables["first"] = json!(first);
        variables["after"] = json!(after);
        let data = app.data(GAPS, variables.clone()).await;
        let connection = &data["coverageGaps"];
        let got = nodes(&data);
        assert!(got.len() <= first, "page {page} holds at most {first}");
        assert_eq!(
            connection["pageInfo"]["hasPreviousPage"],
            after.is_some(),
            "page {page}: hasPreviousPage"
        );
        totals.push(connection["totalCount"].clone());
        let edges = connection["edges"].as_array().expect("edges");
        if let Some(last) = edges.last() {
            assert_eq!(connection["pageInfo"]["endCursor"], last["cursor"]);
            assert_eq!(connection["pageInfo"]["startCursor"], edges[0]["cursor"]);
        }
        seen.extend(got);
        if connection["pageInfo"]["hasNextPage"] == false {
            break;
        }
        assert_eq!(
            edges.len(),
            first,
            "page {page}: a full page when more follow"
        );
        after = Some(
            connection["pageInfo"]["endCursor"]
                .as_str()
                .expect("an end cursor")
                .to_owned(),
        );
    }
    (seen, totals)
}

#[tokio::test]
async fn paging_through_the_gaps_visits_each_once_whatever_the_page_size() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let all = all_gaps();

    for first in [1, 2, 3, 4, 5, 6, 12, 13, 14] {
        let (seen, totals) = walk(&app, json!({}), first).await;

        assert_eq!(seen, all, "first: {first}");
        assert!(
            totals.iter().all(|t| *t == json!(13)),
            "first: {first}: totals {totals:?}"
        );
    }
}

#[tokio::test]
async fn paging_through_filtered_gaps_visits_each_once() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let all = all_gaps();
    let cases = [
        (
            json!({ "kinds": ["FALLBACK_ONLY", "MISSING_DEPARTMENT", "CONTESTED"] }),
            vec![2, 3, 4, 5, 6, 7, 8, 11],
        ),
        (
            json!({ "region": "350100" }),
            vec![0, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12],
        ),
        (
            json!({ "region": "350102001", "kinds": ["MISSING_DEPARTMENT", "UNRULED_CATEGORY", "FALLBACK_ONLY"] }),
            vec![2, 3, 4, 5, 7, 10],
        ),
    ];

    for (filter, indexes) in cases {
        let expected: Vec<Value> = indexes.iter().map(|i| all[*i].clone()).collect();
        for first in [1, 2, 3] {
            let (seen, totals) = walk(&app, filter.clone(), first).await;

            assert_eq!(seen, expected, "{filter} first: {first}");
            assert!(
                totals.iter().all(|t| *t == json!(indexes.len())),
                "{filter} first: {first}: totals {totals:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_gap_cursor_this_api_did_not_give_out_is_refused() {
    let app = TestApp::spawn().await;
    province(&app).await;

    for after in ["nonsense", "YzE6NQ", ""] {
        let (code, message) = app.error(GAPS, json!({ "after": after })).await;

        assert_eq!(code, "BAD_USER_INPUT", "{after}: {message}");
        assert!(message.starts_with("after: "), "{after}: {message}");
    }
}

#[tokio::test]
async fn only_a_deciding_department_lacking_a_dedication_is_a_gap() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FZ-UF", "UNITED_FRONT", "350100").await;
    helpers::bare_department(&app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;
    let incomplete = "{ coverageGaps(kinds: [INCOMPLETE_DEDICATION]) { totalCount edges { node { department { code } detail } } } }";
    // FZ-CA only contests: the affiliation decides.
    upsert_organization(
        &app,
        &org('A'),
        "FOUNDATION",
        "350102001",
        json!({ "partyAffiliationCode": "FZ-UF" }),
    )
    .await;

    let contesting = app.data(incomplete, json!({})).await;
    upsert_organization(&app, &org('B'), "FOUNDATION", "350102001", json!({})).await;
    let deciding = app.data(incomplete, json!({})).await;
    app.data(
        "mutation { upsertDepartment(input: { code: \"FZ-CA\", name: \"福州市民政局\", kindCode: \"CIVIL_AFFAIRS\", regionCode: \"350100\", dedicatedUnit: \"社会组织党委\", dedicatedStaff: [{ name: \"陈明\" }] }) { code } }",
        json!({}),
    )
    .await;
    let lacking_a_method = app.data(incomplete, json!({})).await;
    app.data(
        "mutation { upsertDepartment(input: { code: \"FZ-CA\", name: \"福州市民政局\", kindCode: \"CIVIL_AFFAIRS\", regionCode: \"350100\", method: \"社会组织党建工作办法\" }) { code } }",
        json!({}),
    )
    .await;
    let complete = app.data(incomplete, json!({})).await;

    assert_eq!(contesting["coverageGaps"]["totalCount"], 0, "{contesting}");
    assert_eq!(deciding["coverageGaps"]["totalCount"], 1, "{deciding}");
    assert_eq!(
        deciding["coverageGaps"]["edges"][0]["node"]["department"]["code"],
        "FZ-CA"
    );
    assert_eq!(
        lacking_a_method["coverageGaps"]["edges"][0]["node"]["detail"],
        "福州市民政局 (FZ-CA) is responsible for 1 organization but lacks a method (专门办法)."
    );
    assert_eq!(complete["coverageGaps"]["totalCount"], 0, "{complete}");
}

const UNASSIGNED: &str = "query($region: String, $category: String, $first: Int, $after: String) {
    unassignedOrganizations(regionCode: $region, categoryCode: $category, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { creditCode } }
    }
}";

#[tokio::test]
async fn unassigned_organizations_are_those_nobody_is_responsible_for_within_the_subtrees() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let cases = [
        ("everywhere", json!({}), vec!['A', 'F']),
        ("福州市", json!({ "region": "350100" }), vec!['A']),
        (
            "东街街道: fallback only is not unassigned",
            json!({ "region": "350102001" }),
            vec![],
        ),
        (
            "non-public economic organizations",
            json!({ "category": "NON_PUBLIC_ECONOMIC" }),
            vec!['F'],
        ),
        (
            "two-new organizations in 厦门市",
            json!({ "region": "350200", "category": "TWO_NEW" }),
            vec!['F'],
        ),
        (
            "social organizations",
            json!({ "category": "SOCIAL_ORGANIZATION" }),
            vec![],
        ),
    ];

    for (case, variables, expected) in cases {
        let data = app.data(UNASSIGNED, variables).await;

        let expected: Vec<String> = expected.into_iter().map(org).collect();
        assert_eq!(
            codes(&data["unassignedOrganizations"], "creditCode"),
            expected,
            "{case}"
        );
        assert_eq!(
            data["unassignedOrganizations"]["totalCount"],
            expected.len(),
            "{case}: totalCount"
        );
    }
    let first = app.data(UNASSIGNED, json!({ "first": 1 })).await;
    let cursor = first["unassignedOrganizations"]["pageInfo"]["endCursor"].clone();
    let second = app
        .data(UNASSIGNED, json!({ "first": 1, "after": cursor }))
        .await;
    assert_eq!(
        codes(&first["unassignedOrganizations"], "creditCode"),
        vec![org('A')]
    );
    assert_eq!(
        first["unassignedOrganizations"]["pageInfo"]["hasNextPage"],
        true
    );
    assert_eq!(
        codes(&second["unassignedOrganizations"], "creditCode"),
        vec![org('F')]
    );
    assert_eq!(
        second["unassignedOrganizations"]["pageInfo"]["hasNextPage"],
        false
    );
}

/// A page of UNASSIGNED or FALLBACK_ONLY gaps without a region (and of
/// `unassignedOrganizations` without one) is a range of one index in id
/// order: no walk over the regions, no sort.
#[tokio::test]
async fn organizations_of_one_basis_are_read_in_id_order_from_an_index() {
    let app = TestApp::spawn().await;
    let plan = helpers::query_plan(
        &app,
        "SELECT o.id, r.name FROM organization o JOIN responsibility st ON st.id = o.id \
         JOIN region r ON r.id = o.region_id \
         WHERE st.basis = $1 AND st.id > $2 ORDER BY st.id LIMIT 101",
        vec!["NONE".into(), 0i32.into()],
    )
    .await;
    assert!(
        plan.contains("ix_responsibility_basis"),
        "the page does not read the basis index:\n{plan}"
    );
    assert!(
        !plan.contains("TEMP B-TREE") && !plan.contains("Sort"),
        "the page is sorted:\n{plan}"
    );
}
