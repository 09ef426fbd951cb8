//! The connection: opening the database (SQLite by default: WAL, foreign
//! keys, a busy timeout, a pool of readers; PostgreSQL through a
//! `postgres://` URL), migrations on open, the start-up lock, the
//! slow-statement log and the write transaction's BEGIN. Nothing here
//! knows of the engine or the change feed: they build on this module, and
//! the write function (`store/write.rs`) on all three.

use std::str::FromStr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, ExecResult, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::error::Result;

/// Connections in the pool. SQLite readers run in parallel under WAL; the
/// one writer is serialised by SQLite itself with a busy timeout. Each
/// SQLite connection costs about 20 MB under load (page cache, sorter,
/// statements); six let two requests that each load four relations at
/// once run side by side. PostgreSQL gets twice as many: its connections
/// are server processes, not threads of ours, and 12 leaves room for
/// several replicas under its default `max_connections` of 100.
/// `--pool-size` (`ORGMAP_POOL_SIZE`) overrides both.
pub const POOL_SIZE: u32 = 6;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the database at `url` and brings its schema up to date. On
/// PostgreSQL the migrations run under an advisory lock, so that replicas
/// starting at once migrate one after the other (the later ones find
/// nothing left to do).
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    connect_with(url, Checkpoints::OnCommit, None).await
}

/// When SQLite copies the write-ahead log back into the database file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkpoints {
    /// SQLite's default: the commit that grows the log past 1,000 pages
    /// checkpoints it, inside that write's request.
    OnCommit,
    /// A background task does it (see [`checkpoint_in_background`]), so
    /// that a large write answers without copying its pages twice and
    /// syncing the file first. For the server.
    InBackground,
}

/// `connect`, choosing when SQLite checkpoints and, when given, the pool
/// size (else [`POOL_SIZE`] on SQLite, twice that on PostgreSQL).
pub async fn connect_with(
    url: &str,
    checkpoints: Checkpoints,
    pool_size: Option<u32>,
) -> Result<DatabaseConnection, DbErr> {
    let db = open_with(url, checkpoints, pool_size).await?;
    let lock = StartupLock::take(&db).await?;
    let migrated = Migrator::up(&db, None).await;
    lock.release().await?;
    migrated?;
    Ok(db)
}

/// A PostgreSQL advisory lock held by an open transaction while start-up
/// work runs on the pool's other connections; nothing on SQLite.
pub struct StartupLock(Option<DatabaseTransaction>);

/// The advisory-lock key of orgmap's start-up work ("orgmap" in ASCII).
const STARTUP_LOCK_KEY: i64 = 0x6f72_676d_6170;

impl StartupLock {
    pub async fn take(db: &DatabaseConnection) -> Result<StartupLock, DbErr> {
        if db.get_database_backend() != DbBackend::Postgres {
            return Ok(StartupLock(None));
        }
        let txn = db.begin().await?;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({STARTUP_LOCK_KEY})"))
            .await?;
        Ok(StartupLock(Some(txn)))
    }

    /// Ends the holding transaction, which releases the lock.
    pub async fn release(self) -> Result<(), DbErr> {
        match self.0 {
            Some(txn) => txn.commit().await,
            None => Ok(()),
        }
    }
}

/// Opens the database at `url` without migrating it.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbErr> {
    open_with(url, Checkpoints::OnCommit, None).await
}

async fn open_with(
    url: &str,
    checkpoints: Checkpoints,
    pool_size: Option<u32>,
) -> Result<DatabaseConnection, DbErr> {
    let url = normalise_url(url);
    let mut options = ConnectOptions::new(url.clone());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(30));
    if url.starts_with("sqlite:") {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        // An in-memory database lives and dies with its one connection.
        // An SQLite connection is a thread in this process, not a socket
        // that can break: testing it on every acquire (a ping to that
        // thread and back) would only double the hand-offs of a read.
        options
            .max_connections(if in_memory {
                1
            } else {
                pool_size.unwrap_or(POOL_SIZE).max(1)
            })
            .min_connections(1)
            .test_before_acquire(false);
        if in_memory {
            options
                .idle_timeout(None::<Duration>)
                .max_lifetime(None::<Duration>);
        }
        // Validate the URL here so a bad one is a clear error, not a panic later.
        SqliteConnectOptions::from_str(&url)
            .map_err(|err| DbErr::Custom(format!("bad SQLite URL: {err}")))?;
        options.map_sqlx_sqlite_opts(move |opts| {
            let opts = opts
                .create_if_missing(true)
                .foreign_keys(true)
                .busy_timeout(BUSY_TIMEOUT)
                .synchronous(SqliteSynchronous::Normal)
                // 8 MiB of page cache per connection keeps the server
                // well inside 300 MB with the whole pool busy.
                .pragma("cache_size", "-8192");
            if in_memory {
                opts
            } else if checkpoints == Checkpoints::InBackground {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .pragma("wal_autocheckpoint", "0")
            } else {
                opts.journal_mode(SqliteJournalMode::Wal)
            }
        });
    } else {
        options
            .max_connections(pool_size.unwrap_or(POOL_SIZE * 2).max(1))
            .min_connections(1)
            // No JIT compilation on orgmap's connections. PostgreSQL
            // compiles a statement whose estimated cost passes 100,000,
            // and spends more on compiling than the statement then runs:
            // the ledger's summary took 642 ms with it and 29 ms without,
            // and a rule change re-resolving 100,000 organizations about
            // 9.9 s against 8.5 s. Nor parallel plans: a page of 100 of a
            // city's unassigned organizations at 1,000,000 (index order,
            // stopped by its LIMIT) took 15 ms with a worker, which takes
            // milliseconds to start, and 9-11 ms without; the province's
            // ledger summary 17 against 14 ms. Under load a worker only
            // takes a core from another request; the province-wide gap
            // counts, the one gain seen, lost 1 ms of 10 without it. Sent
            // as start-up options, as sea-orm sends its statement timeout:
            // no statement of their own.
            .map_sqlx_postgres_opts(|opts| {
                opts.options([("jit", "off"), ("max_parallel_workers_per_gather", "0")])
            });
    }
    Database::connect(options).await
}

/// The time from which a statement is logged as slow, once set.
static SLOW_STATEMENT: OnceLock<Duration> = OnceLock::new();

/// Logs, at warn level, every statement that takes `threshold` or longer:
/// its time and the start of its text (never its values). For finding what
/// a slow request or write spends its time on.
pub fn log_slow_statements(db: &mut DatabaseConnection, threshold: Duration) {
    // The first threshold set holds for the process.
    let threshold = *SLOW_STATEMENT.get_or_init(|| threshold);
    db.set_metric_callback(move |info| {
        if info.elapsed >= threshold {
            log_slow(&info.statement.sql, info.elapsed, info.failed);
        }
    });
}

fn log_slow(sql: &str, elapsed: Duration, failed: bool) {
    let sql: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let sql: String = sql.chars().take(240).collect();
    tracing::warn!(
        elapsed_ms = elapsed.as_secs_f64() * 1000.0,
        failed,
        sql,
        "slow statement"
    );
}

/// Runs SQL text without preparing it (derived-data maintenance, whose
/// text changes with its target), and times it for the slow-statement log
/// as prepared statements are.
pub async fn execute_unprepared(db: &impl ConnectionTrait, sql: &str) -> Result<ExecResult, DbErr> {
    let started = Instant::now();
    let result = db.execute_unprepared(sql).await;
    if let Some(threshold) = SLOW_STATEMENT.get() {
        let elapsed = started.elapsed();
        if elapsed >= *threshold {
            log_slow(sql, elapsed, result.is_err());
        }
    }
    result
}

/// Accepts a bare file path as an SQLite database.
fn normalise_url(url: &str) -> String {
    if url.contains("://") || url.starts_with("sqlite:") {
        url.to_owned()
    } else {
        format!("sqlite://{url}?mode=rwc")
    }
}

/// Begins a write transaction. On SQLite it is IMMEDIATE: it takes the write
/// lock at BEGIN (waiting up to the busy timeout) instead of failing with
/// SQLITE_BUSY when a deferred read turns into a write.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction> {
    let txn = if db.get_database_backend() == DbBackend::Sqlite {
        db.begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?
    } else {
        db.begin().await?
    };
    Ok(txn)
}

/// Checkpoints the SQLite write-ahead log every second, without blocking
/// readers or the writer (PASSIVE), for a database opened with
/// [`Checkpoints::InBackground`]. Nothing on PostgreSQL or in memory.
pub fn checkpoint_in_background(db: &DatabaseConnection) {
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let db = db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(err) = db
                .execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)")
                .await
            {
                tracing::debug!(error = %err, "background checkpoint did not run");
            }
        }
    });
}

/// Checks that the database answers.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}
