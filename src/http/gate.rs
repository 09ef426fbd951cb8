//! Reads take turns while a structural write runs. A rule change
//! re-resolves up to hundreds of thousands of organizations in one
//! transaction; with reads free to occupy every core it would take twice
//! as long on two cores. While one runs in this process, queries run one at
//! a time, so the write keeps a core: reads are still served (a little
//! slower), and the write ends sooner, which is also when the reads see it.
//! Organization writes, which touch one row each, do not slow reads down.

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::domain::engine;

pub struct WriteGate {
    reads: Semaphore,
}

impl Default for WriteGate {
    fn default() -> Self {
        WriteGate {
            reads: Semaphore::new(1),
        }
    }
}

impl WriteGate {
    /// Lets a request in: a mutation, or any request while no structural
    /// write runs, at once; a query during one when it is its turn.
    pub async fn enter(&self, mutation: bool) -> Option<SemaphorePermit<'_>> {
        if mutation || !engine::structural_write_running() {
            return None;
        }
        // The semaphore is never closed.
        self.reads.acquire().await.ok()
    }
}
