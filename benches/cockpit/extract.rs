//! Reading values out of answers: a JSON Pointer into a document, a Prometheus answer.

use crate::fixture::{github_doc, prometheus_body};
use criterion::{Criterion, criterion_group};
use gonogo::sources::providers::prometheus;
use gonogo::sources::{error::parse_json, pick};
use std::hint::black_box;

fn extract(c: &mut Criterion) {
    let doc = github_doc();
    c.bench_function("extract/pointer", |b| {
        b.iter(|| pick::pointer(black_box(&doc), "/workflow_runs/0/conclusion"))
    });
    let body = serde_json::to_vec(&doc).unwrap();
    c.bench_function("extract/json_parse_and_pointer", |b| {
        b.iter(|| {
            let doc = parse_json(black_box(&body)).unwrap();
            pick::pointer(&doc, "/workflow_runs/0/conclusion")
        })
    });
    let answer = prometheus_body(0.0042);
    c.bench_function("extract/prometheus_parse_response", |b| {
        b.iter(|| prometheus::parse_response(reqwest::StatusCode::OK, black_box(&answer)))
    });
}

criterion_group!(benches, extract);
