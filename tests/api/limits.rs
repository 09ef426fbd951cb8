//! Query limits: depth and complexity.

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_query_deeper_than_the_limit_is_refused() {
    let app = TestApp::spawn().await;
    let mut query = String::from("{ region(code: \"350000\") { ");
    for _ in 0..orgmap::graphql::Limits::default().depth {
        query.push_str("parent { ");
    }
    query.push_str("code");
    for _ in 0..=orgmap::graphql::Limits::default().depth {
        query.push_str(" }");
    }
    query.push_str(" }");

    let response = app.execute(&query, json!({})).await;

    let message = response["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("nested too deep"), "{response}");
    assert_eq!(
        response["errors"][0]["extensions"]["code"],
        "BAD_USER_INPUT"
    );
    assert!(response["data"].is_null());
}

#[tokio::test]
async fn a_list_of_a_thousand_with_a_wide_selection_is_refused_for_complexity() {
    let app = TestApp::spawn().await;
    let node = "creditCode name partyOrganization workCovered partyMemberCount model \
                category { code name parent { code name } } \
                region { code name level parent { code name } } \
                administeringRegion { code name } supervisingDepartment { code name } \
                partyAffiliation { code name }";
    let wide = format!(
        "{{ a: organizations(first: 1000) {{ edges {{ node {{ {node} }} }} }} b: organizations(first: 1000) {{ edges {{ node {{ {node} }} }} }} }}"
    );
    let narrow = "{ organizations(first: 1000) { edges { node { creditCode name } } totalCount } }";

    let refused = app.execute(&wide, json!({})).await;
    let accepted = app.execute(narrow, json!({})).await;

    let message = refused["errors"][0]["message"].as_str().unwrap_or("");
    assert!(message.contains("complex"), "{refused}");
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert!(accepted.get("errors").is_none(), "{accepted}");
}

#[tokio::test]
async fn queries_that_do_not_parse_or_validate_carry_a_code() {
    let app = TestApp::spawn().await;

    for (case, query) in [
        ("syntax", "{ region(code: "),
        ("unknown field", "{ region(code: \"350000\") { nonsense } }"),
        ("wrong enum", "{ regions(level: PLANET) { totalCount } }"),
        ("missing argument", "{ region { code } }"),
    ] {
        let response = app.execute(query, json!({})).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{case}: {response}"
        );
    }
}
