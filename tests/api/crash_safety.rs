//! Crash safety on SQLite, shown with the real binary: a server killed
//! (SIGKILL) in the middle of a rule change that re-resolves thousands of
//! organizations, and an `orgmap import` killed in the middle of its file,
//! leave after a restart every organization's stored responsibility exactly
//! as it was before the write or exactly as the same write leaves it when
//! it runs to its end on a copy of the database.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use orgmap::domain::store::db;

use crate::probes::{Served, serve_url};
use sea_orm::{ConnectionTrait, Statement};

/// Large enough that the rule change and the import run for a second or
/// more in a debug build, small enough to keep the test near 20 s.
const ORGANIZATIONS: &str = "12000";

/// Moves the largest category to another department kind: re-resolves
/// about two fifths of the organizations.
const RULE_CHANGE: &str = r#"{"query":"mutation { upsertRule(input: {categoryCode: \"SOLE_PROPRIETOR\", departmentKindCode: \"COMMERCE\"}) { id } }"}"#;

fn orgmap() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_orgmap"));
    command.env_remove("DATABASE_URL").env("RUST_LOG", "info");
    command
}

fn url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

fn run(args: &[&str]) {
    let output = orgmap().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
}

/// Copies a database that no process holds open (its log, if any, too).
fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    for suffix in ["-wal", "-shm"] {
        let log = PathBuf::from(format!("{}{suffix}", from.display()));
        if log.exists() {
            std::fs::copy(&log, format!("{}{suffix}", to.display())).unwrap();
        }
    }
}

/// A server on a loopback port of its own, its address read from its log.
fn serve(database: &Path) -> (Served, SocketAddr) {
    let (server, address) = serve_url(&url(database), &[]);
    (server, address.parse().unwrap())
}

/// Sends a GraphQL POST and waits at most `wait` for the answer's first
/// bytes; true when they came.
fn post(address: SocketAddr, body: &str, wait: Duration) -> bool {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {
            let answer = String::from_utf8_lossy(&answer);
            assert!(
                answer.starts_with("HTTP/1.1 200") && !answer.contains("\"errors\""),
                "{answer}"
            );
            true
        }
        Err(_) => false,
    }
}

fn stop(server: Served) {
    // SIGTERM through the binary's own graceful shutdown is not needed:
    // what was committed is on disk; SIGKILL after an answer loses nothing.
    server.kill();
}

/// Every organization's category and stored responsibility, by credit code.
async fn state(database: &Path) -> Vec<String> {
    let connection = db::open(&url(database)).await.unwrap();
    let rows = connection
        .query_all_raw(Statement::from_string(
            connection.get_database_backend(),
            "SELECT credit_code || '|' || category_id || '|' || basis || '|' \
               || COALESCE(department_id, 0) || '|' || COALESCE(kind_id, 0) || '|' \
               || COALESCE(rule_id, 0) || '|' || COALESCE(rule_kind_id, 0) || '|' \
               || COALESCE(rule_department_id, 0) || '|' \
               || COALESCE(fallback_department_id, 0) || '|' || contested AS line \
             FROM organization o JOIN responsibility st ON st.id = o.id ORDER BY credit_code",
        ))
        .await
        .unwrap();
    connection.close().await.unwrap();
    rows.iter()
        .map(|row| row.try_get::<String>("", "line").unwrap())
        .collect()
}

/// The database after a restart: the server starts on it (recovering its
/// log) and stops.
fn restart(database: &Path) {
    let (server, _) = serve(database);
    stop(server);
}

fn assert_before_or_after(case: &str, now: &[String], before: &[String], after: &[String]) {
    assert_ne!(before, after, "{case}: the write must change something");
    let changed = before.iter().zip(after).filter(|(b, a)| b != a).count();
    assert!(
        changed > 1000,
        "{case}: only {changed} organizations change"
    );
    assert!(
        now == before || now == after,
        "{case}: {} organizations differ from before and {} from after",
        now.iter().zip(before).filter(|(n, b)| n != b).count(),
        now.iter().zip(after).filter(|(n, a)| n != a).count(),
    );
}

#[tokio::test]
async fn a_write_killed_midway_leaves_the_state_before_it_or_after_it() {
    if std::env::var("TEST_DATABASE_URL").is_ok_and(|url| url.starts_with("postgres")) {
        return; // SQLite's file; PostgreSQL's own crash recovery is its own.
    }
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live.db");
    let reference = dir.path().join("reference.db");
    run(&[
        "demo",
        "--organizations",
        ORGANIZATIONS,
        "--database-url",
        &url(&live),
    ]);

    // The rule change, run to its end on a copy: the state after it, and
    // how long it takes.
    copy(&live, &reference);
    let (server, address) = serve(&reference);
    let started = Instant::now();
    assert!(post(address, RULE_CHANGE, Duration::from_secs(120)));
    let took = started.elapsed();
    stop(server);
    let before = state(&live).await;
    let after = state(&reference).await;

    // The same change on the live database, killed halfway through.
    let (server, address) = serve(&live);
    let answered = post(address, RULE_CHANGE, took / 2);
    server.kill();
    assert!(!answered, "the server answered before it was killed");
    restart(&live);
    assert_before_or_after("rule change", &state(&live).await, &before, &after);

    // An import that moves a category's organizations to another category,
    // run to its end on a copy, then killed halfway through on the live one.
    let exported = dir.path().join("organizations.csv");
    let file = dir.path().join("moved.csv");
    run(&[
        "export",
        "--entity",
        "organizations",
        "--out",
        exported.to_str().unwrap(),
        "--database-url",
        &url(&live),
    ]);
    let moved = std::fs::read_to_string(&exported)
        .unwrap()
        .replace(",SMALL_MICRO_ENTERPRISE,", ",PARK_ENTERPRISE,");
    std::fs::write(&file, moved).unwrap();
    let import = |database: &Path| {
        orgmap()
            .args([
                "import",
                file.to_str().unwrap(),
                "--entity",
                "organizations",
            ])
            .args(["--database-url", &url(database)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let _ = std::fs::remove_file(&reference);
    let _ = std::fs::remove_file(format!("{}-wal", reference.display()));
    let _ = std::fs::remove_file(format!("{}-shm", reference.display()));
    copy(&live, &reference);
    let started = Instant::now();
    let finished = import(&reference).wait().unwrap();
    let took = started.elapsed();
    assert!(finished.success());
    let before = state(&live).await;
    let after = state(&reference).await;

    let mut importer = import(&live);
    std::thread::sleep(took / 2);
    let done = importer.try_wait().unwrap();
    importer.kill().unwrap();
    importer.wait().unwrap();
    assert!(done.is_none(), "the import ended before it was killed");
    restart(&live);
    assert_before_or_after("import", &state(&live).await, &before, &after);
}
