//! The audit trail: every write records who made it, when, what it changed
//! (entity and natural key) and the values before and after, in the
//! write's own transaction, so that a change and its record commit together.
//!
//! Values are recorded by natural key (codes, not ids), as a person reading
//! the trail knows them, each from one statement. Reading the trail back
//! is [`trail`]'s: writers depend on this module, and the reading on the
//! regions (a region-bound admin reads its subtree's changes only).

pub mod trail;

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, FromQueryResult, JsonValue, Statement,
};
use serde_json::Value;

use entity::{api_token, change};

use crate::domain::access::Caller;
use crate::error::Result;

/// What a change can be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    Region,
    DepartmentKind,
    Department,
    Category,
    Rule,
    Organization,
    Token,
}

impl Entity {
    pub const ALL: [Entity; 7] = [
        Entity::Region,
        Entity::DepartmentKind,
        Entity::Department,
        Entity::Category,
        Entity::Rule,
        Entity::Organization,
        Entity::Token,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Region => "region",
            Entity::DepartmentKind => "departmentKind",
            Entity::Department => "department",
            Entity::Category => "category",
            Entity::Rule => "rule",
            Entity::Organization => "organization",
            Entity::Token => "token",
        }
    }

    /// The statement that reads one row's values by id, with its region as
    /// `_region`, and the columns that hold booleans.
    fn snapshot_sql(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Entity::Region => (
                "SELECT r.code AS code, r.name AS name, r.level AS level, p.code AS \"parentCode\", \
                 r.id AS _region FROM region r LEFT JOIN region p ON p.id = r.parent_id WHERE r.id = $1",
                &[],
            ),
            Entity::DepartmentKind => (
                "SELECT k.code AS code, k.name AS name, k.role AS role, NULL AS _region \
                 FROM department_kind k WHERE k.id = $1",
                &[],
            ),
            Entity::Department => (
                "SELECT d.code AS code, d.name AS name, k.code AS \"kindCode\", r.code AS \"regionCode\", \
                 d.dedicated_unit AS \"dedicatedUnit\", d.method AS method, \
                 (SELECT COUNT(*) FROM department_contact c WHERE c.department_id = d.id) AS \"dedicatedStaffCount\", \
                 d.region_id AS _region \
                 FROM department d JOIN department_kind k ON k.id = d.kind_id \
                 JOIN region r ON r.id = d.region_id WHERE d.id = $1",
                &[],
            ),
            Entity::Category => (
                "SELECT c.code AS code, c.name AS name, c.description AS description, \
                 p.code AS \"parentCode\", NULL AS _region \
                 FROM category c LEFT JOIN category p ON p.id = c.parent_id WHERE c.id = $1",
                &[],
            ),
            Entity::Rule => (
                "SELECT c.code AS \"categoryCode\", k.code AS \"kindCode\", s.code AS \"scopeRegionCode\", \
                 u.basis AS basis, u.scope_region_id AS _region \
                 FROM responsibility_rule u JOIN category c ON c.id = u.category_id \
                 JOIN department_kind k ON k.id = u.department_kind_id \
                 LEFT JOIN region s ON s.id = u.scope_region_id WHERE u.id = $1",
                &[],
            ),
            Entity::Organization => (
                "SELECT o.credit_code AS \"creditCode\", o.name AS name, c.code AS \"categoryCode\", \
                 r.code AS \"regionCode\", a.code AS \"administeringRegionCode\", \
                 sd.code AS \"supervisingDepartmentCode\", pa.code AS \"partyAffiliationCode\", \
                 o.party_organization AS \"partyOrganization\", o.work_covered AS \"workCovered\", \
                 o.party_member_count AS \"partyMemberCount\", o.is_model AS model, \
                 o.resp_basis AS \"responsibilityBasis\", rd.code AS \"responsibleDepartmentCode\", \
                 o.region_id AS _region \
                 FROM organization o JOIN category c ON c.id = o.category_id \
                 JOIN region r ON r.id = o.region_id \
                 LEFT JOIN region a ON a.id = o.administering_region_id \
                 LEFT JOIN department sd ON sd.id = o.supervising_department_id \
                 LEFT JOIN department pa ON pa.id = o.party_affiliation_id \
                 LEFT JOIN department rd ON rd.id = o.resp_department_id WHERE o.id = $1",
                &["workCovered", "model"],
            ),
            Entity::Token => (
                "SELECT t.name AS name, t.role AS role, r.code AS \"regionCode\", \
                 CASE WHEN t.revoked_at IS NULL THEN 0 ELSE 1 END AS revoked, t.region_id AS _region \
                 FROM api_token t LEFT JOIN region r ON r.id = t.region_id WHERE t.id = $1",
                &["revoked"],
            ),
        }
    }
}

/// One row's values as the trail records them, and the region it belongs to.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub values: Value,
    pub region_id: Option<i32>,
}

/// The values of the row `id` of `entity`, or None when there is none.
pub async fn snapshot(
    db: &impl ConnectionTrait,
    entity: Entity,
    id: i32,
) -> Result<Option<Snapshot>> {
    let (sql, booleans) = entity.snapshot_sql();
    let row = JsonValue::find_by_statement(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [id.into()],
    ))
    .one(db)
    .await?;
    let Some(Value::Object(mut values)) = row else {
        return Ok(None);
    };
    let region_id = values
        .remove("_region")
        .and_then(|v| v.as_i64())
        .and_then(|v| i32::try_from(v).ok());
    for name in booleans {
        // SQLite has no boolean type and answers 0 or 1.
        if let Some(value) = values.get_mut(*name)
            && let Some(n) = value.as_i64()
        {
            *value = Value::Bool(n != 0);
        }
    }
    Ok(Some(Snapshot {
        values: Value::Object(values),
        region_id,
    }))
}

/// Records a write whose row had `before` and now has the values of row
/// `after_id` (None: deleted). Records nothing when nothing changed.
pub async fn record(
    db: &impl ConnectionTrait,
    caller: &Caller,
    entity: Entity,
    key: &str,
    before: Option<Snapshot>,
    after_id: Option<i32>,
) -> Result<()> {
    let after = match after_id {
        Some(id) => snapshot(db, entity, id).await?,
        None => None,
    };
    let action = match (&before, &after) {
        (None, None) => return Ok(()),
        (Some(b), Some(a)) if b == a => return Ok(()),
        (None, Some(_)) => "CREATE",
        (Some(_), Some(_)) => "UPDATE",
        (Some(_), None) => "DELETE",
    };
    let region_id = after
        .as_ref()
        .and_then(|s| s.region_id)
        .or(before.as_ref().and_then(|s| s.region_id));
    insert(
        db,
        caller,
        entity,
        key,
        action,
        region_id,
        before.map(|s| s.values),
        after.map(|s| s.values),
    )
    .await
}

/// Records a token's creation or revocation.
pub async fn record_token(
    db: &impl ConnectionTrait,
    caller: &Caller,
    token: &api_token::Model,
    action: &str,
) -> Result<()> {
    let after = snapshot(db, Entity::Token, token.id).await?;
    insert(
        db,
        caller,
        Entity::Token,
        &token.name,
        action,
        token.region_id,
        None,
        after.map(|s| s.values),
    )
    .await
}

/// Records a bulk import in its own transaction, just before it commits:
/// one entry naming the file and what it did (the rows themselves are in
/// the file the caller keeps).
pub async fn record_import(
    db: &impl ConnectionTrait,
    caller: &Caller,
    entity: Entity,
    file: &str,
    summary: Value,
) -> Result<()> {
    insert(
        db,
        caller,
        entity,
        &format!("import:{file}"),
        "IMPORT",
        caller.scope.region_id,
        None,
        Some(summary),
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    db: &impl ConnectionTrait,
    caller: &Caller,
    entity: Entity,
    key: &str,
    action: &str,
    region_id: Option<i32>,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<()> {
    change::ActiveModel {
        at: Set(chrono::Utc::now()),
        actor: Set(caller.name.clone()),
        entity: Set(entity.as_str().to_owned()),
        entity_key: Set(key.chars().take(200).collect()),
        action: Set(action.to_owned()),
        region_id: Set(region_id),
        before: Set(before.map(|v| v.to_string())),
        after: Set(after.map(|v| v.to_string())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
