//! The verdict: `core::verdict::decide` over 50 condition statuses and the demo's gates.

use crate::fixture::{baking, t};
use criterion::{Criterion, criterion_group};
use gonogo::core::bake::Bake;
use gonogo::core::verdict::{StageView, VerdictInputs, decide};
use std::hint::black_box;
use std::time::Duration;

fn verdict(c: &mut Criterion) {
    let state = baking(46).state;
    let labelled: Vec<(&str, _)> = state
        .setup
        .conditions
        .iter()
        .map(|c| c.label.as_str())
        .zip(&state.release.eval.conditions)
        .collect();
    let stage = StageView::Live {
        name: "10%".into(),
        bake: Box::new(Bake::new(2, t(-348), Duration::from_secs(600)).view()),
        is_last: false,
    };
    c.bench_function("verdict/decide_50_conditions", |b| {
        b.iter(|| {
            decide(black_box(&VerdictInputs {
                conditions: &labelled,
                gates: &state.release.eval.gates,
                stage: stage.clone(),
                now: t(0),
                failure_limit: None,
            }))
        })
    });
}

criterion_group!(benches, verdict);
