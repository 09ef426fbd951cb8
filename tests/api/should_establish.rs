//! 应建未建 (SHOULD_ESTABLISH): three or more party members and no party
//! organization of its own. Hand-worked on 2, 3 and 5 members × NONE, JOINT
//! and OWN; counted from the coverage cells at every level and after
//! updates and deletes; region-scoped; listed page by page.

use orgmap::domain::access::Role;
use orgmap::domain::scope::Scope;
use serde_json::{Value, json};

use crate::helpers::access::{caller, region_id};
use crate::helpers::{self, TestApp, credit_code, upsert_organization};

const GAPS: &str = "query($region: String, $first: Int, $after: String) {
    coverageGaps(regionCode: $region, kinds: [SHOULD_ESTABLISH], first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { kind organization { creditCode } region { code } detail } }
    }
}";

const FIGURE: &str =
    "query($code: String!) { region(code: $code) { coverage { organizations shouldEstablish } } }";

/// The nine cases: (members, status, location). NONE in 东街街道 (福州),
/// JOINT in 思明区 (厦门), OWN in 五凤街道 (福州).
const CASES: [(i32, &str, &str); 9] = [
    (2, "NONE", "350102001"),
    (3, "NONE", "350102001"),
    (5, "NONE", "350102001"),
    (2, "JOINT", "350203"),
    (3, "JOINT", "350203"),
    (5, "JOINT", "350203"),
    (2, "OWN", "350102002"),
    (3, "OWN", "350102002"),
    (5, "OWN", "350102002"),
];

fn code(i: usize) -> String {
    credit_code("91", "350102", i as u32 + 1)
}

async fn province(app: &TestApp) {
    helpers::small_province(app).await;
    for (i, (members, status, region)) in CASES.into_iter().enumerate() {
        upsert_organization(
            app,
            &code(i),
            "NON_PUBLIC_ECONOMIC",
            region,
            json!({ "partyMemberCount": members, "partyOrganization": status }),
        )
        .await;
    }
}

async fn figure(app: &TestApp, region: &str) -> i64 {
    let data = app.data(FIGURE, json!({ "code": region })).await;
    data["region"]["coverage"]["shouldEstablish"]
        .as_i64()
        .unwrap()
}

fn gap_codes(data: &Value) -> Vec<String> {
    data["coverageGaps"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["node"]["organization"]["creditCode"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn three_or_more_members_without_an_own_party_organization_is_a_gap() {
    let app = TestApp::spawn().await;
    province(&app).await;

    let data = app.data(GAPS, json!({})).await;
    // 3 and 5 members with NONE or JOINT; 2 members never; OWN never.
    let expected: Vec<String> = [1, 2, 4, 5].into_iter().map(code).collect();
    assert_eq!(gap_codes(&data), expected);
    assert_eq!(data["coverageGaps"]["totalCount"], 4);
    let details: Vec<&str> = data["coverageGaps"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["detail"].as_str().unwrap())
        .collect();
    assert!(details[0].contains("3 party members"), "{}", details[0]);
    assert!(details[0].contains("应建未建"), "{}", details[0]);
    assert!(
        details[2].contains("joint"),
        "JOINT says so: {}",
        details[2]
    );
    assert_eq!(
        data["coverageGaps"]["edges"][2]["node"]["region"]["code"],
        "350203"
    );

    for (region, want) in [
        ("350000", 4),
        ("350100", 2),
        ("350102001", 2),
        ("350102002", 0),
        ("350200", 2),
        ("350203", 2),
    ] {
        assert_eq!(
            figure(&app, region).await,
            want,
            "shouldEstablish of {region}"
        );
        let data = app.data(GAPS, json!({ "region": region })).await;
        assert_eq!(data["coverageGaps"]["totalCount"], want, "gaps of {region}");
        assert_eq!(gap_codes(&data).len() as i64, want, "listed in {region}");
    }
    let whole = app
        .data("{ coverage { organizations shouldEstablish } }", json!({}))
        .await;
    assert_eq!(whole["coverage"]["shouldEstablish"], 4);
    helpers::assert_engine_current(&app, "after the upserts").await;
}

#[tokio::test]
async fn updates_and_deletes_move_the_count() {
    let app = TestApp::spawn().await;
    province(&app).await;

    // 2 → 3 members makes a gap; JOINT → OWN closes one; a delete another.
    upsert_organization(
        &app,
        &code(0),
        "NON_PUBLIC_ECONOMIC",
        "350102001",
        json!({ "partyMemberCount": 3 }),
    )
    .await;
    assert_eq!(figure(&app, "350100").await, 3);
    upsert_organization(
        &app,
        &code(4),
        "NON_PUBLIC_ECONOMIC",
        "350203",
        json!({ "partyOrganization": "OWN" }),
    )
    .await;
    assert_eq!(figure(&app, "350200").await, 1);
    app.data(
        "mutation($code: String!) { deleteOrganization(creditCode: $code) }",
        json!({ "code": code(5) }),
    )
    .await;
    assert_eq!(figure(&app, "350200").await, 0);
    // Moving an organization moves its gap.
    upsert_organization(&app, &code(1), "NON_PUBLIC_ECONOMIC", "350203", json!({})).await;
    assert_eq!(figure(&app, "350100").await, 2);
    assert_eq!(figure(&app, "350200").await, 1);
    assert_eq!(figure(&app, "350000").await, 3);
    let data = app.data(GAPS, json!({})).await;
    let expected: Vec<String> = [0, 1, 2].into_iter().map(code).collect();
    assert_eq!(gap_codes(&data), expected);
    assert_eq!(data["coverageGaps"]["totalCount"], 3);
    helpers::assert_engine_current(&app, "after updates and a delete").await;
}

#[tokio::test]
async fn a_caller_bound_to_a_city_sees_only_its_own_gaps() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let xiamen = caller(
        "xm",
        Role::Viewer,
        Scope::within(region_id(&app, "350200").await),
    );

    let answer = app.execute_as(&xiamen, GAPS, json!({})).await;
    assert_eq!(answer["data"]["coverageGaps"]["totalCount"], 2, "{answer}");
    let data = &answer["data"];
    let expected: Vec<String> = [4, 5].into_iter().map(code).collect();
    assert_eq!(gap_codes(data), expected);
    let figure = app
        .execute_as(&xiamen, "{ coverage { shouldEstablish } }", json!({}))
        .await;
    assert_eq!(figure["data"]["coverage"]["shouldEstablish"], 2, "{figure}");
}

#[tokio::test]
async fn the_gaps_are_walked_page_by_page_each_once() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let data = app.data(GAPS, json!({ "first": 1, "after": after })).await;
        seen.extend(gap_codes(&data));
        assert_eq!(data["coverageGaps"]["totalCount"], 4);
        let info = &data["coverageGaps"]["pageInfo"];
        if !info["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_owned);
    }
    let expected: Vec<String> = [1, 2, 4, 5].into_iter().map(code).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn the_gap_list_reads_the_partial_index_in_id_order() {
    let app = TestApp::spawn().await;
    let plan = helpers::query_plan(
        &app,
        "SELECT o.id FROM organization o \
         WHERE o.party_member_count >= 3 AND o.party_organization <> 'OWN' \
           AND o.id > $1 ORDER BY o.id LIMIT 101",
        vec![0i32.into()],
    )
    .await;
    assert!(
        plan.contains("ix_organization_should_establish"),
        "the page does not read the partial index:\n{plan}"
    );
    assert!(
        !plan.contains("TEMP B-TREE") && !plan.contains("Sort"),
        "the page is sorted:\n{plan}"
    );
}
