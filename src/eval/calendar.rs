//! The legal calendar: periods counted by 民法典第202条 (a missing day lands on the month's
//! last day) and ages by 法释〔2006〕1号第2条 (reached only from the day after the birthday).

use crate::syntax::ast::Period;
use chrono::{Datelike, NaiveDate};

/// Shifts a date by whole months; a day the target month lacks becomes its last day
/// (31 March + 1 month = 30 April; 29 February + 12 months = 28 February).
pub fn add_months(d: NaiveDate, months: i64) -> Option<NaiveDate> {
    let total = i64::from(d.year()) * 12 + i64::from(d.month0()) + months;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = u32::try_from(total.rem_euclid(12)).ok()? + 1;
    let last = last_day(year, month)?;
    NaiveDate::from_ymd_opt(year, month, d.day().min(last))
}

fn last_day(year: i32, month: u32) -> Option<u32> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some(first_next.pred_opt()?.day())
}

/// `date + period` (or minus, when `forward` is false): years and months first, then days.
pub fn shift(d: NaiveDate, p: Period, forward: bool) -> Option<NaiveDate> {
    let sign = if forward { 1 } else { -1 };
    let months = (i64::from(p.years) * 12 + i64::from(p.months)) * sign;
    let d = add_months(d, months)?;
    let days = chrono::Days::new(u64::from(p.days));
    if forward {
        d.checked_add_days(days)
    } else {
        d.checked_sub_days(days)
    }
}

/// Full years of age on `on` for someone born on `birth`. The n-th birthday is the date n
/// years after birth (28 February in common years for a 29 February birth); the age n is
/// reached on the day after it.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    if on <= birth {
        return 0;
    }
    let mut n = i64::from(on.year() - birth.year());
    while n > 0 && add_months(birth, n * 12).is_none_or(|anniversary| anniversary >= on) {
        n -= 1;
    }
    n
}

/// Whether `d` lies in the window of `p` ending on `end`: from the day exactly `p` before
/// `end` to `end`, both included ("二年内").
pub fn within(d: NaiveDate, end: NaiveDate, p: Period) -> Option<bool> {
    let start = shift(end, p, false)?;
    Some(start <= d && d <= end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn sixteen_only_from_the_day_after_the_birthday() {
        let birth = date("2009-05-05");
        assert_eq!(
            age_on(birth, date("2025-05-05")),
            15,
            "on the 16th birthday still 15"
        );
        assert_eq!(age_on(birth, date("2025-05-06")), 16);
    }

    #[test]
    fn leap_day_births_have_their_birthday_on_28_february() {
        let birth = date("2008-02-29");
        assert_eq!(age_on(birth, date("2026-02-28")), 17);
        assert_eq!(age_on(birth, date("2026-03-01")), 18);
        assert_eq!(age_on(birth, date("2024-02-29")), 15);
        assert_eq!(age_on(birth, date("2024-03-01")), 16);
    }

    #[test]
    fn adding_a_year_to_29_february_lands_on_28_february() {
        assert_eq!(
            shift(
                date("2024-02-29"),
                Period {
                    years: 1,
                    ..Period::default()
                },
                true
            ),
            Some(date("2025-02-28"))
        );
        assert_eq!(
            shift(
                date("2025-03-31"),
                Period {
                    months: 1,
                    ..Period::default()
                },
                true
            ),
            Some(date("2025-04-30"))
        );
    }

    #[test]
    fn two_years_before_includes_the_exact_day() {
        let two = Period {
            years: 2,
            ..Period::default()
        };
        let end = date("2025-09-01");
        assert_eq!(within(date("2023-09-01"), end, two), Some(true));
        assert_eq!(within(date("2023-08-31"), end, two), Some(false));
        assert_eq!(within(date("2025-09-01"), end, two), Some(true));
    }
}
