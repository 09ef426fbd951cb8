//! Reads take turns while a structural write runs. A rule change
//! re-resolves up to hundreds of thousands of organizations in one
//! transaction, on one thread; reads free to occupy every core would leave
//! it a fraction of one. While one runs in this process, queries run one
//! at a time, and together for at most half of the time: when their turns
//! have used more than half of the last second, the next waits until they
//! have not. The write keeps a core even with clients on the same
//! machine. Reads are still served, somewhat slower, and the write ends
//! sooner, which is also when the reads see it. Measured at 1,000,000
//! organizations on two cores (a rule change re-resolving 100,000 under
//! four closed-loop readers): turns without that limit left the write
//! about 60 % of a core, and it took 1.7 times as long as alone.
//! Organization writes, which touch one row each, do not slow reads down.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::domain::engine;

/// The time over which the reads' share is counted.
const WINDOW: Duration = Duration::from_secs(1);

/// The reads' turns may use at most 1 / SHARE of the time. A third left
/// the write as slow (its time under readers over alone moved within the
/// same 1.1–1.3) and made the reads twice as slow again.
const SHARE: u32 = 2;

pub struct WriteGate {
    reads: Arc<Semaphore>,
    budget: Arc<Mutex<Budget>>,
}

/// The time the turns used since `since`.
struct Budget {
    since: Instant,
    used: Duration,
}

impl Default for WriteGate {
    fn default() -> Self {
        WriteGate {
            reads: Arc::new(Semaphore::new(1)),
            budget: Arc::new(Mutex::new(Budget {
                since: Instant::now(),
                used: Duration::ZERO,
            })),
        }
    }
}

impl Budget {
    /// Counts a turn that took `took` and ended now; returns how long the
    /// next must wait for the turns to have used at most half of the time.
    fn spend(&mut self, took: Duration) -> Duration {
        let now = Instant::now();
        if now.duration_since(self.since) > WINDOW {
            self.since = now.checked_sub(took).unwrap_or(now);
            self.used = Duration::ZERO;
        }
        self.used += took;
        self.used
            .saturating_sub(now.duration_since(self.since) / SHARE)
    }
}

/// A query's turn while a structural write runs.
pub struct Turn {
    permit: Option<OwnedSemaphorePermit>,
    budget: Arc<Mutex<Budget>>,
    started: Instant,
}

impl WriteGate {
    /// Lets a request in: a mutation, or any request while no structural
    /// write runs, at once; a query during one when it is its turn.
    pub async fn enter(&self, mutation: bool) -> Option<Turn> {
        if mutation || !engine::structural_write_running() {
            return None;
        }
        // The semaphore is never closed.
        let permit = self.reads.clone().acquire_owned().await.ok()?;
        Some(Turn {
            permit: Some(permit),
            budget: self.budget.clone(),
            started: Instant::now(),
        })
    }
}

impl Drop for Turn {
    /// Ends the turn: the next query may start at once, or once the turns
    /// have used at most half of the time, or when the write has ended.
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        if !engine::structural_write_running() {
            return;
        }
        let took = self.started.elapsed();
        let wait = match self.budget.lock() {
            Ok(mut budget) => budget.spend(took),
            Err(_) => Duration::ZERO,
        };
        if wait.is_zero() {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                tokio::time::sleep(wait.min(WINDOW)).await;
                drop(permit);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_wait_once_they_have_used_half_of_the_time() {
        let mut budget = Budget {
            since: Instant::now(),
            used: Duration::ZERO,
        };
        // A first turn of 300 µs that started the window: it used all of
        // its time, so the next waits about half of it.
        let wait = budget.spend(Duration::from_micros(300));
        assert!(wait > Duration::ZERO && wait <= Duration::from_micros(300));
        // Turns that used little of a long stretch let the next in at once.
        budget.since = Instant::now() - Duration::from_millis(500);
        budget.used = Duration::from_millis(10);
        assert_eq!(budget.spend(Duration::from_micros(300)), Duration::ZERO);
        // Turns that used most of it make the next wait the excess.
        budget.since = Instant::now() - Duration::from_millis(100);
        budget.used = Duration::from_millis(80);
        let wait = budget.spend(Duration::ZERO);
        // 80 ms used of a little over 100: about 30 ms over half of it.
        assert!(wait >= Duration::from_millis(20) && wait <= Duration::from_millis(30));
        // A window older than a second starts again.
        budget.since = Instant::now() - Duration::from_secs(2);
        budget.used = Duration::from_secs(2);
        assert!(budget.spend(Duration::from_micros(300)) <= Duration::from_micros(300));
    }
}
