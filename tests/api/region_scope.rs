//! Region scope: a caller bound to a region writes and reads only inside
//! its subtree, nested fields and previews included, without learning what
//! exists outside.

use orgmap::domain::access::Role;
use orgmap::domain::scope::Scope;
use serde_json::json;

use crate::helpers::access::{
    DELETE_ORGANIZATION, DELETE_RULE, UPSERT_CATEGORY, UPSERT_DEPARTMENT, UPSERT_KIND,
    UPSERT_ORGANIZATION, UPSERT_REGION, UPSERT_RULE, Via, all_counts, caller, inside, located,
    new_token, outside, region_id, two_cities,
};
use crate::helpers::{self, TestApp};

#[tokio::test]
async fn an_editor_bound_to_a_city_writes_inside_it_and_is_forbidden_outside() {
    let app = TestApp::spawn().await;
    two_cities(&app).await;
    let secret = new_token(&app, Role::Editor, Some("350100"), "fz-editor").await;
    let direct = caller(
        "fz-editor-direct",
        Role::Editor,
        Scope::within(region_id(&app, "350100").await),
    );

    for (i, via) in [Via::Direct(&direct), Via::Http(&secret)]
        .into_iter()
        .enumerate()
    {
        let i = i as u32;
        let (kind, county, category) = [
            ("HEALTH", "350104", "PRIVATE_SCHOOL"),
            ("JUSTICE", "350105", "ACADEMIC_SOCIETY"),
        ][i as usize];

        // Inside 福州: allowed.
        let organizations = app.count("organization").await;
        via.data(
            &app,
            "organization inside",
            UPSERT_ORGANIZATION,
            json!({ "input": { "creditCode": inside(10 + i), "name": "新组织", "categoryCode": "FOUNDATION", "regionCode": "350102002" } }),
        )
        .await;
        assert_eq!(app.count("organization").await, organizations + 1);
        via.data(
            &app,
            "department inside",
            UPSERT_DEPARTMENT,
            json!({ "input": { "code": format!("GL-{kind}"), "name": "鼓楼区部门", "kindCode": kind, "regionCode": "350102" } }),
        )
        .await;
        let rules = app.count("responsibility_rule").await;
        via.data(
            &app,
            "rule inside",
            UPSERT_RULE,
            json!({ "input": { "categoryCode": category, "departmentKindCode": "HEALTH", "scopeRegionCode": "350100" } }),
        )
        .await;
        assert_eq!(app.count("responsibility_rule").await, rules + 1);
        let deleted = via
            .data(
                &app,
                "delete rule inside",
                DELETE_RULE,
                json!({ "category": category, "scope": "350102" }),
            )
            .await;
        assert_eq!(deleted["deleteRule"], false, "no rule at 350102");
        let deleted = via
            .data(
                &app,
                "delete rule inside",
                DELETE_RULE,
                json!({ "category": category, "scope": "350100" }),
            )
            .await;
        assert_eq!(deleted["deleteRule"], true);
        via.data(
            &app,
            "region inside",
            UPSERT_REGION,
            json!({ "input": { "code": county, "name": "新区", "level": "COUNTY", "parentCode": "350100" } }),
        )
        .await;

        // Outside 福州, or belonging to no region: forbidden.
        let refused = [
            (
                "organization outside",
                UPSERT_ORGANIZATION,
                json!({ "input": { "creditCode": outside(10 + i), "name": "外地组织", "categoryCode": "FOUNDATION", "regionCode": "350203" } }),
            ),
            (
                "department outside",
                UPSERT_DEPARTMENT,
                json!({ "input": { "code": format!("SM-{kind}"), "name": "思明区部门", "kindCode": kind, "regionCode": "350203" } }),
            ),
            (
                "moving a department from outside in",
                UPSERT_DEPARTMENT,
                json!({ "input": { "code": "XM-EDU", "name": "厦门教育局", "kindCode": "EDUCATION", "regionCode": "350102001" } }),
            ),
            (
                "rule outside",
                UPSERT_RULE,
                json!({ "input": { "categoryCode": category, "departmentKindCode": "HEALTH", "scopeRegionCode": "350200" } }),
            ),
            (
                "rule delete outside",
                DELETE_RULE,
                json!({ "category": "SOCIAL_GROUP", "scope": "350200" }),
            ),
            (
                "unscoped rule",
                UPSERT_RULE,
                json!({ "input": { "categoryCode": category, "departmentKindCode": "HEALTH" } }),
            ),
            (
                "unscoped rule delete",
                DELETE_RULE,
                json!({ "category": "FOUNDATION", "scope": null }),
            ),
            (
                "category",
                UPSERT_CATEGORY,
                json!({ "input": { "code": "NEW_CATEGORY", "name": "新类别" } }),
            ),
            (
                "department kind",
                UPSERT_KIND,
                json!({ "input": { "code": "NEW_KIND", "name": "新部门", "role": "SUPERVISOR" } }),
            ),
            (
                "region outside",
                UPSERT_REGION,
                json!({ "input": { "code": "350205", "name": "海沧区", "level": "COUNTY", "parentCode": "350200" } }),
            ),
            (
                "province",
                UPSERT_REGION,
                json!({ "input": { "code": "360000", "name": "江西省", "level": "PROVINCE" } }),
            ),
            (
                "moving an organization from outside in",
                UPSERT_ORGANIZATION,
                json!({ "input": { "creditCode": outside(1), "name": "搬来的组织", "categoryCode": "PRIVATE_SCHOOL", "regionCode": "350102001" } }),
            ),
            (
                "moving an organization from inside out",
                UPSERT_ORGANIZATION,
                json!({ "input": { "creditCode": inside(1), "name": "搬走的组织", "categoryCode": "PRIVATE_SCHOOL", "regionCode": "350203" } }),
            ),
            (
                "deleting an organization outside",
                DELETE_ORGANIZATION,
                json!({ "code": outside(1) }),
            ),
        ];
        for (case, query, variables) in refused {
            via.forbidden(&app, case, query, variables).await;
        }
        assert_eq!(located(&app, &outside(1)).await.as_deref(), Some("350203"));
        assert_eq!(
            located(&app, &inside(1)).await.as_deref(),
            Some("350102001")
        );
        let data = app
            .data(
                "{ department(code: \"XM-EDU\") { name region { code } } }",
                json!({}),
            )
            .await;
        assert_eq!(data["department"]["region"]["code"], "350200");
        assert_eq!(data["department"]["name"], "350200 EDUCATION");
        let data = app
            .data(
                "query($code: String!) { organization(creditCode: $code) { name } }",
                json!({ "code": outside(1) }),
            )
            .await;
        assert_eq!(data["organization"]["name"], format!("组织 {}", outside(1)));
    }
}

#[tokio::test]
async fn a_token_bound_to_a_city_reads_only_inside_it_without_learning_what_exists_outside() {
    let app = TestApp::spawn().await;
    two_cities(&app).await;
    let secret = new_token(&app, Role::Viewer, Some("350100"), "fz-viewer").await;
    let direct = caller(
        "fz-viewer-direct",
        Role::Viewer,
        Scope::within(region_id(&app, "350100").await),
    );
    let figures = "organizations unassigned byBasis { basis count }";
    let unbound = app
        .data(
            &format!(
                "{{ fuzhou: coverage(regionCode: \"350100\") {{ {figures} }} \
                    all: coverage {{ {figures} }} \
                    fuzhouUnassigned: unassignedOrganizations(regionCode: \"350100\") {{ totalCount }} \
                    allUnassigned: unassignedOrganizations {{ totalCount }} }}"
            ),
            json!({}),
        )
        .await;
    assert_eq!(unbound["all"]["organizations"], 5);
    assert_eq!(unbound["fuzhou"]["organizations"], 3);
    assert_eq!(unbound["allUnassigned"]["totalCount"], 2);
    assert_eq!(unbound["fuzhouUnassigned"]["totalCount"], 1);

    for via in [Via::Direct(&direct), Via::Http(&secret)] {
        let query = format!(
            "query($in: String!, $out: String!) {{
                me {{ regionCode }}
                inside: organization(creditCode: $in) {{ creditCode }}
                outside: organization(creditCode: $out) {{ creditCode }}
                organizations(first: 1000) {{ totalCount edges {{ node {{ creditCode }} }} }}
                ownDepartment: department(code: \"GL-EDU\") {{ code }}
                otherDepartment: department(code: \"XM-EDU\") {{ code }}
                ownRegion: region(code: \"350102\") {{ code }}
                otherCity: region(code: \"350200\") {{ code }}
                otherCounty: region(code: \"350203\") {{ code }}
                coverage {{ {figures} }}
                unassignedOrganizations(first: 1000) {{ totalCount edges {{ node {{ creditCode }} }} }}
            }}"
        );
        let data = via
            .data(
                &app,
                "bound reads",
                &query,
                json!({ "in": inside(1), "out": outside(1) }),
            )
            .await;
        let name = via.name();
        assert_eq!(data["me"]["regionCode"], "350100", "{name}");
        assert_eq!(data["inside"]["creditCode"], inside(1), "{name}");
        assert!(data["outside"].is_null(), "{name}: {data}");
        assert_eq!(
            helpers::codes(&data["organizations"], "creditCode"),
            vec![inside(1), inside(2), inside(3)],
            "{name}"
        );
        assert_eq!(data["organizations"]["totalCount"], 3, "{name}");
        assert_eq!(data["ownDepartment"]["code"], "GL-EDU", "{name}");
        assert!(data["otherDepartment"].is_null(), "{name}: {data}");
        assert_eq!(data["ownRegion"]["code"], "350102", "{name}");
        assert!(data["otherCity"].is_null(), "{name}: {data}");
        assert!(data["otherCounty"].is_null(), "{name}: {data}");
        assert_eq!(data["coverage"], unbound["fuzhou"], "{name}");
        assert_eq!(
            helpers::codes(&data["unassignedOrganizations"], "creditCode"),
            vec![inside(3)],
            "{name}"
        );
        assert_eq!(
            data["unassignedOrganizations"]["totalCount"],
            unbound["fuzhouUnassigned"]["totalCount"],
            "{name}"
        );
    }
}

#[tokio::test]
async fn rule_impact_for_a_bound_caller_counts_only_its_subtree() {
    let app = TestApp::spawn().await;
    two_cities(&app).await;
    let query = "query($input: RuleInput!) { ruleImpact(input: $input) {
        changedCount changes(first: 1000) { totalCount edges { node { organization { creditCode } } } }
    } }";
    // PRIVATE_SCHOOL goes to EDUCATION (the parent's province rule); a rule
    // naming HEALTH would move all three schools to FJ-HEALTH.
    let input =
        json!({ "input": { "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "HEALTH" } });
    let secret = new_token(&app, Role::Editor, Some("350100"), "fz-editor").await;
    let direct = caller(
        "fz-editor-direct",
        Role::Editor,
        Scope::within(region_id(&app, "350100").await),
    );

    let everywhere = app.data(query, input.clone()).await;
    assert_eq!(everywhere["ruleImpact"]["changedCount"], 3);

    let before = all_counts(&app).await;
    for via in [Via::Direct(&direct), Via::Http(&secret)] {
        let data = via.data(&app, "ruleImpact", query, input.clone()).await;
        assert_eq!(data["ruleImpact"]["changedCount"], 2, "{}", via.name());
        assert_eq!(
            data["ruleImpact"]["changes"]["totalCount"],
            2,
            "{}",
            via.name()
        );
        let mut codes: Vec<String> = data["ruleImpact"]["changes"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["node"]["organization"]["creditCode"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        codes.sort();
        assert_eq!(codes, vec![inside(1), inside(2)], "{}", via.name());
    }
    assert_eq!(all_counts(&app).await, before, "a preview writes nothing");
}

#[tokio::test]
async fn a_bound_token_cannot_reach_outside_its_region_through_nested_fields() {
    let app = TestApp::spawn().await;
    two_cities(&app).await;
    let viewer = caller(
        "fz-viewer",
        Role::Viewer,
        Scope::within(region_id(&app, "350100").await),
    );

    let response = app
        .execute_as(
            &viewer,
            "{ region(code: \"350100\") { parent { code coverage { organizations } departments { code } \
               children { code coverage { organizations } departments { code } } } } }",
            json!({}),
        )
        .await;

    let text = response.to_string();
    assert!(!text.contains("350200"), "厦门 is outside: {response}");
    assert!(!text.contains("XM-EDU"), "厦门's department: {response}");
    let inside = app
        .data(
            "{ region(code: \"350100\") { coverage { organizations } } }",
            json!({}),
        )
        .await["region"]["coverage"]["organizations"]
        .clone();
    assert_eq!(
        response["data"]["region"]["parent"]["coverage"]["organizations"], inside,
        "the province's figures, seen from 福州, count only 福州's organizations: {response}"
    );
}
