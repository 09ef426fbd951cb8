//! Organizations: upserts by credit code, validation of every field,
//! deletes, lookups and filtered lists.

use serde_json::{Value, json};

use crate::helpers::{self, TestApp, codes, credit_code};

const FIELDS: &str =
    "creditCode name category { code } region { code } administeringRegion { code }
    supervisingDepartment { code } partyAffiliation { code }
    partyOrganization workCovered partyMemberCount model";

fn upsert_query() -> String {
    format!(
        "mutation($input: OrganizationInput!) {{ upsertOrganization(input: $input) {{ {FIELDS} }} }}"
    )
}

async fn upsert(app: &TestApp, input: Value) -> Value {
    app.data(&upsert_query(), json!({ "input": input })).await["upsertOrganization"].clone()
}

async fn organization(app: &TestApp, code: &str) -> Value {
    let query =
        format!("query($code: String!) {{ organization(creditCode: $code) {{ {FIELDS} }} }}");
    app.data(&query, json!({ "code": code })).await["organization"].clone()
}

/// The small province, Fuzhou's united-front department and the
/// province's organs work committee.
async fn arrange(app: &TestApp) {
    helpers::small_province(app).await;
    helpers::department(app, "FZ-UF", "UNITED_FRONT", "350100").await;
    helpers::department(app, "FJ-OWC", "ORGANS_WORK_COMMITTEE", "350000").await;
}

const SCHOOL: &str = "52350102MJ00000016";

/// A private school in 东街街道 with every field given.
fn full_school(code: &str) -> Value {
    json!({
        "creditCode": code,
        "name": "福州市鼓楼区某民办学校",
        "categoryCode": "PRIVATE_SCHOOL",
        "regionCode": "350102001",
        "administeringRegionCode": "350100",
        "supervisingDepartmentCode": "FZ-UF",
        "partyAffiliationCode": "FJ-OWC",
        "partyOrganization": "OWN",
        "workCovered": true,
        "partyMemberCount": 12,
        "model": true
    })
}

fn full_school_read_back(code: &str) -> Value {
    json!({
        "creditCode": code,
        "name": "福州市鼓楼区某民办学校",
        "category": { "code": "PRIVATE_SCHOOL" },
        "region": { "code": "350102001" },
        "administeringRegion": { "code": "350100" },
        "supervisingDepartment": { "code": "FZ-UF" },
        "partyAffiliation": { "code": "FJ-OWC" },
        "partyOrganization": "OWN",
        "workCovered": true,
        "partyMemberCount": 12,
        "model": true
    })
}

fn bare(code: &str, name: &str, category: &str, region: &str) -> Value {
    json!({ "creditCode": code, "name": name, "categoryCode": category, "regionCode": region })
}

#[test]
fn the_school_code_used_here_is_valid() {
    // SCHOOL is written out so that tests read well; keep it valid.
    let first17 = &SCHOOL[..17];
    let check = orgmap::domain::values::CreditCode::check_character(first17);
    assert_eq!(SCHOOL, format!("{first17}{check}"));
}

#[tokio::test]
async fn upsert_organization_stores_every_field() {
    let app = TestApp::spawn().await;
    arrange(&app).await;

    let saved = upsert(&app, full_school(SCHOOL)).await;

    assert_eq!(saved, full_school_read_back(SCHOOL));
    assert_eq!(organization(&app, SCHOOL).await, saved);
    assert_eq!(app.count("organization").await, 1);
}

#[tokio::test]
async fn a_new_organization_without_optional_fields_gets_the_defaults() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    let code = credit_code("92", "350102", 7);

    let saved = upsert(
        &app,
        bare(&code, "东街某个体户", "SOLE_PROPRIETOR", "350102002"),
    )
    .await;

    assert_eq!(
        saved,
        json!({
            "creditCode": code,
            "name": "东街某个体户",
            "category": { "code": "SOLE_PROPRIETOR" },
            "region": { "code": "350102002" },
            "administeringRegion": { "code": "350102002" },
            "supervisingDepartment": null,
            "partyAffiliation": null,
            "partyOrganization": "NONE",
            "workCovered": false,
            "partyMemberCount": 0,
            "model": false
        })
    );
}

#[tokio::test]
async fn upserting_the_same_organization_twice_leaves_one_row() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    let first = upsert(&app, full_school(SCHOOL)).await;

    let second = upsert(&app, full_school(SCHOOL)).await;

    assert_eq!(second, first);
    assert_eq!(app.count("organization").await, 1);
}

#[tokio::test]
async fn omitted_organization_fields_keep_their_values_and_null_clears_references() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;

    let kept = upsert(
        &app,
        bare(
            SCHOOL,
            "福州市鼓楼区某民办学校",
            "PRIVATE_SCHOOL",
            "350102001",
        ),
    )
    .await;

    assert_eq!(kept, full_school_read_back(SCHOOL), "omitted fields keep");
    let cases = [
        (
            "administeringRegionCode",
            "administeringRegion",
            json!({ "code": "350102001" }),
        ),
        (
            "supervisingDepartmentCode",
            "supervisingDepartment",
            json!(null),
        ),
        ("partyAffiliationCode", "partyAffiliation", json!(null)),
    ];
    for (input_field, output_field, expected) in cases {
        let mut input = bare(
            SCHOOL,
            "福州市鼓楼区某民办学校",
            "PRIVATE_SCHOOL",
            "350102001",
        );
        input[input_field] = Value::Null;

        let saved = upsert(&app, input).await;

        assert_eq!(saved[output_field], expected, "null clears {input_field}");
        assert_eq!(
            saved["partyOrganization"], "OWN",
            "{input_field}: the rest kept"
        );
        assert_eq!(
            saved["partyMemberCount"], 12,
            "{input_field}: the rest kept"
        );
        assert_eq!(saved["model"], true, "{input_field}: the rest kept");
        assert_eq!(saved["workCovered"], true, "{input_field}: the rest kept");
    }
    let stored = organization(&app, SCHOOL).await;
    assert_eq!(stored["administeringRegion"]["code"], "350102001");
    assert!(stored["supervisingDepartment"].is_null());
    assert!(stored["partyAffiliation"].is_null());
}

#[tokio::test]
async fn given_scalar_fields_replace_the_stored_ones() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;
    let mut input = bare(SCHOOL, "  新校名 ", "ACADEMIC_SOCIETY", "350102002");
    input["partyOrganization"] = json!("JOINT");
    input["workCovered"] = json!(false);
    input["partyMemberCount"] = json!(0);
    input["model"] = json!(false);

    let saved = upsert(&app, input).await;

    assert_eq!(saved["name"], "新校名");
    assert_eq!(saved["category"]["code"], "ACADEMIC_SOCIETY");
    assert_eq!(saved["region"]["code"], "350102002");
    assert_eq!(
        saved["administeringRegion"]["code"], "350100",
        "still above the new region"
    );
    assert_eq!(saved["partyOrganization"], "JOINT");
    assert_eq!(saved["workCovered"], false);
    assert_eq!(saved["partyMemberCount"], 0);
    assert_eq!(saved["model"], false);
    assert_eq!(app.count("organization").await, 1);
}

#[tokio::test]
async fn credit_codes_are_verified_and_bad_ones_write_nothing() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    let cases = [
        ("17 characters", "91350100M000100Y4", "18 characters"),
        ("19 characters", "91350100M000100Y433", "18 characters"),
        ("empty", "", "18 characters"),
        ("letter I", "91350100I000100Y43", "'I'"),
        ("letter O", "91350100O000100Y43", "'O'"),
        ("letter S", "91350100S000100Y43", "'S'"),
        ("letter V", "91350100V000100Y43", "'V'"),
        ("letter Z", "91350100Z000100Y43", "'Z'"),
        ("a Chinese character", "91350100中000100Y43", "'中'"),
        (
            "wrong check character",
            "91350100M000100Y44",
            "check character",
        ),
        ("check character I", "91350100M000100YI3", "'I'"),
    ];

    for (case, code, reason) in cases {
        let message = app
            .refused(
                case,
                &upsert_query(),
                json!({ "input": bare(code, "某公司", "SMALL_MICRO_ENTERPRISE", "350102") }),
                "BAD_USER_INPUT",
                "creditCode",
            )
            .await;

        assert!(message.contains(reason), "{case}: {message}");
    }
}

#[tokio::test]
async fn the_standards_example_credit_codes_are_accepted() {
    let app = TestApp::spawn().await;
    arrange(&app).await;

    for code in ["91350100M000100Y43", "91110000600037341L"] {
        let saved = upsert(
            &app,
            bare(code, "某公司", "SMALL_MICRO_ENTERPRISE", "350100"),
        )
        .await;

        assert_eq!(saved["creditCode"], code);
    }
    assert_eq!(app.count("organization").await, 2);
}

#[tokio::test]
async fn a_lower_case_credit_code_is_stored_upper_case_and_found_in_any_case() {
    let app = TestApp::spawn().await;
    arrange(&app).await;

    let saved = upsert(
        &app,
        bare(
            " 91350100m000100y43 ",
            "某公司",
            "SMALL_MICRO_ENTERPRISE",
            "350100",
        ),
    )
    .await;
    let again = upsert(
        &app,
        bare(
            "91350100M000100Y43",
            "某公司（更名）",
            "SMALL_MICRO_ENTERPRISE",
            "350100",
        ),
    )
    .await;

    assert_eq!(saved["creditCode"], "91350100M000100Y43");
    assert_eq!(again["creditCode"], "91350100M000100Y43");
    assert_eq!(app.count("organization").await, 1, "the same organization");
    assert_eq!(
        organization(&app, "91350100m000100y43").await["name"],
        "某公司（更名）"
    );
}

#[tokio::test]
async fn organization_names_are_required_trimmed_and_at_most_200_characters() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;
    let too_long = "名".repeat(201);
    let cases = [
        ("empty name", SCHOOL.to_owned(), ""),
        ("blank name", SCHOOL.to_owned(), " \t "),
        ("201 characters", SCHOOL.to_owned(), too_long.as_str()),
        (
            "201 characters, new organization",
            credit_code("91", "350102", 1),
            too_long.as_str(),
        ),
    ];

    for (case, code, name) in cases {
        app.refused(
            case,
            &upsert_query(),
            json!({ "input": bare(&code, name, "PRIVATE_SCHOOL", "350102001") }),
            "BAD_USER_INPUT",
            "name",
        )
        .await;
    }
    assert_eq!(
        organization(&app, SCHOOL).await,
        full_school_read_back(SCHOOL)
    );

    let longest = "名".repeat(200);
    let saved = upsert(
        &app,
        bare(
            &credit_code("91", "350102", 1),
            &format!("  {longest}\n"),
            "SMALL_MICRO_ENTERPRISE",
            "350102",
        ),
    )
    .await;
    assert_eq!(saved["name"], longest.as_str());
}

#[tokio::test]
async fn party_member_count_out_of_range_is_refused_and_the_old_count_kept() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;
    let cases = [
        ("negative", -1),
        ("very negative", i32::MIN),
        ("above a million", 1_000_001),
    ];

    for (case, count) in cases {
        let mut input = full_school(SCHOOL);
        input["partyMemberCount"] = json!(count);
        input["name"] = json!("改名");

        app.refused(
            case,
            &upsert_query(),
            json!({ "input": input }),
            "BAD_USER_INPUT",
            "partyMemberCount",
        )
        .await;

        assert_eq!(
            organization(&app, SCHOOL).await,
            full_school_read_back(SCHOOL),
            "{case}: old values kept"
        );
    }
}

#[tokio::test]
async fn references_to_unknown_things_are_not_found_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;
    let cases = [
        ("unknown category", "categoryCode", "NO_SUCH_CATEGORY"),
        ("unknown region", "regionCode", "370000"),
        (
            "unknown administering region",
            "administeringRegionCode",
            "370000",
        ),
        (
            "unknown supervising department",
            "supervisingDepartmentCode",
            "NOBODY",
        ),
        (
            "unknown party affiliation",
            "partyAffiliationCode",
            "NOBODY",
        ),
    ];

    for (case, field, value) in cases {
        for code in [SCHOOL.to_owned(), credit_code("91", "350102", 2)] {
            let mut input = full_school(&code);
            input[field] = json!(value);

            app.refused(
                case,
                &upsert_query(),
                json!({ "input": input }),
                "NOT_FOUND",
                field,
            )
            .await;
        }
        assert_eq!(
            organization(&app, SCHOOL).await,
            full_school_read_back(SCHOOL),
            "{case}: old values kept"
        );
    }
}

#[tokio::test]
async fn the_administering_region_must_be_the_location_or_above_it() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;
    let refused = [
        ("a sibling subdistrict", "350102001", "350102002"),
        ("another city", "350102001", "350200"),
        ("a county of another city", "350102001", "350203"),
        ("a region below the location", "350102", "350102001"),
    ];

    for (case, location, administering) in refused {
        let mut input = full_school(SCHOOL);
        input["regionCode"] = json!(location);
        input["administeringRegionCode"] = json!(administering);

        let message = app
            .refused(
                case,
                &upsert_query(),
                json!({ "input": input }),
                "BAD_USER_INPUT",
                "administeringRegionCode",
            )
            .await;

        assert!(message.contains(administering), "{case}: {message}");
        assert_eq!(
            organization(&app, SCHOOL).await,
            full_school_read_back(SCHOOL),
            "{case}: old values kept"
        );
    }

    for administering in ["350102001", "350102", "350100", "350000"] {
        let mut input = full_school(SCHOOL);
        input["administeringRegionCode"] = json!(administering);

        let saved = upsert(&app, input).await;

        assert_eq!(
            saved["administeringRegion"]["code"], administering,
            "{administering} is the location or above it"
        );
    }
}

#[tokio::test]
async fn moving_an_organization_away_from_its_administering_region_is_refused() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;

    app.refused(
        "moved to Xiamen, still administered by Fuzhou",
        &upsert_query(),
        json!({ "input": bare(SCHOOL, "福州市鼓楼区某民办学校", "PRIVATE_SCHOOL", "350203") }),
        "BAD_USER_INPUT",
        "administeringRegionCode",
    )
    .await;

    assert_eq!(
        organization(&app, SCHOOL).await,
        full_school_read_back(SCHOOL)
    );
    let mut input = bare(SCHOOL, "福州市鼓楼区某民办学校", "PRIVATE_SCHOOL", "350203");
    input["administeringRegionCode"] = json!("350200");
    let moved = upsert(&app, input).await;
    assert_eq!(moved["region"]["code"], "350203");
    assert_eq!(moved["administeringRegion"]["code"], "350200");
}

#[tokio::test]
async fn delete_organization_is_true_then_false_when_gone() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;
    let other = credit_code("91", "350102", 9);
    helpers::organization(&app, &other, "某公司", "SMALL_MICRO_ENTERPRISE", "350102").await;
    let delete = "mutation($code: String!) { deleteOrganization(creditCode: $code) }";

    let first = app
        .data(delete, json!({ "code": SCHOOL.to_lowercase() }))
        .await;
    let second = app.data(delete, json!({ "code": SCHOOL })).await;

    assert_eq!(first["deleteOrganization"], true);
    assert_eq!(second["deleteOrganization"], false);
    assert!(organization(&app, SCHOOL).await.is_null());
    assert_eq!(
        organization(&app, &other).await["name"],
        "某公司",
        "the other organization stays"
    );
    assert_eq!(app.count("organization").await, 1);
}

#[tokio::test]
async fn deleting_with_a_malformed_credit_code_is_refused() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    upsert(&app, full_school(SCHOOL)).await;

    app.refused(
        "wrong check character",
        "mutation { deleteOrganization(creditCode: \"52350102MJ0000001Y\") }",
        json!({}),
        "BAD_USER_INPUT",
        "creditCode",
    )
    .await;

    assert_eq!(app.count("organization").await, 1);
}

#[tokio::test]
async fn an_unknown_organization_is_null() {
    let app = TestApp::spawn().await;

    assert!(organization(&app, "91350100M000100Y43").await.is_null());
}

/// Six organizations across the small province: (code, name, category,
/// region, party organization).
fn six() -> Vec<(
    String,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    vec![
        (
            credit_code("91", "350102", 1),
            "鼓楼某科技有限公司",
            "SMALL_MICRO_ENTERPRISE",
            "350102001",
            "OWN",
        ),
        (
            credit_code("52", "350102", 2),
            "鼓楼区某民办学校",
            "PRIVATE_SCHOOL",
            "350102",
            "JOINT",
        ),
        (
            credit_code("51", "350203", 3),
            "思明区律师协会",
            "LAW_FIRM",
            "350203",
            "NONE",
        ),
        (
            credit_code("91", "350203", 4),
            "厦门某商贸有限公司",
            "SMALL_MICRO_ENTERPRISE",
            "350203",
            "OWN",
        ),
        (
            credit_code("53", "350100", 5),
            "福州市某基金会",
            "FOUNDATION",
            "350100",
            "NONE",
        ),
        (
            credit_code("92", "350102", 6),
            "东街某个体户",
            "SOLE_PROPRIETOR",
            "350102002",
            "NONE",
        ),
    ]
}

async fn arrange_six(app: &TestApp) -> Vec<String> {
    arrange(app).await;
    let mut codes = Vec::new();
    for (code, name, category, region, party) in six() {
        let mut input = bare(&code, name, category, region);
        input["partyOrganization"] = json!(party);
        upsert(app, input).await;
        codes.push(code);
    }
    codes
}

#[tokio::test]
async fn organizations_filter_by_region_category_party_organization_and_name() {
    let app = TestApp::spawn().await;
    let all = arrange_six(&app).await;
    let query = "query($filter: OrganizationFilter) {
        organizations(filter: $filter) { totalCount edges { node { creditCode } } }
    }";
    let cases: Vec<(&str, Value, Vec<usize>)> = vec![
        ("no filter", json!(null), vec![0, 1, 2, 3, 4, 5]),
        ("an empty filter", json!({}), vec![0, 1, 2, 3, 4, 5]),
        (
            "a city subtree",
            json!({ "regionCode": "350100" }),
            vec![0, 1, 4, 5],
        ),
        (
            "a county subtree",
            json!({ "regionCode": "350102" }),
            vec![0, 1, 5],
        ),
        (
            "a subdistrict",
            json!({ "regionCode": "350102001" }),
            vec![0],
        ),
        (
            "another city",
            json!({ "regionCode": "350200" }),
            vec![2, 3],
        ),
        (
            "the province",
            json!({ "regionCode": "350000" }),
            vec![0, 1, 2, 3, 4, 5],
        ),
        (
            "a category subtree",
            json!({ "categoryCode": "NON_PUBLIC_ECONOMIC" }),
            vec![0, 3, 5],
        ),
        (
            "another category subtree",
            json!({ "categoryCode": "SOCIAL_ORGANIZATION" }),
            vec![1, 2, 4],
        ),
        (
            "a leaf category",
            json!({ "categoryCode": "SMALL_MICRO_ENTERPRISE" }),
            vec![0, 3],
        ),
        (
            "a category with none",
            json!({ "categoryCode": "NOTARY" }),
            vec![],
        ),
        (
            "own party organization",
            json!({ "partyOrganization": "OWN" }),
            vec![0, 3],
        ),
        (
            "joint party organization",
            json!({ "partyOrganization": "JOINT" }),
            vec![1],
        ),
        (
            "no party organization",
            json!({ "partyOrganization": "NONE" }),
            vec![2, 4, 5],
        ),
        (
            "name contains",
            json!({ "nameContains": "有限公司" }),
            vec![0, 3],
        ),
        (
            "name contains a place",
            json!({ "nameContains": "鼓楼" }),
            vec![0, 1],
        ),
        (
            "name contains nothing known",
            json!({ "nameContains": "无此名称" }),
            vec![],
        ),
        (
            "region and category",
            json!({ "regionCode": "350100", "categoryCode": "NON_PUBLIC_ECONOMIC" }),
            vec![0, 5],
        ),
        (
            "region and party organization",
            json!({ "regionCode": "350200", "partyOrganization": "OWN" }),
            vec![3],
        ),
        (
            "category and name",
            json!({ "categoryCode": "SOCIAL_ORGANIZATION", "nameContains": "福州" }),
            vec![4],
        ),
    ];

    for (case, filter, expected) in cases {
        let data = app.data(query, json!({ "filter": filter })).await;

        let expected: Vec<&str> = expected.iter().map(|i| all[*i].as_str()).collect();
        assert_eq!(
            codes(&data["organizations"], "creditCode"),
            expected,
            "{case}"
        );
        assert_eq!(
            data["organizations"]["totalCount"],
            expected.len(),
            "{case}: totalCount"
        );
    }
}

#[tokio::test]
async fn name_contains_treats_percent_and_underscore_as_plain_characters() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    let plain = credit_code("91", "350102", 1);
    let percent = credit_code("91", "350102", 2);
    helpers::organization(
        &app,
        &plain,
        "鼓楼某科技有限公司",
        "SMALL_MICRO_ENTERPRISE",
        "350102",
    )
    .await;
    helpers::organization(
        &app,
        &percent,
        "百分之百%科技",
        "SMALL_MICRO_ENTERPRISE",
        "350102",
    )
    .await;
    let query = "query($text: String) {
        organizations(filter: { nameContains: $text }) { totalCount edges { node { creditCode } } }
    }";
    let cases = [
        ("a percent sign", "%", vec![percent.as_str()]),
        ("an underscore", "_", vec![]),
        (
            "text around a percent sign",
            "百%科",
            vec![percent.as_str()],
        ),
        ("a backslash", "\\", vec![]),
    ];

    for (case, text, expected) in cases {
        let data = app.data(query, json!({ "text": text })).await;

        assert_eq!(
            codes(&data["organizations"], "creditCode"),
            expected,
            "{case}"
        );
        assert_eq!(
            data["organizations"]["totalCount"],
            expected.len(),
            "{case}"
        );
    }
}

#[tokio::test]
async fn filters_naming_unknown_regions_or_categories_are_not_found() {
    let app = TestApp::spawn().await;
    arrange_six(&app).await;
    let cases = [
        (
            "unknown region",
            json!({ "regionCode": "370000" }),
            "filter.regionCode",
        ),
        (
            "unknown category",
            json!({ "categoryCode": "NO_SUCH_CATEGORY" }),
            "filter.categoryCode",
        ),
    ];

    for (case, filter, field) in cases {
        let (code, message) = app
            .error(
                "query($filter: OrganizationFilter) { organizations(filter: $filter) { totalCount } }",
                json!({ "filter": filter }),
            )
            .await;

        assert_eq!(code, "NOT_FOUND", "{case}");
        assert!(
            message.starts_with(&format!("{field}: ")),
            "{case}: {message}"
        );
    }
}

/// A lookup by credit code, bound as text the way the service binds it,
/// is served by the code's unique index on both engines. (On PostgreSQL a
/// `char(18)` column compared with a text parameter is cast first, and
/// the index cannot serve it.)
#[tokio::test]
async fn a_credit_code_lookup_bound_as_text_uses_the_index() {
    let app = TestApp::spawn().await;
    let plan = helpers::query_plan(
        &app,
        "SELECT id FROM organization WHERE credit_code = $1",
        vec![credit_code("91", "350100", 1).into()],
    )
    .await;
    assert!(
        plan.to_lowercase().contains("index"),
        "the lookup does not use an index:\n{plan}"
    );
}
