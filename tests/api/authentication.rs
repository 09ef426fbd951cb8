//! HTTP authentication: who may come in without a token, bearer tokens and
//! their 401s, and how a token is stored and named.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use orgmap::domain::access::{Caller, Role};
use orgmap::domain::token;
use orgmap::http::{Access, HttpOptions};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::access::{CREATE_TOKEN, new_token};
use crate::helpers::{self, JSON_TYPE, Reply, TestApp, post, post_query, send};

const ME: &str = "{ me { name role regionCode } }";

#[tokio::test]
async fn open_until_tokens_lets_a_request_without_token_in_as_local_while_there_is_none() {
    let app = TestApp::spawn().await;

    let reply = send(app.router(), post_query(None, ME, json!({}))).await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
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
        reply.text()
    );
    assert_eq!(
        reply.json()["errors"][0]["extensions"]["code"],
        "UNAUTHENTICATED",
        "{case}"
    );
    assert!(
        reply.json().get("data").is_none(),
        "{case}: {}",
        reply.text()
    );
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
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
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
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
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

#[tokio::test]
async fn a_default_token_name_never_collides_with_an_existing_one() {
    let app = TestApp::spawn().await;
    new_token(&app, Role::Viewer, None, "viewer-2").await;

    let created = token::create(&app.db, &Caller::local(), Role::Viewer, None, None).await;

    let name = created.expect("a fresh default name").info.name;
    assert_ne!(name, "viewer-2");
}

#[tokio::test]
async fn what_a_credential_stood_for_holds_a_second_unless_a_token_changes_in_this_process() {
    let app = TestApp::spawn().await;
    let router = app.router();
    let me = |secret: Option<&str>| post_query(secret, ME, json!({}));
    assert_eq!(send(router.clone(), me(None)).await.status, StatusCode::OK);

    // A token written by another process (the CLI, another replica): this
    // server learns of it within a second.
    let outside = "orgmap_written-by-another-process";
    let insert = app.db.get_database_backend().build(
        sea_orm::sea_query::Query::insert()
            .into_table(entity::api_token::Entity)
            .columns([
                entity::api_token::Column::Name,
                entity::api_token::Column::Role,
                entity::api_token::Column::SecretHash,
                entity::api_token::Column::CreatedAt,
            ])
            .values_panic([
                "outside".into(),
                "VIEWER".into(),
                token::hash(outside).into(),
                chrono::Utc::now().into(),
            ]),
    );
    let generation = token::generation();
    app.db.execute_raw(insert).await.unwrap();
    let at_once = send(router.clone(), me(None)).await;
    // Other tests of this binary create tokens in this process too, which
    // ends what every server remembers.
    if token::generation() == generation {
        assert_eq!(at_once.status, StatusCode::OK, "remembered as open");
    }
    tokio::time::sleep(orgmap::http::credentials::FRESH + std::time::Duration::from_millis(100))
        .await;
    assert_unauthenticated("a second later", &send(router.clone(), me(None)).await);
    let reply = send(router.clone(), me(Some(outside))).await;
    assert_eq!(reply.json()["data"]["me"]["name"], "outside");

    // One revoked through this process is refused at once, though it was
    // let in a moment ago.
    token::revoke(&app.db, &Caller::local(), "outside")
        .await
        .unwrap();
    assert_unauthenticated(
        "revoked here",
        &send(router.clone(), me(Some(outside))).await,
    );
}
