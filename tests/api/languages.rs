//! Chinese first, English on request: the language of every text a person
//! reads follows `Accept-Language` (the first supported tag wins) and is
//! Chinese without it.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use orgmap::i18n::Lang;
use serde_json::{Value, json};

use crate::helpers::{self, JSON_TYPE, TestApp, post, send, urlencode};

type Headers<'a> = &'a [(&'a str, &'a str)];

const NEGATIVE_PAGE: &str = "{ regions(first: -1) { totalCount } }";

/// The body of a query sent over HTTP with `headers`.
async fn over_http(app: &TestApp, headers: Headers<'_>, query: &str, variables: Value) -> Value {
    let mut all = vec![JSON_TYPE];
    all.extend_from_slice(headers);
    let body = json!({ "query": query, "variables": variables }).to_string();
    send(app.router(), post(&all, body)).await.json()
}

/// The first error message of a query sent over HTTP with `headers`.
async fn message_over_http(app: &TestApp, headers: Headers<'_>, query: &str) -> String {
    let body = over_http(app, headers, query, json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    body["errors"][0]["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_error_is_chinese_without_accept_language_and_english_on_request() {
    let app = TestApp::spawn().await;

    let cases: [(&str, Headers, &str); 5] = [
        ("no header", &[], "first：不能为负数"),
        (
            "zh-CN",
            &[("accept-language", "zh-CN")],
            "first：不能为负数",
        ),
        (
            "en",
            &[("accept-language", "en")],
            "first: must not be negative",
        ),
        (
            "first supported tag",
            &[("accept-language", "fr, en;q=0.8")],
            "first: must not be negative",
        ),
        (
            "weights",
            &[("accept-language", "en;q=0.3, zh-Hans;q=0.9")],
            "first：不能为负数",
        ),
    ];
    for (case, headers, want) in cases {
        let message = message_over_http(&app, headers, NEGATIVE_PAGE).await;
        assert_eq!(message, want, "{case}");
    }
}

#[tokio::test]
async fn the_request_data_chooses_the_language_of_a_resolver_error() {
    let app = TestApp::spawn().await;

    let zh = app.execute_in(Lang::Zh, NEGATIVE_PAGE, json!({})).await;
    let en = app.execute_in(Lang::En, NEGATIVE_PAGE, json!({})).await;

    assert_eq!(zh["errors"][0]["message"], "first：不能为负数", "{zh}");
    assert_eq!(en["errors"][0]["message"], "first: must not be negative");
    assert_eq!(zh["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
}

/// A GET of `uri` with these headers.
fn get_with(headers: &[(&str, &str)], uri: &str) -> Request<Body> {
    let mut builder = Request::get(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::empty()).unwrap()
}

#[tokio::test]
async fn refusals_before_execution_follow_accept_language() {
    let app = TestApp::spawn().await;
    // A mutation over GET is refused by the HTTP layer, before any resolver.
    let uri = format!("/graphql?query={}", urlencode("mutation { __typename }"));

    for (headers, want) in [
        (&[][..], "变更操作只能通过 POST 提交"),
        (
            &[("accept-language", "en-US")][..],
            "mutations are only accepted over POST",
        ),
    ] {
        let reply = send(app.router(), get_with(headers, &uri)).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(reply.json()["errors"][0]["message"], want, "{headers:?}");
    }
}

#[tokio::test]
async fn an_extractor_refusal_is_localized_too() {
    let app = TestApp::spawn().await;

    for (headers, want) in [
        (
            &[("authorization", "Basic x")][..],
            "Authorization 请求头应为“Bearer <令牌>”",
        ),
        (
            &[("authorization", "Basic x"), ("accept-language", "en")][..],
            "the Authorization header must be 'Bearer <token>'",
        ),
    ] {
        let reply = send(app.router(), get_with(headers, "/export/regions.csv")).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.json()["errors"][0]["message"], want, "{headers:?}");
    }
}

/// A township with a fallback, a rule naming a kind with no department,
/// and two private schools: one falls to the fallback, one (at a county)
/// to nobody.
async fn two_schools(app: &TestApp) -> (String, String) {
    helpers::small_province(app).await;
    helpers::department(app, "DJ-TS", "TOWNSHIP", "350102001").await;
    app.data(
        "mutation($input: RuleInput!) { upsertRule(input: $input) { basis } }",
        json!({ "input": { "categoryCode": "PRIVATE_SCHOOL", "departmentKindCode": "JUSTICE", "basis": "测试" } }),
    )
    .await;
    let (town, county) = (
        helpers::credit_code("52", "350102", 1),
        helpers::credit_code("52", "350102", 2),
    );
    helpers::organization(app, &town, "东街学校", "PRIVATE_SCHOOL", "350102001").await;
    helpers::organization(app, &county, "鼓楼学校", "PRIVATE_SCHOOL", "350102").await;
    (town, county)
}

const EXPLANATION: &str =
    "query($code: String!) { organization(creditCode: $code) { responsibility { explanation } } }";
const GAPS: &str = "{ coverageGaps(kinds: [UNASSIGNED], first: 5) { edges { node { detail } } } }";

/// The data of a query sent over HTTP with `headers`.
async fn data_over_http(
    app: &TestApp,
    headers: Headers<'_>,
    query: &str,
    variables: Value,
) -> Value {
    let body = over_http(app, headers, query, variables).await;
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

#[tokio::test]
async fn an_explanation_is_chinese_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let (town, _) = two_schools(&app).await;
    let variables = json!({ "code": town });

    let zh = data_over_http(&app, &[], EXPLANATION, variables.clone()).await;
    let en = data_over_http(
        &app,
        &[("accept-language", "fr, en;q=0.8")],
        EXPLANATION,
        variables,
    )
    .await;

    assert_eq!(
        zh["organization"]["responsibility"]["explanation"],
        json!([
            "一、党组织关系隶属：未登记。",
            "二、业务主管单位：未登记。",
            "三、主管规则：民办学校（PRIVATE_SCHOOL）的主管规则全域适用，是东街街道（350102001）适用的最具体规则，规定由司法部门（JUSTICE）主管。",
            "　　所在行政区划东街街道（350102001）及以上各级均未设司法部门，属缺失部门，该规则不能确定责任部门。",
            "四、乡镇（街道）兜底：由东街街道（350102001）的350102001 TOWNSHIP（DJ-TS）兜底。",
            "结论：由350102001 TOWNSHIP（DJ-TS）负责（依据：乡镇（街道）兜底）。"
        ])
    );
    assert_eq!(
        en["organization"]["responsibility"]["explanation"][5],
        "Result: 350102001 TOWNSHIP (DJ-TS) is responsible (basis FALLBACK)."
    );
}

#[tokio::test]
async fn a_gap_detail_is_chinese_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let (_, county) = two_schools(&app).await;

    let zh = data_over_http(&app, &[], GAPS, json!({})).await;
    let en = data_over_http(&app, &[("accept-language", "en-GB")], GAPS, json!({})).await;

    assert_eq!(
        zh["coverageGaps"]["edges"][0]["node"]["detail"],
        format!(
            "位于鼓楼区的鼓楼学校（{county}）无责任部门：未登记党组织关系隶属和业务主管单位，无主管规则确定的部门，也无乡镇（街道）兜底，属盲区。"
        )
    );
    assert_eq!(
        en["coverageGaps"]["edges"][0]["node"]["detail"],
        format!(
            "鼓楼学校 ({county}) in 鼓楼区: nobody is responsible — no party affiliation, supervising unit, rule department or township fallback (盲区)."
        )
    );
}
