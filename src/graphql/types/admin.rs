//! Who is asking, API tokens and the audit trail.

use async_graphql::{Enum, Json, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::access::Caller;
use crate::domain::audit;
use crate::domain::token::TokenInfo;

/// What a token may do; each role includes the ones before it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::access::Role")]
pub enum TokenRole {
    /// Reads.
    Viewer,
    /// Reads and writes of the data.
    Editor,
    /// Everything, tokens and the audit trail included.
    Admin,
}

/// The caller of this request.
#[derive(SimpleObject, Clone, Debug)]
pub struct Me {
    /// The token's name ("local" when the service is open for local use).
    pub name: String,
    pub role: TokenRole,
    /// The region the caller is bound to; null: everywhere.
    pub region_code: Option<String>,
}

impl Me {
    pub fn of(caller: &Caller, region_code: Option<String>) -> Self {
        Me {
            name: caller.name.clone(),
            role: caller.role.into(),
            region_code,
        }
    }
}

/// An API token (never its secret).
#[derive(SimpleObject, Clone, Debug)]
pub struct ApiToken {
    pub name: String,
    pub role: TokenRole,
    /// The region the token is bound to; null: everywhere.
    pub region_code: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it was revoked; null while it is in force.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<TokenInfo> for ApiToken {
    fn from(info: TokenInfo) -> Self {
        ApiToken {
            name: info.name,
            role: info.role.into(),
            region_code: info.region_code,
            created_at: info.created_at,
            revoked_at: info.revoked_at,
        }
    }
}

/// A token just created. The secret is shown this once and stored only as
/// a hash: keep it now.
#[derive(SimpleObject, Clone, Debug)]
pub struct CreatedApiToken {
    pub token: ApiToken,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// What a recorded change is about.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::audit::AuditedKind")]
pub enum ChangeEntity {
    Region,
    DepartmentKind,
    Department,
    Category,
    Rule,
    Organization,
    Token,
}

/// The entity a stored change names; text this build does not know reads
/// as an organization rather than failing the whole page.
fn entity_of(text: &str) -> ChangeEntity {
    audit::AuditedKind::ALL
        .into_iter()
        .find(|e| e.as_str() == text)
        .unwrap_or(audit::AuditedKind::Organization)
        .into()
}

/// One write in the audit trail.
#[derive(SimpleObject, Clone, Debug)]
pub struct Change {
    pub at: DateTime<Utc>,
    /// The name of the token that made it.
    pub actor: String,
    pub entity: ChangeEntity,
    /// The natural key of what changed: a code, a credit code, or
    /// `CATEGORY@REGION` for a rule (`CATEGORY@*` when it holds everywhere).
    pub key: String,
    /// CREATE, UPDATE or DELETE (REVOKE for a token).
    pub action: String,
    /// The values before; null when created.
    pub before: Option<Json<serde_json::Value>>,
    /// The values after; null when deleted.
    pub after: Option<Json<serde_json::Value>>,
}

impl From<audit::trail::Entry> for Change {
    fn from(change: audit::trail::Entry) -> Self {
        Change {
            at: change.at,
            actor: change.actor,
            entity: entity_of(&change.entity),
            key: change.key,
            action: change.action,
            before: change.before.map(Json),
            after: change.after.map(Json),
        }
    }
}

crate::graphql::types::connection::connection!(
    ChangeConnection,
    ChangeEdge,
    Change,
    "recorded changes"
);
