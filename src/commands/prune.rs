//! `orgmap prune --before DATE`: removes coverage snapshots taken before the
//! date and periods of responsibility that ended before it; a current
//! period is never removed.

use super::config::PruneArgs;
use super::database::{open, user_error};
use crate::domain::history::{When, prune};
use crate::i18n::Lang;
use crate::msg;

pub async fn run(args: PruneArgs, lang: Lang) -> anyhow::Result<()> {
    let before = When::parse("before", &args.before)
        .map_err(user_error(lang))?
        .start();
    let db = open(&args.database).await?;
    let pruned = prune::prune(&db, before).await;
    db.close().await?;
    let pruned = pruned.map_err(user_error(lang))?;
    println!(
        "{}",
        msg!(
            "prune-done",
            snapshots = pruned.snapshot_rows,
            periods = pruned.periods,
            before = args.before.trim()
        )
        .render(lang)
    );
    Ok(())
}
