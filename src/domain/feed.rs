//! The change feed: which organizations' stored responsibility a committed
//! write changed.
//!
//! The engine records the organizations it re-resolves into the write
//! attempt under way ([`record`]); a write (the store's write function, which
//! imports use too) runs each attempt inside [`attempt`] and, just before it
//! commits, [`announce`]s them: on PostgreSQL with a NOTIFY in the same
//! transaction, which the server delivers to every replica's listener only
//! if the transaction commits. After the commit the attempt's organizations
//! go to the request's [`capture`], whose owner publishes them to the
//! subscribers of this process ([`ChangeFeed::publish`]). A replica's
//! listener skips the notifications of its own feed, which it delivered
//! already.

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbBackend};
use tokio::sync::broadcast;

use super::store::db;
use crate::error::Result;

/// The NOTIFY channel of the change feed.
pub const CHANNEL: &str = "orgmap_changes";
/// Batches a slow subscriber may fall behind before it skips some.
const CAPACITY: usize = 1_024;
/// PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more.
const MAX_PAYLOAD: usize = 7_800;

/// Organizations whose responsibility one committed write changed, by id.
pub type Changes = Arc<Vec<i32>>;

/// The subscribers of one process, and the origin that tells its own
/// notifications from other replicas'.
#[derive(Clone)]
pub struct ChangeFeed {
    sender: broadcast::Sender<Changes>,
    origin: u64,
}

impl Default for ChangeFeed {
    fn default() -> Self {
        Self::new()
    }
}

impl ChangeFeed {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        ChangeFeed {
            sender,
            origin: rand::random::<u64>() | 1,
        }
    }

    pub fn origin(&self) -> u64 {
        self.origin
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Changes> {
        self.sender.subscribe()
    }

    /// Hands committed changes to this process's subscribers.
    pub fn publish(&self, ids: Vec<i32>) {
        if !ids.is_empty() {
            // No subscriber is not an error.
            let _ = self.sender.send(Arc::new(ids));
        }
    }

    /// Hands a notification from the database to this process's
    /// subscribers, unless it is this feed's own or another schema's.
    pub fn receive(&self, payload: &str, schema: &str) {
        if let Some((from_schema, origin, ids)) = parse_payload(payload)
            && from_schema == schema
            && origin != self.origin
        {
            self.publish(ids);
        }
    }
}

/// `schema|origin|id,id,…`
fn parse_payload(payload: &str) -> Option<(&str, u64, Vec<i32>)> {
    let mut parts = payload.splitn(3, '|');
    let schema = parts.next()?;
    let origin = parts.next()?.parse().ok()?;
    let ids = parts
        .next()?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<Vec<i32>, _>>()
        .ok()?;
    Some((schema, origin, ids))
}

tokio::task_local! {
    /// The organizations the write attempt under way changed.
    static PENDING: RefCell<Vec<i32>>;
    /// The request's committed changes, and the origin of its feed.
    static CAPTURE: (u64, RefCell<Vec<i32>>);
}

/// True inside a write attempt: the engine then reports what it changes.
pub fn is_recording() -> bool {
    PENDING.try_with(|_| ()).is_ok()
}

/// Records organizations the write attempt under way changed.
pub fn record(ids: impl IntoIterator<Item = i32>) {
    let _ = PENDING.try_with(|pending| pending.borrow_mut().extend(ids));
}

/// Runs one write attempt; gives what it changed along with its result.
pub async fn attempt<F: Future>(work: F) -> (F::Output, Vec<i32>) {
    PENDING
        .scope(RefCell::new(Vec::new()), async move {
            let output = work.await;
            let ids = PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut()));
            (output, ids)
        })
        .await
}

/// Announces the attempt's changes inside its transaction, just before it
/// commits: on PostgreSQL a NOTIFY, which is delivered only on commit.
pub async fn announce(txn: &impl ConnectionTrait) -> Result<()> {
    if txn.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let ids = PENDING
        .try_with(|pending| pending.borrow().clone())
        .unwrap_or_default();
    if ids.is_empty() {
        return Ok(());
    }
    let origin = CAPTURE.try_with(|c| c.0).unwrap_or(0);
    let mut chunk = String::new();
    let mut chunks = Vec::new();
    for id in ids {
        if chunk.len() > MAX_PAYLOAD - 200 {
            chunks.push(std::mem::take(&mut chunk));
        }
        if !chunk.is_empty() {
            chunk.push(',');
        }
        chunk.push_str(&id.to_string());
    }
    chunks.push(chunk);
    // Every value is a number this code made; the schema comes from the server.
    for chunk in chunks {
        db::execute_unprepared(
            txn,
            &format!("SELECT pg_notify('{CHANNEL}', current_schema() || '|{origin}|{chunk}')"),
        )
        .await?;
    }
    Ok(())
}

/// Passes a committed attempt's changes to the request's capture, if any.
pub fn committed(ids: Vec<i32>) {
    if ids.is_empty() {
        return;
    }
    let _ = CAPTURE.try_with(|capture| capture.1.borrow_mut().extend(ids));
}

/// Runs a request for `feed`, and gives the changes its writes committed.
pub async fn capture<F: Future>(feed: &ChangeFeed, work: F) -> (F::Output, Vec<i32>) {
    CAPTURE
        .scope((feed.origin, RefCell::new(Vec::new())), async move {
            let output = work.await;
            let ids = CAPTURE.with(|c| std::mem::take(&mut *c.1.borrow_mut()));
            (output, ids)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_parse_and_foreign_or_own_ones_are_skipped() {
        assert_eq!(
            parse_payload("public|7|1,2,3"),
            Some(("public", 7, vec![1, 2, 3]))
        );
        assert_eq!(parse_payload("public|x|1"), None);
        assert_eq!(parse_payload("public|7|1,a"), None);

        let feed = ChangeFeed::new();
        let mut rx = feed.subscribe();
        feed.receive(&format!("s|{}|1", feed.origin()), "s");
        feed.receive("other|5|2", "s");
        feed.receive("s|5|3", "s");
        assert_eq!(*rx.try_recv().unwrap(), vec![3]);
        assert!(rx.try_recv().is_err());
    }
}
