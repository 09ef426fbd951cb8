//! What every command that touches the database shares: opening it (migrated,
//! reference data loaded) and showing a domain error without database detail.

use std::time::Duration;

use anyhow::Context;
use sea_orm::DatabaseConnection;

use super::config::DatabaseArgs;
use crate::domain::{self, store::db};
use crate::error::Error;
use crate::i18n::Lang;

/// A domain error as the command line shows it, in `lang`: database
/// detail hidden.
pub fn user_error(lang: Lang) -> impl Fn(Error) -> anyhow::Error {
    move |err| {
        err.log_hidden();
        anyhow::anyhow!("{}", err.public_message(lang))
    }
}

/// Opens and migrates the database, loads the reference data into an empty
/// one and brings the engine's derived data up to date.
pub async fn open(database: &DatabaseArgs) -> anyhow::Result<DatabaseConnection> {
    open_with(database, db::Checkpoints::OnCommit).await
}

/// [`open`], with the server's choice of when SQLite checkpoints its log.
pub async fn open_with(
    database: &DatabaseArgs,
    checkpoints: db::Checkpoints,
) -> anyhow::Result<DatabaseConnection> {
    let mut db = db::connect_with(&database.database_url, checkpoints, database.pool_size)
        .await
        .context("cannot open or migrate the database")?;
    if let Some(ms) = database.slow_statement_ms {
        db::log_slow_statements(&mut db, Duration::from_millis(ms));
    }
    if domain::initialize(&db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        tracing::info!("loaded the reference data: department kinds, categories, province rules");
    }
    Ok(db)
}
