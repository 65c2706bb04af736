//! How the canary behaves in the real metrics backends' tests: healthy, or broken enough that
//! its error ratio and p95 latency breach their conditions.

/// What the canary does right now; the counters grow by it.
#[derive(Clone, Copy)]
pub struct Behaviour {
    pub error_ratio: f64,
    /// Requests slower than 0.5s, as a share.
    pub slow: f64,
}

pub const HEALTHY: Behaviour = Behaviour {
    error_ratio: 0.005,
    slow: 0.0,
};

pub const BROKEN: Behaviour = Behaviour {
    error_ratio: 0.2,
    slow: 0.5,
};

/// Conditions 2 and 3 pick the canary's two pods' gauges (3 and 7) by label and by sum; the
/// gate "Per pod needs a choice" reads them with neither, which is unknown, and the sources
/// panel shows `source` as answering with an unusable value, named.
pub fn pods_picked(c: &super::cockpit::Cockpit, source: &str) {
    assert_eq!(c.condition(2).value, Some(7.0), "select picked canary-2");
    assert_eq!(
        c.condition(3).value,
        Some(10.0),
        "aggregate summed both pods"
    );
    let per_pod = c.gate("Per pod needs a choice");
    assert!(
        per_pod.evidence.contains("2 series match:")
            && per_pod.evidence.contains("add select or aggregate"),
        "several series without a choice are unknown: {per_pod:?}"
    );
    let i = c
        .state
        .setup
        .sources
        .iter()
        .position(|s| s.name == source)
        .unwrap();
    assert_eq!(
        c.state.release.eval.sources[i].status,
        gonogo::app::SourceStatus::Unusable
    );
    let shown = c.state.release.sources[i]
        .last_error
        .clone()
        .unwrap_or_default();
    assert!(
        shown.contains(" unusable: Per pod needs a choice: 2 series match:"),
        "{shown}"
    );
}
