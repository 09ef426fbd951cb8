//! The reference data of the seed: loaded once, never duplicated, never
//! undoing users' edits.

use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn reference_data_has_the_seeds_kinds_categories_and_rules() {
    let app = TestApp::spawn().await;

    let data = app
        .data(
            "{ departmentKinds { code role } categories { code children { code children { code } } }
               category(code: \"PRIVATE_SCHOOL\") { parent { code rules { departmentKind { code } scope { code } basis } } } }",
            json!({}),
        )
        .await;

    let kinds: Vec<(&str, &str)> = data["departmentKinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["code"].as_str().unwrap(), k["role"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds.len(), 10);
    assert!(kinds.contains(&("ORGANIZATION", "COORDINATOR")));
    assert!(kinds.contains(&("TOWNSHIP", "FALLBACK")));
    assert!(kinds.contains(&("MARKET_REGULATION", "SUPERVISOR")));
    let roots = data["categories"].as_array().unwrap();
    assert_eq!(roots.len(), 1, "TWO_NEW is the only root");
    assert_eq!(roots[0]["code"], "TWO_NEW");
    let total: usize = 1 + roots[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| 1 + c["children"].as_array().unwrap().len())
        .sum::<usize>();
    // Third-level categories are counted through their own parents below.
    assert!(total >= 14, "the first three levels hold {total}");
    assert_eq!(app.count("category").await, 26);
    assert_eq!(app.count("responsibility_rule").await, 11);
    let rule = &data["category"]["parent"]["rules"][0];
    assert_eq!(rule["departmentKind"]["code"], "EDUCATION");
    assert!(rule["scope"].is_null());
    assert_eq!(rule["basis"], orgmap::domain::reference::PROVINCE_BASIS);
}

#[tokio::test]
async fn restarting_on_the_same_file_neither_duplicates_nor_undoes_edits() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("orgmap.db").display()
    );
    {
        let app = TestApp::spawn_at(&url).await;
        app.data(
            "mutation { upsertDepartmentKind(input: {code: \"EDUCATION\", name: \"教育行政部门\", role: SUPERVISOR}) { code } }",
            json!({}),
        )
        .await;
        app.data(
            "mutation { deleteRule(categoryCode: \"FOUNDATION\") }",
            json!({}),
        )
        .await;
        app.db.clone().close().await.unwrap();
    }

    let app = TestApp::spawn_at(&url).await;

    assert_eq!(app.count("department_kind").await, 10);
    assert_eq!(app.count("category").await, 26);
    assert_eq!(
        app.count("responsibility_rule").await,
        10,
        "the deleted rule stays deleted"
    );
    let data = app
        .data(
            "{ departmentKind(code: \"EDUCATION\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(data["departmentKind"]["name"], "教育行政部门");
}
