//! The command line: `serve`, `demo` and `schema`.

use std::net::SocketAddr;

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
    /// Print the GraphQL schema (SDL).
    Schema,
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
