//! Security: roles and region scope (directly and over HTTP with real
//! tokens), HTTP authentication, refused request shapes, panics, the audit
//! trail, and the introspection and suggestion switches.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::routing::get;
use http_body_util::BodyExt;
use orgmap::domain::access::{Caller, Role};
use orgmap::domain::scope::Scope;
use orgmap::domain::token;
use orgmap::graphql::Limits;
use orgmap::http::{Access, HttpOptions};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::{self, TestApp, credit_code};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const UPSERT_REGION: &str =
    "mutation($input: RegionInput!) { upsertRegion(input: $input) { code } }";
const UPSERT_DEPARTMENT: &str =
    "mutation($input: DepartmentInput!) { upsertDepartment(input: $input) { code } }";
const UPSERT_RULE: &str = "mutation($input: RuleInput!) { upsertRule(input: $input) { id } }";
const DELETE_RULE: &str = "mutation($category: String!, $scope: String) { deleteRule(categoryCode: $category, scopeRegionCode: $scope) }";
const UPSERT_ORGANIZATION: &str =
    "mutation($input: OrganizationInput!) { upsertOrganization(input: $input) { creditCode } }";
const DELETE_ORGANIZATION: &str =
    "mutation($code: String!) { deleteOrganization(creditCode: $code) }";
const UPSERT_CATEGORY: &str =
    "mutation($input: CategoryInput!) { upsertCategory(input: $input) { code } }";
const UPSERT_KIND: &str =
    "mutation($input: DepartmentKindInput!) { upsertDepartmentKind(input: $input) { code } }";

const CREATE_TOKEN: &str = "mutation($role: TokenRole!, $region: String, $name: String) {
    createApiToken(role: $role, regionCode: $region, name: $name) {
        secret token { name role regionCode revokedAt }
    }
}";
const REVOKE_TOKEN: &str = "mutation($name: String!) { revokeApiToken(name: $name) }";
const API_TOKENS: &str = "{ apiTokens { name role regionCode revokedAt } }";
const CHANGES: &str = "query($entity: ChangeEntity, $since: DateTime) {
    changes(entity: $entity, since: $since, first: 1000) {
        totalCount
        edges { node { at actor entity key action before after } }
    }
}";

/// An organization located inside 福州 (鼓楼区).
fn inside(n: u32) -> String {
    credit_code("52", "350102", n)
}

/// An organization located outside 福州 (思明区, 厦门).
fn outside(n: u32) -> String {
    credit_code("52", "350203", n)
}

/// The small province with departments and organizations on both sides of
/// the 福州/厦门 line:
///
/// - EDUCATION at 福建 (FJ-EDU), 鼓楼区 (GL-EDU) and 厦门 (XM-EDU); HEALTH at
///   福建 (FJ-HEALTH);
/// - inside(1) PRIVATE_SCHOOL at 东街街道, inside(2) PRIVATE_SCHOOL at
///   五凤街道, inside(3) FOUNDATION at 东街街道 (unassigned);
/// - outside(1) PRIVATE_SCHOOL at 思明区, outside(2) FOUNDATION at 思明区
///   (unassigned);
/// - a rule SOCIAL_GROUP → EDUCATION scoped to 厦门.
async fn two_cities(app: &TestApp) {
    helpers::small_province(app).await;
    helpers::department(app, "FJ-EDU", "EDUCATION", "350000").await;
    helpers::department(app, "GL-EDU", "EDUCATION", "350102").await;
    helpers::department(app, "XM-EDU", "EDUCATION", "350200").await;
    helpers::department(app, "FJ-HEALTH", "HEALTH", "350000").await;
    for (code, category, region) in [
        (inside(1), "PRIVATE_SCHOOL", "350102001"),
        (inside(2), "PRIVATE_SCHOOL", "350102002"),
        (inside(3), "FOUNDATION", "350102001"),
        (outside(1), "PRIVATE_SCHOOL", "350203"),
        (outside(2), "FOUNDATION", "350203"),
    ] {
        helpers::organization(app, &code, &format!("组织 {code}"), category, region).await;
    }
    app.data(
        UPSERT_RULE,
        json!({ "input": { "categoryCode": "SOCIAL_GROUP", "departmentKindCode": "EDUCATION", "scopeRegionCode": "350200" } }),
    )
    .await;
}

/// The id of a region, for building a region-bound caller by hand.
async fn region_id(app: &TestApp, code: &str) -> i32 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!("SELECT id FROM region WHERE code = '{code}'"),
        ))
        .await
        .unwrap()
        .expect("the region exists");
    row.try_get::<i32>("", "id").unwrap()
}

fn caller(name: &str, role: Role, scope: Scope) -> Caller {
    Caller {
        name: name.to_owned(),
        role,
        scope,
    }
}

/// A token made by the local admin: its secret.
async fn new_token(app: &TestApp, role: Role, region: Option<&str>, name: &str) -> String {
    token::create(&app.db, &Caller::local(), role, region, Some(name))
        .await
        .expect("the token is created")
        .secret
}

/// Row counts of every table a write may touch, the audit trail and the
/// tokens included.
async fn all_counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = app.counts().await;
    for table in ["change", "api_token"] {
        counts.push((table, app.count(table).await));
    }
    counts
}

/// An HTTP answer.
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text))
    }
}

async fn send(router: Router, request: Request<Body>) -> Reply {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        text: String::from_utf8_lossy(&body).into_owned(),
    }
}

const JSON_TYPE: (&str, &str) = ("content-type", "application/json");

/// A POST /graphql with these headers and body.
fn post(headers: &[(&str, &str)], body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::post("/graphql");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

/// A JSON POST of `query`, with a bearer token when one is given.
fn post_query(secret: Option<&str>, query: &str, variables: Value) -> Request<Body> {
    let body = json!({ "query": query, "variables": variables }).to_string();
    match secret {
        Some(secret) => {
            let bearer = format!("Bearer {secret}");
            post(&[JSON_TYPE, ("authorization", &bearer)], body)
        }
        None => post(&[JSON_TYPE], body),
    }
}

/// How a test reaches the schema: directly as a caller, or over HTTP with
/// a real token.
#[derive(Clone, Copy)]
enum Via<'a> {
    Direct(&'a Caller),
    Http(&'a str),
}

impl Via<'_> {
    fn name(self) -> &'static str {
        match self {
            Via::Direct(_) => "direct",
            Via::Http(_) => "http",
        }
    }

    async fn run(self, app: &TestApp, query: &str, variables: Value) -> Value {
        match self {
            Via::Direct(caller) => app.execute_as(caller, query, variables).await,
            Via::Http(secret) => {
                let reply = send(app.router(), post_query(Some(secret), query, variables)).await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
                reply.json()
            }
        }
    }

    /// The data of a request that must succeed.
    async fn data(self, app: &TestApp, case: &str, query: &str, variables: Value) -> Value {
        let response = self.run(app, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "{} {case}: unexpected errors: {response}",
            self.name()
        );
        response["data"].clone()
    }

    /// A request that must be FORBIDDEN and write nothing at all.
    async fn forbidden(self, app: &TestApp, case: &str, query: &str, variables: Value) {
        let before = all_counts(app).await;
        let response = self.run(app, query, variables).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"],
            "FORBIDDEN",
            "{} {case}: {response}",
            self.name()
        );
        assert_eq!(
            all_counts(app).await,
            before,
            "{} {case}: nothing is written",
            self.name()
        );
    }
}

/// The region an organization is located in, as the local admin sees it;
/// None when it does not exist.
async fn located(app: &TestApp, code: &str) -> Option<String> {
    let data = app
        .data(
            "query($code: String!) { organization(creditCode: $code) { region { code } } }",
            json!({ "code": code }),
        )
        .await;
    data["organization"]["region"]["code"]
        .as_str()
        .map(str::to_owned)
}

// ---------------------------------------------------------------------------
// 1. Roles and region scope
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// 2. HTTP authentication
// ---------------------------------------------------------------------------

const ME: &str = "{ me { name role regionCode } }";

#[tokio::test]
async fn open_until_tokens_lets_a_request_without_token_in_as_local_while_there_is_none() {
    let app = TestApp::spawn().await;

    let reply = send(app.router(), post_query(None, ME, json!({}))).await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.json()["data"]["me"],
        json!({ "name": "local", "role": "ADMIN", "regionCode": null })
    );
}

/// Asserts a 401 with code UNAUTHENTICATED and a `WWW-Authenticate: Bearer`.
fn assert_unauthenticated(case: &str, reply: &Reply) {
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "{case}: {}",
        reply.text
    );
    assert_eq!(
        reply.json()["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED",
        "{case}"
    );
    assert!(reply.json().get("data").is_none(), "{case}: {}", reply.text);
    assert_eq!(
        reply
            .headers
            .get(header::WWW_AUTHENTICATE)
            .map(|v| v.to_str().unwrap()),
        Some("Bearer"),
        "{case}"
    );
}

#[tokio::test]
async fn once_a_token_exists_every_request_needs_a_valid_one() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let secret = new_token(&app, Role::Editor, Some("350000"), "kept").await;
    let revoked = new_token(&app, Role::Admin, None, "gone").await;
    token::revoke(&app.db, &Caller::local(), "gone")
        .await
        .unwrap();
    let kinds = app.count("department_kind").await;
    let write = "mutation { upsertDepartmentKind(input: {code: \"SNEAKY\", name: \"x\", role: SUPERVISOR}) { code } }";

    let reply = send(app.router(), post_query(None, write, json!({}))).await;
    assert_unauthenticated("no Authorization", &reply);
    let wrong = format!("{}x", &secret[..secret.len() - 1]);
    for (case, authorization) in [
        ("unknown token", format!("Bearer {wrong}")),
        ("token without the prefix", "Bearer abc".to_owned()),
        ("another scheme", "Basic x".to_owned()),
        ("no token after the scheme", "Bearer ".to_owned()),
        ("the raw secret without scheme", secret.clone()),
        ("revoked token", format!("Bearer {revoked}")),
    ] {
        let request = post(
            &[JSON_TYPE, ("authorization", &authorization)],
            json!({ "query": write }).to_string(),
        );
        let reply = send(app.router(), request).await;
        assert_unauthenticated(case, &reply);
    }
    assert_eq!(
        app.count("department_kind").await,
        kinds,
        "nothing is written"
    );

    let reply = send(app.router(), post_query(Some(&secret), ME, json!({}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(
        reply.json()["data"]["me"],
        json!({ "name": "kept", "role": "EDITOR", "regionCode": "350000" })
    );
    // GET authenticates too.
    let request = Request::get("/graphql?query=%7Bme%7Bname%7D%7D")
        .body(Body::empty())
        .unwrap();
    assert_unauthenticated("GET without token", &send(app.router(), request).await);
}

#[tokio::test]
async fn tokens_required_refuses_a_request_without_token_even_when_none_exists() {
    let app = TestApp::spawn().await;
    let router = orgmap::http::router_with(
        app.schema.clone(),
        app.db.clone(),
        HttpOptions {
            access: Access::TokensRequired,
            ..Default::default()
        },
    );

    let reply = send(router.clone(), post_query(None, ME, json!({}))).await;

    assert_unauthenticated("tokens required", &reply);
    let secret = new_token(&app, Role::Viewer, None, "the-one").await;
    let reply = send(router, post_query(Some(&secret), ME, json!({}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json()["data"]["me"]["name"], "the-one");
}

#[tokio::test]
async fn a_token_is_stored_only_as_a_hash_and_its_secret_is_recognisable() {
    let app = TestApp::spawn().await;
    let secret = new_token(&app, Role::Admin, None, "hashed").await;
    let through_api = app
        .data(
            CREATE_TOKEN,
            json!({ "role": "VIEWER", "name": "hashed-too" }),
        )
        .await["createApiToken"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();

    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT name, secret_hash FROM api_token ORDER BY id",
        ))
        .await
        .unwrap();

    assert_eq!(rows.len(), 2);
    for (row, secret) in rows.iter().zip([&secret, &through_api]) {
        let stored: String = row.try_get("", "secret_hash").unwrap();
        assert!(secret.starts_with("orgmap_"), "{secret}");
        assert!(secret.len() >= 40, "{secret}");
        assert_ne!(&stored, secret);
        assert!(!stored.contains(&secret["orgmap_".len()..]));
        assert!(!secret.contains(&stored));
    }
    assert_ne!(secret, through_api);
}

// ---------------------------------------------------------------------------
// 3. Refused request shapes
// ---------------------------------------------------------------------------

/// A write that adds one department kind when it runs.
fn kind_write(code: &str) -> String {
    format!(
        "mutation {{ upsertDepartmentKind(input: {{code: \"{code}\", name: \"新部门\", role: SUPERVISOR}}) {{ code }} }}"
    )
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn a_mutation_over_get_is_405_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let kinds = app.count("department_kind").await;

    for uri in [
        format!("/graphql?query={}", urlencode(&kind_write("OVER_GET"))),
        // The operation picked by name is the mutation.
        format!(
            "/graphql?query={}&operationName=Write",
            urlencode(
                &format!("query Read {{ me {{ name }} }} {}", kind_write("OVER_GET")).replacen(
                    "mutation",
                    "mutation Write",
                    1
                )
            )
        ),
    ] {
        let reply = send(app.router(), Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(
            reply.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{}",
            reply.text
        );
        assert_eq!(reply.headers[header::ALLOW], "POST");
    }
    assert_eq!(app.count("department_kind").await, kinds);
}

fn multipart_body(query: &str) -> String {
    let operations = json!({ "query": query, "variables": {} }).to_string();
    format!(
        "--BOUNDARY\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --BOUNDARY\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{}}\r\n--BOUNDARY--\r\n"
    )
}

#[tokio::test]
async fn a_post_that_a_browser_could_send_without_preflight_is_415_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let kinds = app.count("department_kind").await;
    let json_body = json!({ "query": kind_write("SIMPLE") }).to_string();
    let form_body = format!("query={}", urlencode(&kind_write("SIMPLE")));
    let multipart = "multipart/form-data; boundary=BOUNDARY";

    for (case, content_type, body) in [
        ("text/plain", Some("text/plain"), json_body.clone()),
        (
            "text/plain with charset",
            Some("text/plain; charset=utf-8"),
            json_body.clone(),
        ),
        ("form", Some("application/x-www-form-urlencoded"), form_body),
        ("no content type", None, json_body.clone()),
        (
            "multipart without preflight",
            Some(multipart),
            multipart_body(&kind_write("SIMPLE")),
        ),
        (
            "JSON in another charset",
            Some("application/json; charset=latin1"),
            json_body.clone(),
        ),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|t| vec![("content-type", t)])
            .unwrap_or_default();
        let reply = send(app.router(), post(&headers, body)).await;
        assert_eq!(
            reply.status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{case}: {}",
            reply.text
        );
        assert_eq!(
            reply.json()["errors"][0]["extensions"]["code"],
            "UNSUPPORTED_MEDIA_TYPE",
            "{case}"
        );
        assert_eq!(
            app.count("department_kind").await,
            kinds,
            "{case}: nothing is written"
        );
    }

    // The same multipart request with a preflight header runs.
    let reply = send(
        app.router(),
        post(
            &[
                ("content-type", multipart),
                ("graphql-require-preflight", "1"),
            ],
            multipart_body(&kind_write("PREFLIGHTED")),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(reply.json().get("errors").is_none(), "{}", reply.text);
    assert_eq!(app.count("department_kind").await, kinds + 1);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let router = orgmap::http::router_with(
        app.schema.clone(),
        app.db.clone(),
        HttpOptions {
            body_bytes: 1024,
            ..Default::default()
        },
    );
    let kinds = app.count("department_kind").await;
    let padded = format!("{}{}", kind_write("TOO_LARGE"), " ".repeat(2000));
    let body = json!({ "query": padded }).to_string();
    assert!(body.len() > 1024);

    // Without Content-Length (read until the limit) and with it (refused
    // before reading).
    let reply = send(router.clone(), post(&[JSON_TYPE], body.clone())).await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text
    );
    assert_eq!(
        reply.json()["errors"][0]["extensions"]["code"],
        "PAYLOAD_TOO_LARGE"
    );
    let length = body.len().to_string();
    let reply = send(
        router.clone(),
        post(&[JSON_TYPE, ("content-length", &length)], body),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text
    );
    assert_eq!(app.count("department_kind").await, kinds);

    // The same write under the limit runs.
    let reply = send(
        router,
        post(
            &[JSON_TYPE],
            json!({ "query": kind_write("SMALL") }).to_string(),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(app.count("department_kind").await, kinds + 1);
}

#[tokio::test]
async fn documents_over_a_limit_are_refused_before_anything_runs() {
    let app = TestApp::spawn().await;
    let kinds = app.count("department_kind").await;
    let input = "input: {code: \"LIMITED\", name: \"x\", role: SUPERVISOR}";

    let deep = format!(
        "mutation {{ upsertDepartmentKind({input}) {{ departments {{ region {{ {}code{} }} }} }} }}",
        "parent { ".repeat(16),
        " }".repeat(16)
    );
    let complex = format!(
        "mutation {{ upsertDepartmentKind({input}) {{ departments {{
            organizations(first: 1000) {{ edges {{ node {{ creditCode supervisingDepartment {{
                organizations(first: 1000) {{ edges {{ node {{ creditCode name }} }} }}
            }} }} }} }}
        }} }} }}"
    );
    let aliases = format!(
        "mutation {{ {} }}",
        (0..31)
            .map(|n| format!(
                "k{n}: upsertDepartmentKind(input: {{code: \"ALIAS{n}\", name: \"x\", role: SUPERVISOR}}) {{ code }}"
            ))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let directives = format!(
        "mutation {{ upsertDepartmentKind({input}) {} {{ code }} }}",
        "@include(if: true) ".repeat(11)
    );
    let tokens = format!(
        "mutation {{ upsertDepartmentKind({input}) {{ code {} }} }}",
        "__typename ".repeat(5000)
    );

    for (case, query, says) in [
        ("depth", deep, "nested too deep"),
        ("complexity", complex, "complex"),
        ("aliases", aliases, "aliases"),
        ("directives", directives, "directives"),
        ("tokens", tokens, "tokens"),
    ] {
        for (accept, status) in [
            ("application/graphql-response+json", StatusCode::BAD_REQUEST),
            ("application/json", StatusCode::OK),
        ] {
            let reply = send(
                app.router(),
                post(
                    &[JSON_TYPE, ("accept", accept)],
                    json!({ "query": query }).to_string(),
                ),
            )
            .await;
            assert_eq!(
                reply.status, status,
                "{case} under {accept}: {}",
                reply.text
            );
            let body = reply.json();
            assert!(
                body.get("data").is_none(),
                "{case} under {accept}: no data entry: {body}"
            );
            let error = &body["errors"][0];
            assert_eq!(
                error["extensions"]["code"], "BAD_USER_INPUT",
                "{case}: {body}"
            );
            let message = error["message"].as_str().unwrap().to_lowercase();
            assert!(message.contains(says), "{case}: {message}");
            assert!(
                reply.headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with(accept),
                "{case}"
            );
            assert_eq!(
                app.count("department_kind").await,
                kinds,
                "{case}: nothing runs"
            );
        }
    }
}

#[tokio::test]
async fn a_batch_over_the_limit_is_400_and_runs_none_of_it() {
    let app = TestApp::spawn().await;
    let kinds = app.count("department_kind").await;
    let batch = |n: usize| {
        Value::Array(
            (0..n)
                .map(|i| json!({ "query": kind_write(&format!("BATCH{i}")) }))
                .collect(),
        )
        .to_string()
    };

    let reply = send(app.router(), post(&[JSON_TYPE], batch(11))).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(
        reply.json()["errors"][0]["extensions"]["code"],
        "BAD_REQUEST"
    );
    assert_eq!(app.count("department_kind").await, kinds);
    let reply = send(app.router(), post(&[JSON_TYPE], batch(10))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json().as_array().unwrap().len(), 10);
    assert_eq!(app.count("department_kind").await, kinds + 10);
}

#[tokio::test]
async fn an_answer_the_client_does_not_accept_is_406_and_nothing_runs() {
    let app = TestApp::spawn().await;
    let kinds = app.count("department_kind").await;

    for accept in [
        "text/html",
        "text/html, application/xml;q=0.9",
        "application/json;q=0",
    ] {
        let reply = send(
            app.router(),
            post(
                &[JSON_TYPE, ("accept", accept)],
                json!({ "query": kind_write("UNACCEPTED") }).to_string(),
            ),
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_ACCEPTABLE,
            "{accept}: {}",
            reply.text
        );
    }
    let request = Request::get(format!("/graphql?query={}", urlencode("{ me { name } }")))
        .header("accept", "text/html")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(app.router(), request).await.status,
        StatusCode::NOT_ACCEPTABLE
    );
    assert_eq!(app.count("department_kind").await, kinds);
}

#[tokio::test]
async fn a_body_that_is_not_a_graphql_request_is_400() {
    let app = TestApp::spawn().await;

    for (case, body) in [
        ("invalid JSON", "{\"query\": ".to_owned()),
        ("query not a string", json!({ "query": 1 }).to_string()),
        ("no query", json!({ "variables": {} }).to_string()),
        (
            "variables not an object",
            json!({ "query": "{ me { name } }", "variables": "x" }).to_string(),
        ),
        ("not an object", "[1, 2]".to_owned()),
        ("empty", String::new()),
    ] {
        let reply = send(app.router(), post(&[JSON_TYPE], body)).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{case}: {}",
            reply.text
        );
        assert_eq!(
            reply.json()["errors"][0]["extensions"]["code"],
            "BAD_REQUEST",
            "{case}"
        );
    }
}

#[tokio::test]
async fn a_response_carries_at_most_twenty_errors_and_a_summary() {
    let app = TestApp::spawn().await;
    let query = format!(
        "{{ {} }}",
        (1..=50)
            .map(|n| format!("a{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    );

    let direct = app.execute(&query, json!({})).await;
    let reply = send(
        app.router(),
        post(&[JSON_TYPE], json!({ "query": query }).to_string()),
    )
    .await;

    for response in [direct, reply.json()] {
        let errors = response["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 21, "{response}");
        assert!(errors[0]["message"].as_str().unwrap().contains("a1"));
        let last = errors[20]["message"].as_str().unwrap();
        assert_eq!(last, "30 more errors not shown");
        assert!(
            errors
                .iter()
                .all(|e| e["extensions"]["code"] == "BAD_USER_INPUT"),
            "{response}"
        );
    }
}

// ---------------------------------------------------------------------------
// 4. Panics
// ---------------------------------------------------------------------------

async fn boom() -> &'static str {
    panic!("secret detail")
}

/// One request over a real connection: (status, body).
async fn raw_request(addr: SocketAddr, method: &str, path: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {answer}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn a_panicking_handler_answers_500_without_its_detail_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let router = orgmap::http::protect(Router::new().route("/boom", get(boom)).merge(app.router()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    let (status, body) = raw_request(addr, "GET", "/boom", "").await;
    assert_eq!(status, 500, "{body}");
    assert!(body.contains("\"INTERNAL\""), "{body}");
    assert!(!body.contains("secret detail"), "{body}");

    let (status, body) = raw_request(addr, "GET", "/healthz", "").await;
    assert_eq!(status, 200, "{body}");
    let query = json!({ "query": "{ departmentKind(code: \"HEALTH\") { name } }" }).to_string();
    let (status, body) = raw_request(addr, "POST", "/graphql", &query).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("卫生健康部门"), "{body}");
    // And once more: the panic did not take a worker down.
    let (status, _) = raw_request(addr, "GET", "/boom", "").await;
    assert_eq!(status, 500);
    let (status, _) = raw_request(addr, "GET", "/healthz", "").await;
    assert_eq!(status, 200);

    server.abort();
}

// ---------------------------------------------------------------------------
// 5. The audit trail
// ---------------------------------------------------------------------------

fn nodes(changes: &Value) -> Vec<Value> {
    changes["changes"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn actions(nodes: &[Value]) -> Vec<&str> {
    nodes
        .iter()
        .map(|n| n["action"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn every_write_is_recorded_with_its_actor_and_values_before_and_after() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let editor = caller("audit-editor", Role::Editor, Scope::EVERYTHING);
    let code = inside(1);
    let organization = |name: &str| json!({ "input": { "creditCode": code, "name": name, "categoryCode": "FOUNDATION", "regionCode": "350102001" } });
    let via = Via::Direct(&editor);

    via.data(&app, "create", UPSERT_ORGANIZATION, organization("旧名"))
        .await;
    let since = chrono::Utc::now();
    via.data(&app, "rename", UPSERT_ORGANIZATION, organization("新名"))
        .await;
    via.data(&app, "delete", DELETE_ORGANIZATION, json!({ "code": code }))
        .await;
    let rule = |kind: &str| json!({ "input": { "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": kind, "scopeRegionCode": "350100" } });
    via.data(&app, "rule", UPSERT_RULE, rule("HEALTH")).await;
    via.data(&app, "rule change", UPSERT_RULE, rule("EDUCATION"))
        .await;

    let trail = nodes(&app.data(CHANGES, json!({ "entity": "ORGANIZATION" })).await);
    assert_eq!(actions(&trail), ["CREATE", "UPDATE", "DELETE"], "{trail:?}");
    for change in &trail {
        assert_eq!(change["actor"], "audit-editor");
        assert_eq!(change["entity"], "ORGANIZATION");
        assert_eq!(change["key"], code.as_str());
    }
    assert!(trail[0]["before"].is_null());
    assert_eq!(trail[0]["after"]["name"], "旧名");
    assert_eq!(trail[0]["after"]["creditCode"], code.as_str());
    assert_eq!(trail[0]["after"]["regionCode"], "350102001");
    assert_eq!(trail[1]["before"]["name"], "旧名");
    assert_eq!(trail[1]["after"]["name"], "新名");
    assert_eq!(trail[2]["before"]["name"], "新名");
    assert!(trail[2]["after"].is_null());
    let times: Vec<chrono::DateTime<chrono::Utc>> = trail
        .iter()
        .map(|c| c["at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");

    let rules = nodes(&app.data(CHANGES, json!({ "entity": "RULE" })).await);
    assert_eq!(actions(&rules), ["CREATE", "UPDATE"], "{rules:?}");
    assert_eq!(rules[0]["key"], "PRIVATE_SCHOOL@350100");
    assert_eq!(rules[1]["key"], "PRIVATE_SCHOOL@350100");
    assert_eq!(rules[0]["actor"], "audit-editor");
    assert_eq!(rules[1]["before"]["kindCode"], "HEALTH");
    assert_eq!(rules[1]["after"]["kindCode"], "EDUCATION");

    // `since` leaves out what came before.
    let later = nodes(
        &app.data(
            CHANGES,
            json!({ "entity": "ORGANIZATION", "since": since.to_rfc3339() }),
        )
        .await,
    );
    assert_eq!(
        actions(&later),
        ["UPDATE", "DELETE"],
        "since {since}: {later:?}"
    );
    let everything_since = nodes(
        &app.data(CHANGES, json!({ "since": since.to_rfc3339() }))
            .await,
    );
    assert_eq!(everything_since.len(), 4, "{everything_since:?}");
    assert!(
        everything_since
            .iter()
            .all(|c| c["actor"] == "audit-editor")
    );
}

#[tokio::test]
async fn an_upsert_that_changes_nothing_records_nothing() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "GL-EDU", "EDUCATION", "350102").await;
    let editor = caller("audit-editor", Role::Editor, Scope::EVERYTHING);
    let via = Via::Direct(&editor);
    let writes = [
        (
            "organization",
            UPSERT_ORGANIZATION,
            json!({ "input": { "creditCode": inside(1), "name": "组织", "categoryCode": "FOUNDATION", "regionCode": "350102001", "workCovered": true } }),
        ),
        (
            "rule",
            UPSERT_RULE,
            json!({ "input": { "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "HEALTH", "scopeRegionCode": "350100", "basis": "文件" } }),
        ),
        (
            "department",
            UPSERT_DEPARTMENT,
            json!({ "input": { "code": "GL-EDU", "name": "350102 EDUCATION", "kindCode": "EDUCATION", "regionCode": "350102" } }),
        ),
        (
            "region",
            UPSERT_REGION,
            json!({ "input": { "code": "350102", "name": "鼓楼区", "level": "COUNTY", "parentCode": "350100" } }),
        ),
        (
            "category",
            UPSERT_CATEGORY,
            json!({ "input": { "code": "NEW_CATEGORY", "name": "新类别", "parentCode": "SOCIAL_ORGANIZATION" } }),
        ),
        (
            "department kind",
            UPSERT_KIND,
            json!({ "input": { "code": "NEW_KIND", "name": "新部门", "role": "SUPERVISOR" } }),
        ),
    ];

    for (case, query, variables) in &writes {
        via.data(&app, case, query, variables.clone()).await;
    }
    let recorded = app.count("change").await;
    for (case, query, variables) in &writes {
        via.data(&app, case, query, variables.clone()).await;
        assert_eq!(
            app.count("change").await,
            recorded,
            "{case}: an unchanged upsert records nothing"
        );
    }
    // A real change is recorded.
    via.data(
        &app,
        "rename",
        UPSERT_ORGANIZATION,
        json!({ "input": { "creditCode": inside(1), "name": "改名", "categoryCode": "FOUNDATION", "regionCode": "350102001" } }),
    )
    .await;
    assert_eq!(app.count("change").await, recorded + 1);
}

#[tokio::test]
async fn a_bound_admin_reads_only_the_changes_within_its_region() {
    let app = TestApp::spawn().await;
    two_cities(&app).await;
    let fz_admin = caller(
        "fz-admin",
        Role::Admin,
        Scope::within(region_id(&app, "350100").await),
    );
    let secret = new_token(&app, Role::Admin, Some("350100"), "fz-admin-token").await;
    let inside_keys = [
        "350100".to_owned(),
        "350102".to_owned(),
        "350102001".to_owned(),
        "350102002".to_owned(),
        "GL-EDU".to_owned(),
        inside(1),
        inside(2),
        inside(3),
        "fz-admin-token".to_owned(),
    ];

    let all = nodes(&app.data(CHANGES, json!({ "entity": "ORGANIZATION" })).await);
    assert_eq!(all.len(), 5);
    for via in [Via::Direct(&fz_admin), Via::Http(&secret)] {
        let organizations = nodes(
            &via.data(
                &app,
                "changes",
                CHANGES,
                json!({ "entity": "ORGANIZATION" }),
            )
            .await,
        );
        let keys: Vec<&str> = organizations
            .iter()
            .map(|c| c["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, [inside(1), inside(2), inside(3)], "{}", via.name());

        let everything = via.data(&app, "changes", CHANGES, json!({})).await;
        for change in nodes(&everything) {
            let key = change["key"].as_str().unwrap().to_owned();
            assert!(
                inside_keys.contains(&key),
                "{}: {key} lies outside 福州: {change}",
                via.name()
            );
        }
        assert_eq!(
            everything["changes"]["totalCount"],
            nodes(&everything).len(),
            "{}",
            via.name()
        );
    }
}

// ---------------------------------------------------------------------------
// 6. Introspection and suggestions
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Nested fields and token names.
// ---------------------------------------------------------------------------

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

#[tokio::test]
async fn a_default_token_name_never_collides_with_an_existing_one() {
    let app = TestApp::spawn().await;
    new_token(&app, Role::Viewer, None, "viewer-2").await;

    let created = token::create(&app.db, &Caller::local(), Role::Viewer, None, None).await;

    let name = created.expect("a fresh default name").info.name;
    assert_ne!(name, "viewer-2");
}
