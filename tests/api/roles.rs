//! Roles: what a viewer, an editor and an admin may do, through the schema
//! directly and over HTTP with real tokens; only admins manage tokens.

use orgmap::domain::access::Role;
use orgmap::domain::scope::Scope;
use serde_json::json;

use crate::helpers::access::{
    API_TOKENS, CHANGES, CREATE_TOKEN, DELETE_ORGANIZATION, DELETE_RULE, REVOKE_TOKEN,
    UPSERT_CATEGORY, UPSERT_DEPARTMENT, UPSERT_KIND, UPSERT_ORGANIZATION, UPSERT_REGION,
    UPSERT_RULE, Via, caller, inside, new_token, region_id, two_cities,
};
use crate::helpers::{self, TestApp};

#[tokio::test]
async fn a_viewer_reads_but_every_kind_of_mutation_is_forbidden_and_writes_nothing() {
    let app = TestApp::spawn().await;
    two_cities(&app).await;
    let secret = new_token(&app, Role::Viewer, None, "reader").await;
    let viewer = caller("reader", Role::Viewer, Scope::EVERYTHING);
    let mutations = [
        (
            "upsertRegion",
            UPSERT_REGION,
            json!({ "input": { "code": "350104", "name": "台江区", "level": "COUNTY", "parentCode": "350100" } }),
        ),
        (
            "upsertDepartment",
            UPSERT_DEPARTMENT,
            json!({ "input": { "code": "GL-HEALTH", "name": "鼓楼区卫健局", "kindCode": "HEALTH", "regionCode": "350102" } }),
        ),
        (
            "upsertRule",
            UPSERT_RULE,
            json!({ "input": { "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "HEALTH", "scopeRegionCode": "350100" } }),
        ),
        (
            "deleteRule",
            DELETE_RULE,
            json!({ "category": "FOUNDATION", "scope": null }),
        ),
        (
            "upsertOrganization",
            UPSERT_ORGANIZATION,
            json!({ "input": { "creditCode": inside(9), "name": "新组织", "categoryCode": "FOUNDATION", "regionCode": "350102001" } }),
        ),
        (
            "deleteOrganization",
            DELETE_ORGANIZATION,
            json!({ "code": inside(1) }),
        ),
        (
            "upsertCategory",
            UPSERT_CATEGORY,
            json!({ "input": { "code": "NEW_CATEGORY", "name": "新类别" } }),
        ),
        (
            "upsertDepartmentKind",
            UPSERT_KIND,
            json!({ "input": { "code": "NEW_KIND", "name": "新部门", "role": "SUPERVISOR" } }),
        ),
    ];

    for via in [Via::Direct(&viewer), Via::Http(&secret)] {
        let data = via
            .data(
                &app,
                "reads",
                "{ me { name role } organizations { totalCount } region(code: \"350203\") { name } }",
                json!({}),
            )
            .await;
        assert_eq!(data["me"], json!({ "name": "reader", "role": "VIEWER" }));
        assert_eq!(data["organizations"]["totalCount"], 5);
        assert_eq!(data["region"]["name"], "思明区");
        for (case, query, variables) in &mutations {
            via.forbidden(&app, case, query, variables.clone()).await;
        }
    }

    // The same requests are valid: the local admin makes every one of them.
    for (case, query, variables) in &mutations {
        let response = app.execute(query, variables.clone()).await;
        assert!(response.get("errors").is_none(), "admin {case}: {response}");
    }
}

#[tokio::test]
async fn only_admins_manage_tokens_and_read_the_trail_and_a_bound_admin_only_within_its_city() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    // The local admin: every admin operation works.
    let created = app
        .data(
            CREATE_TOKEN,
            json!({ "role": "VIEWER", "region": "350102", "name": "gl-viewer" }),
        )
        .await;
    let created = &created["createApiToken"];
    assert!(
        created["secret"].as_str().unwrap().starts_with("orgmap_"),
        "{created}"
    );
    assert_eq!(
        created["token"],
        json!({ "name": "gl-viewer", "role": "VIEWER", "regionCode": "350102", "revokedAt": null })
    );
    let listed = app.data(API_TOKENS, json!({})).await;
    assert_eq!(helpers::codes(&listed["apiTokens"], "name"), ["gl-viewer"]);
    let trail = app.data(CHANGES, json!({ "entity": "TOKEN" })).await;
    assert_eq!(trail["changes"]["totalCount"], 1);
    assert_eq!(trail["changes"]["edges"][0]["node"]["key"], "gl-viewer");
    let revoked = app.data(REVOKE_TOKEN, json!({ "name": "gl-viewer" })).await;
    assert_eq!(revoked["revokeApiToken"], true);
    let revoked = app.data(REVOKE_TOKEN, json!({ "name": "gl-viewer" })).await;
    assert_eq!(revoked["revokeApiToken"], false, "already revoked");

    // Editors and viewers: forbidden, whether bound or not.
    let editor_secret = new_token(&app, Role::Editor, None, "editor").await;
    let viewer_secret = new_token(&app, Role::Viewer, None, "viewer").await;
    new_token(&app, Role::Viewer, Some("350203"), "sm-viewer").await;
    let editor = caller("editor", Role::Editor, Scope::EVERYTHING);
    let viewer = caller("viewer", Role::Viewer, Scope::EVERYTHING);
    for via in [
        Via::Direct(&editor),
        Via::Direct(&viewer),
        Via::Http(&editor_secret),
        Via::Http(&viewer_secret),
    ] {
        via.forbidden(&app, "apiTokens", API_TOKENS, json!({}))
            .await;
        via.forbidden(&app, "changes", CHANGES, json!({})).await;
        via.forbidden(
            &app,
            "createApiToken",
            CREATE_TOKEN,
            json!({ "role": "ADMIN", "name": "escalated" }),
        )
        .await;
        via.forbidden(
            &app,
            "revokeApiToken",
            REVOKE_TOKEN,
            json!({ "name": "sm-viewer" }),
        )
        .await;
    }

    // A region-bound admin: only tokens within its city.
    let fz_admin_secret = new_token(&app, Role::Admin, Some("350100"), "fz-admin").await;
    let fz_admin = caller(
        "fz-admin-direct",
        Role::Admin,
        Scope::within(region_id(&app, "350100").await),
    );
    for (i, via) in [Via::Direct(&fz_admin), Via::Http(&fz_admin_secret)]
        .into_iter()
        .enumerate()
    {
        via.forbidden(
            &app,
            "unbound token",
            CREATE_TOKEN,
            json!({ "role": "VIEWER", "name": format!("unbound-{i}") }),
        )
        .await;
        via.forbidden(
            &app,
            "unbound admin token",
            CREATE_TOKEN,
            json!({ "role": "ADMIN", "name": format!("root-{i}") }),
        )
        .await;
        via.forbidden(
            &app,
            "token for another city",
            CREATE_TOKEN,
            json!({ "role": "VIEWER", "region": "350200", "name": format!("xm-{i}") }),
        )
        .await;
        let made = via
            .data(
                &app,
                "token inside",
                CREATE_TOKEN,
                json!({ "role": "EDITOR", "region": "350102001", "name": format!("dj-editor-{i}") }),
            )
            .await;
        assert_eq!(made["createApiToken"]["token"]["regionCode"], "350102001");

        // Its list holds only its city's tokens.
        let listed = via.data(&app, "apiTokens", API_TOKENS, json!({})).await;
        let mut names = helpers::codes(&listed["apiTokens"], "name");
        names.sort();
        let mut expected = vec!["fz-admin".to_owned(), "gl-viewer".to_owned()];
        expected.extend((0..=i).map(|n| format!("dj-editor-{n}")));
        expected.sort();
        assert_eq!(names, expected, "{}", via.name());

        // A token outside stays in force.
        let response = via
            .run(&app, REVOKE_TOKEN, json!({ "name": "sm-viewer" }))
            .await;
        assert!(response.get("errors").is_some(), "{response}");
        let all = app.data(API_TOKENS, json!({})).await;
        let sm = all["apiTokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "sm-viewer")
            .unwrap()
            .clone();
        assert!(sm["revokedAt"].is_null(), "{sm}");
    }
}
