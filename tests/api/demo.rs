//! The demo generator: deterministic, and every code it makes is valid.

use orgmap::demo;
use orgmap::domain::values::{CreditCode, RegionCode, RegionLevel};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Statement};

use serde_json::json;

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

    let unruled = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM organization o JOIN category c ON c.id = o.category_id \
         WHERE c.code IN ('TWO_NEW', 'NON_PUBLIC_ECONOMIC', 'SOCIAL_ORGANIZATION')",
    )
    .await;
    assert!(
        unruled > 0,
        "organizations under rule-less parent categories"
    );
    // Every township has its fallback now (issue 15): blind spots come
    // from organizations filed at the county without their township.
    let unassigned = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM responsibility WHERE basis = 'NONE'",
    )
    .await;
    assert!(unassigned > 0, "organizations nobody is responsible for");
    let undedicated = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM department d WHERE d.dedicated_unit IS NULL OR d.method IS NULL \
         OR NOT EXISTS (SELECT 1 FROM department_contact c WHERE c.department_id = d.id)",
    )
    .await;
    assert!(undedicated > 0, "departments lacking a dedication");
    let supervised = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM organization WHERE supervising_department_id IS NOT NULL",
    )
    .await;
    let affiliated = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM organization WHERE party_affiliation_id IS NOT NULL",
    )
    .await;
    assert!(
        supervised > 50 && affiliated > 50,
        "{supervised} supervised, {affiliated} affiliated"
    );
    let cities_missing_kinds = scalar(
        &app,
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

/// One number from a query that selects it as `n`.
async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let db = &app.db;
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

/// (code, name, level, parent code) of every region.
async fn regions(app: &TestApp) -> Vec<(String, String, String, String)> {
    let db = &app.db;
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT r.code, r.name, r.level, COALESCE(p.code, '') AS parent FROM region r \
             LEFT JOIN region p ON p.id = r.parent_id ORDER BY r.id"
                .to_owned(),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|row| {
            let text = |col: &str| row.try_get::<String>("", col).unwrap();
            (text("code"), text("name"), text("level"), text("parent"))
        })
        .collect()
}

#[tokio::test]
async fn the_demo_codes_and_names_regions_as_gb_t_2260_does() {
    let app = TestApp::spawn().await;
    demo::generate(&app.db, 100, demo::DEFAULT_SEED)
        .await
        .unwrap();

    let regions = regions(&app).await;
    let mut siblings = std::collections::HashSet::new();
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for (code, name, level, parent) in &regions {
        assert!(
            siblings.insert((parent.as_str(), name.as_str())),
            "{name} ({code}) has a sibling of the same name"
        );
        let (serial, ranges): (u32, &[(&str, std::ops::RangeInclusive<u32>)]) = match level.as_str()
        {
            "COUNTY" => (
                code[4..].parse().unwrap(),
                &[("区", 1..=20), ("县", 21..=80), ("市", 81..=99)],
            ),
            "TOWNSHIP" | "SUBDISTRICT" => (
                code[6..].parse().unwrap(),
                &[("街道", 1..=99), ("镇", 100..=199), ("乡", 200..=299)],
            ),
            _ => continue,
        };
        let (suffix, range) = ranges
            .iter()
            .find(|(suffix, _)| name.ends_with(suffix))
            .unwrap_or_else(|| panic!("{name} ({code}) has no suffix of its level"));
        assert!(
            range.contains(&serial),
            "{name} ({code}): a {suffix} is coded {range:?}"
        );
        assert_eq!(
            level == "SUBDISTRICT",
            *suffix == "街道",
            "{name} ({code}) is a {level}"
        );
        *seen.entry(suffix).or_default() += 1;
    }
    for suffix in ["区", "县", "市", "街道", "镇", "乡"] {
        assert!(
            seen.get(suffix).copied().unwrap_or(0) > 0,
            "no {suffix}: {seen:?}"
        );
    }
}

#[tokio::test]
async fn the_demo_has_the_departments_that_exist_and_misses_a_few_on_purpose() {
    let app = TestApp::spawn().await;
    demo::generate(&app.db, 5_000, demo::DEFAULT_SEED)
        .await
        .unwrap();

    let townships_without_fallback = scalar(
        &app,
        "SELECT COUNT(*) AS n FROM region r WHERE r.level IN ('TOWNSHIP', 'SUBDISTRICT') \
         AND NOT EXISTS (SELECT 1 FROM department d JOIN department_kind k ON k.id = d.kind_id \
                         WHERE d.region_id = r.id AND k.role = 'FALLBACK')",
    )
    .await;
    assert_eq!(
        townships_without_fallback, 0,
        "every township has its 党委 or 党工委"
    );
    for kind in ["ORGANIZATION", "UNITED_FRONT"] {
        let missing = scalar(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM region r WHERE r.level = 'COUNTY' \
                 AND NOT EXISTS (SELECT 1 FROM department d JOIN department_kind k ON k.id = d.kind_id \
                                 WHERE d.region_id = r.id AND k.code = '{kind}')"
            ),
        )
        .await;
        assert_eq!(missing, 0, "every county has its {kind} department");
    }
    let data = app
        .data(
            "{ coverageGaps(first: 5, kinds: [MISSING_DEPARTMENT]) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        data["coverageGaps"]["totalCount"].as_i64().unwrap() > 0,
        "a missing line bureau shows as a gap: {data}"
    );
    let titles = |condition: &str| {
        format!(
            "SELECT COUNT(*) AS n FROM department_contact c JOIN department d ON d.id = c.department_id \
             JOIN region r ON r.id = d.region_id WHERE {condition}"
        )
    };
    assert_eq!(
        scalar(
            &app,
            &titles("r.level <> 'PROVINCE' AND c.title LIKE '%处%'")
        )
        .await,
        0,
        "处 titles only at the province"
    );
    assert_eq!(
        scalar(
            &app,
            &titles("r.level = 'PROVINCE' AND c.title LIKE '%科长%'")
        )
        .await,
        0,
        "科 titles only below the province"
    );
    assert!(
        scalar(
            &app,
            &titles("r.level = 'PROVINCE' AND c.title LIKE '%处长%'")
        )
        .await
            > 0
    );
}

/// The two-character types of GB 32100-2015 each category admits (issue
/// 15, item 4); a category not listed takes its parent's, and TWO_NEW
/// admits every type.
fn admits(category: &str, code_type: &str) -> bool {
    let types: &[&str] = match category {
        "SOLE_PROPRIETOR" => &["92"],
        "SOCIAL_ORGANIZATION" => &["51", "52", "53"],
        "SOCIAL_GROUP"
        | "ACADEMIC_SOCIETY"
        | "RESEARCH_ASSOCIATION"
        | "HEALTH_ASSOCIATION"
        | "TRADE_ASSOCIATION"
        | "CHAMBER_OF_COMMERCE" => &["51"],
        "PRIVATE_NON_ENTERPRISE" => &["52"],
        "FOUNDATION" | "EDUCATION_FOUNDATION" | "DISEASE_PREVENTION_FOUNDATION" => &["53"],
        "PRIVATE_SCHOOL" | "PRIVATE_HOSPITAL" => &["52", "91"],
        "LAW_FIRM" => &["31", "51"],
        "NOTARY" => &["32"],
        "FORENSIC_APPRAISAL" => &["34"],
        "TWO_NEW" => return true,
        _ => &["91", "93"],
    };
    types.contains(&code_type)
}

#[tokio::test]
async fn the_demo_has_the_mix_and_the_party_figures_of_the_field() {
    let app = TestApp::spawn().await;
    demo::generate(&app.db, 10_000, demo::DEFAULT_SEED)
        .await
        .unwrap();

    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT o.credit_code, c.code AS category, o.party_organization, o.party_member_count, \
                    CASE WHEN o.party_affiliation_id IS NULL THEN 0 ELSE 1 END AS affiliated \
             FROM organization o JOIN category c ON c.id = o.category_id"
                .to_owned(),
        ))
        .await
        .unwrap();
    let social: Vec<&str> = orgmap::domain::reference::CATEGORIES
        .iter()
        .filter(|(code, _, parent, _)| {
            *code == "SOCIAL_ORGANIZATION"
                || matches!(parent, Some(p) if *p == "SOCIAL_ORGANIZATION")
                || orgmap::domain::reference::CATEGORIES
                    .iter()
                    .any(|(c, _, pp, _)| Some(*c) == *parent && *pp == Some("SOCIAL_ORGANIZATION"))
        })
        .map(|(code, ..)| *code)
        .collect();
    let (mut sole, mut social_count, mut mismatched, mut should_establish) = (0, 0, 0, 0);
    for row in &rows {
        let text = |col: &str| row.try_get::<String>("", col).unwrap();
        let (code, category) = (text("credit_code"), text("category"));
        CreditCode::parse("creditCode", &code).unwrap();
        if category == "SOLE_PROPRIETOR" {
            sole += 1;
            assert_eq!(
                row.try_get::<i32>("", "affiliated").unwrap(),
                0,
                "{code}: a sole proprietor is never affiliated with 机关工委"
            );
        }
        if social.contains(&category.as_str()) {
            social_count += 1;
        }
        if !admits(&category, &code[..2]) {
            mismatched += 1;
        }
        if row.try_get::<i32>("", "party_member_count").unwrap() >= 3
            && text("party_organization") != "OWN"
        {
            should_establish += 1;
        }
    }
    let share = |n: i32| f64::from(n) / rows.len() as f64;
    assert!(
        (0.55..=0.72).contains(&share(sole)),
        "sole proprietors are the majority: {}",
        share(sole)
    );
    assert!(
        (0.02..=0.06).contains(&share(social_count)),
        "social organizations a few percent: {}",
        share(social_count)
    );
    assert!(
        mismatched > 0 && share(mismatched) < 0.02,
        "credit codes that do not fit the category: {mismatched}"
    );
    assert!(
        should_establish > 0 && share(should_establish) < 0.05,
        "应建未建: {should_establish}"
    );
    let enterprises = rows.len() as i32 - sole - social_count;
    assert!(
        share(enterprises) > 0.25,
        "enterprises most of the rest: {}",
        share(enterprises)
    );

    let data = app
        .data(
            "{ regions(level: CITY, first: 50) { edges { node { name coverage {
                 responsibilityRate organizationalCoverageRate } } } } }",
            json!({}),
        )
        .await;
    let rates = |field: &str| -> Vec<f64> {
        data["regions"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["coverage"][field].as_f64().unwrap())
            .collect()
    };
    let spread = |values: Vec<f64>| {
        values.iter().cloned().fold(f64::MIN, f64::max)
            - values.iter().cloned().fold(f64::MAX, f64::min)
    };
    let responsibility = spread(rates("responsibilityRate"));
    let organizational = spread(rates("organizationalCoverageRate"));
    assert!(
        responsibility >= 0.005,
        "cities' responsibility rates differ by {responsibility}"
    );
    assert!(
        organizational >= 0.03,
        "cities' organizational coverage rates differ by {organizational}"
    );
}
