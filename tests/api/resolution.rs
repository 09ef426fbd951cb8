//! Who is responsible: each step of the resolution order on a small
//! province built by hand, the edge cases DESIGN.md names, the explanation
//! in words, and the oversight and coordinator lookups.
//!
//! The province is `helpers::small_province`: 福建 350000 > 福州 350100 >
//! 鼓楼区 350102 > 东街街道 350102001, 五凤街道 350102002; 厦门 350200 >
//! 思明区 350203. Departments are named "<region> <kind>" by the helpers.

use serde_json::{Value, json};

use crate::helpers::{self, TestApp, answer, credit_code, responsibility, upsert_organization};

const UPSERT_RULE: &str = "mutation($input: RuleInput!) { upsertRule(input: $input) { basis } }";

async fn rule(app: &TestApp, category: &str, kind: &str, scope: Option<&str>) {
    app.data(
        UPSERT_RULE,
        json!({ "input": { "categoryCode": category, "departmentKindCode": kind, "scopeRegionCode": scope } }),
    )
    .await;
}

/// The n-th organization's credit code.
fn org(n: u32) -> String {
    credit_code("52", "350102", n)
}

async fn explanation(app: &TestApp, code: &str) -> Value {
    let data = app
        .data(
            "query($code: String!) { organization(creditCode: $code) { responsibility { explanation } } }",
            json!({ "code": code }),
        )
        .await;
    data["organization"]["responsibility"]["explanation"].clone()
}

#[tokio::test]
async fn party_affiliation_decides_and_the_rule_department_contests() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-OWC", "ORGANS_WORK_COMMITTEE", "350000").await;
    helpers::department(&app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;

    upsert_organization(
        &app,
        &org(1),
        "SOCIAL_GROUP",
        "350102001",
        json!({ "partyAffiliationCode": "FJ-OWC" }),
    )
    .await;

    assert_eq!(
        responsibility(&app, &org(1)).await,
        answer(
            "PARTY_AFFILIATION",
            Some("FJ-OWC"),
            Some(("SOCIAL_GROUP", None, "CIVIL_AFFAIRS")),
            &["FZ-CA"],
        ),
        "the fallback DJ-TS of the location is not among the contestants"
    );
}

#[tokio::test]
async fn the_supervising_unit_decides_without_a_party_affiliation_and_the_fallback_never_contests()
{
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FZ-UF", "UNITED_FRONT", "350100").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;

    upsert_organization(
        &app,
        &org(1),
        "TWO_NEW",
        "350102001",
        json!({ "supervisingDepartmentCode": "FZ-UF" }),
    )
    .await;

    assert_eq!(
        responsibility(&app, &org(1)).await,
        answer("SUPERVISING_UNIT", Some("FZ-UF"), None, &[]),
        "TWO_NEW has no rule; the township DJ-TS would catch it but does not contest"
    );
}

#[tokio::test]
async fn three_different_claimants_are_listed_after_the_first_in_step_order() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-OWC", "ORGANS_WORK_COMMITTEE", "350000").await;
    helpers::department(&app, "FZ-UF", "UNITED_FRONT", "350100").await;
    helpers::department(&app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;

    upsert_organization(
        &app,
        &org(1),
        "FOUNDATION",
        "350102002",
        json!({ "partyAffiliationCode": "FJ-OWC", "supervisingDepartmentCode": "FZ-UF" }),
    )
    .await;

    assert_eq!(
        responsibility(&app, &org(1)).await,
        answer(
            "PARTY_AFFILIATION",
            Some("FJ-OWC"),
            Some(("FOUNDATION", None, "CIVIL_AFFAIRS")),
            &["FZ-UF", "FZ-CA"],
        )
    );
}

#[tokio::test]
async fn a_claim_by_the_same_department_is_not_contested() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FZ-UF", "UNITED_FRONT", "350100").await;
    helpers::department(&app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;
    // FOUNDATION's rule names CIVIL_AFFAIRS: FZ-CA for 350102002.
    let cases = [
        (
            "affiliated with the rule's department",
            json!({ "partyAffiliationCode": "FZ-CA" }),
            answer(
                "PARTY_AFFILIATION",
                Some("FZ-CA"),
                Some(("FOUNDATION", None, "CIVIL_AFFAIRS")),
                &[],
            ),
        ),
        (
            "supervised by the rule's department",
            json!({ "supervisingDepartmentCode": "FZ-CA" }),
            answer(
                "SUPERVISING_UNIT",
                Some("FZ-CA"),
                Some(("FOUNDATION", None, "CIVIL_AFFAIRS")),
                &[],
            ),
        ),
        (
            "affiliated with and supervised by the same department",
            json!({ "partyAffiliationCode": "FZ-UF", "supervisingDepartmentCode": "FZ-UF" }),
            answer(
                "PARTY_AFFILIATION",
                Some("FZ-UF"),
                Some(("FOUNDATION", None, "CIVIL_AFFAIRS")),
                &["FZ-CA"],
            ),
        ),
        (
            "all three the same department",
            json!({ "partyAffiliationCode": "FZ-CA", "supervisingDepartmentCode": "FZ-CA" }),
            answer(
                "PARTY_AFFILIATION",
                Some("FZ-CA"),
                Some(("FOUNDATION", None, "CIVIL_AFFAIRS")),
                &[],
            ),
        ),
    ];

    for (n, (case, extra, expected)) in cases.into_iter().enumerate() {
        let code = org(n as u32 + 1);
        upsert_organization(&app, &code, "FOUNDATION", "350102002", extra).await;

        assert_eq!(responsibility(&app, &code).await, expected, "{case}");
    }
    let contested = app
        .data(
            "{ coverageGaps(kinds: [CONTESTED]) { totalCount edges { node { organization { creditCode } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        contested["coverageGaps"]["totalCount"], 1,
        "only the organization FZ-UF and FZ-CA both claim"
    );
    assert_eq!(
        contested["coverageGaps"]["edges"][0]["node"]["organization"]["creditCode"],
        org(3)
    );
}

#[tokio::test]
async fn the_rule_department_is_at_the_location_or_the_nearest_region_above_it() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(&app, "GL-EDU", "EDUCATION", "350102").await;
    // PRIVATE_SCHOOL inherits EDUCATION_SOCIAL_ORG's rule (EDUCATION).
    let cases = [
        ("in a subdistrict of 鼓楼区", "350102001", "GL-EDU"),
        ("at 鼓楼区 itself", "350102", "GL-EDU"),
        ("at 福州市, above 鼓楼区", "350100", "FJ-EDU"),
        ("in 思明区 of 厦门", "350203", "FJ-EDU"),
    ];

    for (n, (case, region, department)) in cases.into_iter().enumerate() {
        let code = org(n as u32 + 1);
        upsert_organization(&app, &code, "PRIVATE_SCHOOL", region, json!({})).await;

        assert_eq!(
            responsibility(&app, &code).await,
            answer(
                "RULE",
                Some(department),
                Some(("EDUCATION_SOCIAL_ORG", None, "EDUCATION")),
                &[],
            ),
            "{case}"
        );
    }
}

#[tokio::test]
async fn the_most_specific_category_beats_the_most_local_scope() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(&app, "FJ-CA", "CIVIL_AFFAIRS", "350000").await;
    helpers::department(&app, "FJ-HEALTH", "HEALTH", "350000").await;
    rule(&app, "PRIVATE_SCHOOL", "HEALTH", None).await;
    rule(
        &app,
        "EDUCATION_SOCIAL_ORG",
        "CIVIL_AFFAIRS",
        Some("350102001"),
    )
    .await;
    let cases = [
        (
            "a private school in 东街街道: its own category's rule holding everywhere \
             beats the parent's rule scoped to 东街街道",
            "PRIVATE_SCHOOL",
            "350102001",
            answer(
                "RULE",
                Some("FJ-HEALTH"),
                Some(("PRIVATE_SCHOOL", None, "HEALTH")),
                &[],
            ),
        ),
        (
            "an academic society in 东街街道: the parent's scoped rule",
            "ACADEMIC_SOCIETY",
            "350102001",
            answer(
                "RULE",
                Some("FJ-CA"),
                Some(("EDUCATION_SOCIAL_ORG", Some("350102001"), "CIVIL_AFFAIRS")),
                &[],
            ),
        ),
        (
            "an academic society in 五凤街道: outside the scope, the rule holding everywhere",
            "ACADEMIC_SOCIETY",
            "350102002",
            answer(
                "RULE",
                Some("FJ-EDU"),
                Some(("EDUCATION_SOCIAL_ORG", None, "EDUCATION")),
                &[],
            ),
        ),
    ];

    for (n, (case, category, region, expected)) in cases.into_iter().enumerate() {
        let code = org(n as u32 + 1);
        upsert_organization(&app, &code, category, region, json!({})).await;

        assert_eq!(responsibility(&app, &code).await, expected, "{case}");
    }
}

#[tokio::test]
async fn among_rules_of_one_category_the_most_local_scope_wins() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-CA", "CIVIL_AFFAIRS", "350000").await;
    helpers::department(&app, "FJ-HEALTH", "HEALTH", "350000").await;
    helpers::department(&app, "FJ-COM", "COMMERCE", "350000").await;
    rule(&app, "SOCIAL_GROUP", "HEALTH", Some("350100")).await;
    rule(&app, "SOCIAL_GROUP", "COMMERCE", Some("350102")).await;
    let cases = [
        (
            "in 东街街道, below both scopes",
            "350102001",
            "FJ-COM",
            ("SOCIAL_GROUP", Some("350102"), "COMMERCE"),
        ),
        (
            "at 鼓楼区, the scope itself",
            "350102",
            "FJ-COM",
            ("SOCIAL_GROUP", Some("350102"), "COMMERCE"),
        ),
        (
            "at 福州市",
            "350100",
            "FJ-HEALTH",
            ("SOCIAL_GROUP", Some("350100"), "HEALTH"),
        ),
        (
            "in 思明区, outside both",
            "350203",
            "FJ-CA",
            ("SOCIAL_GROUP", None, "CIVIL_AFFAIRS"),
        ),
    ];

    for (n, (case, region, department, rule)) in cases.into_iter().enumerate() {
        let code = org(n as u32 + 1);
        upsert_organization(&app, &code, "SOCIAL_GROUP", region, json!({})).await;

        assert_eq!(
            responsibility(&app, &code).await,
            answer("RULE", Some(department), Some(rule), &[]),
            "{case}"
        );
    }
}

#[tokio::test]
async fn the_administering_region_moves_the_department_up() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(&app, "FZ-EDU", "EDUCATION", "350100").await;
    helpers::department(&app, "GL-EDU", "EDUCATION", "350102").await;
    let cases = [
        ("administered where it is located", None, "GL-EDU"),
        ("administered at 鼓楼区", Some("350102"), "GL-EDU"),
        ("administered at 福州市", Some("350100"), "FZ-EDU"),
        ("administered by the province", Some("350000"), "FJ-EDU"),
    ];

    for (n, (case, administering, department)) in cases.into_iter().enumerate() {
        let code = org(n as u32 + 1);
        upsert_organization(
            &app,
            &code,
            "PRIVATE_SCHOOL",
            "350102001",
            json!({ "administeringRegionCode": administering }),
        )
        .await;

        assert_eq!(
            responsibility(&app, &code).await,
            answer(
                "RULE",
                Some(department),
                Some(("EDUCATION_SOCIAL_ORG", None, "EDUCATION")),
                &[],
            ),
            "{case}"
        );
    }
}

#[tokio::test]
async fn the_rule_is_chosen_by_location_even_when_the_organization_is_administered_above_it() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-HEALTH", "HEALTH", "350000").await;
    helpers::department(&app, "GL-HEALTH", "HEALTH", "350102").await;
    helpers::department(&app, "FJ-EDU", "EDUCATION", "350000").await;
    rule(&app, "PRIVATE_SCHOOL", "HEALTH", Some("350102")).await;

    upsert_organization(
        &app,
        &org(1),
        "PRIVATE_SCHOOL",
        "350102001",
        json!({ "administeringRegionCode": "350000" }),
    )
    .await;
    upsert_organization(
        &app,
        &org(2),
        "PRIVATE_SCHOOL",
        "350203",
        json!({ "administeringRegionCode": "350000" }),
    )
    .await;

    assert_eq!(
        responsibility(&app, &org(1)).await,
        answer(
            "RULE",
            Some("FJ-HEALTH"),
            Some(("PRIVATE_SCHOOL", Some("350102"), "HEALTH")),
            &[],
        ),
        "located inside 鼓楼区: the scoped rule, its department at the province"
    );
    assert_eq!(
        responsibility(&app, &org(2)).await,
        answer(
            "RULE",
            Some("FJ-EDU"),
            Some(("EDUCATION_SOCIAL_ORG", None, "EDUCATION")),
            &[],
        ),
        "located in 思明区: the scoped rule does not reach it"
    );
}

#[tokio::test]
async fn a_missing_department_falls_through_to_the_fallback_not_to_a_less_specific_rule() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;
    // No JUSTICE department anywhere; the parent's EDUCATION rule has one.
    rule(&app, "PRIVATE_SCHOOL", "JUSTICE", None).await;

    upsert_organization(&app, &org(1), "PRIVATE_SCHOOL", "350102001", json!({})).await;
    upsert_organization(&app, &org(2), "PRIVATE_SCHOOL", "350102", json!({})).await;
    upsert_organization(&app, &org(3), "ACADEMIC_SOCIETY", "350102001", json!({})).await;

    assert_eq!(
        responsibility(&app, &org(1)).await,
        answer(
            "FALLBACK",
            Some("DJ-TS"),
            Some(("PRIVATE_SCHOOL", None, "JUSTICE")),
            &[],
        ),
        "in a subdistrict: its township, and the rule is still the one in force"
    );
    assert_eq!(
        responsibility(&app, &org(2)).await,
        answer("NONE", None, Some(("PRIVATE_SCHOOL", None, "JUSTICE")), &[]),
        "at a county: nobody, though FJ-EDU exists for the parent category"
    );
    assert_eq!(
        responsibility(&app, &org(3)).await,
        answer(
            "RULE",
            Some("FJ-EDU"),
            Some(("EDUCATION_SOCIAL_ORG", None, "EDUCATION")),
            &[],
        ),
        "a sibling category keeps the parent's rule"
    );
    assert_eq!(
        explanation(&app, &org(1)).await,
        json!([
            "1. Party affiliation (党组织关系隶属): none recorded.",
            "2. Supervising unit (业务主管单位): none recorded.",
            "3. Rule: the rule for 民办学校 (PRIVATE_SCHOOL), holding everywhere, is the most specific in force at 东街街道 (350102001); it names kind 司法部门 (JUSTICE).",
            "   No JUSTICE department exists at 东街街道 (350102001) (its region) or any region above it: a missing department; the rule does not decide.",
            "4. Fallback (乡镇、街道兜底): 350102001 TOWNSHIP (DJ-TS) of 东街街道 (350102001) decides.",
            "Result: 350102001 TOWNSHIP (DJ-TS) is responsible (basis FALLBACK)."
        ])
    );
}

#[tokio::test]
async fn a_department_below_the_administering_region_does_not_count() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "GL-JUS", "JUSTICE", "350102").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;

    upsert_organization(&app, &org(1), "LAW_FIRM", "350102001", json!({})).await;
    upsert_organization(
        &app,
        &org(2),
        "LAW_FIRM",
        "350102001",
        json!({ "administeringRegionCode": "350100" }),
    )
    .await;

    assert_eq!(
        responsibility(&app, &org(1)).await,
        answer(
            "RULE",
            Some("GL-JUS"),
            Some(("LEGAL_SERVICE_ORG", None, "JUSTICE")),
            &[],
        )
    );
    assert_eq!(
        responsibility(&app, &org(2)).await,
        answer(
            "FALLBACK",
            Some("DJ-TS"),
            Some(("LEGAL_SERVICE_ORG", None, "JUSTICE")),
            &[],
        ),
        "from 福州市 upwards there is no JUSTICE department; the fallback is the location's"
    );
    let explained = explanation(&app, &org(2)).await;
    assert_eq!(
        explained[3],
        "   No JUSTICE department exists at 福州市 (350100) (its administering region) or any region above it: a missing department; the rule does not decide."
    );
}

#[tokio::test]
async fn the_fallback_is_the_township_department_of_the_location_only() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;
    helpers::department(&app, "GL-TS", "TOWNSHIP", "350102").await;
    // TWO_NEW has no rule: only the fallback can decide.
    let cases = [
        (
            "in 东街街道, which has one",
            "350102001",
            None,
            answer("FALLBACK", Some("DJ-TS"), None, &[]),
        ),
        (
            "in 东街街道, administered at 福州市: still the location's township",
            "350102001",
            Some("350100"),
            answer("FALLBACK", Some("DJ-TS"), None, &[]),
        ),
        (
            "in 五凤街道, whose sibling's township does not serve it",
            "350102002",
            None,
            answer("NONE", None, None, &[]),
        ),
        (
            "at 鼓楼区: a county has no fallback, even with a TOWNSHIP-kind department",
            "350102",
            None,
            answer("NONE", None, None, &[]),
        ),
    ];

    for (n, (case, region, administering, expected)) in cases.into_iter().enumerate() {
        let code = org(n as u32 + 1);
        upsert_organization(
            &app,
            &code,
            "TWO_NEW",
            region,
            json!({ "administeringRegionCode": administering }),
        )
        .await;

        assert_eq!(responsibility(&app, &code).await, expected, "{case}");
    }
}

#[tokio::test]
async fn nobody_is_responsible_when_every_step_fails_and_the_explanation_says_why() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    upsert_organization(&app, &org(1), "TWO_NEW", "350102", json!({})).await;

    assert_eq!(
        responsibility(&app, &org(1)).await,
        answer("NONE", None, None, &[])
    );
    assert_eq!(
        explanation(&app, &org(1)).await,
        json!([
            "1. Party affiliation (党组织关系隶属): none recorded.",
            "2. Supervising unit (业务主管单位): none recorded.",
            "3. Rule: no rule is in force for 两新组织 (TWO_NEW) or any category above it at 鼓楼区 (350102).",
            "4. Fallback (乡镇、街道兜底): the organization is located at 鼓楼区 (350102), not in a township or subdistrict, so there is none.",
            "Result: nobody is responsible — a blind spot (盲区)."
        ])
    );
}

#[tokio::test]
async fn the_explanation_walks_the_steps_taken() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-OWC", "ORGANS_WORK_COMMITTEE", "350000").await;
    helpers::department(&app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;
    helpers::department(&app, "FZ-EDU", "EDUCATION", "350100").await;
    helpers::department(&app, "DJ-TS", "TOWNSHIP", "350102001").await;
    rule(&app, "SOCIAL_GROUP", "CIVIL_AFFAIRS", Some("350102")).await;
    upsert_organization(
        &app,
        &org(1),
        "SOCIAL_GROUP",
        "350102001",
        json!({ "partyAffiliationCode": "FJ-OWC", "supervisingDepartmentCode": "FJ-OWC" }),
    )
    .await;
    upsert_organization(
        &app,
        &org(2),
        "PRIVATE_SCHOOL",
        "350102001",
        json!({ "administeringRegionCode": "350100" }),
    )
    .await;
    let cases = [
        (
            "affiliation decides, the same supervising unit, a contesting scoped rule",
            org(1),
            json!([
                "1. Party affiliation (党组织关系隶属): the party organization is affiliated with 350000 ORGANS_WORK_COMMITTEE (FJ-OWC), which decides.",
                "2. Supervising unit (业务主管单位): 350000 ORGANS_WORK_COMMITTEE (FJ-OWC), the same department; no contest.",
                "3. Rule: the rule for 社会团体 (SOCIAL_GROUP), holding in 鼓楼区 (350102) and below, is the most specific in force at 东街街道 (350102001); it names kind 民政部门 (CIVIL_AFFAIRS).",
                "   The CIVIL_AFFAIRS department at 东街街道 (350102001) or above is 350100 CIVIL_AFFAIRS (FZ-CA), which also claims the organization (contested).",
                "Result: 350000 ORGANS_WORK_COMMITTEE (FJ-OWC) is responsible (basis PARTY_AFFILIATION)."
            ]),
        ),
        (
            "an inherited rule decides at the administering region",
            org(2),
            json!([
                "1. Party affiliation (党组织关系隶属): none recorded.",
                "2. Supervising unit (业务主管单位): none recorded.",
                "3. Rule: the rule for 教育系统社会组织 (EDUCATION_SOCIAL_ORG) (inherited by 民办学校 (PRIVATE_SCHOOL)), holding everywhere, is the most specific in force at 东街街道 (350102001); it names kind 教育部门 (EDUCATION).",
                "   The EDUCATION department at 福州市 (350100) (its administering region) or the nearest region above it is 350100 EDUCATION (FZ-EDU), which decides.",
                "Result: 350100 EDUCATION (FZ-EDU) is responsible (basis RULE)."
            ]),
        ),
    ];

    for (case, code, expected) in cases {
        assert_eq!(explanation(&app, &code).await, expected, "{case}");
    }
}

const WHO_OVERSEES: &str = "query($category: String!, $region: String) {
    whoOversees(categoryCode: $category, regionCode: $region) {
        rule { category { code } scope { code } departmentKind { code } }
        departmentKind { code }
        department { code }
    }
    category(code: $category) {
        oversight(regionCode: $region) {
            rule { category { code } scope { code } departmentKind { code } }
            departmentKind { code }
            department { code }
        }
    }
}";

fn oversight(rule: Option<(&str, Option<&str>, &str)>, department: Option<&str>) -> Value {
    json!({
        "rule": rule.map(|(category, scope, kind)| json!({
            "category": { "code": category },
            "scope": scope.map(|code| json!({ "code": code })),
            "departmentKind": { "code": kind }
        })),
        "departmentKind": rule.map(|(_, _, kind)| json!({ "code": kind })),
        "department": department.map(|code| json!({ "code": code })),
    })
}

#[tokio::test]
async fn who_oversees_names_the_rule_in_force_its_kind_and_the_nearest_department() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(&app, "GL-EDU", "EDUCATION", "350102").await;
    rule(&app, "RESEARCH_ASSOCIATION", "HEALTH", Some("350102")).await;
    let cases = [
        (
            "an inherited rule, the department of the county above",
            "PRIVATE_SCHOOL",
            Some("350102001"),
            oversight(
                Some(("EDUCATION_SOCIAL_ORG", None, "EDUCATION")),
                Some("GL-EDU"),
            ),
        ),
        (
            "elsewhere, the province's department",
            "PRIVATE_SCHOOL",
            Some("350203"),
            oversight(
                Some(("EDUCATION_SOCIAL_ORG", None, "EDUCATION")),
                Some("FJ-EDU"),
            ),
        ),
        (
            "a scoped rule whose kind has no department",
            "RESEARCH_ASSOCIATION",
            Some("350102002"),
            oversight(
                Some(("RESEARCH_ASSOCIATION", Some("350102"), "HEALTH")),
                None,
            ),
        ),
        (
            "no region: the rule that holds everywhere, and no department",
            "RESEARCH_ASSOCIATION",
            None,
            oversight(Some(("EDUCATION_SOCIAL_ORG", None, "EDUCATION")), None),
        ),
        (
            "no rule for the category or above it",
            "NON_PUBLIC_ECONOMIC",
            Some("350102001"),
            oversight(None, None),
        ),
        ("no rule, no region", "TWO_NEW", None, oversight(None, None)),
    ];

    for (case, category, region, expected) in cases {
        let data = app
            .data(
                WHO_OVERSEES,
                json!({ "category": category, "region": region }),
            )
            .await;

        assert_eq!(data["whoOversees"], expected, "{case}: whoOversees");
        assert_eq!(
            data["category"]["oversight"], expected,
            "{case}: Category.oversight"
        );
    }
}

#[tokio::test]
async fn who_oversees_an_unknown_category_or_region_is_not_found() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        (
            "unknown category",
            "NO_SUCH",
            Some("350100"),
            "categoryCode",
        ),
        (
            "unknown region",
            "PRIVATE_SCHOOL",
            Some("370000"),
            "regionCode",
        ),
    ];

    for (case, category, region, field) in cases {
        let (code, message) = app
            .error(
                "query($category: String!, $region: String) { whoOversees(categoryCode: $category, regionCode: $region) { department { code } } }",
                json!({ "category": category, "region": region }),
            )
            .await;

        assert_eq!(code, "NOT_FOUND", "{case}: {message}");
        assert!(
            message.starts_with(&format!("{field}: ")),
            "{case}: {message}"
        );
    }
}

#[tokio::test]
async fn the_coordinator_is_the_organization_department_at_the_region_or_nearest_above() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FJ-ORG", "ORGANIZATION", "350000").await;
    helpers::department(&app, "FZ-ORG", "ORGANIZATION", "350100").await;
    helpers::department(&app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;
    let cases = [
        ("a subdistrict of 福州", "350102001", "FZ-ORG"),
        ("福州 itself", "350100", "FZ-ORG"),
        ("a county of 厦门", "350203", "FJ-ORG"),
        ("the province", "350000", "FJ-ORG"),
    ];

    for (case, region, expected) in cases {
        let data = app
            .data(
                "query($region: String!) { coordinator(regionCode: $region) { code } region(code: $region) { coordinator { code } } }",
                json!({ "region": region }),
            )
            .await;

        assert_eq!(data["coordinator"]["code"], expected, "{case}: coordinator");
        assert_eq!(
            data["region"]["coordinator"]["code"], expected,
            "{case}: Region.coordinator"
        );
    }
}

#[tokio::test]
async fn a_region_without_an_organization_department_up_its_chain_has_no_coordinator() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FZ-ORG", "ORGANIZATION", "350100").await;

    let data = app
        .data(
            "{ coordinator(regionCode: \"350203\") { code } region(code: \"350200\") { coordinator { code } } }",
            json!({}),
        )
        .await;
    let (code, message) = app
        .error(
            "{ coordinator(regionCode: \"370000\") { code } }",
            json!({}),
        )
        .await;

    assert!(data["coordinator"].is_null(), "{data}");
    assert!(data["region"]["coordinator"].is_null(), "{data}");
    assert_eq!(code, "NOT_FOUND", "{message}");
}

/// A lookup reads the organization, its explanation's names and its
/// department in one statement; a list loads them level by level. Both
/// must say the same.
#[tokio::test]
async fn a_lookup_explains_as_a_list_does_in_one_statement_and_within_scope() {
    use orgmap::domain::access::{Caller, Role};
    use orgmap::domain::scope::Scope;
    use sea_orm::{ConnectionTrait, Statement};

    let app = TestApp::spawn().await;
    orgmap::demo::generate(&app.db, 1_000, 21).await.unwrap();
    const FIELDS: &str = "responsibility { basis department { id code name dedicatedUnit method } contestedBy { code } explanation }";
    let listed = app
        .data(
            &format!(
                "{{ organizations(first: 1000) {{ edges {{ node {{ creditCode {FIELDS} }} }} }} }}"
            ),
            json!({}),
        )
        .await;
    let lookup =
        format!("query($code: String!) {{ organization(creditCode: $code) {{ {FIELDS} }} }}");
    let edges = listed["organizations"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1000);
    let mut bases = std::collections::BTreeSet::new();
    for edge in edges {
        let code = edge["node"]["creditCode"].as_str().unwrap();
        app.take_statement_count();
        let found = app.data(&lookup, json!({ "code": code })).await;
        let responsibility = &edge["node"]["responsibility"];
        let contested = !responsibility["contestedBy"].as_array().unwrap().is_empty();
        assert_eq!(
            app.take_statement_count(),
            1 + usize::from(contested),
            "the organization with its names and department, then any contesting departments"
        );
        assert_eq!(
            found["organization"]["responsibility"], edge["node"]["responsibility"],
            "{code}"
        );
        bases.insert(edge["node"]["responsibility"]["basis"].to_string());
    }
    assert!(
        bases.len() >= 4,
        "the province reaches most bases: {bases:?}"
    );

    // Asked for its department alone, a lookup is one statement too.
    let decided = edges
        .iter()
        .find(|e| !e["node"]["responsibility"]["department"].is_null())
        .unwrap();
    app.take_statement_count();
    let found = app
        .data(
            "query($code: String!) { organization(creditCode: $code) { responsibility { department { code name } } } }",
            json!({ "code": decided["node"]["creditCode"] }),
        )
        .await;
    assert_eq!(app.take_statement_count(), 1);
    assert_eq!(
        found["organization"]["responsibility"]["department"]["code"],
        decided["node"]["responsibility"]["department"]["code"]
    );

    // A region-bound caller finds an organization of its subtree, explained
    // alike, and nothing outside it.
    let code = edges[0]["node"]["creditCode"].as_str().unwrap();
    let located = |sql: String| {
        let db = app.db.clone();
        async move {
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap()
                .try_get::<i32>("", "id")
                .unwrap()
        }
    };
    let home = located(format!(
        "SELECT region_id AS id FROM organization WHERE credit_code = '{code}'"
    ))
    .await;
    let elsewhere = located(format!(
        "SELECT id FROM region WHERE id <> {home} AND level = 'TOWNSHIP' ORDER BY id LIMIT 1"
    ))
    .await;
    let bound = |region_id| Caller {
        name: "bound".to_owned(),
        role: Role::Viewer,
        scope: Scope {
            region_id: Some(region_id),
        },
    };
    let inside = app
        .execute_as(&bound(home), &lookup, json!({ "code": code }))
        .await;
    assert_eq!(
        inside["data"]["organization"]["responsibility"]["explanation"],
        edges[0]["node"]["responsibility"]["explanation"]
    );
    let outside = app
        .execute_as(&bound(elsewhere), &lookup, json!({ "code": code }))
        .await;
    assert_eq!(outside["data"]["organization"], Value::Null, "{outside}");
}
