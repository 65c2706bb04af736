//! A source that answers is not yet a source that works: an answer whose values cannot be used
//! (an empty result, NaN, infinity, a word where a number is needed, null, a missing path, a
//! query Prometheus refused) is a failed poll for the sources panel, with the reason, and each
//! such value is unknown with its source named, as when the source is down.

use super::update::apply_readings;
use super::{Effect, Kind, LogLevel, State};
use crate::core::gate::GateCheck;
use crate::core::reading::{Reading, SignalId, SourceId, clip};
use chrono::{DateTime, Utc};

/// At most this many unusable values are named in the panel's reason.
const NAMED: usize = 3;

/// An answered poll of `source`: its values judged usable or not, the source's health set
/// from that (ok, or failing with the reason), and the values passed on.
pub(super) fn answered(
    state: &mut State,
    source: SourceId,
    at: DateTime<Utc>,
    readings: Vec<(SignalId, Reading)>,
    fx: &mut Vec<Effect>,
) {
    let name = state.setup.sources[source].name.clone();
    let (readings, unusable) = screen(state, source, readings);
    let health = &mut state.release.sources[source];
    match unusable {
        None => {
            let recovered = health.last_error.take().is_some();
            let was_unusable = std::mem::take(&mut health.unusable);
            health.consecutive_failures = 0;
            health.last_ok = Some(at);
            if recovered {
                let again = if was_unusable {
                    "values usable again"
                } else {
                    "answering again"
                };
                let text = format!("source {name}: {again}");
                state.log_as(at, LogLevel::Good, Kind::SourceUp, text);
            }
        }
        Some(why) => {
            health.consecutive_failures = health.consecutive_failures.saturating_add(1);
            let changed = health.last_error.as_deref() != Some(why.as_str());
            health.last_error = Some(why.clone());
            health.unusable = true;
            if changed {
                let text = format!("source {name}: {why}");
                state.log_as(at, LogLevel::Warn, Kind::SourceDown, text);
            }
        }
    }
    apply_readings(state, readings, at, fx);
}

/// The readings with every unusable one made missing (its reason led by the source's name,
/// so the verdict says where to look), and the panel's reason when any was unusable: the
/// reason itself when every value has that one, else how many and which.
fn screen(
    state: &State,
    source: SourceId,
    readings: Vec<(SignalId, Reading)>,
) -> (Vec<(SignalId, Reading)>, Option<String>) {
    let name = &state.setup.sources[source].name;
    let total = readings.len();
    let mut bad: Vec<(SignalId, String)> = Vec::new();
    let readings = readings
        .into_iter()
        .map(|(sig, reading)| match unusable(state, sig, &reading) {
            Some(why) => {
                let missing = Reading::Missing(format!("{name}: {why}"));
                bad.push((sig, why));
                (sig, missing)
            }
            None => (sig, reading),
        })
        .collect();
    let reason = match bad.as_slice() {
        [] => None,
        [(_, why), rest @ ..] if bad.len() == total && rest.iter().all(|(_, w)| w == why) => {
            Some(why.clone())
        }
        _ => {
            let named: Vec<String> = bad
                .iter()
                .take(NAMED)
                .map(|(sig, why)| format!("{}: {why}", signal_name(state, *sig)))
                .collect();
            let more = if bad.len() > NAMED { "; …" } else { "" };
            Some(clip(
                &format!(
                    "{} of {total} unusable: {}{more}",
                    bad.len(),
                    named.join("; ")
                ),
                240,
            ))
        }
    };
    (readings, reason)
}

/// Why a reading cannot be used for what reads it, if it cannot: missing, not a finite
/// number, or not a number where a condition or the live traffic share needs one.
fn unusable(state: &State, sig: SignalId, reading: &Reading) -> Option<String> {
    match reading {
        Reading::Missing(why) => Some(why.clone()),
        Reading::Number(n) if !n.is_finite() => Some(format!("value is {n}")),
        _ if needs_number(state, sig) => reading.number().err(),
        _ => None,
    }
}

fn needs_number(state: &State, sig: SignalId) -> bool {
    state.setup.observed_traffic == Some(sig)
        || state.release.readers.get(sig).is_some_and(|r| {
            !r.values.is_empty() || !r.baselines.is_empty() || !r.traffic.is_empty()
        })
}

/// What the operator knows a value by: the condition or gate that reads it.
fn signal_name(state: &State, sig: SignalId) -> String {
    let setup = &state.setup;
    if let Some(c) = setup.conditions.iter().find(|c| c.value == sig) {
        return c.label.clone();
    }
    if let Some(c) = setup
        .conditions
        .iter()
        .find(|c| c.relative.is_some_and(|r| r.baseline == sig))
    {
        return format!("{} (baseline)", c.label);
    }
    if let Some(c) =
        (setup.conditions.iter()).find(|c| c.min_traffic.as_ref().is_some_and(|m| m.signal == sig))
    {
        return format!("{} (traffic)", c.label);
    }
    if let Some(g) = setup
        .gates
        .iter()
        .find(|g| matches!(g.check, GateCheck::Value { signal, .. } if signal == sig))
    {
        return g.name.clone();
    }
    if setup.observed_traffic == Some(sig) {
        return "live traffic share".into();
    }
    format!("value {}", sig + 1)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{ERROR_RATE, TRAFFIC, state, t};
    use super::super::{Msg, SourceStatus, update};
    use crate::core::condition::CondState;
    use crate::core::reading::{Observation, Outcome, Reading};
    use crate::core::verdict::VerdictKind;
    use std::time::Duration;

    fn answer(source: usize, seq: u64, at: i64, readings: Vec<(usize, Reading)>) -> Msg {
        Msg::Observation(Observation {
            source,
            seq,
            at: t(at),
            latency: Duration::from_millis(12),
            outcome: Outcome::Readings(readings),
        })
    }

    #[test]
    fn an_answer_without_a_usable_value_is_a_failing_source_with_the_reason() {
        let cases = [
            (
                Reading::Missing("no data: empty result".into()),
                "no data: empty result",
            ),
            (Reading::Number(f64::NAN), "value is NaN"),
            (Reading::Number(f64::INFINITY), "value is inf"),
            (Reading::Text("high".into()), "not a number: high"),
            (
                Reading::Missing("null at /data/rate".into()),
                "null at /data/rate",
            ),
            (
                Reading::Missing("HTTP 422: execution: query timed out".into()),
                "HTTP 422: execution: query timed out",
            ),
        ];
        for (reading, why) in cases {
            let mut s = state(false);
            update(
                &mut s,
                answer(1, 1, 0, vec![(TRAFFIC, Reading::Number(1.0))]),
                t(0),
            );
            update(
                &mut s,
                answer(0, 1, 0, vec![(ERROR_RATE, Reading::Number(0.01))]),
                t(0),
            );
            assert_eq!(s.release.eval.sources[0].status, SourceStatus::Ok);
            update(&mut s, answer(0, 2, 5, vec![(ERROR_RATE, reading)]), t(5));
            let (view, health) = (&s.release.eval.sources[0], &s.release.sources[0]);
            assert_eq!(view.status, SourceStatus::Unusable, "{why}");
            assert_eq!(view.status.label(), "BAD");
            assert_eq!(health.last_error.as_deref(), Some(why));
            assert_eq!(health.consecutive_failures, 1);
            let c = &s.release.eval.conditions[0];
            assert_eq!(c.state, CondState::Unknown, "fails closed: {why}");
            assert_eq!(c.why.as_deref(), Some(format!("prom: {why}").as_str()));
            assert_eq!(s.release.eval.verdict.kind, VerdictKind::NoGoUntilVerified);
            let reason = format!("Error rate unknown: prom: {why}");
            assert!(
                s.release
                    .eval
                    .verdict
                    .reasons
                    .iter()
                    .any(|r| r.text == reason),
                "the verdict points at the reason: {:?}",
                s.release.eval.verdict.reasons
            );
            assert!(
                s.screen
                    .log
                    .iter()
                    .any(|l| l.text == format!("source prom: {why}")),
                "logged: {why}"
            );

            update(
                &mut s,
                answer(0, 3, 10, vec![(ERROR_RATE, Reading::Number(0.01))]),
                t(10),
            );
            assert_eq!(s.release.eval.sources[0].status, SourceStatus::Ok, "{why}");
            assert_eq!(s.release.sources[0].last_error, None);
            assert_eq!(s.release.eval.conditions[0].state, CondState::Ok);
            assert!(
                s.screen
                    .log
                    .iter()
                    .any(|l| l.text == "source prom: values usable again")
            );
        }
    }

    #[test]
    fn a_word_is_usable_where_only_a_gate_reads_it_but_not_as_a_number() {
        let mut s = state(false);
        // The traffic share must be a number; the same word for a gate would be fine.
        update(
            &mut s,
            answer(1, 1, 0, vec![(TRAFFIC, Reading::Text("on".into()))]),
            t(0),
        );
        assert_eq!(s.release.eval.sources[1].status, SourceStatus::Unusable);
        assert_eq!(
            s.release.sources[1].last_error.as_deref(),
            Some("not a number: on")
        );
        let (readings, why) = super::screen(&s, 1, vec![(7, Reading::Text("on".into()))]);
        assert_eq!(why, None, "a value nothing reads as a number");
        assert_eq!(readings, vec![(7, Reading::Text("on".into()))]);
    }

    #[test]
    fn a_source_with_some_values_unusable_says_how_many_and_which() {
        let mut s = state(false);
        s.setup.conditions[0].label = "Error rate".into();
        let readings = vec![
            (ERROR_RATE, Reading::Number(f64::NAN)),
            (TRAFFIC, Reading::Number(5.0)),
        ];
        let (out, why) = super::screen(&s, 0, readings);
        assert_eq!(
            why.as_deref(),
            Some("1 of 2 unusable: Error rate: value is NaN")
        );
        assert_eq!(out[0].1, Reading::Missing("prom: value is NaN".into()));
        assert_eq!(
            out[1].1,
            Reading::Number(5.0),
            "usable values pass as they are"
        );

        let both = vec![
            (ERROR_RATE, Reading::Missing("no data: empty result".into())),
            (TRAFFIC, Reading::Missing("null at /rollout".into())),
        ];
        let (_, why) = super::screen(&s, 0, both);
        assert_eq!(
            why.as_deref(),
            Some(
                "2 of 2 unusable: Error rate: no data: empty result; \
                 live traffic share: null at /rollout"
            )
        );
    }
}
