//! Time: who was responsible for an organization on a given day
//! ([`periods`]), the coverage figures of every region over the months
//! ([`snapshots`]), and removing what is no longer wanted ([`prune`]).
//!
//! Times come in as RFC 3339 instants or `YYYY-MM-DD` dates, which are
//! Asia/Shanghai days ([`crate::domain::clock`]).

pub mod periods;
pub mod prune;
pub mod snapshots;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::clock;
use crate::error::{Error, Result};
use crate::msg;

/// A time a caller gave: an instant, or a whole Asia/Shanghai day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Instant(DateTime<Utc>),
    Date(NaiveDate),
}

impl When {
    /// Parses an RFC 3339 time or a `YYYY-MM-DD` date; anything else is
    /// BAD_USER_INPUT on `field`.
    pub fn parse(field: &str, text: &str) -> Result<When> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Ok(When::Instant(at.with_timezone(&Utc)));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(When::Date)
            .map_err(|_| Error::invalid(field, msg!("history-time-malformed", given = text)))
    }

    /// The instant "as of" this time: an instant itself; a date, the last
    /// microsecond of that day (what held just before it ended).
    pub fn as_of(self) -> DateTime<Utc> {
        match self {
            When::Instant(at) => periods::micros(at),
            When::Date(date) => clock::end_of(date) - Duration::microseconds(1),
        }
    }

    /// Where a range starting at this time begins (inclusive).
    pub fn start(self) -> DateTime<Utc> {
        match self {
            When::Instant(at) => periods::micros(at),
            When::Date(date) => clock::start_of(date),
        }
    }

    /// Where a range ending at this time ends (inclusive).
    pub fn end(self) -> DateTime<Utc> {
        self.as_of()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_as_of_the_last_microsecond_of_its_shanghai_day() {
        let when = When::parse("time", "2026-06-30").unwrap();
        assert_eq!(
            when.as_of().to_rfc3339(),
            "2026-06-30T15:59:59.999999+00:00"
        );
        assert_eq!(when.start().to_rfc3339(), "2026-06-29T16:00:00+00:00");
        let when = When::parse("time", "2026-06-30T08:00:00+08:00").unwrap();
        assert_eq!(when.as_of().to_rfc3339(), "2026-06-30T00:00:00+00:00");
    }

    #[test]
    fn anything_else_is_bad_input() {
        for text in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-06-30T25:00:00Z",
            "20260630",
        ] {
            let err = When::parse("time", text).unwrap_err();
            assert_eq!(err.code(), "BAD_USER_INPUT", "{text}");
        }
    }
}
