//! 类别与代码不符 (CATEGORY_MISMATCH): an organization whose credit code's
//! type (its first two characters) its category does not admit. Own types,
//! inherited types and none anywhere; changes of a category's types that
//! make and clear gaps; a warning, not a refusal; the import's count; bad
//! types refused; the types' round trip through export and import; region
//! scope and pagination.

use orgmap::domain::access::{Caller, Role};
use orgmap::domain::scope::Scope;
use orgmap::domain::transfer::export::{ExportOptions, Exporter};
use orgmap::domain::transfer::import::{ImportOptions, import};
use orgmap::domain::transfer::{Dataset, Encoding, Format};
use serde_json::{Value, json};

use crate::helpers::access::{caller, region_id};
use crate::helpers::{self, TestApp, credit_code, upsert_organization};

const GAPS: &str = "query($region: String, $first: Int, $after: String) {
    coverageGaps(regionCode: $region, kinds: [CATEGORY_MISMATCH], first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { kind organization { creditCode } category { code } detail } }
    }
}";

const UPSERT_CATEGORY: &str =
    "mutation($input: CategoryInput!) { upsertCategory(input: $input) { code creditCodeTypes } }";

/// (credit-code type, category, location) of the hand-worked cases, with
/// whether each is a gap under the reference data.
const CASES: [(&str, &str, &str, bool); 7] = [
    // Own types: SOLE_PROPRIETOR admits 92.
    ("92", "SOLE_PROPRIETOR", "350102001", false),
    ("91", "SOLE_PROPRIETOR", "350102001", true),
    // Inherited: PARK_ENTERPRISE lists none and takes NON_PUBLIC_ECONOMIC's 91, 93.
    ("93", "PARK_ENTERPRISE", "350102002", false),
    ("52", "PARK_ENTERPRISE", "350203", true),
    // None anywhere up the chain: TWO_NEW admits every code.
    ("52", "TWO_NEW", "350203", false),
    // Several own types: LAW_FIRM admits 31 and 51.
    ("51", "LAW_FIRM", "350203", false),
    ("32", "LAW_FIRM", "350102002", true),
];

fn code(i: usize) -> String {
    credit_code(CASES[i].0, "350102", i as u32 + 1)
}

async fn province(app: &TestApp) {
    helpers::small_province(app).await;
    for (i, (_, category, region, _)) in CASES.into_iter().enumerate() {
        upsert_organization(app, &code(i), category, region, json!({})).await;
    }
}

fn gap_codes(data: &Value) -> Vec<String> {
    data["coverageGaps"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["node"]["organization"]["creditCode"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

async fn gaps(app: &TestApp) -> Vec<String> {
    let data = app.data(GAPS, json!({})).await;
    let listed = gap_codes(&data);
    assert_eq!(
        data["coverageGaps"]["totalCount"],
        listed.len(),
        "the count from the cells matches the list"
    );
    listed
}

fn codes_of(indexes: &[usize]) -> Vec<String> {
    indexes.iter().map(|i| code(*i)).collect()
}

async fn set_types(app: &TestApp, category: &str, name: &str, types: &[&str]) -> Value {
    app.data(
        UPSERT_CATEGORY,
        json!({ "input": { "code": category, "name": name, "creditCodeTypes": types } }),
    )
    .await
}

#[tokio::test]
async fn the_reference_categories_carry_the_types_of_gb_32100() {
    let app = TestApp::spawn().await;
    for (category, want) in [
        ("NON_PUBLIC_ECONOMIC", json!(["91", "93"])),
        ("SOLE_PROPRIETOR", json!(["92"])),
        ("SOCIAL_ORGANIZATION", json!(["51", "52", "53"])),
        ("PRIVATE_SCHOOL", json!(["52", "91"])),
        ("LAW_FIRM", json!(["31", "51"])),
        ("FORENSIC_APPRAISAL", json!(["34"])),
        ("PARK_ENTERPRISE", json!([])),
        ("TWO_NEW", json!([])),
    ] {
        let data = app
            .data(
                "query($code: String!) { category(code: $code) { creditCodeTypes } }",
                json!({ "code": category }),
            )
            .await;
        assert_eq!(data["category"]["creditCodeTypes"], want, "{category}");
    }
}

#[tokio::test]
async fn a_code_its_category_does_not_admit_is_a_gap_and_still_stored() {
    let app = TestApp::spawn().await;
    province(&app).await;
    assert_eq!(
        app.count("organization").await,
        CASES.len() as i64,
        "every upsert succeeds"
    );

    let expected: Vec<usize> = (0..CASES.len()).filter(|i| CASES[*i].3).collect();
    assert_eq!(gaps(&app).await, codes_of(&expected));
    let data = app.data(GAPS, json!({})).await;
    let detail = data["coverageGaps"]["edges"][0]["node"]["detail"]
        .as_str()
        .unwrap();
    assert!(detail.contains(" 91 "), "names the type: {detail}");
    assert!(detail.contains("92"), "names the admitted types: {detail}");
    assert!(detail.contains("类别与代码不符"), "{detail}");
    let inherited = data["coverageGaps"]["edges"][1]["node"]["detail"]
        .as_str()
        .unwrap();
    assert!(
        inherited.contains("91, 93"),
        "the parent's types: {inherited}"
    );

    for (region, want) in [
        ("350000", 3),
        ("350100", 2),
        ("350102002", 1),
        ("350200", 1),
    ] {
        let data = app.data(GAPS, json!({ "region": region })).await;
        assert_eq!(data["coverageGaps"]["totalCount"], want, "gaps of {region}");
        assert_eq!(gap_codes(&data).len(), want, "listed in {region}");
    }

    // An update to an admitted code clears the gap; a delete removes one.
    let fixed = credit_code("92", "350102", 1001);
    app.data(
        "mutation($code: String!) { deleteOrganization(creditCode: $code) }",
        json!({ "code": code(6) }),
    )
    .await;
    upsert_organization(&app, &fixed, "SOLE_PROPRIETOR", "350102001", json!({})).await;
    upsert_organization(
        &app,
        &code(1),
        "NON_PUBLIC_ECONOMIC",
        "350102001",
        json!({}),
    )
    .await;
    assert_eq!(gaps(&app).await, codes_of(&[3]));
    helpers::assert_engine_current(&app, "after the organization writes").await;
}

#[tokio::test]
async fn a_change_of_a_categorys_types_makes_and_clears_gaps_below_it() {
    let app = TestApp::spawn().await;
    province(&app).await;
    assert_eq!(gaps(&app).await, codes_of(&[1, 3, 6]));

    // Own types widened: the 91 sole proprietor is admitted.
    let saved = set_types(&app, "SOLE_PROPRIETOR", "个体工商户", &["92", "91"]).await;
    assert_eq!(
        saved["upsertCategory"]["creditCodeTypes"],
        json!(["91", "92"])
    );
    assert_eq!(gaps(&app).await, codes_of(&[3, 6]));

    // Own types cleared: SOLE_PROPRIETOR takes NON_PUBLIC_ECONOMIC's 91, 93,
    // so the 92 one becomes a gap and the 91 one stays admitted.
    set_types(&app, "SOLE_PROPRIETOR", "个体工商户", &[]).await;
    assert_eq!(gaps(&app).await, codes_of(&[0, 3, 6]));

    // The parent's types changed: its subtree follows, the inheriting
    // PARK_ENTERPRISE included.
    set_types(
        &app,
        "NON_PUBLIC_ECONOMIC",
        "非公有制经济组织",
        &["52", "92"],
    )
    .await;
    assert_eq!(gaps(&app).await, codes_of(&[1, 2, 6]));
    set_types(&app, "NON_PUBLIC_ECONOMIC", "非公有制经济组织", &[]).await;
    // None up the chain now: every code is admitted there.
    assert_eq!(gaps(&app).await, codes_of(&[6]));

    // Omitted types keep what is stored.
    app.data(
        UPSERT_CATEGORY,
        json!({ "input": { "code": "LAW_FIRM", "name": "律师事务所（改名）" } }),
    )
    .await;
    assert_eq!(gaps(&app).await, codes_of(&[6]));
    helpers::assert_engine_current(&app, "after the category writes").await;
}

#[tokio::test]
async fn bad_credit_code_types_are_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    province(&app).await;
    for (case, types) in [
        ("one character", json!(["5"])),
        ("three characters", json!(["510"])),
        ("a letter outside the alphabet", json!(["5I"])),
        ("lower case", json!(["9a"])),
        ("a separator", json!(["9|"])),
        ("blank", json!([""])),
    ] {
        let message = app
            .refused(
                case,
                UPSERT_CATEGORY,
                json!({ "input": { "code": "SOLE_PROPRIETOR", "name": "个体工商户", "creditCodeTypes": types } }),
                "BAD_USER_INPUT",
                "creditCodeTypes",
            )
            .await;
        assert!(!message.is_empty(), "{case}");
    }
    let data = app
        .data(
            "{ category(code: \"SOLE_PROPRIETOR\") { creditCodeTypes } }",
            json!({}),
        )
        .await;
    assert_eq!(data["category"]["creditCodeTypes"], json!(["92"]));
}

fn importer() -> Caller {
    Caller {
        name: "importer".to_owned(),
        role: Role::Editor,
        scope: Scope::EVERYTHING,
    }
}

async fn import_csv(
    app: &TestApp,
    entity: Dataset,
    text: String,
) -> orgmap::domain::transfer::ImportReport {
    import(
        &app.db,
        &importer(),
        "test-file",
        Box::new(std::io::Cursor::new(text.into_bytes())),
        ImportOptions {
            entity,
            format: Format::Csv,
            encoding: Encoding::Utf8,
            dry_run: false,
        },
    )
    .await
    .expect("the import runs")
}

#[tokio::test]
async fn an_import_writes_mismatched_rows_and_counts_them() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let rows = [
        (credit_code("92", "350102", 1), "SOLE_PROPRIETOR"),
        (credit_code("91", "350102", 2), "SOLE_PROPRIETOR"),
        (credit_code("53", "350102", 3), "FOUNDATION"),
        (credit_code("51", "350102", 4), "FOUNDATION"),
    ];
    let mut text = "creditCode,name,categoryCode,regionCode\n".to_owned();
    for (i, (code, category)) in rows.iter().enumerate() {
        text.push_str(&format!("{code},组织{i},{category},350102001\n"));
    }
    let report = import_csv(&app, Dataset::Organizations, text).await;
    assert!(report.committed, "{report:?}");
    assert_eq!(report.created, 4);
    assert_eq!(report.category_mismatches, 2);
    assert_eq!(gaps(&app).await, vec![rows[1].0.clone(), rows[3].0.clone()]);
    helpers::assert_engine_current(&app, "after the import").await;
}

#[tokio::test]
async fn credit_code_types_round_trip_through_export_and_import() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let exported = Exporter::new(
        &app.db,
        &Scope::EVERYTHING,
        ExportOptions {
            entity: Dataset::Categories,
            format: Format::Csv,
            region_code: None,
        },
    )
    .await
    .unwrap()
    .collect()
    .await
    .unwrap();
    let text = String::from_utf8(exported).unwrap();
    assert!(
        text.lines().next().unwrap().contains("creditCodeTypes"),
        "{text}"
    );
    assert!(text.contains("91|93"), "{text}");

    set_types(&app, "LAW_FIRM", "律师事务所", &["32"]).await;
    set_types(&app, "SOLE_PROPRIETOR", "个体工商户", &[]).await;
    assert_eq!(gaps(&app).await, codes_of(&[0, 3, 5]));

    let report = import_csv(&app, Dataset::Categories, text).await;
    assert!(report.committed, "{report:?}");
    assert_eq!(report.updated, 2, "{report:?}");
    let data = app
        .data("{ a: category(code: \"LAW_FIRM\") { creditCodeTypes } b: category(code: \"SOLE_PROPRIETOR\") { creditCodeTypes } }", json!({}))
        .await;
    assert_eq!(data["a"]["creditCodeTypes"], json!(["31", "51"]));
    assert_eq!(data["b"]["creditCodeTypes"], json!(["92"]));
    assert_eq!(
        gaps(&app).await,
        codes_of(&[1, 3, 6]),
        "the imported types decide again"
    );

    // A bad type in a file is a bad row, and nothing is written.
    let bad = "code,name,creditCodeTypes\nNOTARY,公证处,32|3\n".to_owned();
    let report = import_csv(&app, Dataset::Categories, bad).await;
    assert!(!report.committed);
    assert_eq!(report.errors[0].column.as_deref(), Some("creditCodeTypes"));
    helpers::assert_engine_current(&app, "after the category imports").await;
}

#[tokio::test]
async fn a_caller_bound_to_a_city_sees_only_its_mismatches_page_by_page() {
    let app = TestApp::spawn().await;
    province(&app).await;
    let fuzhou = caller(
        "fz",
        Role::Viewer,
        Scope::within(region_id(&app, "350100").await),
    );
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let answer = app
            .execute_as(&fuzhou, GAPS, json!({ "first": 1, "after": after }))
            .await;
        let data = &answer["data"];
        assert_eq!(data["coverageGaps"]["totalCount"], 2, "{answer}");
        seen.extend(gap_codes(data));
        let info = &data["coverageGaps"]["pageInfo"];
        if !info["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, codes_of(&[1, 6]));
}

#[tokio::test]
async fn the_mismatch_list_reads_the_partial_index_in_id_order() {
    let app = TestApp::spawn().await;
    let plan = helpers::query_plan(
        &app,
        "SELECT o.id FROM organization o WHERE o.category_mismatch = TRUE AND o.id > $1 \
         ORDER BY o.id LIMIT 101",
        vec![0i32.into()],
    )
    .await;
    assert!(
        plan.contains("ix_organization_category_mismatch"),
        "the page does not read the partial index:\n{plan}"
    );
    assert!(
        !plan.contains("TEMP B-TREE") && !plan.contains("Sort"),
        "the page is sorted:\n{plan}"
    );
}
