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

#[tokio::test]
async fn every_reference_category_carries_its_description() {
    let app = TestApp::spawn().await;

    for (code, ..) in orgmap::domain::reference::CATEGORIES {
        let data = app
            .data(
                "query($code: String!) { category(code: $code) { name description } }",
                json!({ "code": code }),
            )
            .await;

        let description = data["category"]["description"].as_str().unwrap_or("");
        assert!(
            description.chars().count() >= 5 && description.ends_with('。'),
            "{code}: {description:?}"
        );
        let name = data["category"]["name"].as_str().unwrap();
        assert!(
            !name.contains(['(', ')', '@', '/']),
            "{code}: {name} has ASCII brackets or slashes"
        );
    }
    let data = app
        .data(
            "{ departmentKind(code: \"TOWNSHIP\") { name } category(code: \"PRIVATE_NON_ENTERPRISE\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(data["departmentKind"]["name"], "乡镇（街道）党委");
    assert_eq!(data["category"]["name"], "民办非企业单位（社会服务机构）");
}

/// A database loaded before descriptions existed, as the migration's own
/// `down` leaves it: descriptions NULL, the old names. Going up fills and
/// renames what is still the old default and leaves users' edits alone.
#[tokio::test]
async fn the_data_migration_fills_descriptions_and_renames_only_old_defaults() {
    use migration::{Migrator, MigratorTrait};
    use sea_orm::ConnectionTrait;

    let app = TestApp::spawn().await;
    // Down to just before the data migration, whatever came after it.
    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().contains("fill_category_reference_text"))
        .expect("the data migration is registered") as u32
        + 1;
    Migrator::down(&app.db, Some(steps))
        .await
        .expect("the data migration goes down");
    let old = app
        .data(
            "{ departmentKind(code: \"TOWNSHIP\") { name }
               npe: category(code: \"PRIVATE_NON_ENTERPRISE\") { name description }
               school: category(code: \"PRIVATE_SCHOOL\") { description parent { rules { basis } } } }",
            json!({}),
        )
        .await;
    assert_eq!(old["departmentKind"]["name"], "乡镇党委 / 街道党工委");
    assert_eq!(old["npe"]["name"], "民办非企业单位 (社会服务机构)");
    assert!(old["npe"]["description"].is_null());
    assert!(old["school"]["description"].is_null());
    assert_eq!(
        old["school"]["parent"]["rules"][0]["basis"],
        "省委主题教育领导小组分工 (2019)"
    );
    // A user's own description and name, which the migration must keep.
    for sql in [
        "UPDATE category SET description = '本地口径' WHERE code = 'FOUNDATION'",
        "UPDATE category SET name = '社会服务机构' WHERE code = 'PRIVATE_NON_ENTERPRISE'",
    ] {
        app.db.execute_unprepared(sql).await.unwrap();
    }

    Migrator::up(&app.db, None)
        .await
        .expect("the data migration goes up");

    let data = app
        .data(
            "{ categories { code } departmentKind(code: \"TOWNSHIP\") { name }
               npe: category(code: \"PRIVATE_NON_ENTERPRISE\") { name description }
               foundation: category(code: \"FOUNDATION\") { description }
               school: category(code: \"PRIVATE_SCHOOL\") { description parent { rules { basis } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["departmentKind"]["name"], "乡镇（街道）党委");
    assert_eq!(data["npe"]["name"], "社会服务机构", "a user's name stays");
    assert_eq!(
        data["npe"]["description"],
        orgmap::domain::reference::description("PRIVATE_NON_ENTERPRISE").unwrap()
    );
    assert_eq!(data["foundation"]["description"], "本地口径");
    assert_eq!(
        data["school"]["description"],
        orgmap::domain::reference::description("PRIVATE_SCHOOL").unwrap()
    );
    assert_eq!(
        data["school"]["parent"]["rules"][0]["basis"],
        orgmap::domain::reference::PROVINCE_BASIS
    );
}
