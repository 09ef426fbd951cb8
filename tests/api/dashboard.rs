//! The embedded dashboard: the page, its assets with their content types and
//! cache headers, and 404 for what was not built.

use axum::http::{HeaderMap, StatusCode, header};

use crate::helpers::{TestApp, get};

fn content_type(headers: &HeaderMap) -> &str {
    headers[header::CONTENT_TYPE].to_str().unwrap()
}

/// The paths of the assets index.html loads (`src="/dashboard/…"`, `href="/dashboard/…"`).
fn referenced_assets(html: &str) -> Vec<String> {
    html.split(['"', '\''])
        .filter(|part| part.starts_with("/dashboard/assets/"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn the_dashboard_page_is_served_at_dashboard_with_and_without_slash() {
    let app = TestApp::spawn().await;

    for uri in ["/dashboard", "/dashboard/"] {
        let (status, headers, body) = get(app.router(), uri).await.into_parts();

        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(content_type(&headers).starts_with("text/html"), "{uri}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache", "{uri}");
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("<div id=\"app\">"), "{uri}: the page");
        assert!(html.contains("lang=\"zh-CN\""), "{uri}: Chinese first");
    }
}

#[tokio::test]
async fn the_assets_index_html_references_are_served_with_their_content_types() {
    let app = TestApp::spawn().await;
    let (_, _, body) = get(app.router(), "/dashboard/").await.into_parts();
    let assets = referenced_assets(&String::from_utf8(body).unwrap());
    assert!(
        assets.iter().any(|a| a.ends_with(".js")),
        "a script: {assets:?}"
    );
    assert!(
        assets.iter().any(|a| a.ends_with(".css")),
        "a style sheet: {assets:?}"
    );

    for asset in &assets {
        let (status, headers, body) = get(app.router(), asset).await.into_parts();

        assert_eq!(status, StatusCode::OK, "{asset}");
        assert!(!body.is_empty(), "{asset}");
        let expected = if asset.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(
            content_type(&headers).starts_with(expected),
            "{asset}: {}",
            content_type(&headers)
        );
        assert!(
            headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable"),
            "{asset}: hashed names are cached for long"
        );
    }
}

#[tokio::test]
async fn an_unknown_dashboard_path_is_404() {
    let app = TestApp::spawn().await;

    for uri in [
        "/dashboard/assets/nothing-here.js",
        "/dashboard/missing.html",
        "/dashboard/../Cargo.toml",
    ] {
        let (status, _, _) = get(app.router(), uri).await.into_parts();

        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
}
