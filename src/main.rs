//! The orgmap binary: parse the command line, set up logs, dispatch.

use clap::Parser;
use orgmap::cli;
use orgmap::config::Cli;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    cli::init_logs();
    cli::run(Cli::parse()).await
}
