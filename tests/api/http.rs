//! HTTP wiring: POST and GET /graphql, GraphiQL, /healthz, and the one
//! refusal every route gives a caller it does not know.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::TestApp;

async fn send(
    app: &TestApp,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn post_graphql_answers_a_query() {
    let app = TestApp::spawn().await;
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({ "query": "{ departmentKind(code: \"HEALTH\") { name } }" }).to_string(),
        ))
        .unwrap();

    let (status, _, body) = send(&app, request).await;

    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["data"]["departmentKind"]["name"], "卫生健康部门");
}

#[tokio::test]
async fn get_graphql_answers_a_query() {
    let app = TestApp::spawn().await;
    let request =
        Request::get("/graphql?query=%7BdepartmentKind(code%3A%22HEALTH%22)%7Bcode%7D%7D")
            .body(Body::empty())
            .unwrap();

    let (status, _, body) = send(&app, request).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["data"]["departmentKind"]["code"], "HEALTH");
}

#[tokio::test]
async fn graphiql_is_served_at_the_root() {
    let app = TestApp::spawn().await;

    let (status, headers, body) = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;

    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(body.contains("graphiql"), "GraphiQL page");
    assert!(body.contains("/graphql"), "points at the endpoint");
    assert!(body.contains("href=\"/dashboard/\""), "links the dashboard");
}

#[tokio::test]
async fn without_graphiql_the_root_leads_to_the_dashboard() {
    let app = TestApp::spawn().await;
    let router = orgmap::http::router_with(
        app.schema.clone(),
        app.db.clone(),
        orgmap::http::HttpOptions {
            graphiql: false,
            ..Default::default()
        },
    );

    let response =
        tower::ServiceExt::oneshot(router, Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();

    assert_eq!(response.status(), StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(response.headers()[header::LOCATION], "/dashboard/");
}

#[tokio::test]
async fn healthz_is_ok_while_the_database_answers_and_503_when_it_does_not() {
    let app = TestApp::spawn().await;

    let (status, _, _) = send(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);

    app.db.clone().close().await.unwrap();
    let (status, _, body) = send(&app, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
}

#[tokio::test]
async fn response_fields_come_in_the_order_the_query_selected_them() {
    let app = TestApp::spawn().await;
    let query = "{ z: departmentKinds { role name departments { code } code } \
                 organizations(first: 1) { totalCount pageInfo { hasNextPage } edges { cursor } } \
                 a: departmentKind(code: \"HEALTH\") { code } }";
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "query": query }).to_string()))
        .unwrap();

    let (_, _, body) = send(&app, request).await;

    let position = |needle: &str| {
        body.find(needle)
            .unwrap_or_else(|| panic!("{needle} in {body}"))
    };
    let in_order = |needles: &[&str]| {
        needles
            .windows(2)
            .all(|pair| position(pair[0]) < position(pair[1]))
    };
    assert!(in_order(&["\"z\"", "\"organizations\"", "\"a\""]), "{body}");
    assert!(
        in_order(&["\"role\"", "\"name\"", "\"departments\"", "\"code\""]),
        "{body}"
    );
    assert!(
        in_order(&["\"totalCount\"", "\"pageInfo\"", "\"edges\""]),
        "{body}"
    );
}

#[tokio::test]
async fn every_route_refuses_an_unknown_caller_with_the_same_401_and_challenge() {
    let app = TestApp::spawn().await;
    let router = orgmap::http::router_with(
        app.schema.clone(),
        app.db.clone(),
        orgmap::http::HttpOptions {
            access: orgmap::http::Access::TokensRequired,
            ..Default::default()
        },
    );
    let query = json!({ "query": "{ __typename }" }).to_string();
    let requests = [
        (
            "POST /graphql",
            Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(query))
                .unwrap(),
        ),
        (
            "GET /graphql",
            Request::get("/graphql?query=%7B__typename%7D")
                .body(Body::empty())
                .unwrap(),
        ),
        (
            "an export",
            Request::get("/export/regions.csv")
                .body(Body::empty())
                .unwrap(),
        ),
        (
            "the report",
            Request::get("/reports/coverage.xlsx")
                .body(Body::empty())
                .unwrap(),
        ),
        (
            "a WebSocket upgrade with credentials of another scheme",
            Request::get("/graphql")
                .header(header::UPGRADE, "websocket")
                .header(header::CONNECTION, "upgrade")
                .header(header::AUTHORIZATION, "Basic eDp5")
                .body(Body::empty())
                .unwrap(),
        ),
    ];

    for (case, request) in requests {
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let challenge = response.headers().get(header::WWW_AUTHENTICATE).cloned();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let body: Value = serde_json::from_slice(&body).unwrap();

        assert_eq!(status, StatusCode::UNAUTHORIZED, "{case}: {body}");
        assert_eq!(
            challenge.as_ref().map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "{case}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{case}"
        );
    }
}
