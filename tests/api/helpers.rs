//! The test application: a fresh database with the real migrations and
//! reference data, the production schema, and helpers to query it; HTTP
//! requests through the router (`http`, re-exported here) and the access
//! tests' callers, tokens and two cities ([`access`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Request, Variables};
use axum::Router;
use orgmap::domain::access::Caller;
use orgmap::domain::store::db;
use orgmap::graphql::{self, AppSchema};
use orgmap::i18n::Lang;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

pub mod access;
mod http;

pub use self::http::{JSON_TYPE, Reply, get, post, post_query, send, urlencode};

pub struct TestApp {
    pub db: DatabaseConnection,
    /// Where the database is, for a second connection pool.
    pub url: String,
    /// Keeps a file-backed database's directory alive.
    _dir: Option<tempfile::TempDir>,
    pub schema: AppSchema,
    statements: Arc<AtomicUsize>,
    /// The schema's "now": the system's time until a test sets it.
    #[allow(dead_code)]
    pub clock: orgmap::domain::clock::Clock,
}

impl TestApp {
    /// A fresh database, migrated, with the reference data: in-memory
    /// SQLite, or, when TEST_DATABASE_URL names a PostgreSQL server, a
    /// schema of its own there (so tests stay parallel).
    pub async fn spawn() -> TestApp {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if url.starts_with("postgres") => {
                let url = fresh_postgres_schema(&url).await;
                Self::spawn_at(&url).await
            }
            _ => Self::spawn_at("sqlite::memory:").await,
        }
    }

    /// Like `spawn`, but on SQLite a file-backed database with a pool of
    /// connections, so that a second pool can open it and writers really
    /// run at once.
    pub async fn spawn_shared() -> TestApp {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if url.starts_with("postgres") => Self::spawn().await,
            _ => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("orgmap.db").display()
                );
                let mut app = Self::spawn_at(&url).await;
                app._dir = Some(dir);
                app
            }
        }
    }

    /// True when the tests run on PostgreSQL.
    #[allow(dead_code)]
    pub fn is_postgres(&self) -> bool {
        self.db.get_database_backend() == sea_orm::DbBackend::Postgres
    }

    /// A database at `url`, migrated, with the reference data.
    pub async fn spawn_at(url: &str) -> TestApp {
        let mut db = db::connect(url).await.expect("database opens and migrates");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        orgmap::domain::initialize(&db)
            .await
            .expect("reference data loads");
        let clock = orgmap::domain::clock::Clock::system();
        let schema = graphql::build_at(db.clone(), &graphql::Limits::default(), clock.clone());
        TestApp {
            db,
            url: url.to_owned(),
            _dir: None,
            schema,
            statements,
            clock,
        }
    }

    /// The whole response (`data`, `errors`) as JSON, as the local admin.
    pub async fn execute(&self, query: &str, variables: Value) -> Value {
        self.execute_as(&Caller::local(), query, variables).await
    }

    /// The whole response as `caller`, in English: the assertions of most
    /// tests read English texts. The default language (Chinese) is tested
    /// with [`TestApp::execute_in`] and over HTTP without `Accept-Language`.
    pub async fn execute_as(&self, caller: &Caller, query: &str, variables: Value) -> Value {
        self.execute_full(caller, Lang::En, query, variables).await
    }

    /// The whole response as the local admin, its texts in `lang` (what
    /// the HTTP layer sets from `Accept-Language`).
    pub async fn execute_in(&self, lang: Lang, query: &str, variables: Value) -> Value {
        self.execute_full(&Caller::local(), lang, query, variables)
            .await
    }

    async fn execute_full(
        &self,
        caller: &Caller,
        lang: Lang,
        query: &str,
        variables: Value,
    ) -> Value {
        let request = Request::new(query)
            .variables(Variables::from_json(variables))
            .data(lang);
        let response = graphql::execute(&self.schema, request, &self.db, caller).await;
        serde_json::to_value(&response).expect("response serialises")
    }

    /// The `data` of a response that must have no errors.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.execute(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {}",
            response["errors"]
        );
        response["data"].clone()
    }

    /// The first error of a response that must fail: (code, message).
    pub async fn error(&self, query: &str, variables: Value) -> (String, String) {
        let response = self.execute(query, variables).await;
        let error = &response["errors"][0];
        assert!(!error.is_null(), "expected an error, got {response}");
        (
            error["extensions"]["code"]
                .as_str()
                .unwrap_or("")
                .to_owned(),
            error["message"].as_str().unwrap_or("").to_owned(),
        )
    }

    /// SQL statements run since the last call.
    pub fn take_statement_count(&self) -> usize {
        self.statements.swap(0, Ordering::SeqCst)
    }

    pub fn router(&self) -> Router {
        orgmap::http::router(self.schema.clone(), self.db.clone())
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        self.raw_one(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .await
    }

    async fn raw_one(&self, sql: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let backend = self.db.get_database_backend();
        let row = self
            .db
            .query_one_raw(Statement::from_string(backend, sql.to_owned()))
            .await
            .expect("query runs")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("a count")
    }
}

/// Creates an empty schema on the server at `url` and returns a URL whose
/// connections use it.
pub async fn fresh_postgres_schema(url: &str) -> String {
    use sea_orm::ConnectionTrait;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "t{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let admin = sea_orm::Database::connect(url)
        .await
        .expect("PostgreSQL answers");
    admin
        .execute_unprepared(&format!("CREATE SCHEMA {name}"))
        .await
        .expect("schema is created");
    admin.close().await.ok();
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options[search_path]={name}")
}

/// A small province built through the API: 福建 350000 > 福州 350100 >
/// 鼓楼区 350102 > 东街街道 350102001 and 五凤街道 350102002; 厦门 350200 >
/// 思明区 350203.
pub async fn small_province(app: &TestApp) {
    for (code, name, level, parent) in [
        ("350000", "福建省", "PROVINCE", None),
        ("350100", "福州市", "CITY", Some("350000")),
        ("350102", "鼓楼区", "COUNTY", Some("350100")),
        ("350102001", "东街街道", "SUBDISTRICT", Some("350102")),
        ("350102002", "五凤街道", "SUBDISTRICT", Some("350102")),
        ("350200", "厦门市", "CITY", Some("350000")),
        ("350203", "思明区", "COUNTY", Some("350200")),
    ] {
        app.data(
            "mutation($input: RegionInput!) { upsertRegion(input: $input) { code } }",
            json!({ "input": { "code": code, "name": name, "level": level, "parentCode": parent } }),
        )
        .await;
    }
}

/// Upserts a department with all three dedications.
pub async fn department(app: &TestApp, code: &str, kind: &str, region: &str) {
    app.data(
        "mutation($input: DepartmentInput!) { upsertDepartment(input: $input) { code } }",
        json!({ "input": {
            "code": code, "name": format!("{region} {kind}"), "kindCode": kind, "regionCode": region,
            "dedicatedUnit": "党建工作科", "method": "工作办法 (2020)",
            "dedicatedStaff": [{ "name": "王芳", "title": "科长", "phone": "0591-1234567" }]
        } }),
    )
    .await;
}

/// A valid credit code built from a 2-character prefix, a region code and a serial.
pub fn credit_code(prefix: &str, region6: &str, serial: u32) -> String {
    let first17 = format!("{prefix}{region6}{serial:09}");
    let check = orgmap::domain::values::CreditCode::check_character(&first17);
    format!("{first17}{check}")
}

/// Every table of the schema, for "nothing was written" checks.
pub const TABLES: [&str; 12] = [
    "region",
    "region_closure",
    "department_kind",
    "department",
    "department_contact",
    "category",
    "category_closure",
    "responsibility_rule",
    "organization",
    "milestone",
    "rectification",
    "rectification_event",
];

impl TestApp {
    /// Row counts of every table.
    pub async fn counts(&self) -> Vec<(&'static str, i64)> {
        let mut counts = Vec::new();
        for table in TABLES {
            counts.push((table, self.count(table).await));
        }
        counts
    }

    /// Runs a request that must fail with `code`, whose message begins with
    /// `field: `, and that writes no row anywhere; returns the message.
    pub async fn refused(
        &self,
        case: &str,
        query: &str,
        variables: Value,
        code: &str,
        field: &str,
    ) -> String {
        let before = self.counts().await;
        let (got, message) = self.error(query, variables).await;
        assert_eq!(got, code, "{case}: code (message: {message})");
        assert!(
            message.starts_with(&format!("{field}: ")),
            "{case}: the message names {field}: {message}"
        );
        assert_eq!(self.counts().await, before, "{case}: nothing is written");
        message
    }
}

/// Upserts an organization with only the required fields.
pub async fn organization(
    app: &TestApp,
    credit_code: &str,
    name: &str,
    category: &str,
    region: &str,
) {
    app.data(
        "mutation($input: OrganizationInput!) { upsertOrganization(input: $input) { creditCode } }",
        json!({ "input": {
            "creditCode": credit_code, "name": name, "categoryCode": category, "regionCode": region
        } }),
    )
    .await;
}

/// The `field` of every node of a connection or list, as strings.
pub fn codes(list: &Value, field: &str) -> Vec<String> {
    let items = match list.get("edges") {
        Some(edges) => edges
            .as_array()
            .expect("edges is a list")
            .iter()
            .map(|e| e["node"].clone())
            .collect(),
        None => list.as_array().expect("a list").clone(),
    };
    items
        .iter()
        .map(|item| item[field].as_str().expect("a string field").to_owned())
        .collect()
}

/// The credit codes of the organizations of a `coverageGaps` answer's
/// edges, in list order.
#[allow(dead_code)]
pub fn gap_codes(data: &Value) -> Vec<String> {
    data["coverageGaps"]["edges"]
        .as_array()
        .expect("edges is a list")
        .iter()
        .map(|e| {
            e["node"]["organization"]["creditCode"]
                .as_str()
                .expect("a credit code")
                .to_owned()
        })
        .collect()
}

/// Upserts a department with none of the three dedications.
#[allow(dead_code)]
pub async fn bare_department(app: &TestApp, code: &str, kind: &str, region: &str) {
    app.data(
        "mutation($input: DepartmentInput!) { upsertDepartment(input: $input) { code } }",
        json!({ "input": {
            "code": code, "name": format!("{region} {kind}"), "kindCode": kind, "regionCode": region
        } }),
    )
    .await;
}

/// Upserts an organization named after its credit code, with the required
/// fields plus whatever `extra` gives (administeringRegionCode,
/// partyAffiliationCode, partyOrganization …).
#[allow(dead_code)]
pub async fn upsert_organization(
    app: &TestApp,
    credit_code: &str,
    category: &str,
    region: &str,
    extra: Value,
) {
    let mut input = json!({
        "creditCode": credit_code, "name": format!("组织 {credit_code}"),
        "categoryCode": category, "regionCode": region
    });
    if let Value::Object(fields) = extra {
        for (key, value) in fields {
            input[key] = value;
        }
    }
    app.data(
        "mutation($input: OrganizationInput!) { upsertOrganization(input: $input) { creditCode } }",
        json!({ "input": input }),
    )
    .await;
}

/// The selection of a Responsibility that tests compare with [`answer`].
pub const RESPONSIBILITY: &str = "basis department { code } \
    rule { category { code } scope { code } departmentKind { code } } contestedBy { code }";

/// A Responsibility as [`RESPONSIBILITY`] selects it, written by hand:
/// the basis, the deciding department's code, the rule in force as
/// (category, scope, kind), and the contesting departments' codes.
#[allow(dead_code)]
pub fn answer(
    basis: &str,
    department: Option<&str>,
    rule: Option<(&str, Option<&str>, &str)>,
    contested_by: &[&str],
) -> Value {
    json!({
        "basis": basis,
        "department": department.map(|code| json!({ "code": code })),
        "rule": rule.map(|(category, scope, kind)| json!({
            "category": { "code": category },
            "scope": scope.map(|code| json!({ "code": code })),
            "departmentKind": { "code": kind }
        })),
        "contestedBy": contested_by.iter().map(|code| json!({ "code": code })).collect::<Vec<_>>(),
    })
}

/// The responsibility of one organization, as [`RESPONSIBILITY`] selects it.
#[allow(dead_code)]
pub async fn responsibility(app: &TestApp, credit_code: &str) -> Value {
    let query = format!(
        "query($code: String!) {{ organization(creditCode: $code) {{ responsibility {{ {RESPONSIBILITY} }} }} }}"
    );
    let data = app.data(&query, json!({ "code": credit_code })).await;
    data["organization"]["responsibility"].clone()
}

/// The responsibility of every organization, by credit code.
#[allow(dead_code)]
pub async fn responsibilities(app: &TestApp) -> std::collections::BTreeMap<String, Value> {
    let query = format!(
        "{{ organizations(first: 1000) {{ edges {{ node {{ creditCode responsibility {{ {RESPONSIBILITY} }} }} }} }} }}"
    );
    let data = app.data(&query, json!({})).await;
    data["organizations"]["edges"]
        .as_array()
        .expect("edges is a list")
        .iter()
        .map(|edge| {
            (
                edge["node"]["creditCode"]
                    .as_str()
                    .expect("a credit code")
                    .to_owned(),
                edge["node"]["responsibility"].clone(),
            )
        })
        .collect()
}

/// Asserts that the stored answers are current: recomputing every
/// organization from scratch, as start-up does on a new database, changes
/// none of them. What a write maintained incrementally must equal that.
#[allow(dead_code)]
pub async fn assert_engine_current(app: &TestApp, case: &str) {
    let cells_before = coverage_cells(app).await;
    let changed = orgmap::domain::engine::rebuild(&app.db)
        .await
        .expect("the engine rebuilds");
    assert_eq!(
        changed, 0,
        "{case}: a full rebuild changed {changed} stored answers"
    );
    assert_eq!(
        cells_before,
        coverage_cells(app).await,
        "{case}: the coverage cells kept on writes differ from a recount"
    );
}

/// The non-empty coverage cells, as text, in key order.
async fn coverage_cells(app: &TestApp) -> Vec<String> {
    use sea_orm::{ConnectionTrait, Statement};
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT region_id, admin_region_id, category_id, basis, department_id, kind_id, \
                    contested, ruled, missing_kind_id, n, organized, covered, should_establish, mismatched \
             FROM coverage_cell WHERE n <> 0 \
             ORDER BY region_id, admin_region_id, category_id, basis, department_id, kind_id, \
                      contested, ruled, missing_kind_id",
        ))
        .await
        .expect("cells are read");
    rows.iter()
        .map(|row| {
            let int = |c: &str| {
                row.try_get::<i64>("", c)
                    .or_else(|_| row.try_get::<i32>("", c).map(i64::from))
                    .expect("an integer")
            };
            format!(
                "{} {} {} {} {} {} {} {} {} {} {} {} {} {}",
                int("region_id"),
                int("admin_region_id"),
                int("category_id"),
                row.try_get::<String>("", "basis").expect("a basis"),
                int("department_id"),
                int("kind_id"),
                int("contested"),
                int("ruled"),
                int("missing_kind_id"),
                int("n"),
                int("organized"),
                int("covered"),
                int("should_establish"),
                int("mismatched")
            )
        })
        .collect()
}

/// The query plan of `sql` (placeholders `$1`, `$2`, …) with `values`, one
/// line per step. The tables of a test are tiny, so on PostgreSQL the
/// planner is told to take an index and avoid a sort wherever it can: the
/// plan shows what the indexes allow.
pub async fn query_plan(app: &TestApp, sql: &str, values: Vec<sea_orm::Value>) -> String {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};

    let txn = app.db.begin().await.unwrap();
    let explain = if app.is_postgres() {
        txn.execute_unprepared("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
            .await
            .unwrap();
        "EXPLAIN"
    } else {
        "EXPLAIN QUERY PLAN"
    };
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            app.db.get_database_backend(),
            format!("{explain} {sql}"),
            values,
        ))
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    rows.iter()
        .map(|row| {
            (0..4)
                .filter_map(|i| row.try_get_by_index::<String>(i).ok())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
