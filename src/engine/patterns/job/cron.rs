//! The cron subset of a job's schedule, on simulated time: parsed once,
//! then asked for the next fire time (pure, unit-tested).

use crate::engine::limits::MAX_CRON_CHARS;
use crate::engine::time::{Micros, SECOND};

/// Minutes in the simulated month: 31 days of 24 hours, starting at 00:00
/// on day 1 at t = 0. Twelve such months make a simulated year.
#[cfg(test)]
const MONTH_MINUTES: u64 = 31 * 24 * 60;
const DAY_MINUTES: u64 = 24 * 60;
/// Days looked at for the next fire: a simulated year and a week, within
/// which every valid combination of month, day of month and weekday comes.
const SCAN_DAYS: u64 = 12 * 31 + 7;
const MINUTE: Micros = 60 * SECOND;

/// The cron subset, on simulated time: either three fields, minute (0–59),
/// hour (0–23) and day of month (1–31), or cron's five, adding month (1–12)
/// and day of week (0–7, 0 and 7 Sunday). Each field is `*`, `n`, `a-b`,
/// `*/s`, `a-b/s` or a comma list of those. Simulated months have 31 days
/// and t = 0 is 00:00 on Monday, day 1 of month 1. As in Kubernetes'
/// CronJob (robfig/cron), when both day of month and day of week are
/// restricted, either one matching is enough; a day field of `*` or `*/1`
/// (alone or in a list) is unrestricted, `*/2` is restricted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    /// Day of month and day of week both restricted: either one matches.
    either_day: bool,
}

impl Cron {
    /// Parses "minute hour day" or "minute hour day month weekday"; the
    /// error says which field and why.
    pub fn parse(text: &str) -> Result<Cron, String> {
        if text.len() > MAX_CRON_CHARS {
            return Err(format!("at most {MAX_CRON_CHARS} characters"));
        }
        let fields: Vec<&str> = text.split_whitespace().collect();
        let (months, weekdays, either_day) = match fields.len() {
            3 => (field("*", 1, 12, "month")?, 0x7f, false),
            5 => {
                let weekdays = field(fields[4], 0, 7, "day-of-week")?;
                // 7 is another name for Sunday.
                let weekdays = (weekdays | (weekdays >> 7 & 1)) & 0x7f;
                (field(fields[3], 1, 12, "month")?, weekdays, !unrestricted(fields[2]) && !unrestricted(fields[4]))
            }
            n => {
                return Err(format!(
                    "needs 3 fields (minute hour day-of-month) or 5 (and month day-of-week), found {n}"
                ))
            }
        };
        Ok(Cron {
            minutes: field(fields[0], 0, 59, "minute")?,
            hours: field(fields[1], 0, 23, "hour")?,
            days: field(fields[2], 1, 31, "day-of-month")?,
            months,
            weekdays,
            either_day,
        })
    }

    /// Whether the schedule runs at all on simulated day `d` (0 is t = 0's day).
    fn runs_on(&self, d: u64) -> bool {
        let (dom, month, weekday) = (d % 31 + 1, d / 31 % 12 + 1, (d + 1) % 7);
        let by_dom = self.days >> dom & 1 == 1;
        let by_weekday = self.weekdays >> weekday & 1 == 1;
        let by_day = if self.either_day { by_dom || by_weekday } else { by_dom && by_weekday };
        self.months >> month & 1 == 1 && by_day
    }

    /// The first fire time strictly after `t` (whole minutes of simulated time).
    pub fn next_after(&self, t: Micros) -> Micros {
        let start = t / MINUTE + 1;
        let first_day = start / DAY_MINUTES;
        for d in first_day..first_day + SCAN_DAYS {
            if !self.runs_on(d) {
                continue;
            }
            let from = if d == first_day { start % DAY_MINUTES } else { 0 };
            for m in from..DAY_MINUTES {
                if self.hours >> (m / 60) & 1 == 1 && self.minutes >> (m % 60) & 1 == 1 {
                    return (d * DAY_MINUTES + m).saturating_mul(MINUTE);
                }
            }
        }
        Micros::MAX
    }
}

/// One cron field as a bit set of its values.
/// Whether a day field leaves the day unrestricted for the either-day rule:
/// `*` or `*/1`, alone or in a comma list (robfig/cron's star bit, which
/// Kubernetes' CronJob uses; a step above 1 restricts).
fn unrestricted(text: &str) -> bool {
    text.split(',').any(|part| match part.split_once('/') {
        None => part == "*",
        Some((range, step)) => range == "*" && step.parse::<u64>() == Ok(1),
    })
}

fn field(text: &str, lo: u64, hi: u64, name: &str) -> Result<u64, String> {
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, number(s, name)?),
            None => (part, 1),
        };
        if step == 0 || step > hi {
            return Err(format!("{name}: step '{step}' must be between 1 and {hi}"));
        }
        let (a, b) = match (range, range.split_once('-')) {
            ("*", _) => (lo, hi),
            (_, Some((a, b))) => (number(a, name)?, number(b, name)?),
            (n, None) => {
                let n = number(n, name)?;
                (n, if part.contains('/') { hi } else { n })
            }
        };
        if a < lo || b > hi || a > b {
            return Err(format!("{name}: '{part}' must lie within {lo}-{hi}, low to high"));
        }
        let mut v = a;
        while v <= b {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok(bits)
}

fn number(s: &str, name: &str) -> Result<u64, String> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return Err(format!("{name}: '{s}' is not a number from 0 to 99"));
    }
    s.parse().map_err(|_| format!("{name}: '{s}' is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_fields_parse_and_fire_on_simulated_time() {
        let c = Cron::parse("*/15 * *").unwrap();
        assert_eq!(c.next_after(0), 15 * MINUTE);
        assert_eq!(c.next_after(15 * MINUTE), 30 * MINUTE);
        let nightly = Cron::parse("30 2 *").unwrap();
        assert_eq!(nightly.next_after(0), (2 * 60 + 30) * MINUTE);
        assert_eq!(nightly.next_after((2 * 60 + 30) * MINUTE), (24 * 60 + 2 * 60 + 30) * MINUTE);
        let monthly = Cron::parse("0 0 1").unwrap();
        // Day 1 at 00:00 is t = 0 itself, so the next is a month later.
        assert_eq!(monthly.next_after(0), MONTH_MINUTES * MINUTE);
        let list = Cron::parse("5,10-12 1 2-3/1").unwrap();
        assert_eq!(list.next_after(0), (1440 + 60 + 5) * MINUTE);
        assert_eq!(list.next_after((1440 + 60 + 5) * MINUTE), (1440 + 60 + 10) * MINUTE);
        assert_eq!(Cron::parse("7/20 * *").unwrap().next_after(0), 7 * MINUTE);
    }

    #[test]
    fn five_fields_add_month_and_weekday() {
        const DAY: Micros = DAY_MINUTES * MINUTE;
        // The three-field form is the five-field one with * for both.
        assert_eq!(Cron::parse("30 2 * * *").unwrap(), Cron::parse("30 2 *").unwrap());
        // t = 0 is a Monday: Wednesday 03:00 is day 2.
        let wednesday = Cron::parse("0 3 * * 3").unwrap();
        assert_eq!(wednesday.next_after(0), 2 * DAY + 3 * 60 * MINUTE);
        assert_eq!(wednesday.next_after(2 * DAY + 3 * 60 * MINUTE), 9 * DAY + 3 * 60 * MINUTE);
        // Sunday is 0 and 7 alike: day 6.
        assert_eq!(Cron::parse("0 0 * * 7").unwrap().next_after(0), 6 * DAY);
        assert_eq!(Cron::parse("0 0 * * 0").unwrap().next_after(0), 6 * DAY);
        // Month 2 starts on day 31.
        assert_eq!(Cron::parse("0 0 1 2 *").unwrap().next_after(0), 31 * DAY);
        // `*/1` leaves the day of month unrestricted: Mondays only (robfig,
        // Vixie); `*/2` restricts it, so either matches (robfig).
        let mondays = Cron::parse("0 0 */1 * 1").unwrap();
        assert_eq!((mondays.next_after(0), mondays.next_after(DAY)), (7 * DAY, 7 * DAY));
        let odd_or_monday = Cron::parse("0 0 */2 * 1").unwrap();
        assert_eq!((odd_or_monday.next_after(0), odd_or_monday.next_after(2 * DAY)), (2 * DAY, 4 * DAY));
        assert!(unrestricted("*") && unrestricted("*/1") && unrestricted("5,*") && !unrestricted("*/2"));
        // Both day fields restricted: either matches (day 5 of the month, or a Sunday).
        let either = Cron::parse("0 0 5 * 0").unwrap();
        assert_eq!(either.next_after(0), 4 * DAY);
        assert_eq!(either.next_after(4 * DAY), 6 * DAY);
        // A yearly schedule is found (month 12, day 31), after the first year's first instant.
        let yearly = Cron::parse("59 23 31 12 *").unwrap();
        assert_eq!(yearly.next_after(0), (12 * 31 - 1) * DAY + (23 * 60 + 59) * MINUTE);
    }

    #[test]
    fn hostile_cron_strings_are_refused_with_a_reason() {
        for (text, why) in [
            ("", "needs 3 fields"),
            ("* * * *", "needs 3 fields"),
            ("* * * * * *", "needs 3 fields"),
            ("* * * 13 *", "month"),
            ("* * * * 8", "day-of-week"),
            ("60 * *", "minute"),
            ("* 24 *", "hour"),
            ("* * 0", "day-of-month"),
            ("*/0 * *", "step"),
            ("5-1 * *", "low to high"),
            ("a * *", "not a number"),
            ("-1 * *", "not a number"),
            ("99999999999999999999 * *", "not a number"),
            ("1,,2 * *", "not a number"),
            ("*/ * *", "not a number"),
        ] {
            let err = Cron::parse(text).expect_err(text);
            assert!(err.contains(why), "{text}: {err}");
        }
        assert!(Cron::parse(&"1,".repeat(200)).is_err());
    }
}
