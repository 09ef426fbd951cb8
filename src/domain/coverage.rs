//! Coverage figures: counts by basis, responsibility rate, fallback share,
//! organizational and work coverage (两个覆盖), and the category ×
//! department-kind matrix, for any region and/or category subtree or for
//! the organizations one department is responsible for.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, Iterable, Statement, Value};

use super::responsibility::{Basis, basis_of};
use super::scope::Scope;
use crate::error::Result;

/// The organizations a figure counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Subject {
    /// A region subtree (by location); None: everywhere.
    pub region_id: Option<i32>,
    /// A category subtree; None: every category.
    pub category_id: Option<i32>,
    /// Only the organizations this department is responsible for.
    pub department_id: Option<i32>,
}

/// Coverage figures of a set of organizations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub organizations: u64,
    pub by_basis: Vec<(Basis, u64)>,
    /// Party organization OWN or JOINT.
    pub organized: u64,
    /// OWN, JOINT, or NONE with work coverage.
    pub work_covered: u64,
    /// 应建未建: three or more party members, no party organization of
    /// their own.
    pub should_establish: u64,
}

impl Summary {
    pub fn count(&self, basis: Basis) -> u64 {
        self.by_basis
            .iter()
            .find(|(b, _)| *b == basis)
            .map_or(0, |(_, n)| *n)
    }

    fn rate(&self, part: u64) -> f64 {
        if self.organizations == 0 {
            1.0
        } else {
            part as f64 / self.organizations as f64
        }
    }

    /// Basis other than NONE, over all; 1.0 when there are none.
    pub fn responsibility_rate(&self) -> f64 {
        self.rate(self.organizations - self.count(Basis::None))
    }

    /// Basis FALLBACK over all; 0.0 when there are none.
    pub fn fallback_share(&self) -> f64 {
        if self.organizations == 0 {
            0.0
        } else {
            self.count(Basis::Fallback) as f64 / self.organizations as f64
        }
    }

    /// (OWN + JOINT) over all; 1.0 when there are none.
    pub fn organizational_coverage_rate(&self) -> f64 {
        self.rate(self.organized)
    }

    /// (OWN + JOINT + work-covered NONE) over all; 1.0 when there are none.
    pub fn work_coverage_rate(&self) -> f64 {
        self.rate(self.work_covered)
    }
}

/// The SQL condition and values selecting `subject`'s coverage cells `c`
/// (the engine keeps them with every write; see `engine::count_cells`).
fn condition(subject: &Subject, values: &mut Vec<Value>) -> String {
    let mut parts = vec!["c.n > 0".to_owned()];
    if let Some(region) = subject.region_id {
        values.push(region.into());
        parts.push(super::region::within_sql(
            "c.region_id",
            format!("${}", values.len()),
        ));
    }
    if let Some(category) = subject.category_id {
        values.push(category.into());
        parts.push(format!(
            "c.category_id IN (SELECT descendant_id FROM category_closure WHERE ancestor_id = ${})",
            values.len()
        ));
    }
    if let Some(department) = subject.department_id {
        values.push(department.into());
        parts.push(format!("c.department_id = ${}", values.len()));
    }
    parts.join(" AND ")
}

/// The figures of each subject: one statement for all of them.
/// Within `scope`: a region-bound caller asking about an ancestor region or
/// a department above it counts only what lies in its own subtree.
pub async fn summaries(
    db: &impl ConnectionTrait,
    scope: &Scope,
    subjects: &[Subject],
) -> Result<HashMap<Subject, Summary>> {
    let mut out: HashMap<Subject, Summary> = HashMap::new();
    if subjects.is_empty() {
        return Ok(out);
    }
    let mut values = Vec::new();
    let mut selects = Vec::new();
    for (index, subject) in subjects.iter().enumerate() {
        let mut condition = condition(subject, &mut values);
        if let Some(root) = scope.region_id {
            condition.push_str(&format!(
                " AND {}",
                super::region::within_sql("c.region_id", root)
            ));
        }
        selects.push(format!(
            "SELECT {index} AS subject, c.basis, CAST(SUM(c.n) AS BIGINT) AS n, \
               CAST(SUM(c.organized) AS BIGINT) AS organized, CAST(SUM(c.covered) AS BIGINT) AS covered, \
               CAST(SUM(c.should_establish) AS BIGINT) AS should_establish \
             FROM coverage_cell c WHERE {condition} GROUP BY c.basis"
        ));
    }
    let sql = selects.join(" UNION ALL ");
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    for subject in subjects {
        out.insert(*subject, empty());
    }
    for row in rows {
        let index: i32 = row.try_get("", "subject")?;
        let Some(subject) = subjects.get(index as usize) else {
            continue;
        };
        let basis = basis_of(&row.try_get::<String>("", "basis")?);
        let n: i64 = row.try_get("", "n")?;
        let organized: i64 = row.try_get("", "organized")?;
        let covered: i64 = row.try_get("", "covered")?;
        let should_establish: i64 = row.try_get("", "should_establish")?;
        let summary = out.entry(*subject).or_insert_with(empty);
        summary.organizations += n as u64;
        summary.organized += organized as u64;
        summary.work_covered += covered as u64;
        summary.should_establish += should_establish as u64;
        for entry in &mut summary.by_basis {
            if entry.0 == basis {
                entry.1 += n as u64;
            }
        }
    }
    Ok(out)
}

fn empty() -> Summary {
    Summary {
        by_basis: Basis::iter().map(|b| (b, 0)).collect(),
        ..Summary::default()
    }
}

/// One cell of the matrix: organizations of a category decided by a
/// department of a kind (None: none decided) on a basis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub category_id: i32,
    pub kind_id: Option<i32>,
    pub basis: Basis,
    pub count: u64,
}

/// Organization counts by category × deciding department kind × basis,
/// within a region subtree.
pub async fn matrix(db: &impl ConnectionTrait, region_id: Option<i32>) -> Result<Vec<Cell>> {
    let mut values = Vec::new();
    let condition = condition(
        &Subject {
            region_id,
            ..Subject::default()
        },
        &mut values,
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!(
                "SELECT c.category_id, c.kind_id, c.basis, CAST(SUM(c.n) AS BIGINT) AS n \
                 FROM coverage_cell c WHERE {condition} \
                 GROUP BY c.category_id, c.kind_id, c.basis \
                 ORDER BY c.category_id, c.kind_id, c.basis"
            ),
            values,
        ))
        .await?;
    rows.into_iter()
        .map(|row| {
            let kind_id: i32 = row.try_get("", "kind_id")?;
            Ok(Cell {
                category_id: row.try_get("", "category_id")?,
                kind_id: (kind_id != 0).then_some(kind_id),
                basis: basis_of(&row.try_get::<String>("", "basis")?),
                count: row.try_get::<i64>("", "n")? as u64,
            })
        })
        .collect()
}
