//! `orgmap snapshot`: a coverage snapshot of every region now, as the
//! server takes each day (for a cron job, or a server run with
//! `--no-daily-snapshot`).

use super::config::SnapshotArgs;
use super::database::{open, user_error};
use crate::domain::access::Caller;
use crate::domain::clock::Clock;
use crate::domain::history::snapshots;
use crate::i18n::Lang;
use crate::msg;

pub async fn run(args: SnapshotArgs, lang: Lang) -> anyhow::Result<()> {
    let db = open(&args.database).await?;
    let taken = snapshots::record(&db, &Caller::local(), Clock::system().now()).await;
    db.close().await?;
    let regions = taken.map_err(user_error(lang))?;
    println!("{}", msg!("snapshot-taken", regions = regions).render(lang));
    Ok(())
}
