//! The command line: `serve`, `demo`, `import`, `export`, `report` and `schema`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "orgmap",
    version,
    about = "Who is responsible for this organization, and where is nobody responsible?"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the GraphQL API (POST/GET /graphql), GraphiQL (/) and /healthz.
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
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The region whose subtree the report covers; default: everything.
    #[arg(long)]
    pub region: Option<String>,
    /// The spreadsheet to write.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// The entities a file may hold.
pub const ENTITIES: [&str; 5] = [
    "regions",
    "departments",
    "categories",
    "rules",
    "organizations",
];

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The file to import.
    pub file: PathBuf,
    /// What the file holds.
    #[arg(long, value_parser = ENTITIES)]
    pub entity: String,
    /// csv or jsonl; default: from the file name (.jsonl, .ndjson, .json: jsonl; else csv).
    #[arg(long, value_parser = ["csv", "jsonl"])]
    pub format: Option<String>,
    /// The file's encoding; a byte-order mark wins.
    #[arg(long, default_value = "utf-8", value_parser = ["utf-8", "gb18030"])]
    pub encoding: String,
    /// Validate and report, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// What to export.
    #[arg(long, value_parser = ENTITIES)]
    pub entity: String,
    #[arg(long, default_value = "csv", value_parser = ["csv", "jsonl"])]
    pub format: String,
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
