//! Refused request shapes: mutations over GET, requests a browser could send
//! without preflight, bodies, documents and batches over the limits,
//! unacceptable answers and malformed bodies; none of them writes anything.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use orgmap::http::HttpOptions;
use serde_json::{Value, json};

use crate::helpers::{JSON_TYPE, TestApp, post, send, urlencode};

/// A write that adds one department kind when it runs.
fn kind_write(code: &str) -> String {
    format!(
        "mutation {{ upsertDepartmentKind(input: {{code: \"{code}\", name: \"新部门\", role: SUPERVISOR}}) {{ code }} }}"
    )
}

#[tokio::test]
async fn a_mutation_over_get_is_405_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let kinds = app.count("department_kind").await;

    for uri in [
        format!("/graphql?query={}", urlencode(&kind_write("OVER_GET"))),
        // A write without spaces, as a hand-typed URL carries it.
        format!(
            "/graphql?query={}",
            urlencode(
                "mutation{upsertDepartmentKind(input:{code:\"X\",name:\"x\",role:SUPERVISOR}){code}}"
            )
        ),
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
            reply.text()
        );
        assert_eq!(reply.headers[header::ALLOW], "POST");
    }
    assert_eq!(app.count("department_kind").await, kinds);
    assert_eq!(app.count("department_kind").await, 10);
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
            reply.text()
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
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert!(reply.json().get("errors").is_none(), "{}", reply.text());
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
        reply.text()
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
        reply.text()
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
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
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
                // In English: the words of async-graphql's own refusals
                // (directives) are English in every language.
                post(
                    &[JSON_TYPE, ("accept", accept), ("accept-language", "en")],
                    json!({ "query": query }).to_string(),
                ),
            )
            .await;
            assert_eq!(
                reply.status,
                status,
                "{case} under {accept}: {}",
                reply.text()
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

    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert_eq!(
        reply.json()["errors"][0]["extensions"]["code"],
        "BAD_REQUEST"
    );
    assert_eq!(app.count("department_kind").await, kinds);
    let reply = send(app.router(), post(&[JSON_TYPE], batch(10))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
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
            reply.text()
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
            reply.text()
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

    // The helper asks for English; over HTTP without Accept-Language the
    // summary is Chinese.
    for (response, summary) in [
        (direct, "30 more errors not shown"),
        (reply.json(), "另有 30 个错误未列出"),
    ] {
        let errors = response["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 21, "{response}");
        assert!(errors[0]["message"].as_str().unwrap().contains("a1"));
        let last = errors[20]["message"].as_str().unwrap();
        assert_eq!(last, summary);
        assert!(
            errors
                .iter()
                .all(|e| e["extensions"]["code"] == "BAD_USER_INPUT"),
            "{response}"
        );
    }
}
