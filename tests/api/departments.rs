//! Department kinds and departments: upserts, the three dedications, one
//! department per kind per region, lookups and lists.

use serde_json::{Value, json};

use crate::helpers::{self, TestApp, codes};

const UPSERT_KIND: &str = "mutation($input: DepartmentKindInput!) {
    upsertDepartmentKind(input: $input) { code name role }
}";

const UPSERT: &str = "mutation($input: DepartmentInput!) {
    upsertDepartment(input: $input) {
        code name kind { code } region { code }
        dedicatedUnit dedicatedStaff { name title phone email } method fullyDedicated
    }
}";

const DEPARTMENT: &str = "query($code: String!) {
    department(code: $code) {
        code name kind { code } region { code }
        dedicatedUnit dedicatedStaff { name title phone email } method fullyDedicated
    }
}";

async fn department(app: &TestApp, code: &str) -> Value {
    app.data(DEPARTMENT, json!({ "code": code })).await["department"].clone()
}

/// The education bureau of Fuzhou with all three dedications.
fn fuzhou_education() -> Value {
    json!({
        "code": "FZ-EDU",
        "name": "福州市教育局",
        "kindCode": "EDUCATION",
        "regionCode": "350100",
        "dedicatedUnit": "民办教育党建工作科",
        "method": "福州市民办学校党建工作办法 (2020)",
        "dedicatedStaff": [
            { "name": "王芳", "title": "科长", "phone": "0591-1234567", "email": "wangfang@example.cn" },
            { "name": "李强" }
        ]
    })
}

#[tokio::test]
async fn upsert_department_kind_creates_a_kind_then_updates_it() {
    let app = TestApp::spawn().await;

    let created = app
        .data(
            UPSERT_KIND,
            json!({ "input": { "code": "VETERANS", "name": "退役军人事务部门", "role": "SUPERVISOR" } }),
        )
        .await;
    let again = app
        .data(
            UPSERT_KIND,
            json!({ "input": { "code": "VETERANS", "name": "退役军人事务部门", "role": "SUPERVISOR" } }),
        )
        .await;
    let updated = app
        .data(
            UPSERT_KIND,
            json!({ "input": { "code": "VETERANS", "name": " 退役军人事务局 ", "role": "COORDINATOR" } }),
        )
        .await;

    assert_eq!(
        created["upsertDepartmentKind"],
        json!({ "code": "VETERANS", "name": "退役军人事务部门", "role": "SUPERVISOR" })
    );
    assert_eq!(again, created);
    assert_eq!(
        updated["upsertDepartmentKind"],
        json!({ "code": "VETERANS", "name": "退役军人事务局", "role": "COORDINATOR" })
    );
    assert_eq!(app.count("department_kind").await, 11, "10 seeded + 1");
    let data = app
        .data(
            "{ departmentKind(code: \"VETERANS\") { name role } }",
            json!({}),
        )
        .await;
    assert_eq!(data["departmentKind"]["role"], "COORDINATOR");
}

#[tokio::test]
async fn department_kind_names_and_codes_are_validated() {
    let app = TestApp::spawn().await;
    let cases = [
        ("blank name", "VETERANS", " ", "name"),
        ("blank code", " ", "退役军人事务部门", "code"),
        (
            "code with a space",
            "VETERAN AFFAIRS",
            "退役军人事务部门",
            "code",
        ),
    ];

    for (case, code, name, field) in cases {
        app.refused(
            case,
            UPSERT_KIND,
            json!({ "input": { "code": code, "name": name, "role": "SUPERVISOR" } }),
            "BAD_USER_INPUT",
            field,
        )
        .await;
    }
}

#[tokio::test]
async fn upsert_department_stores_the_three_dedications() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    let data = app
        .data(UPSERT, json!({ "input": fuzhou_education() }))
        .await;

    assert_eq!(
        data["upsertDepartment"],
        json!({
            "code": "FZ-EDU",
            "name": "福州市教育局",
            "kind": { "code": "EDUCATION" },
            "region": { "code": "350100" },
            "dedicatedUnit": "民办教育党建工作科",
            "dedicatedStaff": [
                { "name": "王芳", "title": "科长", "phone": "0591-1234567", "email": "wangfang@example.cn" },
                { "name": "李强", "title": null, "phone": null, "email": null }
            ],
            "method": "福州市民办学校党建工作办法 (2020)",
            "fullyDedicated": true
        })
    );
    assert_eq!(department(&app, "FZ-EDU").await, data["upsertDepartment"]);
    assert_eq!(app.count("department").await, 1);
    assert_eq!(app.count("department_contact").await, 2);
}

#[tokio::test]
async fn upserting_the_same_department_twice_leaves_one_row_and_its_contacts() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let first = app
        .data(UPSERT, json!({ "input": fuzhou_education() }))
        .await;

    let second = app
        .data(UPSERT, json!({ "input": fuzhou_education() }))
        .await;

    assert_eq!(second, first);
    assert_eq!(app.count("department").await, 1);
    assert_eq!(
        app.count("department_contact").await,
        2,
        "contacts replaced, not added"
    );
}

#[tokio::test]
async fn a_department_lacking_any_dedication_is_not_fully_dedicated() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let staff = json!([{ "name": "王芳" }]);
    let cases = [
        (
            "all three",
            json!({ "dedicatedUnit": "科", "dedicatedStaff": staff, "method": "办法" }),
            true,
        ),
        (
            "no unit",
            json!({ "dedicatedStaff": staff, "method": "办法" }),
            false,
        ),
        (
            "no staff",
            json!({ "dedicatedUnit": "科", "method": "办法" }),
            false,
        ),
        (
            "an empty staff list",
            json!({ "dedicatedUnit": "科", "dedicatedStaff": [], "method": "办法" }),
            false,
        ),
        (
            "no method",
            json!({ "dedicatedUnit": "科", "dedicatedStaff": staff }),
            false,
        ),
        (
            "a blank method",
            json!({ "dedicatedUnit": "科", "dedicatedStaff": staff, "method": "  " }),
            false,
        ),
        ("nothing", json!({}), false),
    ];

    // One region each: a region has one HEALTH department.
    let regions = [
        "350000",
        "350100",
        "350102",
        "350102001",
        "350102002",
        "350200",
        "350203",
    ];

    for ((case, dedications, expected), region) in cases.into_iter().zip(regions) {
        let mut input = json!({
            "code": format!("D{region}"), "name": case, "kindCode": "HEALTH", "regionCode": region,
        });
        input
            .as_object_mut()
            .unwrap()
            .extend(dedications.as_object().unwrap().clone());

        let data = app.data(UPSERT, json!({ "input": input })).await;

        assert_eq!(
            data["upsertDepartment"]["fullyDedicated"], expected,
            "{case}"
        );
    }
}

#[tokio::test]
async fn omitted_department_fields_keep_their_values_and_null_clears_them() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    app.data(UPSERT, json!({ "input": fuzhou_education() }))
        .await;
    let bare = json!({
        "code": "FZ-EDU", "name": "福州市教育局", "kindCode": "EDUCATION", "regionCode": "350100"
    });

    let kept = app.data(UPSERT, json!({ "input": bare })).await;

    let full = department(&app, "FZ-EDU").await;
    assert_eq!(
        kept["upsertDepartment"], full,
        "omitted fields keep their values"
    );
    assert_eq!(full["dedicatedUnit"], "民办教育党建工作科");
    assert_eq!(full["dedicatedStaff"].as_array().unwrap().len(), 2);
    assert_eq!(full["method"], "福州市民办学校党建工作办法 (2020)");

    let cases = [
        ("dedicatedUnit", json!(null)),
        ("dedicatedStaff", json!([])),
        ("method", json!(null)),
    ];
    for (field, cleared) in cases {
        let mut input = bare.clone();
        input[field] = Value::Null;

        let data = app.data(UPSERT, json!({ "input": input })).await;

        assert_eq!(
            data["upsertDepartment"][field], cleared,
            "null clears {field}"
        );
        assert_eq!(
            data["upsertDepartment"]["fullyDedicated"], false,
            "{field} cleared"
        );
    }
    let cleared = department(&app, "FZ-EDU").await;
    assert!(cleared["dedicatedUnit"].is_null());
    assert_eq!(cleared["dedicatedStaff"], json!([]));
    assert!(cleared["method"].is_null());
    assert_eq!(app.count("department_contact").await, 0);
}

#[tokio::test]
async fn a_given_staff_list_replaces_the_stored_one_in_order() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    app.data(UPSERT, json!({ "input": fuzhou_education() }))
        .await;
    let mut input = fuzhou_education();
    input["dedicatedStaff"] = json!([{ "name": "赵敏" }, { "name": "钱进" }, { "name": "孙丽" }]);

    let data = app.data(UPSERT, json!({ "input": input })).await;

    assert_eq!(
        codes(&data["upsertDepartment"]["dedicatedStaff"], "name"),
        ["赵敏", "钱进", "孙丽"]
    );
    assert_eq!(app.count("department_contact").await, 3);
}

#[tokio::test]
async fn a_second_department_of_the_same_kind_in_a_region_is_a_conflict() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FZ-EDU", "EDUCATION", "350100").await;
    let before = app.counts().await;

    let (code, message) = app
        .error(
            UPSERT,
            json!({ "input": {
                "code": "FZ-EDU-2", "name": "福州市教育局（二）", "kindCode": "EDUCATION", "regionCode": "350100",
                "dedicatedStaff": [{ "name": "李强" }]
            } }),
        )
        .await;

    assert_eq!(code, "CONFLICT");
    assert!(
        message.contains("350100") && message.contains("EDUCATION") && message.contains("FZ-EDU"),
        "names the region, the kind and the holder: {message}"
    );
    assert_eq!(app.counts().await, before, "nothing is written");
    assert!(department(&app, "FZ-EDU-2").await.is_null());
}

#[tokio::test]
async fn moving_a_department_onto_a_taken_kind_and_region_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FZ-EDU", "EDUCATION", "350100").await;
    helpers::department(&app, "XM-EDU", "EDUCATION", "350200").await;
    let before = department(&app, "XM-EDU").await;

    let (code, _) = app
        .error(
            UPSERT,
            json!({ "input": {
                "code": "XM-EDU", "name": "改名", "kindCode": "EDUCATION", "regionCode": "350100",
                "dedicatedUnit": null
            } }),
        )
        .await;

    assert_eq!(code, "CONFLICT");
    assert_eq!(department(&app, "XM-EDU").await, before, "old values kept");
}

#[tokio::test]
async fn the_same_kind_at_other_regions_and_other_kinds_at_the_same_region_are_allowed() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    helpers::department(&app, "FZ-EDU", "EDUCATION", "350100").await;
    helpers::department(&app, "XM-EDU", "EDUCATION", "350200").await;
    helpers::department(&app, "FZ-HEALTH", "HEALTH", "350100").await;

    assert_eq!(app.count("department").await, 3);
}

#[tokio::test]
async fn unknown_kinds_and_regions_of_a_department_are_not_found() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        ("unknown kind", "NO_SUCH_KIND", "350100", "kindCode"),
        ("unknown region", "EDUCATION", "370000", "regionCode"),
    ];

    for (case, kind, region, field) in cases {
        app.refused(
            case,
            UPSERT,
            json!({ "input": { "code": "X", "name": "某部门", "kindCode": kind, "regionCode": region } }),
            "NOT_FOUND",
            field,
        )
        .await;
    }
}

#[tokio::test]
async fn department_inputs_are_validated_and_refusals_write_nothing() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FZ-EDU", "EDUCATION", "350100").await;
    let stored = department(&app, "FZ-EDU").await;
    let too_long = "部".repeat(201);
    let cases = [
        ("blank name", json!({ "name": "  " }), "name"),
        ("201-character name", json!({ "name": too_long }), "name"),
        ("code with a slash", json!({ "code": "FZ/EDU" }), "code"),
        (
            "staff without a name",
            json!({ "dedicatedStaff": [{ "name": " " }] }),
            "dedicatedStaff[0].name",
        ),
        (
            "a phone with letters",
            json!({ "dedicatedStaff": [{ "name": "王芳" }, { "name": "李强", "phone": "call me" }] }),
            "dedicatedStaff[1].phone",
        ),
        (
            "an email without @",
            json!({ "dedicatedStaff": [{ "name": "王芳", "email": "wangfang.example.cn" }] }),
            "dedicatedStaff[0].email",
        ),
        (
            "51 contacts",
            json!({ "dedicatedStaff": vec![json!({ "name": "王芳" }); 51] }),
            "dedicatedStaff",
        ),
    ];

    for (case, change, field) in cases {
        let mut input = json!({
            "code": "FZ-EDU", "name": "福州市教育局", "kindCode": "EDUCATION", "regionCode": "350100",
            "dedicatedUnit": "新科室"
        });
        input
            .as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());

        app.refused(
            case,
            UPSERT,
            json!({ "input": input }),
            "BAD_USER_INPUT",
            field,
        )
        .await;

        assert_eq!(
            department(&app, "FZ-EDU").await,
            stored,
            "{case}: old values kept"
        );
    }
}

#[tokio::test]
async fn department_names_are_trimmed() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;

    let data = app
        .data(
            UPSERT,
            json!({ "input": {
                "code": " FZ-EDU ", "name": "  福州市教育局 ", "kindCode": "EDUCATION", "regionCode": "350100",
                "dedicatedUnit": " 科 "
            } }),
        )
        .await;

    assert_eq!(data["upsertDepartment"]["code"], "FZ-EDU");
    assert_eq!(data["upsertDepartment"]["name"], "福州市教育局");
    assert_eq!(data["upsertDepartment"]["dedicatedUnit"], "科");
}

#[tokio::test]
async fn departments_filter_by_kind_and_region_subtree() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    for (code, kind, region) in [
        ("FJ-EDU", "EDUCATION", "350000"),
        ("FZ-EDU", "EDUCATION", "350100"),
        ("GL-EDU", "EDUCATION", "350102"),
        ("GL-MR", "MARKET_REGULATION", "350102"),
        ("DJ-TOWNSHIP", "TOWNSHIP", "350102001"),
        ("XM-EDU", "EDUCATION", "350200"),
        ("SM-MR", "MARKET_REGULATION", "350203"),
    ] {
        helpers::department(&app, code, kind, region).await;
    }
    let query = "query($kind: String, $region: String) {
        departments(kindCode: $kind, regionCode: $region) { totalCount edges { node { code } } }
    }";
    let cases = [
        (
            "everything",
            json!({}),
            vec![
                "FJ-EDU",
                "FZ-EDU",
                "GL-EDU",
                "GL-MR",
                "DJ-TOWNSHIP",
                "XM-EDU",
                "SM-MR",
            ],
        ),
        (
            "one kind",
            json!({ "kind": "EDUCATION" }),
            vec!["FJ-EDU", "FZ-EDU", "GL-EDU", "XM-EDU"],
        ),
        (
            "a city and everything below it",
            json!({ "region": "350100" }),
            vec!["FZ-EDU", "GL-EDU", "GL-MR", "DJ-TOWNSHIP"],
        ),
        (
            "one kind within a city",
            json!({ "kind": "MARKET_REGULATION", "region": "350200" }),
            vec!["SM-MR"],
        ),
        (
            "a subdistrict",
            json!({ "region": "350102001" }),
            vec!["DJ-TOWNSHIP"],
        ),
        (
            "a kind with no department",
            json!({ "kind": "HEALTH" }),
            vec![],
        ),
    ];

    for (case, variables, expected) in cases {
        let data = app.data(query, variables).await;

        assert_eq!(codes(&data["departments"], "code"), expected, "{case}");
        assert_eq!(
            data["departments"]["totalCount"],
            expected.len(),
            "{case}: totalCount"
        );
    }
}

#[tokio::test]
async fn departments_of_an_unknown_kind_or_region_are_not_found() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let cases = [
        (
            "unknown kind",
            "{ departments(kindCode: \"NO_SUCH_KIND\") { totalCount } }",
            "kindCode",
        ),
        (
            "unknown region",
            "{ departments(regionCode: \"370000\") { totalCount } }",
            "regionCode",
        ),
    ];

    for (case, query, field) in cases {
        let (code, message) = app.error(query, json!({})).await;

        assert_eq!(code, "NOT_FOUND", "{case}");
        assert!(
            message.starts_with(&format!("{field}: ")),
            "{case}: {message}"
        );
    }
}

#[tokio::test]
async fn a_department_kind_lists_its_departments() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "FZ-EDU", "EDUCATION", "350100").await;
    helpers::department(&app, "FZ-HEALTH", "HEALTH", "350100").await;
    helpers::department(&app, "XM-EDU", "EDUCATION", "350200").await;

    let data = app
        .data(
            "{ departmentKind(code: \"EDUCATION\") { departments { code region { code } } } }",
            json!({}),
        )
        .await;

    assert_eq!(
        codes(&data["departmentKind"]["departments"], "code"),
        ["FZ-EDU", "XM-EDU"]
    );
}

#[tokio::test]
async fn an_unknown_department_is_null() {
    let app = TestApp::spawn().await;

    let data = app.data(DEPARTMENT, json!({ "code": "NOBODY" })).await;

    assert!(data["department"].is_null());
}
