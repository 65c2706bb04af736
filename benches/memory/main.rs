//! Memory over a simulated 24 hours: the demo release with every source polled each second,
//! time-compressed through the real `app::update` (86,400 seconds of observations for every
//! source, and a tick each second). Live heap is counted by a global allocator wrapping the
//! system's; RSS (`VmRSS`) is reported beside it. Prints one JSON object.
//!
//! `cargo bench --bench memory` runs the full day; `cargo test --benches` runs two simulated
//! hours (the same comparison, hour 2 against hour 1), so CI checks it runs, not the figure.

#[allow(dead_code)]
#[path = "../cockpit/fixture.rs"]
mod fixture;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes currently allocated.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

const HOUR: i64 = 3600;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not.
    let full = std::env::args().any(|a| a == "--bench");
    let hours: i64 = if full { 24 } else { 2 };

    let mut setup = fixture::demo_setup(0);
    for source in &mut setup.sources {
        source.interval = Duration::from_secs(1);
    }
    for stage in &mut setup.plan.stages {
        stage.bake = Duration::from_secs(600);
    }
    let mut cockpit = fixture::cockpit(setup, 0, 2, 0);
    let started = Instant::now();

    let mut marks = Vec::new();
    for h in 0..hours {
        cockpit.run(h * HOUR + 1, (h + 1) * HOUR, 10.0);
        if h == 0 || h == hours - 1 {
            marks.push((h + 1, LIVE.load(Ordering::Relaxed), rss_kb()));
        }
    }
    let elapsed = started.elapsed();
    let (first, last) = (marks[0], marks[marks.len() - 1]);
    let growth = (last.1 - first.1) as f64 / first.1 as f64;
    let rss = |r: Option<u64>| r.map_or("null".to_string(), |kb| kb.to_string());
    println!(
        "{{\"bench\":\"memory_simulated_day\",\"sources\":{},\"poll_s\":1,\"simulated_hours\":{},\
         \"observations\":{},\"live_heap_bytes_hour_1\":{},\"live_heap_bytes_hour_{}\":{},\
         \"growth\":{:.4},\"rss_kb_hour_1\":{},\"rss_kb_hour_{}\":{},\"wall_s\":{:.2}}}",
        cockpit.state.setup.sources.len(),
        hours,
        hours * HOUR * cockpit.state.setup.sources.len() as i64,
        first.1,
        last.0,
        last.1,
        growth,
        rss(first.2),
        last.0,
        rss(last.2),
        elapsed.as_secs_f64(),
    );
    assert!(
        growth <= 0.10,
        "live heap grew {:.1}% from hour 1 to hour {} (budget 10%)",
        growth * 100.0,
        last.0
    );
}
