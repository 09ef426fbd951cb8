//! Rule impact: the preview names exactly the organizations the real change
//! then re-resolves, with the answers they then get, and changes nothing.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::helpers::{
    self, RESPONSIBILITY, TestApp, answer, credit_code, responsibilities, upsert_organization,
};

/// The n-th organization's credit code.
fn org(n: u32) -> String {
    credit_code("52", "350102", n)
}

/// The small province with education at the province and at 鼓楼区, health
/// at 福州市, a township at 东街街道, and six organizations:
///
/// | # | category, location | resolution |
/// |---|---|---|
/// | 1 | PRIVATE_SCHOOL, 东街街道 | RULE GL-EDU |
/// | 2 | PRIVATE_SCHOOL, 五凤街道 | RULE GL-EDU |
/// | 3 | PRIVATE_SCHOOL, 思明区 | RULE FJ-EDU |
/// | 4 | ACADEMIC_SOCIETY, 东街街道 | RULE GL-EDU |
/// | 5 | PRIVATE_SCHOOL, 东街街道, affiliated FJ-OWC | PARTY_AFFILIATION, GL-EDU contests |
/// | 6 | FOUNDATION, 东街街道 | no CIVIL_AFFAIRS department: FALLBACK DJ-TS |
async fn province(app: &TestApp) {
    helpers::small_province(app).await;
    helpers::department(app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(app, "GL-EDU", "EDUCATION", "350102").await;
    helpers::department(app, "FZ-HEALTH", "HEALTH", "350100").await;
    helpers::department(app, "FJ-OWC", "ORGANS_WORK_COMMITTEE", "350000").await;
    helpers::department(app, "DJ-TS", "TOWNSHIP", "350102001").await;
    let organizations = [
        ("PRIVATE_SCHOOL", "350102001", json!({})),
        ("PRIVATE_SCHOOL", "350102002", json!({})),
        ("PRIVATE_SCHOOL", "350203", json!({})),
        ("ACADEMIC_SOCIETY", "350102001", json!({})),
        (
            "PRIVATE_SCHOOL",
            "350102001",
            json!({ "partyAffiliationCode": "FJ-OWC" }),
        ),
        ("FOUNDATION", "350102001", json!({})),
    ];
    for (n, (category, region, extra)) in organizations.into_iter().enumerate() {
        upsert_organization(app, &org(n as u32 + 1), category, region, extra).await;
    }
}

fn impact_query() -> String {
    format!(
        "query($input: RuleInput!, $remove: Boolean, $first: Int, $after: String) {{
            ruleImpact(input: $input, remove: $remove) {{
                changedCount
                departmentChangedCount
                changes(first: $first, after: $after) {{
                    totalCount
                    pageInfo {{ hasNextPage hasPreviousPage endCursor }}
                    edges {{ cursor node {{
                        organization {{ creditCode }}
                        before {{ {RESPONSIBILITY} }}
                        after {{ {RESPONSIBILITY} }}
                    }} }}
                }}
            }}
        }}"
    )
}

/// The preview's changes by credit code: (before, after).
fn changes(data: &Value) -> BTreeMap<String, (Value, Value)> {
    data["ruleImpact"]["changes"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|edge| {
            let node = &edge["node"];
            (
                node["organization"]["creditCode"]
                    .as_str()
                    .expect("a credit code")
                    .to_owned(),
                (node["before"].clone(), node["after"].clone()),
            )
        })
        .collect()
}

/// Applies the rule change the preview was about.
async fn apply(app: &TestApp, input: &Value, remove: bool) {
    if remove {
        app.data(
            "mutation($category: String!, $scope: String) { deleteRule(categoryCode: $category, scopeRegionCode: $scope) }",
            json!({ "category": input["categoryCode"], "scope": input["scopeRegionCode"] }),
        )
        .await;
    } else {
        app.data(
            "mutation($input: RuleInput!) { upsertRule(input: $input) { basis } }",
            json!({ "input": input }),
        )
        .await;
    }
}

/// Previews a change, checks that the preview wrote nothing, makes the
/// change, and checks that the preview named exactly the organizations
/// whose answer changed, each with its answer before and after. Returns
/// the preview's changes.
async fn preview_then_apply(
    app: &TestApp,
    case: &str,
    input: Value,
    remove: bool,
) -> BTreeMap<String, (Value, Value)> {
    let before = responsibilities(app).await;
    let rules_before = app.count("responsibility_rule").await;

    let preview = app
        .data(
            &impact_query(),
            json!({ "input": input, "remove": remove, "first": 1000 }),
        )
        .await;
    let previewed = changes(&preview);

    assert_eq!(
        responsibilities(app).await,
        before,
        "{case}: the preview changed no answer"
    );
    assert_eq!(
        app.count("responsibility_rule").await,
        rules_before,
        "{case}: the preview wrote no rule"
    );
    assert_eq!(
        preview["ruleImpact"]["changedCount"],
        previewed.len(),
        "{case}: changedCount"
    );
    assert_eq!(
        preview["ruleImpact"]["changes"]["totalCount"],
        previewed.len(),
        "{case}: totalCount"
    );
    let moved = previewed
        .values()
        .filter(|(was, will_be)| {
            was["basis"] != will_be["basis"] || was["department"] != will_be["department"]
        })
        .count();
    assert_eq!(
        preview["ruleImpact"]["departmentChangedCount"], moved,
        "{case}: departmentChangedCount counts the changes of department or basis"
    );

    apply(app, &input, remove).await;
    let after = responsibilities(app).await;

    let changed: BTreeSet<&String> = before
        .keys()
        .filter(|code| before[*code] != after[*code])
        .collect();
    assert_eq!(
        previewed.keys().collect::<BTreeSet<_>>(),
        changed,
        "{case}: the preview names exactly the organizations that changed"
    );
    for (code, (was, will_be)) in &previewed {
        assert_eq!(was, &before[code], "{case}: {code} before");
        assert_eq!(will_be, &after[code], "{case}: {code} after");
    }
    helpers::assert_engine_current(app, case).await;
    previewed
}

#[tokio::test]
async fn a_new_scoped_rule_previews_what_it_then_changes() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let scoped = ("PRIVATE_SCHOOL", Some("350100"), "HEALTH");

    let changes = preview_then_apply(
        &app,
        "PRIVATE_SCHOOL in 福州市 to HEALTH",
        json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "HEALTH", "scopeRegionCode": "350100" }),
        false,
    )
    .await;

    // Worked out by hand: the private schools in 福州市 (#1, #2, #5); not
    // #3 in 厦门, not the academic society #4, not the foundation #6.
    assert_eq!(
        changes.keys().cloned().collect::<Vec<_>>(),
        vec![org(1), org(2), org(5)]
    );
    let inherited = ("EDUCATION_SOCIAL_ORG", None, "EDUCATION");
    assert_eq!(
        changes[&org(1)],
        (
            answer("RULE", Some("GL-EDU"), Some(inherited), &[]),
            answer("RULE", Some("FZ-HEALTH"), Some(scoped), &[]),
        )
    );
    assert_eq!(
        changes[&org(2)].1,
        answer("RULE", Some("FZ-HEALTH"), Some(scoped), &[])
    );
    assert_eq!(
        changes[&org(5)],
        (
            answer(
                "PARTY_AFFILIATION",
                Some("FJ-OWC"),
                Some(inherited),
                &["GL-EDU"]
            ),
            answer(
                "PARTY_AFFILIATION",
                Some("FJ-OWC"),
                Some(scoped),
                &["FZ-HEALTH"]
            ),
        ),
        "the affiliation still decides; the contestant changes"
    );
}

#[tokio::test]
async fn removing_a_rule_previews_what_the_delete_then_changes() {
    let app = TestApp::spawn().await;
    province(&app).await;

    let changes = preview_then_apply(
        &app,
        "delete EDUCATION_SOCIAL_ORG everywhere",
        json!({ "categoryCode": "EDUCATION_SOCIAL_ORG", "departmentKindCode": "EDUCATION" }),
        true,
    )
    .await;

    // Without the education rule nothing rules the schools: the township
    // catches those in 东街街道, the rest are blind spots.
    assert_eq!(
        changes
            .into_iter()
            .map(|(code, (_, after))| (code, after))
            .collect::<Vec<_>>(),
        vec![
            (org(1), answer("FALLBACK", Some("DJ-TS"), None, &[])),
            (org(2), answer("NONE", None, None, &[])),
            (org(3), answer("NONE", None, None, &[])),
            (org(4), answer("FALLBACK", Some("DJ-TS"), None, &[])),
            (
                org(5),
                answer("PARTY_AFFILIATION", Some("FJ-OWC"), None, &[])
            ),
        ]
    );
}

#[tokio::test]
async fn changing_a_rules_kind_previews_what_it_then_changes() {
    let app = TestApp::spawn().await;
    province(&app).await;

    let changes = preview_then_apply(
        &app,
        "FOUNDATION to EDUCATION",
        json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "EDUCATION" }),
        false,
    )
    .await;

    assert_eq!(
        changes
            .into_iter()
            .map(|(code, (_, after))| (code, after))
            .collect::<Vec<_>>(),
        vec![(
            org(6),
            answer(
                "RULE",
                Some("GL-EDU"),
                Some(("FOUNDATION", None, "EDUCATION")),
                &[]
            )
        )]
    );
}

#[tokio::test]
async fn a_sequence_of_rule_changes_each_previews_exactly_what_it_does() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let steps = [
        (
            "a scoped rule for a category above the schools",
            json!({ "categoryCode": "SOCIAL_ORGANIZATION", "departmentKindCode": "HEALTH", "scopeRegionCode": "350102" }),
            false,
            0,
        ),
        (
            "the province rule for education moves to health",
            json!({ "categoryCode": "EDUCATION_SOCIAL_ORG", "departmentKindCode": "HEALTH" }),
            false,
            5,
        ),
        (
            "a rule for the foundation in 东街街道",
            json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "EDUCATION", "scopeRegionCode": "350102001" }),
            false,
            1,
        ),
        (
            "the province's foundation rule goes",
            json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "CIVIL_AFFAIRS" }),
            true,
            0,
        ),
        (
            "the education rule goes: the scoped SOCIAL_ORGANIZATION rule takes over in 鼓楼区",
            json!({ "categoryCode": "EDUCATION_SOCIAL_ORG", "departmentKindCode": "HEALTH" }),
            true,
            5,
        ),
        (
            "a rule for a category nobody has",
            json!({ "categoryCode": "NOTARY", "departmentKindCode": "COMMERCE" }),
            false,
            0,
        ),
        (
            "the same rule again",
            json!({ "categoryCode": "NOTARY", "departmentKindCode": "COMMERCE" }),
            false,
            0,
        ),
    ];

    for (case, input, remove, expected) in steps {
        let changes = preview_then_apply(&app, case, input, remove).await;

        assert_eq!(changes.len(), expected, "{case}: {changes:?}");
    }
}

/// The preview's two counts: (changedCount, departmentChangedCount).
async fn counts(app: &TestApp, input: &Value, remove: bool) -> (Value, Value) {
    let data = app
        .data(
            "query($input: RuleInput!, $remove: Boolean) {
                ruleImpact(input: $input, remove: $remove) { changedCount departmentChangedCount }
            }",
            json!({ "input": input, "remove": remove }),
        )
        .await;
    (
        data["ruleImpact"]["changedCount"].clone(),
        data["ruleImpact"]["departmentChangedCount"].clone(),
    )
}

#[tokio::test]
async fn department_changed_count_leaves_out_changes_that_keep_the_department_and_basis() {
    // (case, input, remove, changedCount, departmentChangedCount), each on
    // a fresh province, worked out by hand from its table.
    let cases = [
        (
            "PRIVATE_SCHOOL in 鼓楼区 to EDUCATION: a nearer rule naming the same department \
             (#1, #2 stay RULE GL-EDU; #5 stays FJ-OWC, still contested by GL-EDU)",
            json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "EDUCATION", "scopeRegionCode": "350102" }),
            false,
            3,
            0,
        ),
        (
            "PRIVATE_SCHOOL in 福州市 to HEALTH (#1, #2 move to FZ-HEALTH; \
             #5 stays FJ-OWC, contested by FZ-HEALTH instead)",
            json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "HEALTH", "scopeRegionCode": "350100" }),
            false,
            3,
            2,
        ),
        (
            "FOUNDATION to TOWNSHIP: #6 keeps DJ-TS, by rule instead of by fallback",
            json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "TOWNSHIP" }),
            false,
            1,
            1,
        ),
        (
            "FOUNDATION to EDUCATION: #6 moves from the fallback DJ-TS to GL-EDU",
            json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "EDUCATION" }),
            false,
            1,
            1,
        ),
        (
            "delete EDUCATION_SOCIAL_ORG everywhere (#1, #4 to FALLBACK DJ-TS; #2, #3 to NONE; \
             #5 stays FJ-OWC, no longer contested)",
            json!({ "categoryCode": "EDUCATION_SOCIAL_ORG", "departmentKindCode": "EDUCATION" }),
            true,
            5,
            4,
        ),
        (
            "a rule for a category nobody has",
            json!({ "categoryCode": "NOTARY", "departmentKindCode": "COMMERCE" }),
            false,
            0,
            0,
        ),
    ];

    for (case, input, remove, changed, department_changed) in cases {
        let app = TestApp::spawn().await;
        province(&app).await;

        let counted = counts(&app, &input, remove).await;

        assert_eq!(
            counted,
            (json!(changed), json!(department_changed)),
            "{case}: (changedCount, departmentChangedCount)"
        );
        preview_then_apply(&app, case, input, remove).await;
    }
}

#[tokio::test]
async fn removing_a_nearer_rule_that_names_the_same_department_moves_nobody() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let nearer = json!({ "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "EDUCATION", "scopeRegionCode": "350102" });
    apply(&app, &nearer, false).await;

    let counted = counts(&app, &nearer, true).await;

    // #1, #2 and #5 fall back to the EDUCATION_SOCIAL_ORG rule, which
    // names GL-EDU too: three rule changes, no department or basis moves.
    assert_eq!(counted, (json!(3), json!(0)));
    preview_then_apply(&app, "delete the nearer PRIVATE_SCHOOL rule", nearer, true).await;
}

#[tokio::test]
async fn a_preview_names_the_rule_that_only_it_creates() {
    let app = TestApp::spawn().await;
    province(&app).await;

    let data = app
        .data(
            "{ ruleImpact(input: { categoryCode: \"FOUNDATION\", departmentKindCode: \"HEALTH\", scopeRegionCode: \"350102001\", basis: \"东街街道试点 (2024)\" }) {
                changedCount
                changes { edges { node { after { basis department { code } rule { scope { code } basis departmentKind { code } } explanation } } } }
            } }",
            json!({}),
        )
        .await;

    let after = &data["ruleImpact"]["changes"]["edges"][0]["node"]["after"];
    assert_eq!(data["ruleImpact"]["changedCount"], 1);
    assert_eq!(after["basis"], "RULE");
    assert_eq!(after["department"]["code"], "FZ-HEALTH");
    assert_eq!(
        after["rule"],
        json!({ "scope": { "code": "350102001" }, "basis": "东街街道试点 (2024)", "departmentKind": { "code": "HEALTH" } })
    );
    assert_eq!(
        after["explanation"][2],
        "3. Rule: the rule for 基金会 (FOUNDATION), holding in 东街街道 (350102001) and below, is the most specific in force at 东街街道 (350102001); it names kind 卫生健康部门 (HEALTH)."
    );
    assert_eq!(
        app.count("responsibility_rule").await,
        11,
        "nothing written"
    );
}

#[tokio::test]
async fn paging_through_the_changes_visits_each_once() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let input =
        json!({ "categoryCode": "EDUCATION_SOCIAL_ORG", "departmentKindCode": "EDUCATION" });
    let everything = app
        .data(
            &impact_query(),
            json!({ "input": input, "remove": true, "first": 100 }),
        )
        .await;
    let all: Vec<String> = changes(&everything).into_keys().collect();
    assert_eq!(all.len(), 5);

    for first in [1, 2, 3, 5] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let data = app
                .data(
                    &impact_query(),
                    json!({ "input": input, "remove": true, "first": first, "after": after }),
                )
                .await;
            let page = &data["ruleImpact"]["changes"];
            assert_eq!(data["ruleImpact"]["changedCount"], 5, "first: {first}");
            assert_eq!(page["totalCount"], 5, "first: {first}");
            assert_eq!(page["pageInfo"]["hasPreviousPage"], after.is_some());
            seen.extend(changes(&data).into_keys());
            if page["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = page["pageInfo"]["endCursor"].as_str().map(str::to_owned);
            assert!(seen.len() < 10, "paging does not end");
        }

        assert_eq!(seen, all, "first: {first}");
    }
    assert_eq!(
        app.count("responsibility_rule").await,
        11,
        "nothing written"
    );
}

#[tokio::test]
async fn the_impact_of_a_rule_naming_unknown_things_is_not_found() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let cases = [
        (
            "unknown category",
            json!({ "categoryCode": "NO_SUCH", "departmentKindCode": "HEALTH" }),
            false,
            "categoryCode",
        ),
        (
            "unknown kind",
            json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "NO_SUCH" }),
            false,
            "departmentKindCode",
        ),
        (
            "unknown scope",
            json!({ "categoryCode": "FOUNDATION", "departmentKindCode": "HEALTH", "scopeRegionCode": "370000" }),
            false,
            "scopeRegionCode",
        ),
        (
            "removing with an unknown category",
            json!({ "categoryCode": "NO_SUCH", "departmentKindCode": "HEALTH" }),
            true,
            "categoryCode",
        ),
    ];

    for (case, input, remove, field) in cases {
        app.refused(
            case,
            &impact_query(),
            json!({ "input": input, "remove": remove }),
            "NOT_FOUND",
            field,
        )
        .await;
    }
}
