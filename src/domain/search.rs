//! Name search: the character bigrams of every organization's name
//! (`organization_name_gram`), kept current on every write of a name, and
//! the choice, per query, between looking the query's rarest bigram up
//! there and reading the organizations in id order.
//!
//! The grams only narrow: the substring predicate of `nameContains` still
//! decides, in the same statement as the page, so that the page, its order
//! and its total are the scan's. A bigram is two characters (not bytes) of
//! `lower(name)` as the database lower-cases it, the same `lower` the
//! predicate compares with, so that every name the predicate accepts holds
//! every bigram of the query.

use entity::organization;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, QueryFilter, QueryTrait, Select, Statement, Value,
};

use super::store::db;
use crate::error::Result;

/// Characters per gram. A query shorter than this has no gram and keeps
/// the scan.
const GRAM_CHARS: usize = 2;

/// Up to this many of a query's distinct grams are estimated: a long
/// query's rarest gram is among a few spread over it often enough, and
/// each estimate reads up to `ESTIMATE_CAP` index entries.
const ESTIMATED_GRAMS: usize = 4;

/// Where an estimate stops counting: the most organizations a gram may
/// hold and still be looked up, at any size this service is meant for
/// (the threshold below reaches it at 4,000,000 organizations).
const ESTIMATE_CAP: u64 = 20_000;

/// The page the choice is made for: the default page size.
const PAGE: u64 = super::page::DEFAULT_PAGE_SIZE;

/// Whether a gram held by `n` of about `size` organizations is worth
/// looking up. Looking it up collects all `n` candidates before the first
/// row of the page; reading in id order stops after the page, about
/// `PAGE * size / n` rows when the matches are spread evenly. The two cost
/// the same where `n * n = PAGE * size`: 3,200 candidates at 100,000
/// organizations, 10,000 at 1,000,000, where the measured times cross
/// (docs/ARCHITECTURE.md, Name search). Below 1,000 candidates the lookup
/// is always cheap.
fn worth_looking_up(n: u64, size: u64) -> bool {
    let balance = ((PAGE * size) as f64).sqrt() as u64;
    n < balance.clamp(1_000, ESTIMATE_CAP)
}

/// The distinct grams of `text` (already lower-cased), in order of first
/// appearance.
fn grams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut grams: Vec<String> = Vec::new();
    for window in chars.windows(GRAM_CHARS) {
        let gram: String = window.iter().collect();
        if !grams.contains(&gram) {
            grams.push(gram);
        }
    }
    grams
}

/// At most `ESTIMATED_GRAMS` of `grams`, spread evenly from the first to
/// the last.
fn spread(grams: Vec<String>) -> Vec<String> {
    let n = grams.len();
    if n <= ESTIMATED_GRAMS {
        return grams;
    }
    (0..ESTIMATED_GRAMS)
        .map(|k| grams[k * (n - 1) / (ESTIMATED_GRAMS - 1)].clone())
        .collect()
}

/// Narrows `select`, which already holds the substring predicate for
/// `lowered`, to the organizations whose names hold the query's rarest
/// gram, when that gram is rare enough to be worth it; else returns it as
/// it is (the scan in id order). One statement estimates the grams, each
/// count stopping at `ESTIMATE_CAP`, and the table's size.
pub(crate) async fn narrow(
    db: &impl ConnectionTrait,
    select: Select<organization::Entity>,
    lowered: &str,
) -> Result<Select<organization::Entity>> {
    let grams = spread(grams(lowered));
    if grams.is_empty() {
        return Ok(select);
    }
    let counts = grams
        .iter()
        .enumerate()
        .map(|(k, _)| {
            format!(
                "(SELECT COUNT(*) FROM (SELECT 1 AS hit FROM organization_name_gram \
                 WHERE gram = ${} LIMIT {ESTIMATE_CAP}) capped) AS n{k}",
                k + 1
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    // The highest id stands for the table's size: an index's last entry,
    // where COUNT(*) would read the table.
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            format!("SELECT {counts}, (SELECT MAX(id) FROM organization) AS size"),
            grams.iter().map(|g| Value::from(g.as_str())),
        ))
        .await?;
    let Some(row) = row else {
        return Ok(select);
    };
    let size: Option<i32> = row.try_get("", "size")?;
    let size = size.map_or(0, |s| u64::try_from(s).unwrap_or(0));
    let mut rarest: Option<(u64, &String)> = None;
    for (k, gram) in grams.iter().enumerate() {
        let n: i64 = row.try_get("", &format!("n{k}"))?;
        let n = u64::try_from(n).unwrap_or(0);
        if rarest.is_none_or(|(least, _)| n < least) {
            rarest = Some((n, gram));
        }
    }
    let Some((n, gram)) = rarest else {
        return Ok(select);
    };
    let table = Alias::new("organization_name_gram");
    Ok(match db.get_database_backend() {
        // PostgreSQL walks the gram's primary key (gram, organization_id)
        // in organization order when the page joins it, and stops after
        // the page however common the gram; reading the organizations in
        // id order instead, it chose a sequential scan and a sort of every
        // match (54 ms for 有限 at 100,000 organizations).
        DbBackend::Postgres => {
            let mut select = select;
            QueryTrait::query(&mut select)
                .inner_join(
                    table.clone(),
                    Expr::col((table.clone(), Alias::new("organization_id")))
                        .equals((organization::Entity, organization::Column::Id)),
                )
                .and_where(Expr::col((table, Alias::new("gram"))).eq(gram.as_str()));
            select
        }
        // SQLite collects an IN list's candidates and walks them in id
        // order (a join would sort): worth it for a rare gram only.
        _ if worth_looking_up(n, size) => select.filter(
            organization::Column::Id.in_subquery(
                Query::select()
                    .column(Alias::new("organization_id"))
                    .from(table)
                    .and_where(Expr::col(Alias::new("gram")).eq(gram.as_str()))
                    .to_owned(),
            ),
        ),
        _ => select,
    })
}

/// The statement that inserts the grams of the organizations `condition`
/// (on `o`) selects: positions come from a recursive CTE, which both
/// engines run, up to the longest of those names.
fn insert_sql(condition: &str) -> String {
    format!(
        "INSERT INTO organization_name_gram (gram, organization_id) \
         WITH RECURSIVE gram_position (i) AS ( \
           SELECT 1 UNION ALL SELECT i + 1 FROM gram_position \
           WHERE i < (SELECT MAX(length(o.name)) FROM organization o WHERE {condition})) \
         SELECT DISTINCT substr(lower(o.name), p.i, {GRAM_CHARS}), o.id \
         FROM organization o JOIN gram_position p ON p.i + {GRAM_CHARS} - 1 <= length(lower(o.name)) \
         WHERE {condition}"
    )
}

/// Writes the grams of the organizations `condition` (on `o`) selects,
/// anew: two set-based statements whatever their number. A deleted
/// organization's grams go with it (ON DELETE CASCADE).
pub(crate) async fn reindex(db: &impl ConnectionTrait, condition: &str) -> Result<()> {
    db::execute_unprepared(
        db,
        &format!(
            "DELETE FROM organization_name_gram WHERE organization_id IN \
             (SELECT o.id FROM organization o WHERE {condition})"
        ),
    )
    .await?;
    db::execute_unprepared(db, &insert_sql(condition)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grams_are_distinct_pairs_of_characters() {
        assert_eq!(grams("教育"), vec!["教育"]);
        assert_eq!(grams("科技有限"), vec!["科技", "技有", "有限"]);
        assert_eq!(grams("aaaa"), vec!["aa"]);
        assert!(grams("教").is_empty());
        assert!(grams("").is_empty());
    }

    #[test]
    fn a_gram_is_looked_up_below_the_balance_of_the_two_plans() {
        assert!(worth_looking_up(999, 0), "always below 1,000");
        assert!(!worth_looking_up(1_000, 0));
        assert!(worth_looking_up(3_000, 100_000));
        assert!(!worth_looking_up(3_200, 100_000));
        assert!(worth_looking_up(9_999, 1_000_000));
        assert!(!worth_looking_up(10_000, 1_000_000));
        assert!(
            !worth_looking_up(ESTIMATE_CAP, u64::MAX / PAGE),
            "the cap is common"
        );
    }

    #[test]
    fn long_queries_estimate_a_few_grams_from_end_to_end() {
        let many = grams("abcdefghijkl");
        assert_eq!(many.len(), 11);
        let chosen = spread(many);
        assert_eq!(chosen.len(), ESTIMATED_GRAMS);
        assert_eq!(chosen.first().map(String::as_str), Some("ab"));
        assert_eq!(chosen.last().map(String::as_str), Some("kl"));
    }
}
