//! Time: periods of responsibility after every kind of write, the answer
//! "as of" a time at its boundaries, coverage snapshots (on demand, daily,
//! in a range) and prune.

use chrono::{DateTime, Duration, NaiveTime, SecondsFormat, Utc};
use orgmap::domain::access::Role;
use orgmap::domain::clock;
use orgmap::domain::history::{prune, snapshots};
use orgmap::domain::scope::Scope;
use orgmap::domain::transfer::import::{ImportOptions, import};
use orgmap::domain::transfer::{Dataset, Encoding, Format};
use serde_json::{Value, json};

use crate::helpers::access::{caller, region_id};
use crate::helpers::{self, TestApp};
use sea_orm::ConnectionTrait;

const HISTORY: &str = "query($code: String!) { organization(creditCode: $code) {
    responsibilityHistory { from to basis department { code } }
} }";

const AT: &str = "query($code: String!, $time: String!) { organization(creditCode: $code) {
    responsibilityAt(time: $time) { from to basis department { code } }
} }";

async fn history(app: &TestApp, code: &str) -> Vec<Value> {
    let data = app.data(HISTORY, json!({ "code": code })).await;
    data["organization"]["responsibilityHistory"]
        .as_array()
        .expect("a list")
        .clone()
}

async fn at(app: &TestApp, code: &str, time: &str) -> Value {
    let data = app.data(AT, json!({ "code": code, "time": time })).await;
    data["organization"]["responsibilityAt"].clone()
}

/// (basis, department code) of each period, oldest first.
fn shape(periods: &[Value]) -> Vec<(String, Option<String>)> {
    periods
        .iter()
        .map(|p| {
            (
                p["basis"].as_str().unwrap().to_owned(),
                p["department"]["code"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Every period but the last is closed where the next begins; the last is open.
fn assert_contiguous(periods: &[Value], case: &str) {
    for pair in periods.windows(2) {
        assert_eq!(pair[0]["to"], pair[1]["from"], "{case}: {periods:?}");
    }
    assert_eq!(periods.last().unwrap()["to"], Value::Null, "{case}");
}

/// The `n` that `sql` (one row, a count named `n`) answers.
async fn count(app: &TestApp, sql: &str) -> i64 {
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            sql,
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn open_periods(app: &TestApp) -> i64 {
    // Open: an organization's latest row, unless it closes.
    count(
        app,
        "SELECT COUNT(*) AS n FROM responsibility_period p WHERE p.basis IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM responsibility_period q \
           WHERE q.credit_code = p.credit_code AND q.from_at > p.from_at)",
    )
    .await
}

#[tokio::test]
async fn every_write_that_changes_responsibility_closes_a_period_and_opens_the_next() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let code = helpers::credit_code("91", "350102", 1);
    helpers::organization(&app, &code, "甲公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    let mut expected: Vec<(String, Option<String>)> = Vec::new();
    let mut check = |periods: &[Value], case: &str, add: (&str, Option<&str>)| {
        expected.push((add.0.to_owned(), add.1.map(str::to_owned)));
        assert_eq!(shape(periods), expected, "{case}");
        assert_contiguous(periods, case);
    };
    check(
        &history(&app, &code).await,
        "an organization write",
        ("NONE", None),
    );

    // A department write re-resolves it: the fallback.
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    check(
        &history(&app, &code).await,
        "a department write",
        ("FALLBACK", Some("DJ-FALLBACK")),
    );

    // A second department: the province's rule now finds its kind.
    helpers::department(&app, "SJ-GULOU", "MARKET_REGULATION", "350102").await;
    check(
        &history(&app, &code).await,
        "a rule's kind gets a department",
        ("RULE", Some("SJ-GULOU")),
    );

    // A rule change: in 鼓楼区 civil affairs oversees small enterprises.
    helpers::department(&app, "MZ-GULOU", "CIVIL_AFFAIRS", "350102").await;
    assert_eq!(
        history(&app, &code).await.len(),
        3,
        "an unrelated department"
    );
    app.data(
        "mutation($input: RuleInput!) { upsertRule(input: $input) { basis } }",
        json!({ "input": {
            "categoryCode": "SMALL_MICRO_ENTERPRISE", "departmentKindCode": "CIVIL_AFFAIRS",
            "scopeRegionCode": "350102", "basis": "鼓楼区分工"
        } }),
    )
    .await;
    check(
        &history(&app, &code).await,
        "a rule change",
        ("RULE", Some("MZ-GULOU")),
    );

    // Its own upsert: a party affiliation decides; a rename changes nothing.
    helpers::upsert_organization(
        &app,
        &code,
        "SMALL_MICRO_ENTERPRISE",
        "350102001",
        json!({ "partyAffiliationCode": "SJ-GULOU" }),
    )
    .await;
    check(
        &history(&app, &code).await,
        "its own upsert",
        ("PARTY_AFFILIATION", Some("SJ-GULOU")),
    );
    helpers::upsert_organization(
        &app,
        &code,
        "SMALL_MICRO_ENTERPRISE",
        "350102001",
        json!({ "name": "甲公司（更名）", "workCovered": true }),
    )
    .await;
    assert_eq!(history(&app, &code).await.len(), 5, "a rename is no change");

    // The start-up rebuild does not open a second period.
    let open = open_periods(&app).await;
    orgmap::domain::store::write(&app.db, |txn| {
        Box::pin(orgmap::domain::engine::rebuild(txn))
    })
    .await
    .unwrap();
    assert_eq!(open_periods(&app).await, open, "a rebuild changes nothing");
    assert_eq!(
        history(&app, &code).await.len(),
        5,
        "a rebuild changes nothing"
    );

    // A delete closes it; recorded again, it takes its history back.
    let before = history(&app, &code).await;
    app.data(
        "mutation($code: String!) { deleteOrganization(creditCode: $code) }",
        json!({ "code": code }),
    )
    .await;
    assert_eq!(
        open_periods(&app).await,
        open - 1,
        "a delete closes its period"
    );
    helpers::organization(&app, &code, "甲公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    let after = history(&app, &code).await;
    assert_eq!(after.len(), 6, "{after:?}");
    assert_eq!(after[..4], before[..4], "the earlier periods are kept");
    assert_ne!(after[4]["to"], Value::Null, "closed at the delete");
    assert!(
        time(&after[4]["to"]) <= time(&after[5]["from"]),
        "a gap while deleted"
    );
    assert_eq!(after[5]["to"], Value::Null);
    assert_eq!(
        shape(&after[5..]),
        [("RULE".to_owned(), Some("MZ-GULOU".to_owned()))]
    );
}

#[tokio::test]
async fn an_import_opens_a_period_for_each_new_organization_and_follows_changes() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    helpers::department(&app, "SJ-GULOU", "MARKET_REGULATION", "350102").await;
    let (a, b) = (
        helpers::credit_code("91", "350102", 1),
        helpers::credit_code("91", "350102", 2),
    );
    let import_csv = |csv: String| {
        let app = &app;
        async move {
            let caller = caller("importer", Role::Editor, Scope::EVERYTHING);
            import(
                &app.db,
                &caller,
                "test-file",
                Box::new(std::io::Cursor::new(csv.into_bytes())),
                ImportOptions {
                    entity: Dataset::Organizations,
                    format: Format::Csv,
                    encoding: Encoding::Utf8,
                    dry_run: false,
                },
            )
            .await
            .expect("the import runs")
        }
    };
    import_csv(format!(
        "creditCode,name,categoryCode,regionCode\n{a},甲公司,SMALL_MICRO_ENTERPRISE,350102001\n\
         {b},乙公司,SMALL_MICRO_ENTERPRISE,350102001\n"
    ))
    .await;
    for code in [&a, &b] {
        let periods = history(&app, code).await;
        assert_eq!(
            shape(&periods),
            [("RULE".to_owned(), Some("SJ-GULOU".to_owned()))],
            "imported"
        );
    }
    import_csv(format!(
        "creditCode,name,categoryCode,regionCode,partyAffiliationCode\n\
         {a},甲公司,SMALL_MICRO_ENTERPRISE,350102001,DJ-FALLBACK\n"
    ))
    .await;
    let periods = history(&app, &a).await;
    assert_eq!(
        shape(&periods),
        [
            ("RULE".to_owned(), Some("SJ-GULOU".to_owned())),
            (
                "PARTY_AFFILIATION".to_owned(),
                Some("DJ-FALLBACK".to_owned())
            )
        ],
        "an import that changes it"
    );
    assert_contiguous(&periods, "an import");
    assert_eq!(
        history(&app, &b).await.len(),
        1,
        "untouched by the second file"
    );
}

#[tokio::test]
async fn responsibility_at_answers_the_period_that_held_at_its_boundaries() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let code = helpers::credit_code("91", "350102", 1);
    helpers::organization(&app, &code, "甲公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    let periods = history(&app, &code).await;
    assert_eq!(periods.len(), 2);
    let (first, change) = (time(&periods[0]["from"]), time(&periods[1]["from"]));
    let micro = Duration::microseconds(1);

    let cases = [
        (
            "the exact instant of the change",
            text(change),
            Some("FALLBACK"),
        ),
        ("just before the change", text(change - micro), Some("NONE")),
        ("the exact instant recorded", text(first), Some("NONE")),
        ("before the first period", text(first - micro), None),
        (
            "the same instant in +08:00",
            (change).with_timezone(&clock::shanghai()).to_rfc3339(),
            Some("FALLBACK"),
        ),
        // Today (Asia/Shanghai) is as of its end: what holds now.
        (
            "today's date",
            clock::date_of(change).to_string(),
            Some("FALLBACK"),
        ),
        (
            "yesterday's date: before it was recorded",
            clock::date_of(first - Duration::days(1)).to_string(),
            None,
        ),
    ];
    for (case, time, basis) in cases {
        let answer = at(&app, &code, &time).await;
        assert_eq!(answer["basis"].as_str(), basis, "{case} ({time})");
    }
    assert_eq!(
        at(&app, &code, &text(change)).await["department"]["code"],
        "DJ-FALLBACK"
    );

    for malformed in ["yesterday", "2026-02-30", "2026-06-30 08:00", ""] {
        let (got, message) = app
            .error(AT, json!({ "code": code, "time": malformed }))
            .await;
        assert_eq!(got, "BAD_USER_INPUT", "{malformed}");
        assert!(message.starts_with("time: "), "{malformed}: {message}");
    }
    let chinese = app
        .execute_in(
            orgmap::i18n::Lang::Zh,
            AT,
            json!({ "code": code, "time": "昨天" }),
        )
        .await;
    let message = chinese["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("格式不正确"), "{message}");
}

const RECORD: &str = "mutation { recordCoverageSnapshot }";

const TREND: &str = "query($region: String, $from: String!, $to: String!) {
    coverageHistory(regionCode: $region, from: $from, to: $to) {
        at organizations unassigned fallbackOnly shouldEstablish
        responsibilityRate organizationalCoverageRate workCoverageRate
    }
}";

async fn trend(app: &TestApp, region: Option<&str>, from: &str, to: &str) -> Vec<Value> {
    let data = app
        .data(TREND, json!({ "region": region, "from": from, "to": to }))
        .await;
    data["coverageHistory"].as_array().expect("a list").clone()
}

#[tokio::test]
async fn snapshots_taken_twice_in_a_day_are_both_kept_and_read_oldest_first() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    for serial in 1..=3 {
        let code = helpers::credit_code("91", "350102", serial);
        helpers::organization(&app, &code, "公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    }
    let xiamen = helpers::credit_code("91", "350203", 1);
    helpers::organization(
        &app,
        &xiamen,
        "厦门公司",
        "SMALL_MICRO_ENTERPRISE",
        "350203",
    )
    .await;

    let regions = app.count("region").await;
    app.clock
        .set(clock::start_of(clock::Clock::system().today()) + Duration::hours(9));
    let first = app.data(RECORD, json!({})).await;
    assert_eq!(
        first["recordCoverageSnapshot"], regions,
        "one row per region"
    );
    // Between the two: a department makes the rule decide for 鼓楼区.
    helpers::department(&app, "SJ-GULOU", "MARKET_REGULATION", "350102").await;
    app.clock.set(app.clock.now() + Duration::hours(2));
    app.data(RECORD, json!({})).await;
    assert_eq!(app.count("coverage_snapshot").await, 2 * regions);

    let today = app.clock.today().to_string();
    let points = trend(&app, Some("350100"), &today, &today).await;
    assert_eq!(points.len(), 2, "both kept: {points:?}");
    assert!(
        time(&points[0]["at"]) < time(&points[1]["at"]),
        "oldest first"
    );
    assert_eq!(points[0]["organizations"], 3);
    assert_eq!(points[0]["fallbackOnly"], 3);
    assert_eq!(points[1]["fallbackOnly"], 0);
    assert_eq!(points[0]["responsibilityRate"], 1.0);
    assert_eq!(points[0]["organizationalCoverageRate"], 0.0);

    let whole = trend(&app, None, &today, &today).await;
    assert_eq!(
        whole[0]["organizations"], 4,
        "no region: the whole database"
    );
    assert_eq!(whole[0]["unassigned"], 1, "厦门 has no fallback");

    let from = text(time(&points[1]["at"]));
    assert_eq!(
        trend(&app, Some("350100"), &from, &today).await.len(),
        1,
        "from is inclusive"
    );
    let yesterday = (app.clock.today() - Duration::days(1)).to_string();
    assert!(trend(&app, None, &yesterday, &yesterday).await.is_empty());

    // A caller bound to 福州 sees its own subtree only.
    let bound = caller(
        "fz-viewer",
        Role::Viewer,
        Scope::within(region_id(&app, "350100").await),
    );
    let variables = json!({ "region": "350200", "from": today, "to": today });
    let refused = app.execute_as(&bound, TREND, variables).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let variables = json!({ "region": null, "from": today, "to": today });
    let own = app.execute_as(&bound, TREND, variables).await;
    assert_eq!(
        own["data"]["coverageHistory"][0]["organizations"], 3,
        "{own}"
    );
    let record = app.execute_as(&bound, RECORD, json!({})).await;
    assert_eq!(record["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let (code, message) = app
        .error(
            TREND,
            json!({ "region": null, "from": "last week", "to": today }),
        )
        .await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(message.starts_with("from: "), "{message}");
}

#[tokio::test]
async fn the_daily_snapshot_is_taken_once_a_day() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let regions = app.count("region").await as u64;
    let day = clock::Clock::system().today();
    let midnight = NaiveTime::MIN;

    app.clock.set(clock::start_of(day) + Duration::minutes(1));
    let now = app.clock.now();
    assert_eq!(
        snapshots::take_daily(&app.db, now, midnight).await.unwrap(),
        Some(regions)
    );
    assert_eq!(
        snapshots::take_daily(&app.db, now, midnight).await.unwrap(),
        None
    );
    app.clock.set(clock::end_of(day) - Duration::seconds(1));
    let late = app.clock.now();
    assert_eq!(
        snapshots::take_daily(&app.db, late, midnight)
            .await
            .unwrap(),
        None,
        "the same day, later"
    );
    app.clock.set(clock::end_of(day));
    let next = app.clock.now();
    assert_eq!(
        snapshots::take_daily(&app.db, next, midnight)
            .await
            .unwrap(),
        Some(regions),
        "the next day"
    );
    assert_eq!(app.count("coverage_snapshot").await as u64, 2 * regions);
}

#[tokio::test]
async fn prune_removes_old_snapshots_and_closed_periods_never_an_open_one() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let code = helpers::credit_code("91", "350102", 1);
    helpers::organization(&app, &code, "甲公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    app.data(RECORD, json!({})).await;
    assert_eq!(history(&app, &code).await.len(), 2);
    let open = open_periods(&app).await;

    let before = Utc::now() + Duration::days(1);
    let pruned = prune::prune(&app.db, before).await.unwrap();
    assert_eq!(pruned.periods, 1, "the closed one");
    assert_eq!(pruned.snapshot_rows as i64, app.count("region").await);
    assert_eq!(app.count("coverage_snapshot").await, 0);
    assert_eq!(open_periods(&app).await, open, "open periods stay");
    assert_eq!(
        shape(&history(&app, &code).await),
        [("FALLBACK".to_owned(), Some("DJ-FALLBACK".to_owned()))]
    );
}

/// Rows of the history table, whatever its shape.
async fn period_rows(app: &TestApp, condition: &str) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) AS n FROM responsibility_period WHERE {condition}"),
    )
    .await
}

#[tokio::test]
async fn a_deleted_organization_answers_nothing_while_deleted_and_its_rows_prune_by_credit_code() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let code = helpers::credit_code("91", "350102", 1);
    helpers::organization(&app, &code, "甲公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    let delete = "mutation($code: String!) { deleteOrganization(creditCode: $code) }";
    app.data(delete, json!({ "code": code })).await;
    assert_eq!(period_rows(&app, "organization_id IS NULL").await, 3);
    helpers::organization(&app, &code, "甲公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    let periods = history(&app, &code).await;
    assert_eq!(periods.len(), 3, "{periods:?}");
    let deleted = time(&periods[1]["to"]);
    assert_eq!(
        at(&app, &code, &text(deleted)).await,
        Value::Null,
        "deleted"
    );
    assert_eq!(
        at(&app, &code, &text(deleted - Duration::microseconds(1))).await["basis"],
        "FALLBACK"
    );
    assert_eq!(
        at(&app, &code, periods[2]["from"].as_str().unwrap()).await["basis"],
        "FALLBACK",
        "recorded again"
    );

    // Deleted again: its rows stay under its credit code, and prune
    // removes every one that ended, the closing row once it is alone.
    app.data(delete, json!({ "code": code })).await;
    let pruned = prune::prune(&app.db, Utc::now() + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(pruned.periods, 4, "each row followed by a later one");
    assert_eq!(
        period_rows(&app, "organization_id IS NULL").await,
        0,
        "nothing left of it"
    );
}

#[tokio::test]
async fn one_organization_changed_twice_by_one_import_keeps_one_row_for_the_instant() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let code = helpers::credit_code("91", "350102", 1);
    helpers::organization(&app, &code, "甲公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    // One file: the fallback's kind changes (it no longer decides) and a
    // new department becomes the fallback: two changes at one instant.
    let csv = "code,name,kindCode,regionCode\n\
               DJ-FALLBACK,东街民政办,CIVIL_AFFAIRS,350102001\n\
               DJ-DONGJIE,东街街道党工委,TOWNSHIP,350102001\n";
    let caller = caller("importer", Role::Editor, Scope::EVERYTHING);
    let report = import(
        &app.db,
        &caller,
        "departments.csv",
        Box::new(std::io::Cursor::new(csv.as_bytes().to_vec())),
        ImportOptions {
            entity: Dataset::Departments,
            format: Format::Csv,
            encoding: Encoding::Utf8,
            dry_run: false,
        },
    )
    .await
    .expect("the import runs");
    assert_eq!(report.changed_responsibility, 2, "changed twice");
    let periods = history(&app, &code).await;
    assert_contiguous(&periods, "an import of departments");
    assert_eq!(periods.len(), 3, "{periods:?}");
    let now = app
        .data(
            "query($code: String!) { organization(creditCode: $code) {
                responsibility { basis department { code } } } }",
            json!({ "code": code }),
        )
        .await;
    let now = &now["organization"]["responsibility"];
    assert_eq!(periods[2]["basis"], now["basis"]);
    assert_eq!(periods[2]["department"], now["department"]);
}

/// A province with two organizations at a township with a fallback
/// department, the second of them deleted: their credit codes, kept and
/// deleted.
async fn kept_and_deleted() -> (TestApp, String, String) {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    let (kept, gone) = (
        helpers::credit_code("91", "350102", 1),
        helpers::credit_code("91", "350102", 2),
    );
    for code in [&kept, &gone] {
        helpers::organization(&app, code, "公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    }
    helpers::department(&app, "DJ-FALLBACK", "TOWNSHIP", "350102001").await;
    let delete = "mutation($code: String!) { deleteOrganization(creditCode: $code) }";
    app.data(delete, json!({ "code": gone })).await;
    (app, kept, gone)
}

/// How many migrations `down` takes back to undo the one whose name holds
/// `name`, and every later one.
fn steps_back_to(name: &str) -> u32 {
    use migration::{Migrator, MigratorTrait};

    Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().contains(name))
        .expect("the migration is registered") as u32
        + 1
}

/// The migration to append-only periods carries every period down (each
/// closed where the next begins, or at its deletion) and up again.
#[tokio::test]
async fn the_append_only_migration_carries_every_period_down_and_up() {
    use migration::{Migrator, MigratorTrait};

    let (app, kept, gone) = kept_and_deleted().await;
    let before = history(&app, &kept).await;
    assert_eq!(before.len(), 2);

    Migrator::down(
        &app.db,
        Some(steps_back_to("append_responsibility_periods")),
    )
    .await
    .expect("it goes down");
    assert_eq!(period_rows(&app, "1 = 1").await, 4, "the closing row gone");
    assert_eq!(period_rows(&app, "to_at IS NULL").await, 1, "one open");
    assert_eq!(
        period_rows(
            &app,
            "organization_id IS NULL AND to_at IS NOT NULL AND to_at > from_at"
        )
        .await,
        2,
        "the deleted one's, closed"
    );

    Migrator::up(&app.db, None).await.expect("it goes up again");
    assert_eq!(history(&app, &kept).await, before, "the same periods");
    assert_eq!(
        period_rows(&app, "basis IS NULL").await,
        1,
        "its closing row"
    );
    helpers::organization(&app, &gone, "公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    let back = history(&app, &gone).await;
    assert_eq!(
        back.len(),
        3,
        "its two periods back, and a new one: {back:?}"
    );
    assert_ne!(back[1]["to"], Value::Null, "closed at its deletion");
}

/// The foreign keys of `responsibility_period`, as the database lists them.
async fn period_foreign_keys(app: &TestApp) -> i64 {
    let sql = if app.db.get_database_backend() == sea_orm::DbBackend::Postgres {
        "SELECT COUNT(*) AS n FROM pg_constraint \
         WHERE conrelid = 'responsibility_period'::regclass AND contype = 'f'"
    } else {
        "SELECT COUNT(*) AS n FROM pragma_foreign_key_list('responsibility_period')"
    };
    count(app, sql).await
}

/// The history's rows carry no foreign keys (a deleted organization's rows
/// are unlinked by the deletion itself); the migration that drops them
/// keeps every row and id, down and up, and a deleted organization's rows
/// go back to it when it is recorded again either way.
#[tokio::test]
async fn the_migration_without_history_keys_keeps_every_row_down_and_up() {
    use migration::{Migrator, MigratorTrait};

    let (app, kept, gone) = kept_and_deleted().await;
    assert_eq!(period_foreign_keys(&app).await, 0);
    assert_eq!(
        period_rows(&app, "organization_id IS NULL").await,
        3,
        "the deleted one's two rows and its closing row, unlinked"
    );
    let before = history(&app, &kept).await;
    let rows = period_rows(&app, "1 = 1").await;

    Migrator::down(&app.db, Some(steps_back_to("unconstrain_history")))
        .await
        .expect("it goes down");
    assert_eq!(
        period_foreign_keys(&app).await,
        2,
        "to the organization and department"
    );
    assert_eq!(period_rows(&app, "1 = 1").await, rows);
    assert_eq!(history(&app, &kept).await, before);

    Migrator::up(&app.db, None).await.expect("it goes up again");
    assert_eq!(period_foreign_keys(&app).await, 0);
    assert_eq!(period_rows(&app, "1 = 1").await, rows);
    assert_eq!(history(&app, &kept).await, before, "the same periods");
    helpers::organization(&app, &gone, "公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    assert_eq!(
        history(&app, &gone).await.len(),
        3,
        "its two periods back, and a new one"
    );
}
