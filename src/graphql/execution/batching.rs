//! Runs a request so that its DataLoader batches are complete.
//!
//! A DataLoader closes a batch after a delay that starts with the first
//! key. A long list resolves in chunks (async-graphql's list futures yield
//! for fairness every 32 items), so a timed window can close half-way and
//! split one level of loads into many statements. Here the loader's
//! batches do not run on a timer: they wait in a queue, and the request
//! runs them only when it is really waiting on them, that is when its
//! future is pending without having woken itself, and only once the
//! batches before them have answered. One level of a query is
//! then one statement per loader, whatever the page size.

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::task::{ArcWake, waker};

/// Batches a DataLoader handed over, waiting to run.
#[derive(Clone, Default)]
pub struct LoadQueue(Arc<Mutex<Vec<BoxFuture<'static, ()>>>>);

impl LoadQueue {
    /// The DataLoader spawner: queue the batch instead of spawning it.
    pub fn spawner(&self) -> impl Fn(BoxFuture<'static, ()>) + Send + Sync + 'static {
        let queue = self.0.clone();
        move |batch| {
            if let Ok(mut queue) = queue.lock() {
                queue.push(batch);
            }
        }
    }

    /// Drives `work`, running queued batches whenever it waits.
    pub fn drive<F: Future>(&self, work: F) -> Drive<F> {
        Drive {
            work: Box::pin(work),
            queue: self.clone(),
            running: FuturesUnordered::new(),
        }
    }

    fn take(&self) -> Vec<BoxFuture<'static, ()>> {
        self.0
            .lock()
            .map(|mut q| mem::take(&mut *q))
            .unwrap_or_default()
    }
}

/// Records whether a wake happened, and passes it on.
struct Flag {
    woken: AtomicBool,
    outer: Waker,
}

impl ArcWake for Flag {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.woken.store(true, Ordering::SeqCst);
        arc_self.outer.wake_by_ref();
    }
}

fn flag(cx: &Context<'_>) -> Arc<Flag> {
    Arc::new(Flag {
        woken: AtomicBool::new(false),
        outer: cx.waker().clone(),
    })
}

pub struct Drive<F: Future> {
    work: Pin<Box<F>>,
    queue: LoadQueue,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
}

impl<F: Future> Future for Drive<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        loop {
            let work_flag = flag(cx);
            let work_waker = waker(work_flag.clone());
            if let Poll::Ready(output) = self
                .work
                .as_mut()
                .poll(&mut Context::from_waker(&work_waker))
            {
                return Poll::Ready(output);
            }
            if work_flag.woken.load(Ordering::SeqCst) {
                // It yielded for fairness: not waiting yet, keep resolving.
                continue;
            }
            // Waiting. Let the batches in flight finish first: the keys
            // their answers lead to join the next round, so each round of
            // loads is one statement per loader whatever the timing of I/O.
            let batch_flag = flag(cx);
            let batch_waker = waker(batch_flag.clone());
            let mut batch_cx = Context::from_waker(&batch_waker);
            while let Poll::Ready(Some(())) = self.running.poll_next_unpin(&mut batch_cx) {}
            if work_flag.woken.load(Ordering::SeqCst) {
                // Answers arrived: let the request use them (and queue what
                // they lead to) before the next round starts.
                continue;
            }
            if self.running.is_empty() {
                let queued = self.queue.take();
                if !queued.is_empty() {
                    self.running.extend(queued);
                    continue;
                }
            }
            if batch_flag.woken.load(Ordering::SeqCst) {
                continue;
            }
            return Poll::Pending;
        }
    }
}
