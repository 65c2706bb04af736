//! Who drives a journal: the operator cockpit that started on it last and has not stopped.
//! Read from the journal alone, so an observer and a refused second cockpit name the same
//! `user@host`, and neither guesses when the journal does not say.

use super::record::{Event, Record};
use chrono::{DateTime, Utc};

/// The `detail` an observer's `cockpit_started` carries: it never owns the journal.
pub const OBSERVER: &str = "read-only observer";

/// The operator cockpit that holds a journal, as its `cockpit_started` record names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Driver {
    /// `user@host`.
    pub who: String,
    pub since: DateTime<Utc>,
}

/// The driver after one more record: a start takes over, a stop ends it.
pub fn step(current: Option<Driver>, r: &Record) -> Option<Driver> {
    match r.event {
        Event::CockpitStarted if r.detail.as_deref() != Some(OBSERVER) => Some(Driver {
            who: format!("{}@{}", r.context.operator, r.context.host),
            since: r.ts,
        }),
        Event::CockpitStopped => None,
        _ => current,
    }
}

/// The latest operator `cockpit_started` with no `cockpit_stopped` after it, if any.
pub fn driver(records: &[Record]) -> Option<Driver> {
    records.iter().fold(None, step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Context;
    use chrono::TimeZone;

    fn rec(secs: i64, event: Event, who: &str, detail: Option<&str>) -> Record {
        let (operator, host) = who.split_once('@').unwrap();
        let mut r = Record::new(
            Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap(),
            event,
            Context {
                operator: operator.into(),
                host: host.into(),
                ..Context::default()
            },
        );
        r.detail = detail.map(Into::into);
        r
    }

    #[test]
    fn the_latest_start_without_a_stop_drives() {
        let records = [
            rec(0, Event::CockpitStarted, "bo@ops2", None),
            rec(5, Event::CockpitStopped, "bo@ops2", None),
            rec(
                9,
                Event::CockpitStarted,
                "ana@ops1",
                Some("operator cockpit"),
            ),
            rec(12, Event::StageEntered, "ana@ops1", None),
            rec(13, Event::CockpitStarted, "cy@lap", Some(OBSERVER)),
        ];
        let d = driver(&records).unwrap();
        assert_eq!(d.who, "ana@ops1");
        assert_eq!(d.since, records[2].ts);
    }

    #[test]
    fn a_stop_after_the_start_leaves_nobody_driving() {
        let records = [
            rec(0, Event::CockpitStarted, "ana@ops1", None),
            rec(5, Event::CockpitStopped, "ana@ops1", None),
        ];
        assert_eq!(driver(&records), None);
        assert_eq!(driver(&[]), None);
    }
}
