//! The stored responsibility lives in `responsibility`, a narrow row per
//! organization with foreign keys to what it names: the migration that
//! moved it there carries every organization's answer down to the old
//! columns and up again, the foreign keys hold at commit, and the row goes
//! with its organization.

use orgmap::demo;
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::json;

use crate::helpers::{self, TestApp};

/// Every organization's stored responsibility as one line, by credit code,
/// read through `source`'s columns (`basis`, `department_id`, …).
async fn lines(app: &TestApp, source: &str) -> Vec<String> {
    let rows = app
        .db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "SELECT credit_code || '|' || basis || '|' || COALESCE(department_id, 0) || '|' \
                   || COALESCE(kind_id, 0) || '|' || COALESCE(rule_id, 0) || '|' \
                   || COALESCE(rule_kind_id, 0) || '|' || COALESCE(rule_department_id, 0) || '|' \
                   || COALESCE(fallback_department_id, 0) || '|' \
                   || CASE WHEN contested THEN 'contested' ELSE '-' END AS line \
                 FROM ({source}) s ORDER BY credit_code"
            ),
        ))
        .await
        .expect("the stored answers are read");
    rows.iter()
        .map(|row| row.try_get::<String>("", "line").expect("a line"))
        .collect()
}

const NARROW: &str = "SELECT o.credit_code, st.basis, st.department_id, st.kind_id, st.rule_id, \
     st.rule_kind_id, st.rule_department_id, st.fallback_department_id, st.contested \
     FROM organization o JOIN responsibility st ON st.id = o.id";

const WIDE: &str = "SELECT credit_code, resp_basis AS basis, resp_department_id AS department_id, \
     resp_kind_id AS kind_id, resp_rule_id AS rule_id, resp_rule_kind_id AS rule_kind_id, \
     resp_rule_department_id AS rule_department_id, \
     resp_fallback_department_id AS fallback_department_id, resp_contested AS contested \
     FROM organization";

/// Going down puts every answer back on the organization's row; going up
/// moves the answers as they are then (a change made while down included)
/// into the narrow table, and the engine finds nothing to correct.
#[tokio::test]
async fn the_migration_carries_every_stored_answer_down_and_up() {
    use migration::{Migrator, MigratorTrait};

    let app = TestApp::spawn().await;
    demo::generate(&app.db, 1_000, demo::DEFAULT_SEED)
        .await
        .expect("the demo builds");
    let before = lines(&app, NARROW).await;
    assert_eq!(before.len(), 1_000);
    assert!(
        before.iter().any(|l| l.contains("|RULE|")) && before.iter().any(|l| l.contains("|NONE|")),
        "the demo has decided and blind answers"
    );

    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().contains("narrow_responsibility"))
        .expect("the migration is registered") as u32
        + 1;
    Migrator::down(&app.db, Some(steps))
        .await
        .expect("the migration goes down");
    assert_eq!(lines(&app, WIDE).await, before, "down: the same answers");

    // Written while down: one answer made a blind spot.
    let changed = before
        .iter()
        .find(|l| l.contains("|RULE|"))
        .and_then(|l| l.split('|').next())
        .expect("a decided organization")
        .to_owned();
    app.db
        .execute_unprepared(&format!(
            "UPDATE organization SET resp_basis = 'NONE', resp_department_id = NULL, \
               resp_kind_id = NULL WHERE credit_code = '{changed}'"
        ))
        .await
        .expect("the old columns take a write");

    Migrator::up(&app.db, None)
        .await
        .expect("the migration goes up");
    let after = lines(&app, NARROW).await;
    assert_eq!(after.len(), before.len());
    let differ: Vec<_> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.clone())
        .collect();
    assert_eq!(differ.len(), 1, "only the answer written while down moved");
    assert!(differ[0].starts_with(&format!("{changed}|NONE|0|0|")));

    // The engine puts it right, and then finds the rest current.
    let corrected = orgmap::domain::engine::rebuild(&app.db)
        .await
        .expect("the engine rebuilds");
    assert_eq!(corrected, 1);
    assert_eq!(lines(&app, NARROW).await, before);
    helpers::assert_engine_current(&app, "after the migration").await;
}

/// The foreign keys are there and hold at commit: a stored answer naming a
/// department that does not exist is refused, while a rule deleted in the
/// same write that re-resolves what it decided is not.
#[tokio::test]
async fn the_foreign_keys_hold_at_commit() {
    let app = TestApp::spawn().await;
    helpers::small_province(&app).await;
    helpers::department(&app, "SJ-MARKET", "MARKET_REGULATION", "350100").await;
    let code = helpers::credit_code("91", "350102", 1);
    helpers::organization(&app, &code, "公司", "SMALL_MICRO_ENTERPRISE", "350102001").await;
    let rule = "mutation { upsertRule(input: { categoryCode: \"SMALL_MICRO_ENTERPRISE\", \
                departmentKindCode: \"MARKET_REGULATION\" }) { id } }";
    app.data(rule, json!({})).await;
    assert_eq!(
        helpers::responsibility(&app, &code).await["basis"],
        "RULE",
        "the rule decides"
    );

    let txn = app.db.begin().await.expect("a transaction");
    txn.execute_unprepared("UPDATE responsibility SET department_id = 987654")
        .await
        .expect("checked at commit, not before");
    assert!(
        txn.commit().await.is_err(),
        "a department that does not exist is refused"
    );
    assert_eq!(
        helpers::responsibility(&app, &code).await["basis"],
        "RULE",
        "nothing was written"
    );

    let delete = "mutation { deleteRule(categoryCode: \"SMALL_MICRO_ENTERPRISE\") }";
    assert_eq!(app.data(delete, json!({})).await["deleteRule"], true);
    assert_ne!(helpers::responsibility(&app, &code).await["basis"], "RULE");
    assert_eq!(
        app.count("responsibility WHERE rule_id IS NOT NULL").await,
        0,
        "no answer names the deleted rule"
    );

    let remove = "mutation($code: String!) { deleteOrganization(creditCode: $code) }";
    app.data(remove, json!({ "code": code })).await;
    assert_eq!(
        app.count("responsibility").await,
        app.count("organization").await,
        "the row goes with its organization"
    );
}

/// A page filtered on the stored responsibility (its basis, its
/// department) that also shows it joins it once and answers from it.
#[tokio::test]
async fn a_page_filtered_on_the_stored_responsibility_shows_it() {
    let app = TestApp::spawn().await;
    demo::generate(&app.db, 1_000, demo::DEFAULT_SEED)
        .await
        .expect("the demo builds");
    let page = "query($filter: OrganizationFilter!) { organizations(filter: $filter, first: 50) {
        totalCount edges { node { creditCode category { code } region { code }
        responsibility { basis department { code } } } } } }";
    let fallback = app
        .data(page, json!({ "filter": { "basis": "FALLBACK" } }))
        .await;
    let nodes = fallback["organizations"]["edges"].as_array().unwrap();
    assert!(!nodes.is_empty(), "the demo has fallback answers");
    assert!(
        nodes
            .iter()
            .all(|e| e["node"]["responsibility"]["basis"] == "FALLBACK")
    );
    let department = nodes[0]["node"]["responsibility"]["department"]["code"].clone();
    let by_department = app
        .data(
            page,
            json!({ "filter": { "departmentCode": department, "basis": "FALLBACK" } }),
        )
        .await;
    let nodes = by_department["organizations"]["edges"].as_array().unwrap();
    assert!(!nodes.is_empty());
    assert!(nodes.iter().all(|e| {
        e["node"]["responsibility"]["department"]["code"] == department
            && e["node"]["responsibility"]["basis"] == "FALLBACK"
    }));
}
