//! `update`: one observation, and one tick (which judges everything time-dependent again).

use crate::fixture::{Cockpit, baking, cockpit, scale_setup, t};
use criterion::{BatchSize, Criterion, criterion_group};
use gonogo::app::{self, Msg};
use gonogo::core::reading::Observation;
use std::hint::black_box;

/// Feed copies of `template`, each newer than the last, through `update` at `t(0)`.
fn observations(c: &mut Criterion, name: &str, cockpit: Cockpit, template: Observation) {
    let mut state = cockpit.state;
    let mut seq = template.seq;
    c.bench_function(name, |b| {
        b.iter_batched(
            || {
                seq += 1;
                Observation {
                    seq,
                    ..template.clone()
                }
            },
            |o| app::update(&mut state, Msg::Observation(o), black_box(t(0))),
            BatchSize::SmallInput,
        )
    });
}

fn update(c: &mut Criterion) {
    for (label, extra) in [("demo", 0), ("50_conditions", 46)] {
        let mut ck = baking(extra);
        // Unleash (index 2): the flag and the live share, two signals, no condition.
        let unleash = ck.observation(2, 0, 10.0);
        observations(
            c,
            &format!("update/observation_unleash_{label}"),
            ck,
            unleash,
        );
        let mut ck = baking(extra);
        // Prometheus (index 0): every stop condition's value in one observation.
        let prom = ck.observation(0, 0, 10.0);
        observations(
            c,
            &format!("update/observation_prometheus_{label}"),
            ck,
            prom,
        );

        // The tick a second later: the countdown moves, everything time-dependent is judged
        // again (each round starts from a copy of the state as it was at second 0).
        let state = baking(extra).state;
        c.bench_function(&format!("update/tick_{label}"), |b| {
            b.iter_batched_ref(
                || state.clone(),
                |state| app::update(state, Msg::Tick, black_box(t(1))),
                BatchSize::SmallInput,
            )
        });
    }

    // The scale budget: 200 sources with 5 conditions each, polled every second.
    let mut ck = cockpit(scale_setup(200, 5), -30, 0, -40);
    ck.run(-30, 0, 10.0);
    let one = ck.observation(17, 0, 10.0);
    let state = ck.state.clone();
    observations(c, "update/observation_scale_200x5", ck, one);
    c.bench_function("update/tick_scale_200x5", |b| {
        b.iter_batched_ref(
            || state.clone(),
            |state| app::update(state, Msg::Tick, black_box(t(1))),
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, update);
