//! The demo generator: deterministic, and every code it makes is valid.

use orgmap::demo;
use orgmap::domain::values::{CreditCode, RegionCode, RegionLevel};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Statement};

use crate::helpers::TestApp;

/// Every organization as one line, in id order, with the codes it references.
async fn fingerprint(app: &TestApp) -> Vec<String> {
    let backend = app.db.get_database_backend();
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT o.credit_code, o.name, c.code AS category, r.code AS region, \
                    COALESCE(a.code, '') AS admin, COALESCE(s.code, '') AS supervising, \
                    COALESCE(p.code, '') AS affiliation, o.party_organization, \
                    o.work_covered, o.party_member_count, o.is_model \
             FROM organization o JOIN category c ON c.id = o.category_id \
             JOIN region r ON r.id = o.region_id \
             LEFT JOIN region a ON a.id = o.administering_region_id \
             LEFT JOIN department s ON s.id = o.supervising_department_id \
             LEFT JOIN department p ON p.id = o.party_affiliation_id \
             ORDER BY o.id"
                .to_owned(),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| {
            let text = |col: &str| row.try_get::<String>("", col).unwrap();
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
                text("credit_code"),
                text("name"),
                text("category"),
                text("region"),
                text("admin"),
                text("supervising"),
                text("affiliation"),
                text("party_organization"),
                row.try_get::<bool>("", "work_covered").unwrap(),
                row.try_get::<i32>("", "party_member_count").unwrap(),
                row.try_get::<bool>("", "is_model").unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_province_and_another_seed_does_not() {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn().await;
    let third = TestApp::spawn().await;

    demo::generate(&first.db, 3_000, 7).await.unwrap();
    demo::generate(&second.db, 3_000, 7).await.unwrap();
    demo::generate(&third.db, 3_000, 8).await.unwrap();

    let a = fingerprint(&first).await;
    assert_eq!(a.len(), 3_000);
    assert_eq!(
        a,
        fingerprint(&second).await,
        "same seed, same organizations"
    );
    assert_ne!(
        a,
        fingerprint(&third).await,
        "another seed, another province"
    );
    for table in ["region", "department", "department_contact"] {
        assert_eq!(
            first.count(table).await,
            second.count(table).await,
            "{table}"
        );
    }
}

#[tokio::test]
async fn every_code_the_demo_makes_is_valid() {
    let app = TestApp::spawn().await;

    let report = demo::generate(&app.db, 5_000, demo::DEFAULT_SEED)
        .await
        .unwrap();

    assert_eq!(report.organizations, 5_000);
    let regions = entity::region::Entity::find()
        .order_by_asc(entity::region::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let by_id: std::collections::HashMap<i32, &entity::region::Model> =
        regions.iter().map(|r| (r.id, r)).collect();
    for region in &regions {
        let level = RegionLevel::from_db(&region.level).unwrap();
        let parent = region.parent_id.map(|p| {
            (
                by_id[&p].code.as_str(),
                RegionLevel::from_db(&by_id[&p].level).unwrap(),
            )
        });
        RegionCode::parse("code", &region.code)
            .and_then(|code| code.check_placement(level, parent))
            .unwrap_or_else(|e| panic!("region {} is not valid: {e}", region.code));
    }
    let organizations = entity::organization::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(organizations.len(), 5_000);
    let mut codes = std::collections::HashSet::new();
    for organization in &organizations {
        let code = CreditCode::parse("creditCode", &organization.credit_code)
            .unwrap_or_else(|e| panic!("{} is not valid: {e}", organization.credit_code));
        assert!(codes.insert(code), "credit codes are unique");
    }
}

#[tokio::test]
async fn the_demo_has_the_gaps_the_service_exists_to_find() {
    let app = TestApp::spawn().await;

    demo::generate(&app.db, 5_000, demo::DEFAULT_SEED)
        .await
        .unwrap();

    let one = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    sql.to_owned(),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    let unruled = one(
        "SELECT COUNT(*) AS n FROM organization o JOIN category c ON c.id = o.category_id \
         WHERE c.code IN ('TWO_NEW', 'NON_PUBLIC_ECONOMIC', 'SOCIAL_ORGANIZATION')",
    )
    .await;
    assert!(
        unruled > 0,
        "organizations under rule-less parent categories"
    );
    let townships_without_fallback = one(
        "SELECT COUNT(*) AS n FROM region r WHERE r.level IN ('TOWNSHIP', 'SUBDISTRICT') \
         AND NOT EXISTS (SELECT 1 FROM department d WHERE d.region_id = r.id)",
    )
    .await;
    assert!(
        townships_without_fallback > 0,
        "townships without a fallback department"
    );
    let undedicated = one(
        "SELECT COUNT(*) AS n FROM department d WHERE d.dedicated_unit IS NULL OR d.method IS NULL \
         OR NOT EXISTS (SELECT 1 FROM department_contact c WHERE c.department_id = d.id)",
    )
    .await;
    assert!(undedicated > 0, "departments lacking a dedication");
    let supervised =
        one("SELECT COUNT(*) AS n FROM organization WHERE supervising_department_id IS NOT NULL")
            .await;
    let affiliated =
        one("SELECT COUNT(*) AS n FROM organization WHERE party_affiliation_id IS NOT NULL").await;
    assert!(
        supervised > 50 && affiliated > 50,
        "{supervised} supervised, {affiliated} affiliated"
    );
    let cities_missing_kinds = one(
        "SELECT COUNT(*) AS n FROM region r WHERE r.level = 'CITY' AND \
         (SELECT COUNT(*) FROM department d WHERE d.region_id = r.id) < 9",
    )
    .await;
    assert!(
        cities_missing_kinds > 0,
        "some city lacks a department kind"
    );
}

#[tokio::test]
async fn the_demo_refuses_a_database_that_has_regions() {
    let app = TestApp::spawn().await;
    demo::generate(&app.db, 10, 1).await.unwrap();

    let err = demo::generate(&app.db, 10, 1).await.unwrap_err();

    assert_eq!(err.code(), "CONFLICT");
    assert_eq!(app.count("organization").await, 10);
}

/// With samples of indexed values (`sqlite_stat4`) SQLite prepares a
/// statement again whenever a bound value changes, so that nothing would be
/// served from the statement cache; the row counts (`sqlite_stat1`) stay.
#[tokio::test]
async fn the_demo_leaves_sqlite_row_counts_but_no_value_samples() {
    let app = TestApp::spawn().await;
    if app.is_postgres() {
        return;
    }
    demo::generate(&app.db, 2_000, 5).await.unwrap();

    let count = |table: &str| {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let db = app.db.clone();
        async move {
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    assert!(
        count("sqlite_stat1").await > 0,
        "the planner knows the sizes"
    );
    assert_eq!(count("sqlite_stat4").await, 0, "no value samples");
}
