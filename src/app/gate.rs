//! Reads take turns while a write runs. A rule change re-resolves up to
//! hundreds of thousands of organizations in one statement-heavy
//! transaction; with reads free to occupy every core it would take twice
//! as long on two cores. While any mutation is running, queries run one at
//! a time, so the write keeps a core: reads are still served (a little
//! slower), and the write ends sooner, which is also when the reads see it.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Semaphore, SemaphorePermit};

pub struct WriteGate {
    writes: AtomicUsize,
    reads: Semaphore,
}

impl Default for WriteGate {
    fn default() -> Self {
        WriteGate {
            writes: AtomicUsize::new(0),
            reads: Semaphore::new(1),
        }
    }
}

/// Held while a request runs.
pub enum Pass<'a> {
    Write(&'a WriteGate),
    Read(Option<SemaphorePermit<'a>>),
}

impl WriteGate {
    /// Lets a request in: a write at once, counted; a read at once while
    /// no write runs, else when it is its turn.
    pub async fn enter(&self, write: bool) -> Pass<'_> {
        if write {
            self.writes.fetch_add(1, Ordering::SeqCst);
            return Pass::Write(self);
        }
        if self.writes.load(Ordering::SeqCst) == 0 {
            return Pass::Read(None);
        }
        // The semaphore is never closed.
        Pass::Read(self.reads.acquire().await.ok())
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        if let Pass::Write(gate) = self {
            gate.writes.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_take_turns_only_while_a_write_runs() {
        let gate = WriteGate::default();
        let free_a = gate.enter(false).await;
        let free_b = gate.enter(false).await;
        assert!(matches!(free_a, Pass::Read(None)) && matches!(free_b, Pass::Read(None)));
        let write = gate.enter(true).await;
        let first = gate.enter(false).await;
        assert!(matches!(first, Pass::Read(Some(_))));
        // The second read waits for the first.
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(50), gate.enter(false));
        assert!(waiting.await.is_err());
        drop(first);
        assert!(matches!(gate.enter(false).await, Pass::Read(Some(_))));
        drop(write);
        assert!(matches!(gate.enter(false).await, Pass::Read(None)));
    }
}
