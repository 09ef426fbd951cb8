//! The test application: a fresh database with the real migrations and
//! reference data, the production schema, and helpers to query it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Request, Variables};
use axum::Router;
use orgmap::domain::{db, reference, scope::Scope};
use orgmap::graphql::{self, AppSchema};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

pub struct TestApp {
    pub db: DatabaseConnection,
    pub schema: AppSchema,
    statements: Arc<AtomicUsize>,
}

impl TestApp {
    /// A fresh in-memory SQLite database, migrated, with the reference data.
    pub async fn spawn() -> TestApp {
        Self::spawn_at("sqlite::memory:").await
    }

    /// A database at `url`, migrated, with the reference data.
    pub async fn spawn_at(url: &str) -> TestApp {
        let mut db = db::connect(url).await.expect("database opens and migrates");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        reference::load_if_empty(&db)
            .await
            .expect("reference data loads");
        let schema = graphql::build(db.clone());
        TestApp {
            db,
            schema,
            statements,
        }
    }

    /// The whole response (`data`, `errors`) as JSON.
    pub async fn execute(&self, query: &str, variables: Value) -> Value {
        let request = Request::new(query).variables(Variables::from_json(variables));
        let request = graphql::prepare(request, &self.db, Scope::EVERYTHING);
        let response = self.schema.execute(request).await;
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
        orgmap::app::router(self.schema.clone(), self.db.clone())
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let data = self
            .raw_one(&format!("SELECT COUNT(*) AS n FROM {table}"))
            .await;
        data
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
