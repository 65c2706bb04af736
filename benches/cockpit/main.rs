//! The cockpit's hot paths, against the budgets of BENCHMARKS.md: drawing a frame, one
//! observation through `update`, the verdict, and reading values out of source answers.
//!
//! `cargo bench --bench cockpit` measures; `cargo test --benches` runs each bench once.

mod compare;
mod extract;
mod fixture;
mod render;
mod update;
mod verdict;

criterion::criterion_main!(
    render::benches,
    update::benches,
    verdict::benches,
    extract::benches,
    compare::benches
);
