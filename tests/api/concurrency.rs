//! Several writers at once, as several replicas on one database would be:
//! nothing lost, nothing duplicated, no error but a clean CONFLICT.

use futures::future::join_all;
use orgmap::domain::access::Caller;
use orgmap::domain::organization::{self, OrganizationInput};
use orgmap::domain::values::Patch;
use sea_orm::DatabaseConnection;

use crate::helpers::{TestApp, credit_code, small_province};

/// A second connection pool on the app's database, as another replica would open.
async fn second_replica(app: &TestApp) -> DatabaseConnection {
    orgmap::domain::store::db::connect(&app.url)
        .await
        .expect("a second pool opens")
}

fn input(code: &str, name: &str) -> OrganizationInput {
    OrganizationInput {
        credit_code: code.to_owned(),
        name: name.to_owned(),
        category_code: "SOCIAL_GROUP".to_owned(),
        region_code: "350102001".to_owned(),
        administering_region_code: Patch::Keep,
        supervising_department_code: Patch::Keep,
        party_affiliation_code: Patch::Keep,
        party_organization: None,
        work_covered: None,
        party_member_count: Some(1),
        model: None,
    }
}

#[tokio::test]
async fn concurrent_upserts_of_one_key_from_two_replicas_leave_one_row() {
    let app = TestApp::spawn_shared().await;
    small_province(&app).await;
    let other = second_replica(&app).await;
    let code = credit_code("51", "350102", 1);

    let writes = (0..16).map(|i| {
        let db = if i % 2 == 0 {
            app.db.clone()
        } else {
            other.clone()
        };
        let input = input(&code, &format!("协会 {i}"));
        async move { organization::upsert(&db, &Caller::local(), input).await }
    });
    let results = join_all(writes).await;

    // An upsert of an existing key is no conflict: the writer that loses
    // the race to insert retries and updates the row the winner inserted.
    for (i, result) in results.iter().enumerate() {
        assert!(result.is_ok(), "write {i}: {:?}", result.as_ref().err());
    }
    assert_eq!(app.count("organization").await, 1, "one row for one key");
}

#[tokio::test]
async fn concurrent_upserts_of_many_keys_from_two_replicas_lose_nothing() {
    let app = TestApp::spawn_shared().await;
    small_province(&app).await;
    let other = second_replica(&app).await;

    let writes = (0..40u32).map(|i| {
        let db = if i % 2 == 0 {
            app.db.clone()
        } else {
            other.clone()
        };
        let input = input(&credit_code("51", "350102", 100 + i), &format!("协会 {i}"));
        async move { organization::upsert(&db, &Caller::local(), input).await }
    });
    let results = join_all(writes).await;

    for (i, result) in results.iter().enumerate() {
        assert!(result.is_ok(), "write {i}: {:?}", result.as_ref().err());
    }
    assert_eq!(app.count("organization").await, 40);
    let resolved = app
        .data(
            "{ organizations(filter: {basis: RULE}) { totalCount } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        resolved["organizations"]["totalCount"], 0,
        "no CIVIL_AFFAIRS department exists, so none is decided by rule"
    );
}

#[tokio::test]
async fn a_rule_change_and_organization_writes_at_once_leave_every_answer_current() {
    let app = TestApp::spawn_shared().await;
    small_province(&app).await;
    crate::helpers::department(&app, "FZ-CA", "CIVIL_AFFAIRS", "350100").await;
    crate::helpers::department(&app, "FZ-ED", "EDUCATION", "350100").await;
    let other = second_replica(&app).await;

    let orgs = (0..20u32).map(|i| {
        let db = if i % 2 == 0 {
            app.db.clone()
        } else {
            other.clone()
        };
        let input = input(&credit_code("51", "350102", 500 + i), &format!("协会 {i}"));
        async move {
            organization::upsert(&db, &Caller::local(), input)
                .await
                .map(|_| ())
        }
    });
    let rule = {
        let db = other.clone();
        async move {
            orgmap::domain::rule::upsert(
                &db,
                &Caller::local(),
                orgmap::domain::rule::RuleInput {
                    category_code: "SOCIAL_GROUP".to_owned(),
                    department_kind_code: "EDUCATION".to_owned(),
                    scope_region_code: Some("350100".to_owned()),
                    basis: Patch::Keep,
                },
            )
            .await
            .map(|_| ())
        }
    };
    let mut all: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send>>> =
        orgs.map(|f| Box::pin(f) as _).collect();
    all.insert(10, Box::pin(rule));
    let results = join_all(all).await;

    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    let data = app
        .data(
            "{ organizations(filter: {departmentCode: \"FZ-ED\"}) { totalCount } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(
        data["organizations"]["totalCount"], 20,
        "every organization written around the rule change resolves under the new rule"
    );
}
