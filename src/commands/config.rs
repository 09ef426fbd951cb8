//! The command line as clap parses it: `serve`, `demo`, `import`, `export`,
//! `report`, `schema`, `token` and `backup`, each flag with its help, env and default.
//! What each command does is in the file of its name beside this one.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::domain::transfer::{Dataset, Encoding, Format};
use crate::graphql::Limits;
use crate::i18n::Lang;

#[derive(Parser, Debug)]
#[command(
    name = "orgmap",
    version,
    about = "Who is responsible for this organization, and where is nobody responsible?"
)]
pub struct Cli {
    /// The language of what the command prints: zh (simplified Chinese,
    /// the default) or en. Without it, LC_ALL, LC_MESSAGES or LANG
    /// starting with "en" means English.
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    #[command(subcommand)]
    pub command: Command,
    /// How log lines are written to standard error: text for people, json
    /// (one object a line, with the request's span) for a log collector.
    #[arg(
        long,
        global = true,
        env = "ORGMAP_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A language the command line speaks.
// Its own enum rather than a ValueEnum derive on `i18n::Lang`, which uses
// nothing of ours and knows nothing of clap.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LangArg {
    Zh,
    En,
}

impl Cli {
    /// The language to print in: `--lang`, else the process's locale.
    pub fn lang(&self) -> Lang {
        match self.lang {
            Some(LangArg::Zh) => Lang::Zh,
            Some(LangArg::En) => Lang::En,
            None => Lang::from_env(),
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the GraphQL API (POST/GET /graphql), GraphiQL (/) and the probes
    /// (/healthz, /livez, /readyz).
    Serve(ServeArgs),
    /// Fill an empty database with a deterministic demo province.
    Demo(DemoArgs),
    /// Import a CSV or JSON-lines file by natural key, in one transaction.
    Import(ImportArgs),
    /// Export an entity as CSV or JSON lines.
    Export(ExportArgs),
    /// Write the coverage report of a region as an .xlsx spreadsheet.
    Report(ReportArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Create, revoke and list API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a consistent copy of the whole database (tokens and the audit
    /// trail included) while the server runs: SQLite's VACUUM INTO, or
    /// pg_dump --format=custom on PostgreSQL.
    Backup(BackupArgs),
    /// Take a coverage snapshot of every region now (the server also takes
    /// one each day).
    Snapshot(SnapshotArgs),
    /// Remove coverage snapshots taken before a date and periods of
    /// responsibility that ended before it (never a current one).
    Prune(PruneArgs),
}

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct PruneArgs {
    /// Remove what is older than this: a YYYY-MM-DD date (its start,
    /// Asia/Shanghai) or an RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub before: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite --out when it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token and print its secret (shown this once, stored only as a hash).
    Create(TokenCreateArgs),
    /// Revoke a token by name, at once.
    Revoke(TokenRevokeArgs),
    /// List the tokens (never their secrets).
    List(TokenListArgs),
}

#[derive(Args, Debug)]
pub struct TokenCreateArgs {
    /// viewer (reads), editor (reads and writes) or admin (everything, tokens included).
    #[arg(long)]
    pub role: String,
    /// Bind the token to this region's subtree (a GB/T 2260 code).
    #[arg(long)]
    pub region: Option<String>,
    /// A unique name, recorded in the audit trail (default: role-region-n).
    #[arg(long)]
    pub name: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct TokenRevokeArgs {
    /// The token's name.
    pub name: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct TokenListArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The region whose subtree the report covers; default: everything.
    #[arg(long)]
    pub region: Option<String>,
    /// The spreadsheet to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Add a sheet comparing the region's children at this date
    /// (YYYY-MM-DD, as of its end) with today, from the coverage snapshots.
    #[arg(long, value_name = "DATE")]
    pub compare_with: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The file to import.
    pub file: PathBuf,
    /// What the file holds.
    #[arg(long, value_enum)]
    pub entity: Dataset,
    /// csv or jsonl; default: from the file name (.jsonl, .ndjson, .json: jsonl; else csv).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The file's encoding; a byte-order mark wins.
    #[arg(long, value_enum, default_value = "utf-8")]
    pub encoding: Encoding,
    /// Validate and report, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// What to export.
    #[arg(long, value_enum)]
    pub entity: Dataset,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: Format,
    /// Only this region's subtree (categories hold everywhere).
    #[arg(long)]
    pub region: Option<String>,
    /// Write here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// Database URL: sqlite://FILE?mode=rwc, a bare file path, or postgres://…
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://orgmap.db?mode=rwc"
    )]
    pub database_url: String,
    /// Log every SQL statement that takes at least this many milliseconds
    /// (at warn level, with its time and the start of its text).
    #[arg(long, env = "ORGMAP_SLOW_STATEMENT_MS", value_name = "MS")]
    pub slow_statement_ms: Option<u64>,
    /// Connections in the database pool. Default: 6 on SQLite (readers run
    /// side by side under WAL, each costs about 20 MB under load; an
    /// in-memory database always has 1), 12 on PostgreSQL (a share of the
    /// server's max_connections, 100 by default, for several replicas).
    #[arg(long, env = "ORGMAP_POOL_SIZE", value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub pool_size: Option<u32>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ORGMAP_LISTEN", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Fill an empty database with the demo province before serving.
    #[arg(long)]
    pub demo: bool,
    /// Organizations in the demo province (with --demo).
    #[arg(long, default_value_t = crate::demo::DEFAULT_ORGANIZATIONS)]
    pub organizations: u32,
    /// Seed of the demo province (with --demo).
    #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
    pub seed: u64,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Also serve GET /metrics on this address, without a token (keep it
    /// private: a loopback or internal address). On the main address
    /// /metrics needs a token not bound to a region once tokens exist.
    #[arg(long, env = "ORGMAP_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// The Asia/Shanghai time of day at which the server takes the day's
    /// coverage snapshot (or, started later, at once), unless the day has
    /// one already.
    #[arg(long, env = "ORGMAP_SNAPSHOT_AT", value_name = "HH:MM", default_value = "00:00",
          value_parser = parse_time_of_day)]
    pub snapshot_at: chrono::NaiveTime,
    /// Take no daily coverage snapshot (another process takes them).
    #[arg(long, env = "ORGMAP_NO_DAILY_SNAPSHOT")]
    pub no_daily_snapshot: bool,
}

/// HH:MM, 00:00 to 23:59.
fn parse_time_of_day(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| format!("{text}: expected HH:MM"))
}

/// Access and the limits that keep hostile requests from hurting the service.
/// Their defaults are those of [`Limits`] and the `DEFAULT_*` constants of
/// [`crate::http`], written once there.
#[derive(Args, Debug, Clone)]
pub struct LimitArgs {
    /// Serve without tokens on an address other than loopback: anyone who
    /// reaches it may read and write everything. Never in production.
    #[arg(long, env = "ORGMAP_INSECURE_OPEN")]
    pub insecure_open: bool,
    /// Largest JSON request body in bytes; larger ones get 413.
    #[arg(long, env = "ORGMAP_MAX_BODY_BYTES", default_value_t = crate::http::DEFAULT_BODY_BYTES)]
    pub max_body_bytes: usize,
    /// Largest multipart (upload) request body in bytes.
    #[arg(long, env = "ORGMAP_MAX_UPLOAD_BYTES", default_value_t = crate::http::DEFAULT_UPLOAD_BYTES)]
    pub max_upload_bytes: usize,
    /// Most operations in one batched request.
    #[arg(long, env = "ORGMAP_MAX_BATCH", default_value_t = crate::http::DEFAULT_BATCH)]
    pub max_batch: usize,
    /// Deepest selection nesting of a query.
    #[arg(long, env = "ORGMAP_MAX_DEPTH", default_value_t = Limits::default().depth)]
    pub max_depth: usize,
    /// Highest query complexity (a list field counts `first` times its selection).
    #[arg(long, env = "ORGMAP_MAX_COMPLEXITY", default_value_t = Limits::default().complexity)]
    pub max_complexity: usize,
    /// Most aliased fields in a query.
    #[arg(long, env = "ORGMAP_MAX_ALIASES", default_value_t = Limits::default().aliases)]
    pub max_aliases: usize,
    /// Most directives on one field.
    #[arg(long, env = "ORGMAP_MAX_DIRECTIVES", default_value_t = Limits::default().directives)]
    pub max_directives: usize,
    /// Most lexical tokens in a query.
    #[arg(long, env = "ORGMAP_MAX_TOKENS", default_value_t = Limits::default().tokens)]
    pub max_tokens: usize,
    /// Most errors in one response (the rest are summed up in one).
    #[arg(long, env = "ORGMAP_MAX_ERRORS", default_value_t = Limits::default().errors)]
    pub max_errors: usize,
    /// Seconds one request may run before it is stopped (uploads get ten times as long).
    #[arg(long, env = "ORGMAP_REQUEST_TIMEOUT", default_value_t = crate::http::DEFAULT_TIMEOUT_SECS)]
    pub request_timeout: u64,
    /// Most connections held open at once; more wait in the backlog.
    #[arg(long, env = "ORGMAP_MAX_CONNECTIONS", default_value_t = crate::http::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers (also the longest a
    /// kept-alive connection waits for its next request).
    #[arg(long, env = "ORGMAP_HEADER_READ_TIMEOUT", value_name = "SECS", default_value_t = crate::http::DEFAULT_HEADER_READ_TIMEOUT_SECS)]
    pub header_read_timeout: u64,
    /// Seconds a connection may go with no request being handled and no
    /// byte either way before it is closed.
    #[arg(long, env = "ORGMAP_IDLE_TIMEOUT", value_name = "SECS", default_value_t = crate::http::DEFAULT_IDLE_TIMEOUT_SECS)]
    pub idle_timeout: u64,
    /// Seconds the requests in flight have to finish after SIGTERM or
    /// Ctrl-C (keep a service manager's stop timeout above it).
    #[arg(long, env = "ORGMAP_DRAIN_TIMEOUT", value_name = "SECS", default_value_t = crate::http::DEFAULT_DRAIN_TIMEOUT_SECS)]
    pub drain_timeout: u64,
    /// Seconds between pings to a quiet subscription connection.
    #[arg(long, env = "ORGMAP_WS_PING_INTERVAL", value_name = "SECS", default_value_t = crate::http::DEFAULT_PING_INTERVAL_SECS)]
    pub ws_ping_interval: u64,
    /// Seconds a subscriber has to answer a ping before it is dropped.
    #[arg(long, env = "ORGMAP_WS_PONG_TIMEOUT", value_name = "SECS", default_value_t = crate::http::DEFAULT_PONG_TIMEOUT_SECS)]
    pub ws_pong_timeout: u64,
    /// Turn off introspection (`__schema`, `__type`).
    #[arg(long, env = "ORGMAP_NO_INTROSPECTION")]
    pub no_introspection: bool,
    /// Turn off field suggestions in validation errors.
    #[arg(long, env = "ORGMAP_NO_SUGGESTIONS")]
    pub no_suggestions: bool,
    /// Do not serve GraphiQL at /.
    #[arg(long, env = "ORGMAP_NO_GRAPHIQL")]
    pub no_graphiql: bool,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// How many organizations to generate.
    #[arg(long, default_value_t = crate::demo::DEFAULT_ORGANIZATIONS)]
    pub organizations: u32,
    /// The seed: the same seed gives the same province.
    #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
    pub seed: u64,
    #[command(flatten)]
    pub database: DatabaseArgs,
}
