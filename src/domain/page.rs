//! Keyset pagination: `first`/`after` over ascending keys, with opaque
//! cursors. One codec writes every cursor: a key type names its list with a
//! tag and gives its position as a few integers (an id for most lists; a
//! gap kind and its key for the coverage gaps).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QueryTrait,
    Select, Statement, sea_query::SelectStatement,
};

use crate::error::{Error, Result};
use crate::msg;

pub const DEFAULT_PAGE_SIZE: u64 = 100;
pub const MAX_PAGE_SIZE: u64 = 1000;

/// A validated page request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub first: u64,
    /// Items after this id.
    pub after: Option<i64>,
}

impl PageRequest {
    pub fn parse(first: Option<i32>, after: Option<&str>) -> Result<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if n < 0 => {
                return Err(Error::invalid("first", msg!("page-negative")));
            }
            Some(n) if n as u64 > MAX_PAGE_SIZE => {
                return Err(Error::invalid(
                    "first",
                    msg!("page-too-large", max = MAX_PAGE_SIZE, given = n),
                ));
            }
            Some(n) => n as u64,
        };
        let after = after.map(decode_key::<i64>).transpose()?;
        Ok(PageRequest { first, after })
    }
}

/// A position in a list that a cursor stands for.
pub trait CursorKey: Sized {
    /// Tells the cursors of one list from those of another.
    const TAG: &'static str;
    /// The position as integers, most significant first.
    fn parts(&self) -> Vec<i64>;
    /// The position back from its integers; `None` when they name none.
    fn from_parts(parts: &[i64]) -> Option<Self>;
}

/// Most lists page over ascending ids.
impl CursorKey for i64 {
    const TAG: &'static str = "c1";

    fn parts(&self) -> Vec<i64> {
        vec![*self]
    }

    fn from_parts(parts: &[i64]) -> Option<Self> {
        match parts {
            [id] => Some(*id),
            _ => None,
        }
    }
}

/// Encodes a position as an opaque cursor: `TAG:part:part…` in base64,
/// so that the cursors given out before this codec was shared still read.
pub fn encode_key<K: CursorKey>(key: &K) -> String {
    let mut text = K::TAG.to_owned();
    for part in key.parts() {
        text.push(':');
        text.push_str(&part.to_string());
    }
    URL_SAFE_NO_PAD.encode(text)
}

/// The position a cursor of this list stands for; BAD_USER_INPUT for any
/// text this API did not give out for it.
pub fn decode_key<K: CursorKey>(cursor: &str) -> Result<K> {
    URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let rest = text.strip_prefix(K::TAG)?.strip_prefix(':')?;
            let parts = rest
                .split(':')
                .map(|part| part.parse().ok())
                .collect::<Option<Vec<i64>>>()?;
            K::from_parts(&parts)
        })
        .ok_or_else(|| Error::invalid("after", msg!("page-bad-cursor")))
}

/// Encodes an id position as an opaque cursor.
pub fn encode_cursor(id: i64) -> String {
    encode_key(&id)
}

/// One page of items, each with its position (by default an id).
#[derive(Clone, Debug)]
pub struct Page<T, K = i64> {
    pub items: Vec<(K, T)>,
    pub has_next: bool,
    pub has_previous: bool,
}

impl<T, K> Page<T, K> {
    /// Builds a page from up to `first + 1` fetched rows.
    pub fn from_rows(mut rows: Vec<(K, T)>, request: &PageRequest) -> Self {
        let has_next = rows.len() as u64 > request.first;
        rows.truncate(request.first as usize);
        Page {
            items: rows,
            has_next,
            has_previous: request.after.is_some(),
        }
    }

    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Page<U, K> {
        Page {
            items: self.items.into_iter().map(|(id, t)| (id, f(t))).collect(),
            has_next: self.has_next,
            has_previous: self.has_previous,
        }
    }
}

/// `select` in `id_column` order from the request's cursor on: what a page
/// is taken from (at most `first + 1` rows of it). The column may be of a
/// joined table that shares the id (an organization's stored
/// responsibility), so that the page is read in that table's index order.
pub fn window<E: EntityTrait, C: sea_orm::ColumnTrait>(
    select: Select<E>,
    id_column: C,
    request: &PageRequest,
) -> Select<E> {
    let select = select.order_by_asc(id_column);
    match request.after {
        Some(after) => select.filter(id_column.gt(after)),
        None => select,
    }
}

/// The statement of `query` (which has no limit of its own) with at most
/// `rows` rows, the count written into its text.
///
/// SQLite (since 3.47) reads a LIMIT bound as a parameter while planning,
/// and so prepares the statement again, parsing and planning it, whenever
/// that parameter is bound: on every run. Each page was parsed and planned
/// on every request (a seventh of a page's time). Written into the text,
/// the count keeps the prepared statement, and page sizes are few (the
/// default 100 + 1 and what clients ask), so the statement cache holds them.
pub fn limited(backend: DbBackend, query: &SelectStatement, rows: u64) -> Statement {
    let mut statement = backend.build(query);
    statement.sql.push_str(&format!(" LIMIT {rows}"));
    statement
}

/// The first row `select` finds, or None: sea-orm's `one`, with its
/// `LIMIT 1` written into the text (see [`limited`]) so that the lookups
/// every request makes (a region, a category by code) stay prepared.
pub async fn first_row<E, C>(db: &C, select: Select<E>) -> Result<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ConnectionTrait,
{
    let statement = limited(db.get_database_backend(), &select.into_query(), 1);
    Ok(E::find().from_raw_sql(statement).one(db).await?)
}

/// Fetches one page of `select`, ordered by `id_column`.
pub async fn fetch<E, C>(
    db: &C,
    select: Select<E>,
    id_column: impl sea_orm::ColumnTrait,
    id_of: fn(&E::Model) -> i32,
    request: &PageRequest,
) -> Result<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ConnectionTrait,
{
    fetch_window(db, window(select, id_column, request), id_of, request).await
}

/// Fetches one page of `window`, the request's [`window`] of a select.
pub async fn fetch_window<E, C>(
    db: &C,
    window: Select<E>,
    id_of: fn(&E::Model) -> i32,
    request: &PageRequest,
) -> Result<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ConnectionTrait,
{
    if request.first == 0 {
        return Ok(Page {
            items: Vec::new(),
            has_next: window.count(db).await? > 0,
            has_previous: request.after.is_some(),
        });
    }
    let statement = limited(
        db.get_database_backend(),
        &window.into_query(),
        request.first + 1,
    );
    let rows = E::find().from_raw_sql(statement).all(db).await?;
    let rows = rows
        .into_iter()
        .map(|m| (i64::from(id_of(&m)), m))
        .collect();
    Ok(Page::from_rows(rows, request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_forgeries() {
        let cursor = encode_cursor(42);
        // The text of the cursors given out before the codec was shared.
        assert_eq!(cursor, URL_SAFE_NO_PAD.encode("c1:42"));
        assert_eq!(
            PageRequest::parse(None, Some(&cursor)).unwrap().after,
            Some(42)
        );
        for bad in ["", "42", "Yzo0Mg", "!!"] {
            let err = PageRequest::parse(None, Some(bad)).unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{bad}");
        }
    }

    #[test]
    fn a_page_statement_has_its_limit_in_its_text_not_as_a_parameter() {
        use entity::region;
        use sea_orm::ColumnTrait;
        let select = region::Entity::find().filter(region::Column::Code.eq("350100"));
        let request = PageRequest::parse(Some(10), None).unwrap();
        let query = window(select, region::Column::Id, &request).into_query();
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            let statement = limited(backend, &query, request.first + 1);
            assert!(statement.sql.ends_with(" LIMIT 11"), "{}", statement.sql);
            // The code alone is bound: the same text serves every page of 10.
            assert_eq!(statement.values.map(|v| v.0.len()), Some(1));
        }
    }

    #[test]
    fn first_is_bounded() {
        assert_eq!(
            PageRequest::parse(None, None).unwrap().first,
            DEFAULT_PAGE_SIZE
        );
        assert_eq!(PageRequest::parse(Some(0), None).unwrap().first, 0);
        assert_eq!(PageRequest::parse(Some(1000), None).unwrap().first, 1000);
        assert!(PageRequest::parse(Some(1001), None).is_err());
        assert!(PageRequest::parse(Some(-1), None).is_err());
    }

    #[test]
    fn a_page_knows_whether_more_follow() {
        let request = PageRequest {
            first: 2,
            after: None,
        };
        let page = Page::from_rows(vec![(1, 'a'), (2, 'b'), (3, 'c')], &request);
        assert_eq!(page.items.len(), 2);
        assert!(page.has_next);
        let page = Page::from_rows(vec![(1, 'a')], &request);
        assert!(!page.has_next);
    }
}
