//! `orgmap backup` on SQLite: a copy taken while a writer goes on is whole
//! (`PRAGMA integrity_check`), opens and serves, and holds a prefix of the
//! writes, each of them whole; an existing file is not overwritten without
//! `--force`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use async_graphql::{Request, Variables};
use clap::Parser;
use orgmap::commands::config::Cli;
use orgmap::domain::access::Caller;
use orgmap::domain::store::db;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::{TestApp, assert_engine_current, credit_code, small_province};

async fn backup(url: &str, out: &std::path::Path, force: bool) -> anyhow::Result<()> {
    let mut args = vec![
        "orgmap".to_owned(),
        "backup".to_owned(),
        "--out".to_owned(),
        out.display().to_string(),
        "--database-url".to_owned(),
        url.to_owned(),
    ];
    if force {
        args.push("--force".to_owned());
    }
    orgmap::commands::run(Cli::parse_from(args)).await
}

#[tokio::test]
async fn a_backup_under_writes_is_whole_serves_and_holds_a_prefix_of_the_writes() {
    let app = TestApp::spawn_shared().await;
    if app.is_postgres() {
        return; // pg_dump's own snapshot; this test is SQLite's.
    }
    small_province(&app).await;
    // The writer: organization n is written by the n-th transaction, its
    // name saying n, one after the other until told to stop.
    let written = Arc::new(AtomicU32::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (schema, db) = (app.schema.clone(), app.db.clone());
        let (written, stop) = (written.clone(), stop.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let input = json!({ "input": {
                    "creditCode": credit_code("52", "350102", n), "name": format!("备份测试 {n}"),
                    "categoryCode": "PRIVATE_SCHOOL", "regionCode": "350102001"
                } });
                let request = Request::new(
                    "mutation($input: OrganizationInput!) { upsertOrganization(input: $input) { creditCode } }",
                )
                .variables(Variables::from_json(input));
                let response =
                    orgmap::graphql::execute(&schema, request, &db, &Caller::local()).await;
                assert!(response.errors.is_empty(), "{:?}", response.errors);
                written.store(n, Ordering::SeqCst);
            }
        })
    };
    while written.load(Ordering::SeqCst) < 20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("backup.db");

    let before = written.load(Ordering::SeqCst);
    backup(&app.url, &out, false)
        .await
        .expect("the backup runs");
    let after = written.load(Ordering::SeqCst);
    while written.load(Ordering::SeqCst) < after + 5 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();

    let url = format!("sqlite://{}?mode=rw", out.display());
    let raw = db::open(&url).await.unwrap();
    let check = raw
        .query_one_raw(Statement::from_string(
            raw.get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(check.try_get_by_index::<String>(0).unwrap(), "ok");
    raw.close().await.unwrap();

    let copy = TestApp::spawn_at(&url).await;
    let names = copy
        .data(
            "{ organizations(first: 1000, filter: { nameContains: \"备份测试\" }) { edges { node { name responsibility { basis } } } } }",
            json!({}),
        )
        .await;
    let mut serials: Vec<u32> = names["organizations"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            let name = edge["node"]["name"].as_str().unwrap();
            assert!(!edge["node"]["responsibility"]["basis"].is_null(), "{edge}");
            name.strip_prefix("备份测试 ").unwrap().parse().unwrap()
        })
        .collect();
    serials.sort_unstable();
    let k = serials.len() as u32;
    assert_eq!(
        serials,
        (1..=k).collect::<Vec<_>>(),
        "a prefix of the writes"
    );
    assert!(
        (before..=after + 1).contains(&k),
        "the backup holds {k} writes; {before} were done before it began and {after} when it ended"
    );
    let audited = copy
        .db
        .query_one_raw(Statement::from_string(
            copy.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM change WHERE entity = 'organization'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(audited, i64::from(k), "each write with its audit entry");
    assert_engine_current(&copy, "the backup").await;

    let refused = backup(&app.url, &out, false).await;
    assert!(refused.is_err(), "an existing file is kept without --force");
    backup(&app.url, &out, true)
        .await
        .expect("--force overwrites");
}
