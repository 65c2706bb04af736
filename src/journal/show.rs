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
    use crate::core::autopilot::Policy;
    use crate::core::record::{ArmedMark, AutoMark, Context, Event};
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

    fn automation_record(event: Event) -> Record {
        let mut r = Record::new(
            Utc.with_ymd_and_hms(2026, 11, 22, 3, 14, 0).unwrap(),
            event,
            Context {
                operator: "ci".into(),
                host: "runner7".into(),
                release: "checkout".into(),
                version: "2.0".into(),
                environment: "prod".into(),
            },
        );
        r.stage = Some("canary".into());
        r.traffic = Some(1.0);
        r
    }

    fn auto_rollback() -> AutoMark {
        AutoMark {
            policy: Policy::AutoRollback,
            evidence: vec!["Error rate 9.00% above max 2.00% for 10s".into()],
            countdown_s: 30,
        }
    }

    #[test]
    fn an_automatic_action_reads_as_automatic_with_its_policy_and_evidence() {
        let mut r = automation_record(Event::ActionRequested);
        r.action = Some("rollback".into());
        r.action_id = Some("gonogo-rollback-1".into());
        r.auto = Some(auto_rollback());
        // The reason a webhook is sent with repeats the policy and evidence: said once.
        r.reason = Some("auto-rollback: Error rate 9.00% above max 2.00% for 10s".into());
        let line = format_record(&r);
        assert_eq!(line.matches("Error rate 9.00%").count(), 1, "{line}");
        assert!(
            line.contains("action rollback  AUTOMATIC auto-rollback (Error rate 9.00% above max 2.00% for 10s), after a 30 s countdown"),
            "{line}"
        );
        // A manual request says nothing of automation.
        r.auto = None;
        r.reason = Some("error rate doubled".into());
        assert!(!format_record(&r).contains("AUTOMATIC"));
    }

    #[test]
    fn a_veto_and_an_arming_change_read_as_one_line_each() {
        let mut veto = automation_record(Event::AutoVetoed);
        veto.auto = Some(auto_rollback());
        veto.reason = Some("the spike is the load test".into());
        let line = format_record(&veto);
        assert!(line.contains("auto vetoed   "), "{line}");
        assert!(
            line.contains("reason \"the spike is the load test\"  vetoed auto-rollback (Error rate 9.00% above max 2.00% for 10s)"),
            "{line}"
        );
        let mut armed = automation_record(Event::ArmedChanged);
        armed.armed = Some(ArmedMark {
            rollback: true,
            promote: false,
            countdown_s: 30,
        });
        armed.detail = Some("--armed".into());
        let line = format_record(&armed);
        assert!(
            line.ends_with("ARMED: auto-rollback (countdown 30 s) by --armed"),
            "{line}"
        );
        armed.armed = Some(ArmedMark {
            rollback: false,
            promote: false,
            countdown_s: 30,
        });
        armed.detail = Some("key".into());
        assert!(format_record(&armed).ends_with("disarmed by key"));
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
