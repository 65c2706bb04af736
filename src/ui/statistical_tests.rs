//! A statistical condition on screen, at 120x40 and 80x24: "Errors vs baseline" judged by a
//! Mann-Whitney U test over the stage, while the canary's error rate runs at about twice its
//! baseline's — under the absolute 2% limit, so only the comparison catches it.

use super::Theme;
use super::fixture::{self, BASELINE_ERRORS, ERROR_RATE, FAILED_CHECKS, P95, PROMETHEUS, Sim};
use super::tests::{color, screen};
use crate::app::{Key, Msg, State};
use crate::core::compare::Compare;
use crate::core::reading::{Observation, Outcome, Reading};
use insta::assert_snapshot;
use std::time::Duration;

/// 10%, baking, from 180 s before now: for its last 100 s the canary's errors run at twice
/// the baseline's, which wobbles about 0.40%.
pub(crate) fn worse_than_baseline(critical: bool) -> State {
    let mut sim = Sim::new(-180, Some((2, -348)), false);
    sim.state.setup.conditions[1].compare = Some(Compare {
        critical,
        ..Compare::default()
    });
    let mut seq = 0;
    for s in -180..=0 {
        if s % 2 != 0 {
            continue;
        }
        let base = 0.0040 + 0.0004 * fixture::wobble(s / 2);
        let canary = if s < -100 {
            base + 0.0002 * fixture::wobble(s / 2 + 1)
        } else {
            2.0 * base
        };
        seq += 1;
        let readings = vec![
            (ERROR_RATE, Reading::Number(canary)),
            (BASELINE_ERRORS, Reading::Number(base)),
            (P95, Reading::Number(0.182)),
            (FAILED_CHECKS, Reading::Number(0.0)),
        ];
        let o = Observation {
            source: PROMETHEUS,
            seq,
            at: fixture::t(s),
            latency: Duration::from_millis(38),
            outcome: Outcome::Readings(readings),
        };
        sim.send(s, Msg::Observation(o));
        sim.unleash(s, true, 10.0);
        if s % 10 == 0 {
            sim.github(s, "success", fixture::TICKET);
            sim.rollback_check(s);
        }
    }
    sim.tick(0);
    sim.state
}

#[test]
fn a_statistical_fail_shows_its_figures_and_the_stage_score() {
    let state = worse_than_baseline(false);
    let wide = screen(&state, &color(), 120, 40);
    assert!(wide.contains("score 0"), "{wide}");
    assert!(wide.contains("stage score 0 below 50"), "{wide}");
    assert!(wide.contains("MW ≤ 1.5×base"), "{wide}");
    assert!(wide.contains("FAIL p<0.001 effect 1.56×"), "{wide}");
    assert!(wide.contains("ROLLBACK ADVISED"), "{wide}");
    assert_snapshot!("statistical_120x40", wide);
    assert_snapshot!("statistical_80x24", screen(&state, &color(), 80, 24));
}

#[test]
fn a_critical_fail_is_a_breach_and_its_detail_explains_the_test() {
    let mut state = worse_than_baseline(true);
    for k in [Key::Tab, Key::Down, Key::Enter] {
        crate::app::update(&mut state, Msg::Key(k), fixture::t(0));
    }
    let wide = screen(&state, &color(), 120, 40);
    assert!(
        wide.contains("one-sided Mann-Whitney U at alpha 0.05"),
        "{wide}"
    );
    assert!(wide.contains("critical"), "{wide}");
    assert_snapshot!("statistical_detail_120x40", wide);
    assert_snapshot!("statistical_detail_80x24", screen(&state, &color(), 80, 24));
    let ascii = screen(&state, &Theme::new(false, true), 80, 24);
    assert!(ascii.is_ascii(), "{ascii}");
}
