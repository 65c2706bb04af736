//! Where the release stands: the tracked position checked against the observed traffic.

use crate::app::State;
use crate::core::bake::BakeView;
use crate::core::reading::{SignalId, format_number};
use crate::core::verdict::StageView;
use crate::core::{short_duration, since};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The live traffic share as the cockpit can judge it now.
pub(in crate::app) enum Observed {
    /// No source reports it.
    NotConfigured,
    /// The latest reading predates this cockpit's own promote or rollback.
    Pending,
    Share(f64),
    Unknown(String),
}

pub(in crate::app) fn observed(state: &State, now: DateTime<Utc>) -> Observed {
    let Some(sig) = state.setup.observed_traffic else {
        return Observed::NotConfigured;
    };
    match &state.release.signals[sig] {
        None => Observed::Unknown("no data yet".into()),
        Some((at, _)) if state.release.moved_at.is_some_and(|m| *at < m) => Observed::Pending,
        Some((at, _)) if since(now, *at) > state.stale_after_of_signal(sig) => Observed::Unknown(
            format!("stale: last value {} ago", short_duration(since(now, *at))),
        ),
        Some((_, r)) => match r.number() {
            Ok(share) => Observed::Share(share),
            Err(why) => Observed::Unknown(why),
        },
    }
}

/// Where the release stands, combining the tracked position and the observed traffic.
pub(super) fn stage_view(state: &State, now: DateTime<Utc>) -> StageView {
    let plan = &state.setup.plan;
    let observed = observed(state, now);
    let Some(p) = state.release.position else {
        return match observed {
            Observed::NotConfigured | Observed::Pending => StageView::NotStarted,
            Observed::Unknown(why) => StageView::Unknown {
                why: format!("live traffic share: {why}"),
            },
            Observed::Share(share) if share <= 0.0 => StageView::NotStarted,
            Observed::Share(share) => StageView::Unknown {
                why: format!("live traffic {}% matches no stage", format_number(share)),
            },
        };
    };
    let stage = &plan.stages[p.stage];
    let label = stage.label();
    match observed {
        Observed::Unknown(why) => {
            return StageView::Unknown {
                why: format!("live traffic share: {why}"),
            };
        }
        Observed::Share(share) => {
            let agrees = if p.rolled_back {
                share <= 0.0
            } else {
                plan.stage_for_traffic(share) == Some(p.stage)
            };
            if !agrees {
                return StageView::Drift {
                    detail: format!(
                        "tracked {}{label}, live traffic {}%",
                        if p.rolled_back { "rollback from " } else { "" },
                        format_number(share)
                    ),
                };
            }
        }
        Observed::NotConfigured | Observed::Pending => {}
    }
    if p.rolled_back {
        return StageView::RolledBack { from: label };
    }
    StageView::Live {
        name: label,
        bake: Box::new(live_bake(state).unwrap_or_else(|| {
            crate::core::bake::Bake::new(p.stage, p.entered_at, stage.bake).view()
        })),
        is_last: plan.is_last(p.stage),
    }
}

/// The verified bake of the live stage entry, when one is being accumulated.
pub(super) fn live_bake(state: &State) -> Option<BakeView> {
    let p = state.release.position.filter(|p| !p.rolled_back)?;
    let b = state.release.bake.as_ref()?;
    (b.stage == p.stage && b.entered_at == p.entered_at).then(|| b.view())
}

impl State {
    /// The staleness limit of the source a signal comes from.
    pub(crate) fn stale_after_of_signal(&self, sig: SignalId) -> Duration {
        let source = self.setup.signals[sig].source;
        self.setup.sources[source].stale_after
    }
}
