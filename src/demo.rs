//! The deterministic demo-province generator (placeholder while the real one is written).
pub const DEFAULT_ORGANIZATIONS: u32 = 10_000;
pub const DEFAULT_SEED: u64 = 2019;
use sea_orm::DatabaseConnection;
/// Placeholder.
pub async fn is_empty(_db: &DatabaseConnection) -> crate::error::Result<bool> {
    Ok(true)
}
/// Placeholder.
pub async fn generate(_db: &DatabaseConnection, _n: u32, _seed: u64) -> crate::error::Result<()> {
    Ok(())
}
