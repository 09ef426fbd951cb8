//! API tokens: created with a role and an optional region, shown once, kept
//! only as a SHA-256 of the secret, revoked by name.
//!
//! Secrets are 256 random bits, so a plain SHA-256 is enough to keep the
//! stored hash useless to a thief (no password stretching needed), and a
//! lookup by hash is one indexed read per request.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Statement,
};
use sha2::{Digest, Sha256};

use entity::{api_token, region};

use super::access::{Caller, Role};
use super::scope::Scope;
use super::values::parse_name;
use super::{audit, region as region_domain};
use crate::error::{Error, Result};
use crate::msg;

/// What every secret starts with, so that secret scanners can spot a leak.
pub const SECRET_PREFIX: &str = "orgmap_";

/// A token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    /// The region the token is bound to (its code); None: everywhere.
    pub region_code: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A token just created, with the secret that is shown this once.
#[derive(Clone, Debug)]
pub struct CreatedToken {
    pub info: TokenInfo,
    pub secret: String,
}

/// The SHA-256 of a secret, as stored.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Counts the tokens created and revoked through this process, so that
/// what a server remembers of credentials (`http::auth`) ends the moment
/// one is.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// How many tokens have been created or revoked through this process.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

fn changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// Creates a token. Who may: an admin, and a region-bound admin only for
/// its own subtree.
pub async fn create(
    db: &impl ConnectionTrait,
    caller: &Caller,
    role: Role,
    region_code: Option<&str>,
    name: Option<&str>,
) -> Result<CreatedToken> {
    caller.require(Role::Admin)?;
    let region = match region_code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(region_domain::require(db, &Scope::EVERYTHING, "region", code).await?),
        None => None,
    };
    caller
        .require_optional_region(
            db,
            region.as_ref().map(|r| r.id),
            msg!("what-unbound-tokens"),
        )
        .await?;
    let name = match name {
        Some(name) => parse_name("name", name, 100)?,
        None => default_name(db, role, region.as_ref()).await?,
    };
    if api_token::Entity::find_by_name(name.as_str())
        .one(db)
        .await?
        .is_some()
    {
        return Err(Error::Conflict(msg!(
            "token-name-taken",
            name = name.as_str()
        )));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let saved = api_token::ActiveModel {
        name: Set(name),
        role: Set(role.to_value()),
        region_id: Set(region.as_ref().map(|r| r.id)),
        secret_hash: Set(hash(&secret)),
        created_at: Set(chrono::Utc::now()),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    changed();
    audit::record_token(db, caller, &saved, "CREATE").await?;
    Ok(CreatedToken {
        info: info(&saved, region.map(|r| r.code)),
        secret,
    })
}

/// A name that says what the token is: `editor-350100-3`.
async fn default_name(
    db: &impl ConnectionTrait,
    role: Role,
    region: Option<&region::Model>,
) -> Result<String> {
    let stem = match region {
        Some(region) => format!("{}-{}", role.to_value(), region.code),
        None => role.to_value(),
    };
    let taken = api_token::Entity::find()
        .filter(api_token::Column::Name.starts_with(stem.as_str()))
        .count(db)
        .await?;
    // Names given by hand may take any number: step past them.
    let mut n = taken + 1;
    loop {
        let candidate = format!("{stem}-{n}");
        if api_token::Entity::find_by_name(candidate.as_str())
            .one(db)
            .await?
            .is_none()
        {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// Revokes the named token; false when it was already revoked.
pub async fn revoke(db: &impl ConnectionTrait, caller: &Caller, name: &str) -> Result<bool> {
    caller.require(Role::Admin)?;
    let Some(token) = api_token::Entity::find_by_name(name.trim()).one(db).await? else {
        return Err(Error::not_found(
            "name",
            msg!("token-not-found", name = name.trim()),
        ));
    };
    if let Some(region_id) = token.region_id
        && !super::access::within(db, &caller.scope, region_id).await?
    {
        return Err(Error::not_found(
            "name",
            msg!("token-not-found", name = name.trim()),
        ));
    }
    caller
        .require_optional_region(db, token.region_id, msg!("what-unbound-tokens"))
        .await?;
    if token.revoked_at.is_some() {
        return Ok(false);
    }
    let mut active: api_token::ActiveModel = token.into();
    active.revoked_at = Set(Some(chrono::Utc::now()));
    let saved = active.update(db).await?;
    changed();
    audit::record_token(db, caller, &saved, "REVOKE").await?;
    Ok(true)
}

/// Every token the caller may see (its subtree's), oldest first.
pub async fn list(db: &impl ConnectionTrait, caller: &Caller) -> Result<Vec<TokenInfo>> {
    caller.require(Role::Admin)?;
    let mut select = api_token::Entity::find().order_by_asc(api_token::Column::Id);
    if let Some(root) = caller.scope.region_id {
        select = select
            .filter(api_token::Column::RegionId.in_subquery(region_domain::subtree_ids(root)));
    }
    let tokens = select.all(db).await?;
    let regions = region::Entity::find()
        .filter(region::Column::Id.is_in(tokens.iter().filter_map(|t| t.region_id)))
        .all(db)
        .await?;
    Ok(tokens
        .iter()
        .map(|t| {
            let code = t
                .region_id
                .and_then(|id| regions.iter().find(|r| r.id == id))
                .map(|r| r.code.clone());
            info(t, code)
        })
        .collect())
}

/// True when at least one token is in force: then every request needs one.
/// Asked on every request without a token, so written out once: built
/// through the ORM as a count, its statement cost two fifths of the check.
pub async fn any_active(db: &impl ConnectionTrait) -> Result<bool> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM api_token WHERE revoked_at IS NULL) \
             THEN 1 ELSE 0 END AS active",
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i32>("", "active")? == 1,
        None => false,
    })
}

/// The caller a secret stands for; UNAUTHENTICATED when it is unknown or revoked.
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> Result<Caller> {
    let refused = || Error::Unauthenticated(msg!("token-invalid"));
    let secret = secret.trim();
    if !secret.starts_with(SECRET_PREFIX) || secret.len() > 200 {
        return Err(refused());
    }
    // Every request with a token runs this: written out once, as any_active.
    let token = api_token::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT * FROM api_token WHERE secret_hash = $1 AND revoked_at IS NULL",
            [hash(secret).into()],
        ))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    Ok(Caller {
        name: token.name,
        role: Role::parse(&token.role)?,
        scope: Scope {
            region_id: token.region_id,
        },
    })
}

fn info(token: &api_token::Model, region_code: Option<String>) -> TokenInfo {
    TokenInfo {
        name: token.name.clone(),
        role: Role::parse(&token.role).unwrap_or(Role::Viewer),
        region_code,
        created_at: token.created_at,
        revoked_at: token.revoked_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_hash_is_not_the_secret() {
        let stored = hash("orgmap_abc");
        assert_eq!(stored.len(), 64);
        assert_ne!(stored, "orgmap_abc");
        assert_eq!(stored, hash("orgmap_abc"));
        assert_ne!(stored, hash("orgmap_abd"));
    }
}
