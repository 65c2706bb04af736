//! Release windows and blackout periods, in the time zone they are written in.

use chrono::{DateTime, Datelike, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// A weekly period: on these days, from `start` to `end` local time (`end` may be past
/// midnight, e.g. 22:00–02:00, in which case it ends the next day).
#[derive(Debug, Clone, PartialEq)]
pub struct Weekly {
    pub days: Vec<Weekday>,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub tz: Tz,
}

impl Weekly {
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        let local = now.with_timezone(&self.tz);
        let time = local.time();
        let today = local.weekday();
        if self.start <= self.end {
            self.days.contains(&today) && time >= self.start && time < self.end
        } else {
            // Over midnight: the evening part today, or the morning part of yesterday's window.
            (self.days.contains(&today) && time >= self.start)
                || (self.days.contains(&today.pred()) && time < self.end)
        }
    }

    pub fn describe(&self) -> String {
        let days: Vec<String> = self.days.iter().map(|d| d.to_string()).collect();
        format!(
            "{} {}–{} {}",
            days.join(","),
            self.start.format("%H:%M"),
            self.end.format("%H:%M"),
            self.tz
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Period {
    Weekly(Weekly),
    /// A fixed stretch of time, e.g. a holiday freeze.
    Range {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

impl Period {
    pub fn contains(&self, now: DateTime<Utc>) -> bool {
        match self {
            Period::Weekly(w) => w.contains(now),
            Period::Range { from, to } => now >= *from && now < *to,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Period::Weekly(w) => w.describe(),
            Period::Range { from, to } => format!(
                "{} – {}",
                from.format("%Y-%m-%d %H:%M UTC"),
                to.format("%Y-%m-%d %H:%M UTC")
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Blackout {
    pub period: Period,
    pub reason: String,
}

/// When promotes are allowed without an override.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calendar {
    /// Promotes are allowed inside any of these; none means any time.
    pub windows: Vec<Period>,
    pub blackouts: Vec<Blackout>,
}

impl Calendar {
    /// Whether a promote now is inside the calendar, and the evidence either way.
    pub fn check(&self, now: DateTime<Utc>) -> Result<String, String> {
        if let Some(b) = self.blackouts.iter().find(|b| b.period.contains(now)) {
            return Err(format!("blackout: {} ({})", b.reason, b.period.describe()));
        }
        if self.windows.is_empty() {
            return Ok("no window configured; no blackout now".into());
        }
        match self.windows.iter().find(|w| w.contains(now)) {
            Some(w) => Ok(format!("inside {}", w.describe())),
            None => Err(format!(
                "outside the release windows ({})",
                self.windows
                    .iter()
                    .map(Period::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
        }
    }
}

/// Parse "mon", "Tuesday", … into a weekday.
pub fn parse_weekday(s: &str) -> Option<Weekday> {
    s.parse::<Weekday>().ok()
}

/// The UTC instant of a local date-time in a zone (the earlier one when ambiguous).
pub fn local_to_utc(tz: Tz, naive: chrono::NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn office_hours() -> Weekly {
        Weekly {
            days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu],
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
            tz: chrono_tz::Europe::Berlin,
        }
    }

    #[test]
    fn windows_are_read_in_their_own_time_zone() {
        let w = office_hours();
        // Tuesday 2026-11-24 08:30 UTC is 09:30 in Berlin (CET, +1).
        assert!(w.contains(at("2026-11-24T08:30:00Z")));
        assert!(!w.contains(at("2026-11-24T07:30:00Z")), "08:30 Berlin");
        // In summer Berlin is +2: 07:30 UTC is 09:30 local.
        assert!(w.contains(at("2026-06-23T07:30:00Z")));
        // Friday is not a release day.
        assert!(!w.contains(at("2026-11-27T10:00:00Z")));
    }

    #[test]
    fn a_window_over_midnight_ends_the_next_day() {
        let w = Weekly {
            days: vec![Weekday::Sat],
            start: NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(2, 0, 0).unwrap(),
            tz: chrono_tz::UTC,
        };
        assert!(w.contains(at("2026-11-28T23:00:00Z")), "Saturday night");
        assert!(w.contains(at("2026-11-29T01:00:00Z")), "early Sunday");
        assert!(!w.contains(at("2026-11-29T03:00:00Z")));
        assert!(
            !w.contains(at("2026-11-28T01:00:00Z")),
            "early Saturday belongs to Friday"
        );
    }

    #[test]
    fn a_blackout_wins_over_a_window() {
        let cal = Calendar {
            windows: vec![Period::Weekly(office_hours())],
            blackouts: vec![Blackout {
                period: Period::Range {
                    from: at("2026-12-21T00:00:00Z"),
                    to: at("2027-01-04T00:00:00Z"),
                },
                reason: "holiday freeze".into(),
            }],
        };
        assert!(cal.check(at("2026-11-24T09:00:00Z")).is_ok());
        let e = cal.check(at("2026-12-22T09:00:00Z")).unwrap_err();
        assert!(e.starts_with("blackout: holiday freeze"), "{e}");
        let e = cal.check(at("2026-11-24T18:00:00Z")).unwrap_err();
        assert!(
            e.starts_with(
                "outside the release windows (Mon,Tue,Wed,Thu 09:00–16:00 Europe/Berlin)"
            ),
            "{e}"
        );
        assert!(
            Calendar::default()
                .check(at("2026-11-24T18:00:00Z"))
                .is_ok()
        );
    }
}
