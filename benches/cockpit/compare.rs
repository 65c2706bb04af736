//! A statistical condition's cost per update: the Mann-Whitney U test and the effect size
//! over 1,000 canary and 1,000 baseline samples (more than a stage keeps: 720 each).

use criterion::{Criterion, criterion_group};
use gonogo::core::compare::Compare;
use std::hint::black_box;

/// `n` latency-like samples around `centre`, deterministic, with ties as real scrapes have.
fn samples(n: usize, centre: f64, seed: u64) -> Vec<f64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (x >> 33) as f64 / (1u64 << 31) as f64;
            (centre * (0.8 + 0.4 * u) * 1000.0).round() / 1000.0
        })
        .collect()
}

fn compare(c: &mut Criterion) {
    let cmp = Compare::default();
    let baseline = samples(1000, 0.18, 1);
    for (name, centre) in [("like_baseline", 0.18), ("worse", 0.4)] {
        let canary = samples(1000, centre, 2);
        c.bench_function(&format!("compare/mann_whitney_1000_{name}"), |b| {
            b.iter(|| cmp.judge(black_box(&canary), black_box(&baseline)))
        });
    }
    let (canary, baseline) = (samples(720, 0.18, 3), samples(720, 0.18, 4));
    c.bench_function("compare/mann_whitney_720_a_full_stage", |b| {
        b.iter(|| cmp.judge(black_box(&canary), black_box(&baseline)))
    });
}

criterion_group!(benches, compare);
