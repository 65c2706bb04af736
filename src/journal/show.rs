//! `gonogo audit show`: the journal as lines a person reads.

use crate::core::describe;
use crate::core::record::Record;
use chrono::{DateTime, Utc};

/// One readable line per record: time, event, who, what, and the outcome or detail.
pub fn format_record(r: &Record) -> String {
    describe::audit_line(r)
}

/// Parse `--since`: an RFC 3339 time, or a duration back from now ("2h", "30m").
pub fn parse_since(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let d = humantime::parse_duration(s).map_err(|_| {
        format!("--since {s:?}: expected a time like 2026-11-22T09:00:00Z or a duration like 2h")
    })?;
    let d = chrono::Duration::from_std(d).map_err(|e| e.to_string())?;
    Ok(now - d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::{Context, Event};
    use chrono::TimeZone;

    #[test]
    fn a_record_reads_as_one_line() {
        let mut r = Record::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap(),
            Event::ActionSucceeded,
            Context {
                operator: "ana".into(),
                host: "laptop".into(),
                release: "checkout".into(),
                version: "2.0".into(),
                environment: "prod".into(),
            },
        );
        r.stage = Some("canary".into());
        r.traffic = Some(1.0);
        r.action = Some("promote".into());
        r.outcome = Some("succeeded: HTTP 200 in 40 ms".into());
        assert_eq!(
            format_record(&r),
            "2026-11-22 09:30:00Z  action succeeded        ana@laptop  checkout 2.0 prod  stage canary (1%)  action promote  succeeded: HTTP 200 in 40 ms"
        );
    }

    #[test]
    fn drift_reads_as_one_line_with_what_was_observed() {
        let mut r = Record::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap(),
            Event::DriftBegan,
            Context::default(),
        );
        r.detail = Some("drift began: tracked 5%, live traffic 10%".into());
        let line = format_record(&r);
        assert!(line.contains("drift began   "), "{line}");
        assert!(
            line.ends_with("drift began: tracked 5%, live traffic 10%"),
            "{line}"
        );
    }

    #[test]
    fn since_takes_a_time_or_a_duration() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(
            parse_since("2h", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
        );
        assert_eq!(
            parse_since("2026-11-22T09:00:00+01:00", now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap()
        );
        assert!(parse_since("yesterday-ish", now).is_err());
    }
}
