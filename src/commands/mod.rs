//! The command line: the clap structs in [`config`], one file per command
//! beside them, and [`run`], which dispatches, so that the binary (and the
//! benchmark, which runs the same server) only parse and call it.

pub mod config;
mod database;
mod demo;
mod export;
mod import;
mod report;
mod schema;
mod serve;
mod token;

use self::config::{Cli, Command};

/// Runs one command to its end.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let lang = cli.lang();
    match cli.command {
        Command::Schema => schema::run(),
        Command::Demo(args) => demo::run(args, lang).await,
        Command::Import(args) => import::run(args, lang).await,
        Command::Export(args) => export::run(args, lang).await,
        Command::Report(args) => report::run(args, lang).await,
        Command::Serve(args) => serve::run(args).await,
        Command::Token(command) => token::run(command, lang).await,
    }
}

/// Logs to standard error, filtered by RUST_LOG (default: info).
pub fn init_logs() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
