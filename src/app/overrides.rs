//! Promotes made over a verdict that was not GO (SEMANTICS §4: an override), as the journal
//! records them: kept in view in the stage strip and summed up at COMPLETE. Read back from the
//! journal at start, so a restarted cockpit (or an observer) shows the same ones.

use super::position::stage_of;
use super::resume::current_attempt;
use crate::core::plan::Plan;
use crate::core::record::{Context, Event, Record};
use chrono::{DateTime, Utc};

/// One override: the stage it promoted past, who, when, why, and what was failing then.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The stage that was live (promoted from); `None` when the plan no longer has it.
    pub stage: Option<usize>,
    /// The stage's name as journaled, for a plan that no longer has it.
    pub stage_name: String,
    /// "ana@ops1", or the operator alone when the record names no host.
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
    /// The verdict promoted over, e.g. "HOLD".
    pub verdict: String,
    /// Its reasons at that moment.
    pub failing: Vec<String>,
}

/// The override an `override` record describes.
pub fn override_of(r: &Record, plan: &Plan) -> Option<Override> {
    if r.event != Event::Override {
        return None;
    }
    let c = &r.context;
    let by = if c.host.is_empty() {
        c.operator.clone()
    } else {
        format!("{}@{}", c.operator, c.host)
    };
    Some(Override {
        stage: stage_of(r, plan),
        stage_name: r.stage.clone().unwrap_or_default(),
        by,
        at: r.ts,
        reason: r.reason.clone().unwrap_or_default(),
        verdict: r.verdict.clone().unwrap_or_default(),
        failing: r.verdict_reasons.clone(),
    })
}

/// The overrides of this release's current attempt, oldest first.
pub fn overrides_from_journal(records: &[Record], ctx: &Context, plan: &Plan) -> Vec<Override> {
    current_attempt(records, ctx)
        .into_iter()
        .filter_map(|r| override_of(r, plan))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::testkit::{context, setup, t};

    fn record(event: Event, at: i64, stage: &str, traffic: f64) -> Record {
        let mut r = Record::new(t(at), event, context());
        r.attempt = Some("a1".into());
        r.stage = Some(stage.into());
        r.traffic = Some(traffic);
        r
    }

    #[test]
    fn overrides_of_the_current_attempt_are_read_back() {
        let setup = setup();
        let plan = &setup.plan;
        let first = plan.stages[0].clone();
        let mut entered = record(Event::StageEntered, 0, &first.name, first.traffic);
        let mut over = record(Event::Override, 10, &first.name, first.traffic);
        over.context.host = "ops1".into();
        over.reason = Some("hotfix must reach 5% before the window".into());
        over.verdict = Some("HOLD".into());
        over.verdict_reasons = vec!["1% baking: 00:20 left".into()];
        let mut old = over.clone();
        old.attempt = Some("a0".into());
        entered.attempt = Some("a1".into());
        let journal = vec![old, entered, over];
        let got = overrides_from_journal(&journal, &context(), plan);
        assert_eq!(got.len(), 1, "{got:?}");
        let o = &got[0];
        assert_eq!(o.stage, Some(0));
        assert_eq!(o.by, format!("{}@ops1", context().operator));
        assert_eq!(o.reason, "hotfix must reach 5% before the window");
        assert_eq!((o.verdict.as_str(), o.failing.len()), ("HOLD", 1));
    }

    #[test]
    fn an_observer_sees_the_operators_override() {
        use crate::app::testkit::state;
        use crate::app::{Msg, start, update};
        let mut observer = state(true);
        start(&mut observer, t(0));
        let first = observer.setup.plan.stages[0].clone();
        let mut over = record(Event::Override, 5, &first.name, first.traffic);
        over.reason = Some("waiting on nothing".into());
        update(&mut observer, Msg::Journal(vec![over]), t(6));
        let got = &observer.release.overrides;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            (got[0].stage, got[0].reason.as_str()),
            (Some(0), "waiting on nothing")
        );
    }
}
