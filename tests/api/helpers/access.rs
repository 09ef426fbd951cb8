//! The access tests' world: the mutations they try, callers and tokens made
//! by hand, the two cities on either side of a scope line, and [`Via`], which
//! runs a request directly as a caller or over HTTP with a real token.

use axum::http::StatusCode;
use orgmap::domain::access::{Caller, Role};
use orgmap::domain::scope::Scope;
use orgmap::domain::token;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use super::{TestApp, credit_code, post_query, send};

pub const UPSERT_REGION: &str =
    "mutation($input: RegionInput!) { upsertRegion(input: $input) { code } }";
pub const UPSERT_DEPARTMENT: &str =
    "mutation($input: DepartmentInput!) { upsertDepartment(input: $input) { code } }";
pub const UPSERT_RULE: &str = "mutation($input: RuleInput!) { upsertRule(input: $input) { id } }";
pub const DELETE_RULE: &str = "mutation($category: String!, $scope: String) { deleteRule(categoryCode: $category, scopeRegionCode: $scope) }";
pub const UPSERT_ORGANIZATION: &str =
    "mutation($input: OrganizationInput!) { upsertOrganization(input: $input) { creditCode } }";
pub const DELETE_ORGANIZATION: &str =
    "mutation($code: String!) { deleteOrganization(creditCode: $code) }";
pub const UPSERT_CATEGORY: &str =
    "mutation($input: CategoryInput!) { upsertCategory(input: $input) { code } }";
pub const UPSERT_KIND: &str =
    "mutation($input: DepartmentKindInput!) { upsertDepartmentKind(input: $input) { code } }";

pub const CREATE_TOKEN: &str = "mutation($role: TokenRole!, $region: String, $name: String) {
    createApiToken(role: $role, regionCode: $region, name: $name) {
        secret token { name role regionCode revokedAt }
    }
}";
pub const REVOKE_TOKEN: &str = "mutation($name: String!) { revokeApiToken(name: $name) }";
pub const API_TOKENS: &str = "{ apiTokens { name role regionCode revokedAt } }";
pub const CHANGES: &str = "query($entity: ChangeEntity, $since: DateTime) {
    changes(entity: $entity, since: $since, first: 1000) {
        totalCount
        edges { node { at actor entity key action before after } }
    }
}";

/// An organization located inside 福州 (鼓楼区).
pub fn inside(n: u32) -> String {
    credit_code("52", "350102", n)
}

/// An organization located outside 福州 (思明区, 厦门).
pub fn outside(n: u32) -> String {
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
pub async fn two_cities(app: &TestApp) {
    super::small_province(app).await;
    super::department(app, "FJ-EDU", "EDUCATION", "350000").await;
    super::department(app, "GL-EDU", "EDUCATION", "350102").await;
    super::department(app, "XM-EDU", "EDUCATION", "350200").await;
    super::department(app, "FJ-HEALTH", "HEALTH", "350000").await;
    for (code, category, region) in [
        (inside(1), "PRIVATE_SCHOOL", "350102001"),
        (inside(2), "PRIVATE_SCHOOL", "350102002"),
        (inside(3), "FOUNDATION", "350102001"),
        (outside(1), "PRIVATE_SCHOOL", "350203"),
        (outside(2), "FOUNDATION", "350203"),
    ] {
        super::organization(app, &code, &format!("组织 {code}"), category, region).await;
    }
    app.data(
        UPSERT_RULE,
        json!({ "input": { "categoryCode": "SOCIAL_GROUP", "departmentKindCode": "EDUCATION", "scopeRegionCode": "350200" } }),
    )
    .await;
}

/// The id of a region, for building a region-bound caller by hand.
pub async fn region_id(app: &TestApp, code: &str) -> i32 {
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

pub fn caller(name: &str, role: Role, scope: Scope) -> Caller {
    Caller {
        name: name.to_owned(),
        role,
        scope,
    }
}

/// A token made by the local admin: its secret.
pub async fn new_token(app: &TestApp, role: Role, region: Option<&str>, name: &str) -> String {
    token::create(&app.db, &Caller::local(), role, region, Some(name))
        .await
        .expect("the token is created")
        .secret
}

/// Row counts of every table a write may touch, the audit trail and the
/// tokens included.
pub async fn all_counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut counts = app.counts().await;
    for table in ["change", "api_token"] {
        counts.push((table, app.count(table).await));
    }
    counts
}

/// How a test reaches the schema: directly as a caller, or over HTTP with
/// a real token.
#[derive(Clone, Copy)]
pub enum Via<'a> {
    Direct(&'a Caller),
    Http(&'a str),
}

impl Via<'_> {
    pub fn name(self) -> &'static str {
        match self {
            Via::Direct(_) => "direct",
            Via::Http(_) => "http",
        }
    }

    pub async fn run(self, app: &TestApp, query: &str, variables: Value) -> Value {
        match self {
            Via::Direct(caller) => app.execute_as(caller, query, variables).await,
            Via::Http(secret) => {
                let reply = send(app.router(), post_query(Some(secret), query, variables)).await;
                assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
                reply.json()
            }
        }
    }

    /// The data of a request that must succeed.
    pub async fn data(self, app: &TestApp, case: &str, query: &str, variables: Value) -> Value {
        let response = self.run(app, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "{} {case}: unexpected errors: {response}",
            self.name()
        );
        response["data"].clone()
    }

    /// A request that must be FORBIDDEN and write nothing at all.
    pub async fn forbidden(self, app: &TestApp, case: &str, query: &str, variables: Value) {
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
pub async fn located(app: &TestApp, code: &str) -> Option<String> {
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
