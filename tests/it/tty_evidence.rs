//! Minimum evidence in the real binary: the demo's canary starts cold, so the cockpit first
//! says its error rate has too little traffic behind it, then that it has enough, then bakes.

use crate::support::tmux;

use std::time::Duration;
use tmux::{Session as Tmux, tmux_available};

#[test]
fn the_demo_first_says_not_enough_traffic_then_bakes() {
    if !tmux_available() {
        return;
    }
    let t = Tmux::demo("evidence", &["--regress-after", "10m"]);
    t.wait_text(
        "Canary error rate: not enough traffic: 37 of 500 requests",
        Duration::from_secs(20),
    );
    t.wait_text(
        "Canary error rate: enough traffic: 1200 of 500 requests",
        Duration::from_secs(20),
    );
    let screen = t.wait_text("HOLD", Duration::from_secs(20));
    assert!(!screen.contains("ROLLBACK ADVISED"), "{screen}");
}
