//! The app fed by the real pollers, as the runtime does it (without a terminal or journal):
//! what an operator would see, asserted with a generous deadline instead of sleeps.

use chrono::{FixedOffset, Utc};
use gonogo::app::{Boot, Effect, Msg, State, update};
use gonogo::core::condition::{CondState, ConditionStatus};
use gonogo::core::gate::{GateResult, GateState};
use gonogo::core::reading::Observation;
use gonogo::core::record::Context;
use gonogo::core::verdict::VerdictKind;
use gonogo::setup::Setup;
use gonogo::sources::{Pollers, SourceClient, spawn_pollers};
use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use tokio::time::Instant;

pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct Cockpit {
    pub state: State,
    rx: Receiver<Msg>,
    _pollers: Pollers,
    /// Every observation fed to the app, in order.
    pub observations: Vec<Observation>,
}

impl Cockpit {
    /// Start the pollers for `setup` on a default client, and the app over them.
    pub fn start(setup: Setup) -> Self {
        Self::with_client(setup, SourceClient::new().unwrap())
    }

    pub fn with_client(setup: Setup, client: SourceClient) -> Self {
        let (tx, rx) = tokio::sync::mpsc::channel(64);
        let pollers = spawn_pollers(&setup.sources, &client, tx);
        let context = context(&setup);
        let (state, _) = start(setup, context);
        Cockpit {
            state,
            rx,
            _pollers: pollers,
            observations: Vec::new(),
        }
    }

    /// Feed one message (a tick when no observation comes soon); true if it was an observation.
    pub async fn step(&mut self) -> bool {
        let msg = match tokio::time::timeout(Duration::from_millis(250), self.rx.recv()).await {
            Ok(Some(msg)) => msg,
            Ok(None) => panic!("the pollers stopped"),
            Err(_) => Msg::Tick,
        };
        let observed = if let Msg::Observation(o) = &msg {
            self.observations.push(o.clone());
            true
        } else {
            false
        };
        update(&mut self.state, msg, Utc::now());
        observed
    }

    /// Feed messages until `done` holds, or fail saying what the screen showed instead.
    pub async fn until(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !done(&self.state) {
            assert!(
                Instant::now() < deadline,
                "{what} did not happen; now: {}",
                self.describe()
            );
            self.step().await;
        }
    }

    /// Feed the next observation of `source` (and whatever comes before it).
    pub async fn next_poll_of(&mut self, source: usize) -> Observation {
        let deadline = Instant::now() + DEADLINE;
        let seen = self.observations.len();
        loop {
            assert!(Instant::now() < deadline, "no poll of source {source}");
            self.step().await;
            if let Some(o) = self.observations[seen..]
                .iter()
                .find(|o| o.source == source)
            {
                return o.clone();
            }
        }
    }

    pub fn condition(&self, i: usize) -> &ConditionStatus {
        &self.state.release.eval.conditions[i]
    }

    pub fn gate(&self, name: &str) -> &GateResult {
        self.state
            .release
            .eval
            .gates
            .iter()
            .find(|g| g.name == name)
            .unwrap_or_else(|| panic!("no gate {name:?}"))
    }

    pub fn verdict(&self) -> VerdictKind {
        self.state.release.eval.verdict.kind
    }

    /// The verdict, its reasons, conditions, gates and sources, for a failure message.
    pub fn describe(&self) -> String {
        let e = &self.state.release.eval;
        let reasons: Vec<&str> = e.verdict.reasons.iter().map(|r| r.text.as_str()).collect();
        let conditions: Vec<String> = self
            .state
            .setup
            .conditions
            .iter()
            .zip(&e.conditions)
            .map(|(c, s)| format!("{}={:?} {:?} {:?}", c.label, s.state, s.value, s.why))
            .collect();
        let gates: Vec<String> = e
            .gates
            .iter()
            .map(|g| format!("{}={:?} {:?}", g.name, g.state, g.evidence))
            .collect();
        let sources: Vec<String> = self
            .state
            .setup
            .sources
            .iter()
            .zip(&self.state.release.sources)
            .map(|(s, h)| {
                format!(
                    "{}: failures {} error {:?}",
                    s.name, h.consecutive_failures, h.last_error
                )
            })
            .collect();
        format!(
            "verdict {} {reasons:?}\n conditions {conditions:?}\n gates {gates:?}\n sources {sources:?}",
            e.verdict.kind.label()
        )
    }
}

/// Condition `i` is unknown and says why, and the verdict fails closed.
pub fn unknown_because(i: usize, why: &str) -> impl Fn(&State) -> bool + '_ {
    move |s| {
        let c = &s.release.eval.conditions[i];
        c.state == CondState::Unknown
            && c.why.as_deref().is_some_and(|w| w.contains(why))
            && s.release.eval.verdict.kind == VerdictKind::NoGoUntilVerified
    }
}

/// Condition `i` has a value and is OK.
pub fn ok(i: usize) -> impl Fn(&State) -> bool {
    move |s| s.release.eval.conditions[i].state == CondState::Ok
}

/// Gate `name` is in `state` and its evidence says `evidence`.
pub fn gate_is<'a>(
    name: &'a str,
    state: GateState,
    evidence: &'a str,
) -> impl Fn(&State) -> bool + 'a {
    move |s| {
        s.release
            .eval
            .gates
            .iter()
            .any(|g| g.name == name && g.state == state && g.evidence.contains(evidence))
    }
}

pub fn verdict_is(kind: VerdictKind) -> impl Fn(&State) -> bool {
    move |s| s.release.eval.verdict.kind == kind
}

/// Who runs a test cockpit: the config's operator and release, no host name.
pub fn context(setup: &Setup) -> Context {
    Context {
        operator: setup.operator.clone(),
        release: setup.release.name.clone(),
        version: setup.release.version.clone(),
        environment: setup.release.environment.clone(),
        ..Default::default()
    }
}

/// A cockpit started now on an empty journal, its clock in UTC: its state and the effects
/// its start asks for.
pub fn start(setup: Setup, context: Context) -> (State, Vec<Effect>) {
    let boot = Boot {
        setup,
        context,
        journal: &[],
        local_offset: FixedOffset::east_opt(0).unwrap(),
        read_only: false,
    };
    boot.start(Utc::now())
}
