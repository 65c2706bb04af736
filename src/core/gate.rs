//! Gates: evidence that must hold before a promote is recommended.

use super::reading::{Reading, SignalId, SourceId};
use super::{short_duration, since};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Written `must`, `should`, `optional` in the config, in `check`'s JSON and on screen: strum
/// derives the names, their list (`Tier::VARIANTS`) and the parse (`"must".parse()`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr, strum::VariantNames,
)]
#[strum(serialize_all = "lowercase")]
pub enum Tier {
    /// Blocks GO.
    Must,
    /// Shown as a warning; does not block.
    Should,
    /// Information only.
    Optional,
}

impl Tier {
    pub fn label(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum GateCheck {
    /// A value a source reports must be one of `expect` (compared as text: `success`, `true`, `1`).
    Value {
        signal: SignalId,
        expect: Vec<String>,
        stale_after: Duration,
    },
    /// A source (e.g. the rollback action's check endpoint) answered 2xx within `within`.
    Reachable { source: SourceId, within: Duration },
    /// Every stop condition has fresh data.
    MonitorsLive,
    /// Something the config lacks (e.g. no rollback action): always fails, with this evidence.
    Unconfigured(String),
    /// Promotes only inside the release windows and outside blackouts.
    Calendar(super::window::Calendar),
    /// A readiness checklist item (by index) an operator ticks in the cockpit.
    Checklist(usize),
}

/// Who ticked a checklist item, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tick {
    pub operator: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GateSpec {
    pub id: String,
    pub name: String,
    pub tier: Tier,
    pub check: GateCheck,
    /// What an operator can do to make it hold; shown when it does not.
    pub verify: Option<String>,
}

/// `Into<&str>` is its name in `check`'s JSON (`holds`). `label` is the word on screen (`OK`),
/// written out because it is not the variant's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum GateState {
    Holds,
    Fails,
    Unknown,
}

impl GateState {
    pub fn label(self) -> &'static str {
        match self {
            GateState::Holds => "OK",
            GateState::Fails => "FAIL",
            GateState::Unknown => "UNKNOWN",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GateResult {
    pub name: String,
    pub tier: Tier,
    pub state: GateState,
    /// What was seen: "conclusion = success, 4s ago", "HTTP 503", "no data yet".
    pub evidence: String,
    pub verify: Option<String>,
}

/// What gates read about the world; the app state provides it.
pub trait GateContext {
    fn signal(&self, id: SignalId) -> Option<(DateTime<Utc>, &Reading)>;
    fn source_name(&self, id: SourceId) -> &str;
    /// When the source last answered successfully, and its latest error if the last poll failed.
    fn source_health(&self, id: SourceId) -> (Option<DateTime<Utc>>, Option<&str>);
    /// Labels of conditions without fresh data, with why.
    fn conditions_without_data(&self) -> Vec<String>;
    /// The tick of checklist item `i`, if it is ticked.
    fn checklist(&self, i: usize) -> Option<&Tick>;
}

impl GateSpec {
    pub fn evaluate(&self, ctx: &impl GateContext, now: DateTime<Utc>) -> GateResult {
        let (state, evidence) = match &self.check {
            GateCheck::Value {
                signal,
                expect,
                stale_after,
            } => match ctx.signal(*signal) {
                None => (GateState::Unknown, "no data yet".to_string()),
                Some((at, reading)) => {
                    let age = since(now, at);
                    match reading.as_text() {
                        _ if age > *stale_after => (
                            GateState::Unknown,
                            format!("stale: last value {} ago", short_duration(age)),
                        ),
                        None => match reading {
                            Reading::Missing(why) => (GateState::Unknown, why.clone()),
                            _ => (GateState::Unknown, "no value".into()),
                        },
                        Some(text) if expect.iter().any(|e| e == &text) => (GateState::Holds, text),
                        Some(text) => (
                            GateState::Fails,
                            format!("{text} (expected {})", expect.join(" or ")),
                        ),
                    }
                }
            },
            GateCheck::Reachable { source, within } => {
                let name = ctx.source_name(*source);
                match ctx.source_health(*source) {
                    (_, Some(err)) => (GateState::Fails, format!("{name}: {err}")),
                    (Some(ok), None) if since(now, ok) <= *within => (
                        GateState::Holds,
                        format!("{name} answered within {}", short_duration(*within)),
                    ),
                    (Some(ok), None) => (
                        GateState::Unknown,
                        format!("{name}: last answer {} ago", short_duration(since(now, ok))),
                    ),
                    (None, None) => (GateState::Unknown, format!("{name}: not checked yet")),
                }
            }
            GateCheck::MonitorsLive => {
                let missing = ctx.conditions_without_data();
                if missing.is_empty() {
                    (
                        GateState::Holds,
                        "every condition has fresh data".to_string(),
                    )
                } else {
                    (
                        GateState::Unknown,
                        format!("no fresh data: {}", missing.join(", ")),
                    )
                }
            }
            GateCheck::Unconfigured(why) => (GateState::Fails, why.clone()),
            GateCheck::Calendar(calendar) => match calendar.check(now) {
                Ok(evidence) => (GateState::Holds, evidence),
                Err(evidence) => (GateState::Fails, evidence),
            },
            GateCheck::Checklist(i) => match ctx.checklist(*i) {
                Some(tick) => (
                    GateState::Holds,
                    format!(
                        "ticked by {} at {}",
                        tick.operator,
                        tick.at.format("%H:%M UTC")
                    ),
                ),
                None => (GateState::Fails, "not ticked".to_string()),
            },
        };
        GateResult {
            name: self.name.clone(),
            tier: self.tier,
            state,
            evidence,
            verify: self.verify.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    struct World {
        reading: Option<(DateTime<Utc>, Reading)>,
        ok_at: Option<DateTime<Utc>>,
        error: Option<String>,
        without_data: Vec<String>,
        tick: Option<Tick>,
    }

    impl GateContext for World {
        fn signal(&self, _: SignalId) -> Option<(DateTime<Utc>, &Reading)> {
            self.reading.as_ref().map(|(t, r)| (*t, r))
        }
        fn source_name(&self, _: SourceId) -> &str {
            "rollback-check"
        }
        fn source_health(&self, _: SourceId) -> (Option<DateTime<Utc>>, Option<&str>) {
            (self.ok_at, self.error.as_deref())
        }
        fn conditions_without_data(&self) -> Vec<String> {
            self.without_data.clone()
        }
        fn checklist(&self, _: usize) -> Option<&Tick> {
            self.tick.as_ref()
        }
    }

    fn world() -> World {
        World {
            reading: None,
            ok_at: None,
            error: None,
            without_data: vec![],
            tick: None,
        }
    }

    #[test]
    fn a_checklist_item_holds_once_ticked_and_says_by_whom() {
        let g = GateSpec {
            check: GateCheck::Checklist(0),
            ..ci_gate()
        };
        let mut w = world();
        let r = g.evaluate(&w, t(0));
        assert_eq!(
            (r.state, r.evidence.as_str()),
            (GateState::Fails, "not ticked")
        );
        w.tick = Some(Tick {
            operator: "ana".into(),
            at: t(0),
        });
        let r = g.evaluate(&w, t(5));
        assert_eq!(r.state, GateState::Holds);
        assert_eq!(r.evidence, "ticked by ana at 22:13 UTC");
    }

    #[test]
    fn outside_the_release_window_the_calendar_gate_fails() {
        use crate::core::window::{Calendar, Period};
        let g = GateSpec {
            check: GateCheck::Calendar(Calendar {
                windows: vec![Period::Range {
                    from: t(0),
                    to: t(3600),
                }],
                blackouts: vec![],
            }),
            ..ci_gate()
        };
        assert_eq!(g.evaluate(&world(), t(10)).state, GateState::Holds);
        let r = g.evaluate(&world(), t(4000));
        assert_eq!(r.state, GateState::Fails);
        assert!(
            r.evidence.starts_with("outside the release windows"),
            "{}",
            r.evidence
        );
    }

    fn ci_gate() -> GateSpec {
        GateSpec {
            id: "ci".into(),
            name: "CI green".into(),
            tier: Tier::Must,
            check: GateCheck::Value {
                signal: 0,
                expect: vec!["success".into()],
                stale_after: Duration::from_secs(60),
            },
            verify: None,
        }
    }

    #[test]
    fn value_gate_holds_only_on_an_expected_fresh_value() {
        let g = ci_gate();
        let mut w = world();
        assert_eq!(g.evaluate(&w, t(0)).state, GateState::Unknown);
        w.reading = Some((t(0), Reading::Text("success".into())));
        assert_eq!(g.evaluate(&w, t(5)).state, GateState::Holds);
        assert_eq!(g.evaluate(&w, t(61)).state, GateState::Unknown, "stale");
        w.reading = Some((t(0), Reading::Text("failure".into())));
        let r = g.evaluate(&w, t(5));
        assert_eq!(r.state, GateState::Fails);
        assert_eq!(r.evidence, "failure (expected success)");
        w.reading = Some((t(0), Reading::Missing("no value at /x".into())));
        assert_eq!(g.evaluate(&w, t(5)).state, GateState::Unknown);
    }

    #[test]
    fn a_long_value_is_evidence_in_full() {
        // The screen fits evidence to its column; `check --format json` carries it whole.
        let long = "failure: job integration-tests (ubuntu-latest, postgres 16) timed out";
        let g = ci_gate();
        let mut w = world();
        w.reading = Some((t(0), Reading::Text(long.into())));
        let r = g.evaluate(&w, t(5));
        assert_eq!(r.evidence, format!("{long} (expected success)"));
        let g = GateSpec {
            check: GateCheck::Value {
                signal: 0,
                expect: vec![long.into()],
                stale_after: Duration::from_secs(60),
            },
            ..ci_gate()
        };
        assert_eq!(g.evaluate(&w, t(5)).evidence, long);
    }

    #[test]
    fn reachable_gate_needs_a_recent_answer() {
        let g = GateSpec {
            check: GateCheck::Reachable {
                source: 0,
                within: Duration::from_secs(60),
            },
            ..ci_gate()
        };
        let mut w = world();
        assert_eq!(g.evaluate(&w, t(0)).state, GateState::Unknown);
        w.ok_at = Some(t(0));
        assert_eq!(g.evaluate(&w, t(30)).state, GateState::Holds);
        assert_eq!(g.evaluate(&w, t(90)).state, GateState::Unknown);
        w.error = Some("HTTP 503".into());
        let r = g.evaluate(&w, t(30));
        assert_eq!(r.state, GateState::Fails);
        assert_eq!(r.evidence, "rollback-check: HTTP 503");
    }

    #[test]
    fn monitors_live_names_what_is_missing() {
        let g = GateSpec {
            check: GateCheck::MonitorsLive,
            ..ci_gate()
        };
        let mut w = world();
        assert_eq!(g.evaluate(&w, t(0)).state, GateState::Holds);
        w.without_data = vec!["p95 latency".into()];
        let r = g.evaluate(&w, t(0));
        assert_eq!(r.state, GateState::Unknown);
        assert_eq!(r.evidence, "no fresh data: p95 latency");
    }

    #[test]
    fn an_unconfigured_gate_always_fails_and_says_why() {
        let g = GateSpec {
            check: GateCheck::Unconfigured("no rollback action configured".into()),
            ..ci_gate()
        };
        let mut w = world();
        w.ok_at = Some(t(0));
        let r = g.evaluate(&w, t(0));
        assert_eq!(r.state, GateState::Fails);
        assert_eq!(r.evidence, "no rollback action configured");
    }
}
