//! The orgmap binary: parse the command line, set up logs, dispatch.

use clap::Parser;
use orgmap::commands::{self, config::Cli};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    commands::init_logs_for(&cli);
    commands::run(cli).await
}
