//! Every kind of write re-resolves what it should and nothing else: after
//! each write, the organizations whose answer changed are exactly those
//! worked out by hand, with the answers worked out by hand, every other
//! organization keeps its answer, and recomputing everything from scratch
//! changes nothing.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{
    self, TestApp, answer, credit_code, responsibilities, responsibility, upsert_organization,
};

/// The n-th organization's credit code.
fn org(n: u32) -> String {
    credit_code("52", "350102", n)
}

/// The small province with education and the organs work committee at the
/// province, civil affairs at 福州市, a township at 东街街道, and ten
/// organizations (see [`baseline`]).
async fn province(app: &TestApp) {
    helpers::small_province(app).await;
    helpers::department(app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(app, "FJ-OWC", "ORGANS_WORK_COMMITTEE", "350000").await;
    helpers::department(app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;
    helpers::department(app, "DJ-TS", "TOWNSHIP", "350102001").await;
    let organizations = [
        ("PRIVATE_SCHOOL", "350102001", json!({})),
        ("PRIVATE_SCHOOL", "350203", json!({})),
        (
            "PRIVATE_SCHOOL",
            "350102001",
            json!({ "administeringRegionCode": "350100" }),
        ),
        ("FOUNDATION", "350102001", json!({})),
        ("FOUNDATION", "350203", json!({})),
        ("TWO_NEW", "350102001", json!({})),
        ("TWO_NEW", "350102002", json!({})),
        (
            "SOLE_PROPRIETOR",
            "350102001",
            json!({ "partyAffiliationCode": "FJ-OWC" }),
        ),
        (
            "SOCIAL_GROUP",
            "350102002",
            json!({ "partyAffiliationCode": "FJ-OWC" }),
        ),
        ("PRIVATE_HOSPITAL", "350102001", json!({})),
    ];
    for (n, (category, region, extra)) in organizations.into_iter().enumerate() {
        upsert_organization(app, &org(n as u32 + 1), category, region, extra).await;
    }
}

const SCHOOLS: (&str, Option<&str>, &str) = ("EDUCATION_SOCIAL_ORG", None, "EDUCATION");
const FOUNDATIONS: (&str, Option<&str>, &str) = ("FOUNDATION", None, "CIVIL_AFFAIRS");
const SOLE_PROPRIETORS: (&str, Option<&str>, &str) = ("SOLE_PROPRIETOR", None, "MARKET_REGULATION");
const SOCIAL_GROUPS: (&str, Option<&str>, &str) = ("SOCIAL_GROUP", None, "CIVIL_AFFAIRS");
const HOSPITALS: (&str, Option<&str>, &str) = ("HEALTH_SOCIAL_ORG", None, "HEALTH");

/// The answers of [`province`], worked out by hand.
fn baseline() -> BTreeMap<String, Value> {
    [
        // A private school in 东街街道: the inherited education rule.
        (1, answer("RULE", Some("FJ-EDU"), Some(SCHOOLS), &[])),
        // One in 思明区.
        (2, answer("RULE", Some("FJ-EDU"), Some(SCHOOLS), &[])),
        // One in 东街街道 administered at 福州市.
        (3, answer("RULE", Some("FJ-EDU"), Some(SCHOOLS), &[])),
        // A foundation in 东街街道: civil affairs of 福州市.
        (4, answer("RULE", Some("FZ-CA"), Some(FOUNDATIONS), &[])),
        // One in 思明区: no civil affairs up 厦门's chain, and a county.
        (5, answer("NONE", None, Some(FOUNDATIONS), &[])),
        // A two-new organization in 东街街道: its township.
        (6, answer("FALLBACK", Some("DJ-TS"), None, &[])),
        // One in 五凤街道, which has no township department.
        (7, answer("NONE", None, None, &[])),
        // A sole proprietor affiliated with FJ-OWC: no market regulation anywhere.
        (
            8,
            answer(
                "PARTY_AFFILIATION",
                Some("FJ-OWC"),
                Some(SOLE_PROPRIETORS),
                &[],
            ),
        ),
        // A social group affiliated with FJ-OWC: FZ-CA contests.
        (
            9,
            answer(
                "PARTY_AFFILIATION",
                Some("FJ-OWC"),
                Some(SOCIAL_GROUPS),
                &["FZ-CA"],
            ),
        ),
        // A private hospital in 东街街道: no health department anywhere.
        (10, answer("FALLBACK", Some("DJ-TS"), Some(HOSPITALS), &[])),
    ]
    .into_iter()
    .map(|(n, a)| (org(n), a))
    .collect()
}

/// The new answers of the organizations whose answer differs from
/// `before`, after checking that a rebuild from scratch changes nothing.
async fn changed_since(
    app: &TestApp,
    before: &BTreeMap<String, Value>,
    case: &str,
) -> BTreeMap<String, Value> {
    helpers::assert_engine_current(app, case).await;
    let after = responsibilities(app).await;
    after
        .into_iter()
        .filter(|(code, answer)| before.get(code) != Some(answer))
        .collect()
}

fn expect(changes: Vec<(u32, Value)>) -> BTreeMap<String, Value> {
    changes.into_iter().map(|(n, a)| (org(n), a)).collect()
}

async fn upsert_rule(app: &TestApp, input: Value) {
    app.data(
        "mutation($input: RuleInput!) { upsertRule(input: $input) { basis } }",
        json!({ "input": input }),
    )
    .await;
}

async fn delete_rule(app: &TestApp, category: &str, scope: Option<&str>) -> Value {
    app.data(
        "mutation($category: String!, $scope: String) { deleteRule(categoryCode: $category, scopeRegionCode: $scope) }",
        json!({ "category": category, "scope": scope }),
    )
    .await["deleteRule"]
        .clone()
}

async fn upsert_category(app: &TestApp, input: Value) {
    app.data(
        "mutation($input: CategoryInput!) { upsertCategory(input: $input) { code } }",
        json!({ "input": input }),
    )
    .await;
}

#[tokio::test]
async fn the_province_starts_as_worked_out() {
    let app = TestApp::spawn().await;

    province(&app).await;

    assert_eq!(responsibilities(&app).await, baseline());
    helpers::assert_engine_current(&app, "after the organization writes").await;
}

#[tokio::test]
async fn a_new_scoped_rule_re_resolves_its_category_inside_its_scope_only() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let before = responsibilities(&app).await;

    upsert_rule(
        &app,
        json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "CIVIL_AFFAIRS", "scopeRegionCode": "350102" }),
    )
    .await;

    let scoped = ("PRIVATE_SCHOOL", Some("350102"), "CIVIL_AFFAIRS");
    assert_eq!(
        changed_since(&app, &before, "scoped rule").await,
        expect(vec![
            (1, answer("RULE", Some("FZ-CA"), Some(scoped), &[])),
            // Located inside the scope; civil affairs from 福州市, where it is administered.
            (3, answer("RULE", Some("FZ-CA"), Some(scoped), &[])),
        ])
    );
}

#[tokio::test]
async fn changing_a_rules_kind_re_resolves_what_it_rules_and_its_basis_nothing() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let before = responsibilities(&app).await;

    upsert_rule(
        &app,
        json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "EDUCATION" }),
    )
    .await;
    let kind_changed = changed_since(&app, &before, "kind").await;
    let before = responsibilities(&app).await;
    upsert_rule(
        &app,
        json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "EDUCATION", "basis": "新依据 (2025)" }),
    )
    .await;
    let basis_changed = changed_since(&app, &before, "basis").await;

    let educated = ("FOUNDATION", None, "EDUCATION");
    assert_eq!(
        kind_changed,
        expect(vec![
            (4, answer("RULE", Some("FJ-EDU"), Some(educated), &[])),
            (5, answer("RULE", Some("FJ-EDU"), Some(educated), &[])),
        ])
    );
    assert_eq!(basis_changed, expect(vec![]));
}

#[tokio::test]
async fn deleting_a_rule_hands_its_organizations_to_the_rule_above_or_the_next_step() {
    let app = TestApp::spawn().await;
    province(&app).await;
    upsert_rule(
        &app,
        json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "CIVIL_AFFAIRS", "scopeRegionCode": "350102" }),
    )
    .await;
    let before = responsibilities(&app).await;

    let scoped_deleted = delete_rule(&app, "PRIVATE_SCHOOL", Some("350102")).await;
    let back_to_the_parents_rule = changed_since(&app, &before, "scoped rule deleted").await;
    let before = responsibilities(&app).await;
    let nothing_deleted = delete_rule(&app, "PRIVATE_SCHOOL", Some("350102")).await;
    let no_change = changed_since(&app, &before, "nothing to delete").await;
    let parents_deleted = delete_rule(&app, "EDUCATION_SOCIAL_ORG", None).await;
    let no_rule_left = changed_since(&app, &before, "the parent's rule deleted").await;

    assert_eq!(scoped_deleted, true);
    assert_eq!(
        back_to_the_parents_rule,
        expect(vec![
            (1, answer("RULE", Some("FJ-EDU"), Some(SCHOOLS), &[])),
            (3, answer("RULE", Some("FJ-EDU"), Some(SCHOOLS), &[])),
        ])
    );
    assert_eq!(nothing_deleted, false);
    assert_eq!(no_change, expect(vec![]));
    assert_eq!(parents_deleted, true);
    assert_eq!(
        no_rule_left,
        expect(vec![
            (1, answer("FALLBACK", Some("DJ-TS"), None, &[])),
            (2, answer("NONE", None, None, &[])),
            // The fallback is the location's, wherever it is administered.
            (3, answer("FALLBACK", Some("DJ-TS"), None, &[])),
        ])
    );
}

#[tokio::test]
async fn a_new_department_decides_below_its_region_and_nowhere_else() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let missing = "{ coverageGaps(kinds: [MISSING_DEPARTMENT]) { totalCount edges { node { category { code } region { code } } } } }";
    let cases = [
        (
            "education at 鼓楼区: not for #3, administered at 福州市, nor for #2 in 厦门",
            ("GL-EDU", "EDUCATION", "350102"),
            expect(vec![(
                1,
                answer("RULE", Some("GL-EDU"), Some(SCHOOLS), &[]),
            )]),
            3,
        ),
        (
            "civil affairs at 厦门市",
            ("XM-CA", "CIVIL_AFFAIRS", "350200"),
            expect(vec![(
                5,
                answer("RULE", Some("XM-CA"), Some(FOUNDATIONS), &[]),
            )]),
            2,
        ),
        (
            "market regulation at the province: it contests #8",
            ("FJ-MR", "MARKET_REGULATION", "350000"),
            expect(vec![(
                8,
                answer(
                    "PARTY_AFFILIATION",
                    Some("FJ-OWC"),
                    Some(SOLE_PROPRIETORS),
                    &["FJ-MR"],
                ),
            )]),
            1,
        ),
        (
            "health at 鼓楼区: the hospital leaves the fallback",
            ("GL-HEALTH", "HEALTH", "350102"),
            expect(vec![(
                10,
                answer("RULE", Some("GL-HEALTH"), Some(HOSPITALS), &[]),
            )]),
            0,
        ),
        (
            "a coordinator decides nothing",
            ("FJ-ORG", "ORGANIZATION", "350000"),
            expect(vec![]),
            0,
        ),
    ];

    for (case, (code, kind, region), expected, missing_left) in cases {
        let before = responsibilities(&app).await;

        helpers::department(&app, code, kind, region).await;

        assert_eq!(changed_since(&app, &before, case).await, expected, "{case}");
        let gaps = app.data(missing, json!({})).await;
        assert_eq!(
            gaps["coverageGaps"]["totalCount"], missing_left,
            "{case}: missing departments left: {gaps}"
        );
    }
}

#[tokio::test]
async fn a_new_township_department_becomes_the_fallback_of_its_subdistrict_only() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let before = responsibilities(&app).await;

    helpers::department(&app, "WF-TS", "TOWNSHIP", "350102002").await;

    assert_eq!(
        changed_since(&app, &before, "township of 五凤街道").await,
        expect(vec![(7, answer("FALLBACK", Some("WF-TS"), None, &[]))]),
        "#9 in 五凤街道 is decided by its affiliation; the fallback does not contest"
    );
}

#[tokio::test]
async fn moving_a_department_moves_what_it_decides() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let cases = [
        (
            "civil affairs from 福州市 to 厦门市",
            ("FZ-CA", "CIVIL_AFFAIRS", "350200"),
            expect(vec![
                (4, answer("FALLBACK", Some("DJ-TS"), Some(FOUNDATIONS), &[])),
                (5, answer("RULE", Some("FZ-CA"), Some(FOUNDATIONS), &[])),
                (
                    9,
                    answer(
                        "PARTY_AFFILIATION",
                        Some("FJ-OWC"),
                        Some(SOCIAL_GROUPS),
                        &[],
                    ),
                ),
            ]),
        ),
        (
            "education from the province down to 鼓楼区",
            ("FJ-EDU", "EDUCATION", "350102"),
            expect(vec![
                (2, answer("NONE", None, Some(SCHOOLS), &[])),
                // Administered at 福州市, above the department's new region.
                (3, answer("FALLBACK", Some("DJ-TS"), Some(SCHOOLS), &[])),
            ]),
        ),
        (
            "the township department from 东街街道 to 五凤街道",
            ("DJ-TS", "TOWNSHIP", "350102002"),
            expect(vec![
                (3, answer("NONE", None, Some(SCHOOLS), &[])),
                (4, answer("NONE", None, Some(FOUNDATIONS), &[])),
                (6, answer("NONE", None, None, &[])),
                (7, answer("FALLBACK", Some("DJ-TS"), None, &[])),
                (10, answer("NONE", None, Some(HOSPITALS), &[])),
            ]),
        ),
        (
            "the organs work committee to 福州市: it still decides #8 and #9",
            ("FJ-OWC", "ORGANS_WORK_COMMITTEE", "350100"),
            expect(vec![]),
        ),
    ];

    for (case, (code, kind, region), expected) in cases {
        let before = responsibilities(&app).await;

        helpers::department(&app, code, kind, region).await;

        assert_eq!(changed_since(&app, &before, case).await, expected, "{case}");
    }
}

#[tokio::test]
async fn changing_a_departments_kind_re_resolves_both_kinds_and_what_it_decides() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let matrix = "{ coverageMatrix { category { code } departmentKind { code } basis count } }";
    let cases = [
        (
            "civil affairs of 福州市 becomes health",
            ("FZ-CA", "HEALTH", "350100"),
            expect(vec![
                (4, answer("FALLBACK", Some("DJ-TS"), Some(FOUNDATIONS), &[])),
                (
                    9,
                    answer(
                        "PARTY_AFFILIATION",
                        Some("FJ-OWC"),
                        Some(SOCIAL_GROUPS),
                        &[],
                    ),
                ),
                (10, answer("RULE", Some("FZ-CA"), Some(HOSPITALS), &[])),
            ]),
        ),
        (
            "the organs work committee becomes united front: it still decides #8 and #9",
            ("FJ-OWC", "UNITED_FRONT", "350000"),
            expect(vec![]),
        ),
        (
            "the township of 东街街道 becomes an organization department",
            ("DJ-TS", "ORGANIZATION", "350102001"),
            expect(vec![
                (4, answer("NONE", None, Some(FOUNDATIONS), &[])),
                (6, answer("NONE", None, None, &[])),
            ]),
        ),
        (
            "a united front department in 五凤街道 decides nothing",
            ("WF-X", "UNITED_FRONT", "350102002"),
            expect(vec![]),
        ),
        (
            "until it becomes the township department of 五凤街道",
            ("WF-X", "TOWNSHIP", "350102002"),
            expect(vec![(7, answer("FALLBACK", Some("WF-X"), None, &[]))]),
        ),
    ];

    for (case, (code, kind, region), expected) in cases {
        let before = responsibilities(&app).await;

        helpers::department(&app, code, kind, region).await;

        assert_eq!(changed_since(&app, &before, case).await, expected, "{case}");
    }
    let cells = app.data(matrix, json!({})).await["coverageMatrix"].clone();
    let decided_by = |category: &str| -> Vec<(String, String)> {
        cells
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["category"]["code"] == category)
            .map(|c| {
                (
                    c["departmentKind"]["code"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                    c["basis"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        decided_by("SOLE_PROPRIETOR"),
        vec![("UNITED_FRONT".to_owned(), "PARTY_AFFILIATION".to_owned())],
        "the matrix counts the new kind of the department that decides"
    );
    assert_eq!(
        decided_by("PRIVATE_HOSPITAL"),
        vec![("HEALTH".to_owned(), "RULE".to_owned())]
    );
    let coordinator = app
        .data(
            "{ coordinator(regionCode: \"350102001\") { code } }",
            json!({}),
        )
        .await;
    assert_eq!(coordinator["coordinator"]["code"], "DJ-TS");
}

#[tokio::test]
async fn a_new_region_changes_nothing_and_resolves_what_is_placed_in_it() {
    let app = TestApp::spawn().await;
    province(&app).await;
    upsert_rule(
        &app,
        json!({ "categoryCode": "SOCIAL_GROUP", "departmentKindCode": "EDUCATION", "scopeRegionCode": "350100" }),
    )
    .await;
    let before = responsibilities(&app).await;
    let region = "mutation($input: RegionInput!) { upsertRegion(input: $input) { code } }";

    app.data(
        region,
        json!({ "input": { "code": "350102003", "name": "温泉街道", "level": "SUBDISTRICT", "parentCode": "350102" } }),
    )
    .await;
    app.data(
        region,
        json!({ "input": { "code": "350104", "name": "仓山区", "level": "COUNTY", "parentCode": "350100" } }),
    )
    .await;
    let unchanged = changed_since(&app, &before, "two new regions").await;
    let placed = [
        ("PRIVATE_SCHOOL", "350102003"),
        ("FOUNDATION", "350102003"),
        ("TWO_NEW", "350102003"),
        ("SOCIAL_GROUP", "350104"),
    ];
    for (n, (category, region)) in placed.into_iter().enumerate() {
        upsert_organization(&app, &org(n as u32 + 11), category, region, json!({})).await;
    }
    let placed_answers = [
        responsibility(&app, &org(11)).await,
        responsibility(&app, &org(12)).await,
        responsibility(&app, &org(13)).await,
        responsibility(&app, &org(14)).await,
    ];
    let before = responsibilities(&app).await;
    helpers::department(&app, "WQ-TS", "TOWNSHIP", "350102003").await;
    helpers::department(&app, "CS-EDU", "EDUCATION", "350104").await;
    let departments_there = changed_since(&app, &before, "departments in the new regions").await;

    assert_eq!(unchanged, expect(vec![]));
    assert_eq!(
        placed_answers,
        [
            answer("RULE", Some("FJ-EDU"), Some(SCHOOLS), &[]),
            answer("RULE", Some("FZ-CA"), Some(FOUNDATIONS), &[]),
            answer("NONE", None, None, &[]),
            answer(
                "RULE",
                Some("FJ-EDU"),
                Some(("SOCIAL_GROUP", Some("350100"), "EDUCATION")),
                &[],
            ),
        ],
        "the rules, departments above and the scoped rule of 福州市 reach the new regions"
    );
    assert_eq!(
        departments_there,
        expect(vec![
            (13, answer("FALLBACK", Some("WQ-TS"), None, &[])),
            (
                14,
                answer(
                    "RULE",
                    Some("CS-EDU"),
                    Some(("SOCIAL_GROUP", Some("350100"), "EDUCATION")),
                    &[],
                ),
            ),
        ])
    );
}

#[tokio::test]
async fn moving_a_category_re_resolves_its_subtree_only() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let cases = [
        (
            "private schools move under health organizations",
            json!({ "code": "PRIVATE_SCHOOL", "name": "民办学校", "parentCode": "HEALTH_SOCIAL_ORG" }),
            expect(vec![
                (1, answer("FALLBACK", Some("DJ-TS"), Some(HOSPITALS), &[])),
                (2, answer("NONE", None, Some(HOSPITALS), &[])),
                (3, answer("FALLBACK", Some("DJ-TS"), Some(HOSPITALS), &[])),
            ]),
        ),
        (
            "foundations move under education but keep their own rule",
            json!({ "code": "FOUNDATION", "name": "基金会", "parentCode": "EDUCATION_SOCIAL_ORG" }),
            expect(vec![]),
        ),
        (
            "private hospitals become a root without a rule",
            json!({ "code": "PRIVATE_HOSPITAL", "name": "民办医院", "parentCode": null }),
            expect(vec![(10, answer("FALLBACK", Some("DJ-TS"), None, &[]))]),
        ),
        (
            "a rename keeps the place in the tree",
            json!({ "code": "PRIVATE_SCHOOL", "name": "民办学校 (含培训机构)" }),
            expect(vec![]),
        ),
        (
            "a new category",
            json!({ "code": "TRAINING_SCHOOL", "name": "培训学校", "parentCode": "EDUCATION_SOCIAL_ORG" }),
            expect(vec![]),
        ),
    ];

    for (case, input, expected) in cases {
        let before = responsibilities(&app).await;

        upsert_category(&app, input).await;

        assert_eq!(changed_since(&app, &before, case).await, expected, "{case}");
    }
    upsert_organization(&app, &org(11), "TRAINING_SCHOOL", "350102001", json!({})).await;
    assert_eq!(
        responsibility(&app, &org(11)).await,
        answer("RULE", Some("FJ-EDU"), Some(SCHOOLS), &[]),
        "a new category inherits its parent's rule"
    );
}

#[tokio::test]
async fn an_organization_write_re_resolves_that_organization_only() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let cases = [
        (
            "#7 becomes a foundation",
            (7, "FOUNDATION", "350102002", json!({})),
            expect(vec![(
                7,
                answer("RULE", Some("FZ-CA"), Some(FOUNDATIONS), &[]),
            )]),
        ),
        (
            "#6 moves to 五凤街道",
            (6, "TWO_NEW", "350102002", json!({})),
            expect(vec![(6, answer("NONE", None, None, &[]))]),
        ),
        (
            "#9 loses its affiliation",
            (
                9,
                "SOCIAL_GROUP",
                "350102002",
                json!({ "partyAffiliationCode": null }),
            ),
            expect(vec![(
                9,
                answer("RULE", Some("FZ-CA"), Some(SOCIAL_GROUPS), &[]),
            )]),
        ),
        (
            "#4 is supervised by the rule's own department",
            (
                4,
                "FOUNDATION",
                "350102001",
                json!({ "supervisingDepartmentCode": "FZ-CA" }),
            ),
            expect(vec![(
                4,
                answer("SUPERVISING_UNIT", Some("FZ-CA"), Some(FOUNDATIONS), &[]),
            )]),
        ),
        (
            "#2 is supervised by another department",
            (
                2,
                "PRIVATE_SCHOOL",
                "350203",
                json!({ "supervisingDepartmentCode": "FJ-OWC" }),
            ),
            expect(vec![(
                2,
                answer(
                    "SUPERVISING_UNIT",
                    Some("FJ-OWC"),
                    Some(SCHOOLS),
                    &["FJ-EDU"],
                ),
            )]),
        ),
        (
            "#1 is administered by the province: the same department",
            (
                1,
                "PRIVATE_SCHOOL",
                "350102001",
                json!({ "administeringRegionCode": "350000" }),
            ),
            expect(vec![]),
        ),
        (
            "#3 is administered where it is located again: the same department",
            (
                3,
                "PRIVATE_SCHOOL",
                "350102001",
                json!({ "administeringRegionCode": null }),
            ),
            expect(vec![]),
        ),
        (
            "#5 gets a party organization: the answer does not depend on it",
            (
                5,
                "FOUNDATION",
                "350203",
                json!({ "partyOrganization": "OWN", "workCovered": true }),
            ),
            expect(vec![]),
        ),
    ];

    for (case, (n, category, region, extra), expected) in cases {
        let before = responsibilities(&app).await;

        upsert_organization(&app, &org(n), category, region, extra).await;

        assert_eq!(changed_since(&app, &before, case).await, expected, "{case}");
    }
    let before = responsibilities(&app).await;
    app.data(
        "mutation($code: String!) { deleteOrganization(creditCode: $code) }",
        json!({ "code": org(7) }),
    )
    .await;
    let mut expected = before.clone();
    expected.remove(&org(7));
    assert_eq!(responsibilities(&app).await, expected, "only #7 is gone");
}

/// Every migration has a working `down`: the whole history goes down to
/// nothing and up again, and the service works on the result.
#[tokio::test]
async fn every_migration_goes_down_and_up_again() {
    use migration::{Migrator, MigratorTrait};

    let app = TestApp::spawn().await;
    Migrator::down(&app.db, None)
        .await
        .expect("every migration goes down");
    assert!(
        Migrator::get_applied_migrations(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
    Migrator::up(&app.db, None)
        .await
        .expect("every migration goes up again");
    orgmap::domain::initialize(&app.db)
        .await
        .expect("reference data loads");
    let data = app.data("{ categories { code } }", json!({})).await;
    assert!(!data["categories"].as_array().unwrap().is_empty(), "{data}");
}
