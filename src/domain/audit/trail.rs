//! Reading the audit trail back: the changes an admin may see, within the
//! admin's subtree.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};
use serde_json::Value;

use entity::change;

use super::AuditedKind;
use crate::domain::access::{Caller, Role};
use crate::domain::page::{self, Page, PageRequest};
use crate::domain::region as region_domain;
use crate::error::Result;

/// A recorded change as served.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub entity: String,
    pub key: String,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl From<change::Model> for Entry {
    fn from(row: change::Model) -> Self {
        let parse = |text: Option<String>| {
            text.map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t)))
        };
        Entry {
            at: row.at,
            actor: row.actor,
            entity: row.entity,
            key: row.entity_key,
            action: row.action,
            before: parse(row.before),
            after: parse(row.after),
        }
    }
}

/// The changes an admin may read, oldest first: of one entity or all, from
/// `since` on, within the admin's subtree (a region-bound admin does not
/// see changes to what belongs to no region). Also returns the whole
/// selection, for counting.
pub async fn changes(
    db: &impl ConnectionTrait,
    caller: &Caller,
    entity: Option<AuditedKind>,
    since: Option<chrono::DateTime<chrono::Utc>>,
    request: &PageRequest,
) -> Result<(Page<Entry>, Select<change::Entity>)> {
    caller.require(Role::Admin)?;
    let mut select = change::Entity::find();
    if let Some(entity) = entity {
        select = select.filter(change::Column::Entity.eq(entity.as_str()));
    }
    if let Some(since) = since {
        select = select.filter(change::Column::At.gte(since));
    }
    if let Some(root) = caller.scope.region_id {
        select =
            select.filter(change::Column::RegionId.in_subquery(region_domain::subtree_ids(root)));
    }
    let page = page::fetch(db, select.clone(), change::Column::Id, |m| m.id, request).await?;
    Ok((page.map(Entry::from), select))
}
