//! A TCP listener that holds at most a fixed number of connections at
//! once: past it, new connections wait in the kernel's backlog until one
//! closes, so a flood of sockets cannot exhaust memory or file handles.
//! Each connection records when bytes last went through it and how many
//! of its requests are being handled, so that the server can close the
//! ones that sit idle.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct LimitedListener {
    inner: TcpListener,
    places: Places,
}

/// The connection places of a listener, which outlive it: once every place
/// is back, every connection it accepted has closed.
#[derive(Clone)]
pub struct Places {
    permits: Arc<Semaphore>,
    total: u32,
}

impl Places {
    /// Waits until every connection has closed (upgraded ones included:
    /// a WebSocket keeps its place until it closes).
    pub async fn all_free(&self) {
        // The semaphore is never closed, so this only waits.
        let _all = self.permits.acquire_many(self.total).await;
    }
}

impl LimitedListener {
    pub fn new(inner: TcpListener, max_connections: usize) -> Self {
        // acquire_many counts in u32; more places than that is no limit anyway.
        let total = u32::try_from(max_connections.max(1)).unwrap_or(u32::MAX);
        LimitedListener {
            inner,
            places: Places {
                permits: Arc::new(Semaphore::new(total as usize)),
                total,
            },
        }
    }

    pub fn places(&self) -> Places {
        self.places.clone()
    }

    /// Waits for a free place, then for a connection.
    pub async fn accept(&self) -> (LimitedStream, SocketAddr) {
        let permit = match self.places.permits.clone().acquire_owned().await {
            Ok(permit) => permit,
            // The semaphore is never closed; wait forever rather than panic.
            Err(_) => std::future::pending().await,
        };
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (
                        LimitedStream {
                            stream,
                            activity: Arc::new(Activity::new()),
                            _permit: permit,
                        },
                        addr,
                    );
                }
                Err(err) => {
                    // Out of file handles and the like: back off and retry.
                    tracing::warn!(error = %err, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}

/// A connection that gives its place back when it closes.
pub struct LimitedStream {
    stream: TcpStream,
    activity: Arc<Activity>,
    _permit: OwnedSemaphorePermit,
}

impl LimitedStream {
    pub fn activity(&self) -> Arc<Activity> {
        self.activity.clone()
    }
}

/// What a connection is doing: when bytes last went through it, and how
/// many of its requests a handler is working on.
pub struct Activity {
    opened: Instant,
    /// Milliseconds from `opened` to the last read or write.
    last_io_ms: AtomicU64,
    handling: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            last_io_ms: AtomicU64::new(0),
            handling: AtomicUsize::new(0),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_io_ms.store(ms, Ordering::Relaxed);
    }

    /// When the connection turns idle if nothing more goes through it.
    pub fn idle_at(&self, idle: Duration) -> tokio::time::Instant {
        let last = self.opened + Duration::from_millis(self.last_io_ms.load(Ordering::Relaxed));
        tokio::time::Instant::from_std(last + idle)
    }

    /// No handler is at work and no byte went either way for `idle`: the
    /// client neither asks nor reads. A slow handler (a long query, an
    /// upload being imported) is not idleness.
    pub fn is_idle(&self, idle: Duration) -> bool {
        self.handling.load(Ordering::Acquire) == 0
            && tokio::time::Instant::now() >= self.idle_at(idle)
    }

    /// Counts a request as being handled until the guard drops.
    pub fn handling(self: &Arc<Self>) -> Handling {
        self.handling.fetch_add(1, Ordering::AcqRel);
        Handling(self.clone())
    }
}

/// A request being handled; see [`Activity::handling`].
pub struct Handling(Arc<Activity>);

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.touch();
        self.0.handling.fetch_sub(1, Ordering::AcqRel);
    }
}

impl AsyncRead for LimitedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for LimitedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
