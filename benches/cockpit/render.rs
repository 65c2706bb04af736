//! Drawing: the whole screen into a buffer, and one frame's bytes for the terminal.

use crate::fixture::{Cockpit, baking, cockpit, scale_setup, t};
use criterion::{Criterion, criterion_group};
use gonogo::app::{self, Msg};
use gonogo::ui::{self, Theme};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::hint::black_box;

const AREA: Rect = Rect {
    x: 0,
    y: 0,
    width: 120,
    height: 40,
};

fn screen(c: &Cockpit, theme: &Theme) -> Buffer {
    let mut buf = Buffer::empty(AREA);
    ui::render(&c.state, theme, AREA, &mut buf);
    buf
}

/// The bytes a terminal receives to go from `prev` to `next`, as the runtime's backend
/// writes them.
pub fn frame_bytes(prev: &Buffer, next: &Buffer, out: &mut Vec<u8>) {
    out.clear();
    let mut backend = CrosstermBackend::new(out);
    backend.draw(prev.diff(next).into_iter()).unwrap();
}

fn render(c: &mut Criterion) {
    let theme = Theme::new(true, false);
    let mut g = c.benchmark_group("render");
    for (name, extra) in [("demo_4_conditions", 0), ("50_conditions", 46)] {
        let cockpit = baking(extra);
        let mut buf = Buffer::empty(AREA);
        g.bench_function(format!("{name}_120x40"), |b| {
            b.iter(|| {
                buf.reset();
                ui::render(black_box(&cockpit.state), &theme, AREA, &mut buf);
            })
        });
    }

    // The scale budget: 200 sources and 1,000 conditions on one screen.
    let mut big = cockpit(scale_setup(200, 5), -30, 0, -40);
    big.run(-30, 0, 10.0);
    let mut buf = Buffer::empty(AREA);
    g.bench_function("scale_200x5_120x40", |b| {
        b.iter(|| {
            buf.reset();
            ui::render(black_box(&big.state), &theme, AREA, &mut buf);
        })
    });

    // One second later: the tick that moves the countdown and the ages, drawn and encoded.
    let mut cockpit = baking(46);
    let before = screen(&cockpit, &theme);
    app::update(&mut cockpit.state, Msg::Tick, t(1));
    let after = screen(&cockpit, &theme);
    let mut out = Vec::with_capacity(64 * 1024);
    g.bench_function("tick_diff_and_encode_50_conditions", |b| {
        b.iter(|| frame_bytes(black_box(&before), black_box(&after), &mut out))
    });
    let empty = Buffer::empty(AREA);
    g.bench_function("full_frame_encode_50_conditions", |b| {
        b.iter(|| frame_bytes(black_box(&empty), black_box(&after), &mut out))
    });
    g.finish();
}

criterion_group!(benches, render);
