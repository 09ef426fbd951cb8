//! The domain of orgmap: one module per aggregate, value types that parse
//! their input, and the database access they need. Nothing here knows of
//! GraphQL or HTTP.
//!
//! Every write (a mutation, an import, the demo, the start-up rebuild)
//! runs through [`store::write`] or [`store::write_once`]: one
//! transaction, the engine's structural gate, the change feed.

pub mod access;
pub mod audit;
pub mod category;
pub mod clock;
pub mod conditions;
pub mod coverage;
pub mod department;
pub mod engine;
pub mod feed;
pub mod gaps;
pub mod history;
pub mod impact;
pub mod kind;
pub mod ledger;
pub mod organization;
pub mod oversight;
pub mod page;
pub mod reference;
pub mod region;
pub mod responsibility;
pub mod rule;
pub mod scope;
pub mod search;
pub mod store;
pub mod token;
pub mod transfer;
pub mod values;

use sea_orm::DatabaseConnection;

/// Readies an opened, migrated database: the reference data into an empty
/// one, and the engine's derived data. Returns whether reference data was loaded.
///
/// On PostgreSQL this runs under the start-up advisory lock, so replicas
/// starting at once neither load the reference data twice nor race.
pub async fn initialize(db: &DatabaseConnection) -> crate::error::Result<bool> {
    let lock = store::db::StartupLock::take(db).await?;
    let result = async {
        let loaded = reference::load_if_empty(db).await?;
        store::write(db, |txn| Box::pin(engine::ensure_current(txn))).await?;
        Ok(loaded)
    }
    .await;
    lock.release().await?;
    result
}
