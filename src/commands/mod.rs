//! The command line: the clap structs in [`config`], one file per command
//! beside them, and [`run`], which dispatches, so that the binary (and the
//! benchmark, which runs the same server) only parse and call it.

mod backup;
pub mod config;
mod database;
mod demo;
mod export;
mod import;
mod prune;
mod report;
mod schema;
mod serve;
mod snapshot;
mod token;

use self::config::{Cli, Command, LogFormat};

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
        Command::Backup(args) => backup::run(args, lang).await,
        Command::Snapshot(args) => snapshot::run(args, lang).await,
        Command::Prune(args) => prune::run(args, lang).await,
    }
}

/// Logs to standard error as text, filtered by RUST_LOG (default: info).
pub fn init_logs() {
    init_logs_with(LogFormat::Text, "info");
}

/// Logs to standard error in the format the command line asks for,
/// filtered by RUST_LOG. Without it, `serve` logs at info (one access line
/// per request); the other commands show their own lines and warnings only,
/// not the migrations and the like that a library logs at info.
pub fn init_logs_for(cli: &Cli) {
    let default = match cli.command {
        Command::Serve(_) => "info",
        _ => "warn,orgmap::commands=info",
    };
    init_logs_with(cli.log_format, default);
}

fn init_logs_with(format: LogFormat, default: &str) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
        )
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}
