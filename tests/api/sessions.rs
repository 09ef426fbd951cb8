//! How orgmap's database sessions are set up, whichever connection of the
//! pool a request gets: on SQLite the write-ahead log, foreign keys, a
//! busy timeout and the page cache; on PostgreSQL no JIT compilation and
//! no parallel workers.

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::helpers::TestApp;

/// The first column of the one row `sql` returns, as text.
async fn setting(app: &TestApp, sql: &str) -> String {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    match app.db.get_database_backend() {
        DbBackend::Postgres => row.try_get_by_index::<String>(0).unwrap(),
        _ => row
            .try_get_by_index::<i64>(0)
            .map(|n| n.to_string())
            .or_else(|_| row.try_get_by_index::<String>(0))
            .unwrap(),
    }
}

#[tokio::test]
async fn every_connection_of_the_pool_is_set_up_alike() {
    let app = TestApp::spawn_shared().await;
    let expected: &[(&str, &str)] = match app.db.get_database_backend() {
        DbBackend::Postgres => &[
            ("SHOW jit", "off"),
            ("SHOW max_parallel_workers_per_gather", "0"),
        ],
        _ => &[
            ("PRAGMA journal_mode", "wal"),
            ("PRAGMA foreign_keys", "1"),
            ("PRAGMA busy_timeout", "10000"),
            ("PRAGMA cache_size", "-8192"),
        ],
    };
    // Asked at once, so that the pool hands out several connections.
    let answers = futures::future::join_all(
        (0..4).flat_map(|_| expected.iter().map(|(sql, _)| setting(&app, sql))),
    )
    .await;
    for (answer, (sql, want)) in answers.iter().zip(expected.iter().cycle()) {
        assert_eq!(answer, want, "{sql}");
    }
}
