//! The time the service acts at, and the calendar its users live by.
//!
//! Dates are Asia/Shanghai: a due date, "today", the end of a day asked
//! for in a query. China has kept UTC+8 without daylight saving since
//! 1991, so a fixed offset is exact for every date the service holds and
//! needs no time-zone database.
//!
//! [`Clock`] is the one source of "now" for rules that depend on the date
//! (overdue items, daily snapshots). The schema holds one; tests hold the
//! same one and set it, so that "overdue tomorrow" is tested without
//! waiting for tomorrow.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// UTC+8, Asia/Shanghai (checked when compiled: 8 hours is within the
/// ±24 h a FixedOffset admits).
const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// UTC+8, Asia/Shanghai.
pub fn shanghai() -> FixedOffset {
    SHANGHAI
}

/// The Asia/Shanghai date of an instant.
pub fn date_of(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&shanghai()).date_naive()
}

/// The first instant of a date in Asia/Shanghai (its 00:00 +08:00).
pub fn start_of(date: NaiveDate) -> DateTime<Utc> {
    shanghai()
        .from_local_datetime(&date.and_time(NaiveTime::MIN))
        .single()
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| date.and_time(NaiveTime::MIN).and_utc())
}

/// The instant a date ends in Asia/Shanghai: the start of the next day.
/// "As of 2026-06-30" means everything up to (not including) this instant.
pub fn end_of(date: NaiveDate) -> DateTime<Utc> {
    start_of(
        date.checked_add_days(Days::new(1))
            .unwrap_or(NaiveDate::MAX),
    )
}

/// "Now": the system's time, or, once set, a fixed time (tests; the demo
/// laying down history).
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<Utc>>>>,
}

impl Clock {
    /// The system's time.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that stays at `at` until set again.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        let clock = Clock::default();
        clock.set(at);
        clock
    }

    /// From now on this clock (and every clone of it) says `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        // A poisoned lock only means a writer panicked; the value is a copy.
        let mut fixed = self
            .fixed
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *fixed = Some(at);
    }

    pub fn now(&self) -> DateTime<Utc> {
        let fixed = self
            .fixed
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        fixed.unwrap_or_else(Utc::now)
    }

    /// Today's date in Asia/Shanghai.
    pub fn today(&self) -> NaiveDate {
        date_of(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn shanghai_dates_turn_at_16_00_utc() {
        assert_eq!(
            date_of(utc("2026-11-30T15:59:59Z")).to_string(),
            "2026-11-30"
        );
        assert_eq!(
            date_of(utc("2026-11-30T16:00:00Z")).to_string(),
            "2026-12-01"
        );
        let date = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(start_of(date), utc("2026-11-29T16:00:00Z"));
        assert_eq!(end_of(date), utc("2026-11-30T16:00:00Z"));
    }

    #[test]
    fn a_set_clock_is_seen_by_its_clones() {
        let clock = Clock::system();
        let seen = clock.clone();
        clock.set(utc("2027-06-30T23:00:00Z"));
        assert_eq!(seen.now(), utc("2027-06-30T23:00:00Z"));
        assert_eq!(seen.today().to_string(), "2027-07-01");
    }
}
