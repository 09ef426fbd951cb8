//! Lookups over the derived tables: who oversees a category in a region,
//! the coordinator of a region, the categories a department oversees.

use std::collections::HashMap;

use entity::enums::KindRole;
use entity::{department, department_kind, effective_rule, responsibility_rule as rule};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};

use crate::error::Result;
use crate::msg;

/// Who oversees organizations of a category in a region.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Oversight {
    pub rule: Option<rule::Model>,
    pub kind_id: Option<i32>,
    pub department: Option<department::Model>,
    /// The kind, when the answer was read with it.
    pub kind: Option<department_kind::Model>,
}

/// Who oversees a category (by code) located in a region (by code), in one
/// statement: the rule in force, its kind and the department of that kind
/// at the region or its nearest ancestor. NOT_FOUND for unknown codes or a
/// region outside `scope`.
pub async fn who_oversees_in(
    db: &impl ConnectionTrait,
    scope: &crate::domain::scope::Scope,
    category_code: &str,
    region_code: &str,
) -> Result<Oversight> {
    use crate::domain::values::{RegionCode, parse_code};
    use crate::error::Error;
    let category_code = parse_code("categoryCode", category_code)?;
    let region_code = RegionCode::parse("regionCode", region_code)?;
    let within = match scope.region_id {
        Some(root) => format!(" AND {}", super::region::within_sql("g.id", root)),
        None => String::new(),
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT g.id AS region_id, r.id AS rule_id, r.category_id AS rule_category_id, \
                        r.scope_region_id, r.basis, \
                        k.id AS kind_id, k.code AS kind_code, k.name AS kind_name, k.role AS kind_role, \
                        d.id AS department_id, d.code AS department_code, d.name AS department_name, \
                        d.region_id AS department_region_id, d.dedicated_unit, d.method \
                 FROM category cat \
                 LEFT JOIN region g ON g.code = $2{within} \
                 LEFT JOIN effective_rule er ON er.category_id = cat.id AND er.region_id = g.id \
                 LEFT JOIN responsibility_rule r ON r.id = er.rule_id \
                 LEFT JOIN department_kind k ON k.id = er.kind_id \
                 LEFT JOIN effective_department ed ON ed.kind_id = er.kind_id AND ed.region_id = g.id \
                 LEFT JOIN department d ON d.id = ed.department_id \
                 WHERE cat.code = $1"
            ),
            [category_code.clone().into(), region_code.as_str().into()],
        ))
        .await?;
    let Some(row) = row else {
        return Err(Error::not_found(
            "categoryCode",
            msg!("category-not-found", code = category_code),
        ));
    };
    if row.try_get::<Option<i32>>("", "region_id")?.is_none() {
        return Err(Error::not_found(
            "regionCode",
            msg!("region-not-found", code = region_code.as_str()),
        ));
    }
    let Some(rule_id) = row.try_get::<Option<i32>>("", "rule_id")? else {
        return Ok(Oversight::default());
    };
    let kind_id: i32 = row.try_get("", "kind_id")?;
    let department = match row.try_get::<Option<i32>>("", "department_id")? {
        Some(id) => Some(department::Model {
            id,
            code: row.try_get("", "department_code")?,
            name: row.try_get("", "department_name")?,
            kind_id,
            region_id: row.try_get("", "department_region_id")?,
            dedicated_unit: row.try_get("", "dedicated_unit")?,
            method: row.try_get("", "method")?,
        }),
        None => None,
    };
    Ok(Oversight {
        rule: Some(rule::Model {
            id: rule_id,
            category_id: row.try_get("", "rule_category_id")?,
            department_kind_id: kind_id,
            scope_region_id: row.try_get("", "scope_region_id")?,
            basis: row.try_get("", "basis")?,
        }),
        kind_id: Some(kind_id),
        kind: Some(department_kind::Model {
            id: kind_id,
            code: row.try_get("", "kind_code")?,
            name: row.try_get("", "kind_name")?,
            role: row.try_get("", "kind_role")?,
        }),
        department,
    })
}

/// The rule that holds everywhere for `category_id` or its nearest
/// ancestor, and its kind; no department, since no region is given.
pub async fn who_oversees_everywhere(
    db: &impl ConnectionTrait,
    category_id: i32,
) -> Result<Oversight> {
    let rule = rule::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT r.* FROM responsibility_rule r \
             JOIN category_closure cc ON cc.ancestor_id = r.category_id \
             WHERE cc.descendant_id = $1 AND r.scope_region_id IS NULL \
             ORDER BY cc.depth LIMIT 1",
            [category_id.into()],
        ))
        .one(db)
        .await?;
    Ok(match rule {
        Some(rule) => Oversight {
            kind_id: Some(rule.department_kind_id),
            rule: Some(rule),
            department: None,
            kind: None,
        },
        None => Oversight::default(),
    })
}

/// The coordinator department id of each region: the department of a
/// COORDINATOR-role kind at the region or its nearest ancestor. One query.
///
/// The coordinator is found by its kind's role, not by a kind code: kinds
/// are data, and a region may add its own. Where several COORDINATOR-role
/// kinds have a department up the chain, the nearest department wins, and
/// among departments at the same distance the lowest kind id, so that the
/// answer never depends on the order rows come back in.
pub async fn coordinators(
    db: &impl ConnectionTrait,
    region_ids: &[i32],
) -> Result<HashMap<i32, i32>> {
    if region_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let regions = region_ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT ed.region_id, ed.department_id \
                 FROM department_kind k \
                 JOIN effective_department ed ON ed.kind_id = k.id \
                 JOIN department d ON d.id = ed.department_id \
                 JOIN region_closure rc \
                   ON rc.ancestor_id = d.region_id AND rc.descendant_id = ed.region_id \
                 WHERE k.role = '{}' AND ed.region_id IN ({regions}) \
                 ORDER BY ed.region_id, rc.depth, ed.kind_id",
                KindRole::Coordinator.to_value()
            ),
        ))
        .await?;
    let mut map = HashMap::new();
    for row in rows {
        let region_id: i32 = row.try_get("", "region_id")?;
        let department_id: i32 = row.try_get("", "department_id")?;
        // The first row of each region is its nearest, lowest-kind one.
        map.entry(region_id).or_insert(department_id);
    }
    Ok(map)
}

/// For each (region, kind): the categories whose rule in force at that
/// region names that kind. One query.
pub async fn categories_overseen(
    db: &impl ConnectionTrait,
    keys: &[(i32, i32)],
) -> Result<HashMap<(i32, i32), Vec<i32>>> {
    let regions: Vec<i32> = keys.iter().map(|k| k.0).collect();
    let rows = effective_rule::Entity::find()
        .filter(effective_rule::Column::RegionId.is_in(regions))
        .filter(effective_rule::Column::KindId.is_in(keys.iter().map(|k| k.1)))
        .all(db)
        .await?;
    let mut map: HashMap<(i32, i32), Vec<i32>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for row in rows {
        if let Some(list) = map.get_mut(&(row.region_id, row.kind_id)) {
            list.push(row.category_id);
        }
    }
    for list in map.values_mut() {
        list.sort_unstable();
    }
    Ok(map)
}
