//! What every handler shares: the router's state, the options the HTTP
//! layer enforces and their defaults. Handlers import this module, not the
//! router, so that the router depends on the handlers and never the other
//! way round.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use super::credentials::Remembered;
use super::gate::WriteGate;
use crate::graphql::AppSchema;

/// Largest JSON request body, in bytes, unless told otherwise (the
/// command line's `--max-body-bytes` defaults to it too).
pub const DEFAULT_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Largest multipart (upload) request body, in bytes.
pub const DEFAULT_UPLOAD_BYTES: usize = 256 * 1024 * 1024;
/// Most operations in one batch.
pub const DEFAULT_BATCH: usize = 10;
/// Deadline of one request, in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// A multipart (upload) request may run this many times the deadline of one request.
pub const UPLOAD_TIMEOUT_FACTOR: u32 = 10;
/// Most connections held at once by the server.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Seconds a client has to send a request's headers. Ten is far more than
/// any real client needs (headers are one packet), and short enough that
/// a flood of half-sent requests frees its places before clients notice.
pub const DEFAULT_HEADER_READ_TIMEOUT_SECS: u64 = 10;
/// Seconds a connection may sit with no handler at work and no byte
/// either way: above the 30 s request deadline and the 30 s subscription
/// ping, so that only a client that has gone quiet is cut.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 60;
/// Seconds the connections have to finish once the server is told to stop.
pub const DEFAULT_DRAIN_TIMEOUT_SECS: u64 = 10;
/// Seconds between the pings sent to a quiet subscriber: under the 60 s
/// that proxies and NAT tables commonly keep a silent connection.
pub const DEFAULT_PING_INTERVAL_SECS: u64 = 30;
/// Seconds a subscriber has to answer a ping before it is dropped.
pub const DEFAULT_PONG_TIMEOUT_SECS: u64 = 10;

/// Whether requests without a token are let in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Listening on loopback (or told `--insecure-open`): without a token in
    /// force, anyone who reaches the port is the local admin. Once a token
    /// exists, every request needs one.
    OpenUntilTokens,
    /// Every request needs a token.
    TokensRequired,
}

/// What the HTTP layer enforces.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Largest JSON request body, in bytes.
    pub body_bytes: usize,
    /// Largest multipart (upload) request body, in bytes.
    pub upload_bytes: usize,
    /// Most operations in one batch.
    pub batch: usize,
    /// Deadline of one request.
    pub timeout: Duration,
    /// Deadline of one multipart (upload) request.
    pub upload_timeout: Duration,
    /// Whether GraphiQL is served at `/`.
    pub graphiql: bool,
    /// Whether requests without a token get in.
    pub access: Access,
    /// How often a quiet subscription connection is pinged.
    pub ping_interval: Duration,
    /// How long a subscriber has to answer a ping.
    pub pong_timeout: Duration,
    /// Whether the server is draining; shared with [`super::ServeOptions`].
    pub drain: Drain,
}

/// Whether the server is draining: once begun (SIGTERM, Ctrl-C, or a test's
/// call), `/readyz` answers 503, the listener stops accepting and
/// subscriptions close with 1001. It never ends: a drained server stops.
#[derive(Clone, Debug)]
pub struct Drain(Arc<watch::Sender<bool>>);

impl Default for Drain {
    fn default() -> Self {
        Drain(Arc::new(watch::Sender::new(false)))
    }
}

impl Drain {
    /// Begins draining; calling it again changes nothing.
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    pub fn is_draining(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes once draining has begun.
    pub async fn begun(&self) {
        let mut draining = self.0.subscribe();
        // The sender lives as long as `self`, so this only waits.
        let _ = draining.wait_for(|draining| *draining).await;
    }
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            body_bytes: DEFAULT_BODY_BYTES,
            upload_bytes: DEFAULT_UPLOAD_BYTES,
            batch: DEFAULT_BATCH,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            upload_timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS) * UPLOAD_TIMEOUT_FACTOR,
            graphiql: true,
            access: Access::OpenUntilTokens,
            ping_interval: Duration::from_secs(DEFAULT_PING_INTERVAL_SECS),
            pong_timeout: Duration::from_secs(DEFAULT_PONG_TIMEOUT_SECS),
            drain: Drain::default(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub options: Arc<HttpOptions>,
    /// Reads take turns while a write runs.
    pub gate: Arc<WriteGate>,
    /// What requests' credentials stood for a moment ago.
    pub credentials: Arc<Remembered>,
}

impl AppState {
    pub fn new(schema: AppSchema, db: DatabaseConnection, options: HttpOptions) -> Self {
        AppState {
            schema,
            db,
            options: Arc::new(options),
            gate: Arc::default(),
            credentials: Arc::default(),
        }
    }
}
