//! `nameContains` through the bigram table: every answer equals the
//! substring scan's (same organizations, same order, same totalCount),
//! for short and long, Chinese and ASCII text, text with LIKE's special
//! characters, after renames, deletes and imports, with the other filters
//! and under a region-scoped caller; and a page costs the same statements
//! whatever its size.

use orgmap::domain::access::{Caller, Role};
use orgmap::domain::scope::Scope;
use orgmap::domain::transfer::import::{ImportOptions, import};
use orgmap::domain::transfer::{Dataset, Encoding, Format};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::access::{DELETE_ORGANIZATION, caller, region_id};
use crate::helpers::{self, TestApp, credit_code, small_province};

const PAGE: &str = "query($filter: OrganizationFilter, $first: Int, $after: String) {
    organizations(filter: $filter, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { creditCode name } }
    }
}";

/// Every organization the filter selects, page after page of `first`, as
/// (credit code, name), with the totalCount of the first page.
async fn search_as(
    app: &TestApp,
    caller: &Caller,
    filter: Value,
    first: u32,
) -> (Vec<(String, String)>, u64) {
    let mut found = Vec::new();
    let mut after: Option<String> = None;
    let mut total = None;
    loop {
        let response = app
            .execute_as(
                caller,
                PAGE,
                json!({ "filter": filter, "first": first, "after": after }),
            )
            .await;
        assert!(
            response.get("errors").is_none(),
            "{filter}: {}",
            response["errors"]
        );
        let list = &response["data"]["organizations"];
        total.get_or_insert(list["totalCount"].as_u64().expect("a totalCount"));
        for edge in list["edges"].as_array().expect("edges") {
            let node = &edge["node"];
            found.push((
                node["creditCode"].as_str().unwrap_or("").to_owned(),
                node["name"].as_str().unwrap_or("").to_owned(),
            ));
        }
        if list["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = list["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
    (found, total.unwrap_or(0))
}

async fn search(app: &TestApp, filter: Value, first: u32) -> (Vec<(String, String)>, u64) {
    search_as(app, &Caller::local(), filter, first).await
}

/// The substring scan itself, in SQL: what `nameContains` answered before
/// the bigrams, in id order.
async fn scan(app: &TestApp, text: &str) -> Vec<String> {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    app.db
        .query_all_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            "SELECT credit_code FROM organization WHERE lower(name) LIKE $1 ESCAPE '\\' ORDER BY id",
            [format!("%{escaped}%").into()],
        ))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "credit_code").unwrap())
        .collect()
}

fn codes_of(found: &[(String, String)]) -> Vec<String> {
    found.iter().map(|(code, _)| code.clone()).collect()
}

/// A demo province of `n` organizations, and a few whose names hold ASCII
/// and LIKE's special characters.
async fn province(n: u32) -> TestApp {
    let app = TestApp::spawn().await;
    orgmap::demo::generate(&app.db, n, 7).await.unwrap();
    let region = one_string(
        &app,
        "SELECT r.code AS s FROM region r WHERE length(r.code) = 9 ORDER BY r.id LIMIT 1",
    )
    .await;
    for (serial, name) in [
        "ABC科技有限公司",
        "abc商行",
        "百分之百%科技",
        "a_b 贸易商行",
        "反斜杠\\商行",
        "科技科技科技有限公司",
    ]
    .iter()
    .enumerate()
    {
        helpers::organization(
            &app,
            &credit_code("91", &region[..6], 900 + serial as u32),
            name,
            "SMALL_MICRO_ENTERPRISE",
            &region,
        )
        .await;
    }
    app
}

async fn one_string(app: &TestApp, sql: &str) -> String {
    app.db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .expect("a row")
        .try_get::<String>("", "s")
        .unwrap()
}

/// Substrings of stored names of 1 to 6 characters, from a few names.
async fn substrings_of_names(app: &TestApp) -> Vec<String> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT name FROM organization WHERE id % 97 = 3 ORDER BY id LIMIT 12".to_owned(),
        ))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for row in rows {
        let name: Vec<char> = row.try_get::<String>("", "name").unwrap().chars().collect();
        for len in 1..=6.min(name.len()) {
            let start = (name.len() - len) / 2;
            texts.push(name[start..start + len].iter().collect());
        }
    }
    texts
}

#[tokio::test]
async fn name_search_answers_what_the_substring_scan_answers() {
    let app = province(1_500).await;
    let mut texts = substrings_of_names(&app).await;
    texts.extend(
        [
            "有限",
            "有限公司",
            "科技有限",
            "教育",
            "公司",
            "县",
            "科技科技",
            "abc",
            "ABC",
            "Abc科技",
            "c科",
            "a_b",
            "_",
            "%",
            "百%科",
            "\\",
            "杠\\商",
            "b 贸",
            "无此名称",
            "zz",
        ]
        .map(str::to_owned),
    );
    assert!(texts.len() > 60, "{} texts", texts.len());
    for text in &texts {
        let expected = scan(&app, text).await;
        let (found, total) = search(&app, json!({ "nameContains": text }), 1_000).await;
        assert_eq!(
            codes_of(&found),
            expected,
            "{text:?}: the scan's organizations in its order"
        );
        assert_eq!(total, expected.len() as u64, "{text:?}: totalCount");
    }
    // Small pages walk the same list with cursors.
    for text in ["有限", "教育", "科技有限", "abc"] {
        let (found, total) = search(&app, json!({ "nameContains": text }), 7).await;
        let expected = scan(&app, text).await;
        assert_eq!(codes_of(&found), expected, "{text:?} in pages of 7");
        assert_eq!(total, expected.len() as u64, "{text:?}: totalCount");
    }
}

#[tokio::test]
async fn renames_deletes_and_imports_keep_name_search_current() {
    let app = TestApp::spawn().await;
    small_province(&app).await;
    let code = credit_code("91", "350102", 1);
    helpers::organization(
        &app,
        &code,
        "甲乙丙丁商行",
        "SMALL_MICRO_ENTERPRISE",
        "350102001",
    )
    .await;
    let found = |text: &'static str| {
        let app = &app;
        async move { codes_of(&search(app, json!({ "nameContains": text }), 100).await.0) }
    };
    assert_eq!(found("乙丙").await, vec![code.clone()]);

    helpers::organization(
        &app,
        &code,
        "戊己庚商行",
        "SMALL_MICRO_ENTERPRISE",
        "350102001",
    )
    .await;
    assert!(
        found("乙丙").await.is_empty(),
        "the old name's grams are gone"
    );
    assert_eq!(
        found("己庚").await,
        vec![code.clone()],
        "the new name is found"
    );

    app.data(DELETE_ORGANIZATION, json!({ "code": code })).await;
    assert!(
        found("己庚").await.is_empty(),
        "a deleted organization is not found"
    );
    assert_eq!(
        app.count("organization_name_gram").await,
        0,
        "its grams went with it"
    );

    let importer = caller("importer", Role::Editor, Scope::EVERYTHING);
    let file = |names: [&str; 2]| {
        let mut file = "creditCode,name,categoryCode,regionCode\n".to_owned();
        for (serial, name) in names.iter().enumerate() {
            file.push_str(&format!(
                "{},{name},SMALL_MICRO_ENTERPRISE,350102001\n",
                credit_code("91", "350102", 10 + serial as u32)
            ));
        }
        file
    };
    for names in [
        ["子丑寅卯商行", "辰巳午未商行"],
        ["子丑寅卯商行", "申酉戌亥商行"],
    ] {
        import(
            &app.db,
            &importer,
            "orgs.csv",
            Box::new(std::io::Cursor::new(file(names).into_bytes())),
            ImportOptions {
                entity: Dataset::Organizations,
                format: Format::Csv,
                encoding: Encoding::Utf8,
                dry_run: false,
            },
        )
        .await
        .unwrap();
    }
    assert_eq!(found("丑寅").await, vec![credit_code("91", "350102", 10)]);
    assert!(
        found("巳午").await.is_empty(),
        "an import's rename drops the old grams"
    );
    assert_eq!(found("酉戌").await, vec![credit_code("91", "350102", 11)]);
    for text in ["商行", "商", "子丑寅卯商行"] {
        assert_eq!(found(text).await, scan(&app, text).await, "{text}");
    }
}

#[tokio::test]
async fn name_search_keeps_to_the_other_filters_and_the_callers_region() {
    let app = province(1_500).await;
    let city = one_string(
        &app,
        "SELECT r.code AS s FROM region r JOIN organization o ON o.region_id IN \
         (SELECT descendant_id FROM region_closure WHERE ancestor_id = r.id) \
         WHERE length(r.code) = 6 AND r.code LIKE '%00' AND r.code NOT LIKE '%0000' \
         GROUP BY r.code ORDER BY COUNT(*) DESC, r.code LIMIT 1",
    )
    .await;
    let department = one_string(
        &app,
        "SELECT d.code AS s FROM department d JOIN responsibility st ON st.department_id = d.id \
         GROUP BY d.code ORDER BY COUNT(*) DESC, d.code LIMIT 1",
    )
    .await;
    let filters = [
        json!({ "regionCode": city }),
        json!({ "categoryCode": "NON_PUBLIC_ECONOMIC" }),
        json!({ "categoryCode": "SOCIAL_ORGANIZATION" }),
        json!({ "basis": "RULE" }),
        json!({ "basis": "FALLBACK" }),
        json!({ "departmentCode": department }),
        json!({ "partyOrganization": "NONE", "regionCode": city }),
    ];
    let scoped = caller(
        "city",
        Role::Viewer,
        Scope::within(region_id(&app, &city).await),
    );
    for text in ["有限", "公司", "科技有限", "县", "会", "店"] {
        for filter in &filters {
            let (all, _) = search(&app, filter.clone(), 1_000).await;
            let expected: Vec<String> = all
                .iter()
                .filter(|(_, name)| name.to_lowercase().contains(text))
                .map(|(code, _)| code.clone())
                .collect();
            let mut with_text = filter.clone();
            with_text["nameContains"] = json!(text);
            let (found, total) = search(&app, with_text.clone(), 1_000).await;
            assert_eq!(codes_of(&found), expected, "{with_text}");
            assert_eq!(total, expected.len() as u64, "{with_text}: totalCount");
        }
        let (inside, _) = search_as(&app, &scoped, json!({}), 1_000).await;
        let expected: Vec<String> = inside
            .iter()
            .filter(|(_, name)| name.contains(text))
            .map(|(code, _)| code.clone())
            .collect();
        let (found, total) = search_as(&app, &scoped, json!({ "nameContains": text }), 1_000).await;
        assert_eq!(codes_of(&found), expected, "{text} within {city}");
        assert_eq!(
            total,
            expected.len() as u64,
            "{text} within {city}: totalCount"
        );
    }
}

#[tokio::test]
async fn a_name_search_page_costs_the_same_statements_whatever_its_size() {
    let app = province(600).await;
    for text in ["有限", "科技有限", "县", "无此名称"] {
        app.take_statement_count();
        app.data(
            PAGE,
            json!({ "filter": { "nameContains": text }, "first": 1 }),
        )
        .await;
        let one = app.take_statement_count();
        app.data(
            PAGE,
            json!({ "filter": { "nameContains": text }, "first": 500 }),
        )
        .await;
        let many = app.take_statement_count();
        assert_eq!(
            one, many,
            "{text}: statements for 1 and for 500 organizations"
        );
    }
}
