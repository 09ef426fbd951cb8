//! Introspection and field suggestions, which the service can switch off.

use orgmap::domain::access::Caller;
use orgmap::graphql::Limits;
use serde_json::Value;

use crate::helpers::TestApp;

async fn run_on(app: &TestApp, schema: &orgmap::graphql::AppSchema, query: &str) -> Value {
    let response = orgmap::graphql::execute(
        schema,
        async_graphql::Request::new(query),
        &app.db,
        &Caller::local(),
    )
    .await;
    serde_json::to_value(&response).unwrap()
}

#[tokio::test]
async fn introspection_and_suggestions_can_be_switched_off() {
    let app = TestApp::spawn().await;
    let closed = orgmap::graphql::build_with(
        app.db.clone(),
        &Limits {
            introspection: false,
            suggestions: false,
            ..Default::default()
        },
    );
    let introspect = "{ __schema { types { name } } }";
    let typo = "{ regoin(code: \"350000\") { code } }";

    let open = run_on(&app, &app.schema, introspect).await;
    assert!(open.get("errors").is_none(), "{open}");
    assert!(
        !open["data"]["__schema"]["types"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let open = run_on(&app, &app.schema, typo).await;
    assert!(
        open["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{open}"
    );

    // async-graphql answers a disabled `__schema` with null (and no error):
    // nothing of the schema is revealed.
    let refused = run_on(&app, &closed, introspect).await;
    assert!(refused["data"]["__schema"].is_null(), "{refused}");
    assert!(!refused.to_string().contains("Organization"), "{refused}");
    let refused = run_on(&app, &closed, "{ __type(name: \"Query\") { name } }").await;
    assert!(refused["data"]["__type"].is_null(), "{refused}");
    let refused = run_on(&app, &closed, typo).await;
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("regoin"), "{refused}");
    assert!(!message.contains("Did you mean"), "{refused}");
    assert!(!message.contains("region"), "{refused}");
    // Ordinary queries still answer.
    let plain = run_on(
        &app,
        &closed,
        "{ departmentKind(code: \"HEALTH\") { code } }",
    )
    .await;
    assert_eq!(plain["data"]["departmentKind"]["code"], "HEALTH", "{plain}");
}
