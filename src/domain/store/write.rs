//! The one write function. Every write (a mutation, an import, the demo,
//! the engine's start-up rebuild) runs here: it opens the write
//! transaction, counts the attempt as structural from the engine's
//! exclusive lock on (the gate that makes reads take turns), announces the
//! organizations it changed to the change feed just before it commits, and
//! hands them on once committed. A write that may be attempted again
//! (its work can run twice) is retried on a serialization failure, a
//! deadlock or a busy lock.

use std::time::Duration;

use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction};

use super::db::begin_write;
use crate::domain::history::periods;
use crate::domain::{engine, feed};
use crate::error::{Error, Result};

/// Attempts of a write that can run again before its error is final.
const ATTEMPTS: u32 = 5;

/// What a write's work decides about its transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<T> {
    /// Commit what the work wrote.
    Commit(T),
    /// Roll it back (a dry run, or a file with bad rows): the value tells why.
    Discard(T),
}

impl<T> Outcome<T> {
    pub fn committed(&self) -> bool {
        matches!(self, Outcome::Commit(_))
    }

    pub fn into_inner(self) -> T {
        match self {
            Outcome::Commit(value) | Outcome::Discard(value) => value,
        }
    }
}

/// Runs `work` in a write transaction and commits it, retrying a bounded
/// number of times when the database reports a serialization failure, a
/// deadlock or a busy lock; any other error, or success, ends it.
pub async fn write<T, F>(db: &DatabaseConnection, mut work: F) -> Result<T>
where
    T: 'static,
    F: for<'t> FnMut(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = run(db, |txn| {
            let done = work(txn);
            Box::pin(async move { done.await.map(Outcome::Commit) })
        })
        .await;
        match result {
            Err(err) if attempt < ATTEMPTS && err.is_retryable() => {
                tracing::warn!(attempt, error = %err, "retrying a write transaction");
                tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt))).await;
            }
            other => return other.map(Outcome::into_inner).map_err(Error::settle),
        }
    }
}

/// Runs `work` in a write transaction once, and commits or rolls back as
/// it decides: for a write whose input can be read only once (an imported
/// file streamed from its source), which therefore cannot be retried.
pub async fn write_once<T, F>(db: &DatabaseConnection, work: F) -> Result<Outcome<T>>
where
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<Outcome<T>>>,
{
    run(db, work).await.map_err(Error::settle)
}

/// One attempt: the transaction, counted as structural once the work
/// takes the engine's exclusive lock, and its changes announced and handed
/// on when it commits.
async fn run<T, F>(db: &DatabaseConnection, work: F) -> Result<Outcome<T>>
where
    F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<Outcome<T>>>,
{
    let (result, changed) = periods::one_instant(feed::attempt(engine::count_structural(async {
        let txn = begin_write(db).await?;
        match work(&txn).await? {
            Outcome::Commit(value) => {
                feed::announce(&txn).await?;
                txn.commit().await?;
                Ok::<_, Error>(Outcome::Commit(value))
            }
            Outcome::Discard(value) => {
                txn.rollback().await?;
                Ok(Outcome::Discard(value))
            }
        }
    })))
    .await;
    if result.as_ref().is_ok_and(Outcome::committed) {
        feed::committed(changed);
    }
    result
}
