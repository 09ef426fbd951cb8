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
// Text by hand, not DeriveActiveEnum: the snapshot statements and the trail's
// filter take `as_str()` as a `&'static str`, which the derive does not give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditedKind {
    Region,
    DepartmentKind,
    Department,
    Category,
    Rule,
    Organization,
    Token,
}

impl AuditedKind {
    pub const ALL: [AuditedKind; 7] = [
        AuditedKind::Region,
        AuditedKind::DepartmentKind,
        AuditedKind::Department,
        AuditedKind::Category,
        AuditedKind::Rule,
        AuditedKind::Organization,
        AuditedKind::Token,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditedKind::Region => "region",
            AuditedKind::DepartmentKind => "departmentKind",
            AuditedKind::Department => "department",
            AuditedKind::Category => "category",
            AuditedKind::Rule => "rule",
            AuditedKind::Organization => "organization",
            AuditedKind::Token => "token",
        }
    }

    /// The statement that reads one row's values by id, with its region as
    /// `_region`, and the columns that hold booleans.
    fn snapshot_sql(self) -> (&'static str, &'static [&'static str]) {
        match self {
            AuditedKind::Region => (
                "SELECT reg.code AS code, reg.name AS name, reg.level AS level, parent.code AS \"parentCode\", \
                 reg.id AS _region FROM region reg LEFT JOIN region parent ON parent.id = reg.parent_id WHERE reg.id = $1",
                &[],
            ),
            AuditedKind::DepartmentKind => (
                "SELECT kind.code AS code, kind.name AS name, kind.role AS role, NULL AS _region \
                 FROM department_kind kind WHERE kind.id = $1",
                &[],
            ),
            AuditedKind::Department => (
                "SELECT dept.code AS code, dept.name AS name, kind.code AS \"kindCode\", reg.code AS \"regionCode\", \
                 dept.dedicated_unit AS \"dedicatedUnit\", dept.method AS method, \
                 (SELECT COUNT(*) FROM department_contact contact WHERE contact.department_id = dept.id) AS \"dedicatedStaffCount\", \
                 dept.region_id AS _region \
                 FROM department dept JOIN department_kind kind ON kind.id = dept.kind_id \
                 JOIN region reg ON reg.id = dept.region_id WHERE dept.id = $1",
                &[],
            ),
            AuditedKind::Category => (
                "SELECT cat.code AS code, cat.name AS name, cat.description AS description, \
                 parent.code AS \"parentCode\", NULL AS _region \
                 FROM category cat LEFT JOIN category parent ON parent.id = cat.parent_id WHERE cat.id = $1",
                &[],
            ),
            AuditedKind::Rule => (
                "SELECT cat.code AS \"categoryCode\", kind.code AS \"kindCode\", scope_reg.code AS \"scopeRegionCode\", \
                 resp_rule.basis AS basis, resp_rule.scope_region_id AS _region \
                 FROM responsibility_rule resp_rule JOIN category cat ON cat.id = resp_rule.category_id \
                 JOIN department_kind kind ON kind.id = resp_rule.department_kind_id \
                 LEFT JOIN region scope_reg ON scope_reg.id = resp_rule.scope_region_id WHERE resp_rule.id = $1",
                &[],
            ),
            AuditedKind::Organization => (
                "SELECT o.credit_code AS \"creditCode\", o.name AS name, cat.code AS \"categoryCode\", \
                 loc.code AS \"regionCode\", admin.code AS \"administeringRegionCode\", \
                 superv.code AS \"supervisingDepartmentCode\", affil.code AS \"partyAffiliationCode\", \
                 o.party_organization AS \"partyOrganization\", o.work_covered AS \"workCovered\", \
                 o.party_member_count AS \"partyMemberCount\", o.is_model AS model, \
                 st.basis AS \"responsibilityBasis\", resp.code AS \"responsibleDepartmentCode\", \
                 o.region_id AS _region \
                 FROM organization o LEFT JOIN responsibility st ON st.id = o.id \
                 JOIN category cat ON cat.id = o.category_id \
                 JOIN region loc ON loc.id = o.region_id \
                 LEFT JOIN region admin ON admin.id = o.administering_region_id \
                 LEFT JOIN department superv ON superv.id = o.supervising_department_id \
                 LEFT JOIN department affil ON affil.id = o.party_affiliation_id \
                 LEFT JOIN department resp ON resp.id = st.department_id WHERE o.id = $1",
                &["workCovered", "model"],
            ),
            AuditedKind::Token => (
                "SELECT token.name AS name, token.role AS role, reg.code AS \"regionCode\", \
                 CASE WHEN token.revoked_at IS NULL THEN 0 ELSE 1 END AS revoked, token.region_id AS _region \
                 FROM api_token token LEFT JOIN region reg ON reg.id = token.region_id WHERE token.id = $1",
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
    entity: AuditedKind,
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
    entity: AuditedKind,
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
    let after = snapshot(db, AuditedKind::Token, token.id).await?;
    insert(
        db,
        caller,
        AuditedKind::Token,
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
    entity: AuditedKind,
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
    entity: AuditedKind,
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
