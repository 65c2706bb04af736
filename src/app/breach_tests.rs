//! Tab in the Approve-Risk prompt: a rollback's reason filled from the breached conditions,
//! still confirmed with Enter; a promote's reason always typed.

use super::testkit::{poll, t};
use super::tests::{baked, dispatch};
use super::{Effect, Key, Msg, NOTHING_BREACHED, Overlay, REASONS_ARE_TYPED, State};
use super::{filled, update};
use crate::core::approval::parse_approval;
use crate::core::verdict::VerdictKind;

fn key(s: &mut State, k: Key, secs: i64) -> Vec<Effect> {
    update(s, Msg::Key(k), t(secs))
}

fn input(s: &State) -> (String, Option<String>) {
    let Overlay::Approve(m) = &s.screen.overlay else {
        panic!("no prompt open")
    };
    (m.input.clone(), m.fill_note.clone())
}

/// The error rate at 5% against its 2% limit: ROLLBACK ADVISED.
fn breached() -> State {
    let mut s = baked();
    for m in poll(101, 101, 0.05, 1.0) {
        update(&mut s, m, t(101));
    }
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::RollbackAdvised);
    s
}

#[test]
fn tab_fills_a_rollback_reason_from_the_breached_conditions_and_enter_sends_it() {
    let mut s = breached();
    key(&mut s, Key::Char('r'), 101);
    let fx = key(&mut s, Key::Tab, 101);
    assert!(dispatch(&fx).is_none(), "Tab never sends");
    let (text, note) = input(&s);
    assert_eq!(text, "Approve-Risk: Error rate 0.05 > 0.02");
    assert_eq!(note, None);
    let reason = parse_approval(&text).expect("the filled text passes the grammar");
    // Still the operator's to edit, and still confirmed with Enter.
    key(&mut s, Key::Char('!'), 101);
    assert!(matches!(s.screen.overlay, Overlay::Approve(_)));
    let fx = key(&mut s, Key::Enter, 101);
    let d = dispatch(&fx).expect("Enter sends the filled reason");
    assert_eq!(
        d.requested().reason.as_deref(),
        Some(format!("{reason}!").as_str())
    );
}

#[test]
fn tab_in_a_promote_prompt_fills_nothing_and_says_reasons_are_typed() {
    let mut s = breached();
    key(&mut s, Key::Char('p'), 101);
    key(&mut s, Key::Tab, 101);
    assert_eq!(input(&s), (String::new(), Some(REASONS_ARE_TYPED.into())));
    // The next letter typed clears the note.
    key(&mut s, Key::Char('A'), 101);
    assert_eq!(input(&s), ("A".into(), None));
}

#[test]
fn tab_with_nothing_breached_fills_nothing_and_says_why() {
    let mut s = baked();
    key(&mut s, Key::Char('r'), 100);
    key(&mut s, Key::Tab, 100);
    assert_eq!(
        input(&s),
        ("Approve-Risk: ".into(), Some(NOTHING_BREACHED.into()))
    );
    assert!(dispatch(&key(&mut s, Key::Enter, 100)).is_none());
}

#[test]
fn a_filled_reason_always_passes_the_grammar() {
    for each in [vec!["x 5 > 2".to_string()], vec!["a".into(), "b".into()]] {
        let text = filled(&each);
        assert!(parse_approval(&text).is_ok(), "{text}");
    }
    assert_eq!(
        filled(&[
            "Error rate 5.00% > 2.00%".into(),
            "p95 812 ms > 500 ms".into()
        ]),
        "Approve-Risk: Error rate 5.00% > 2.00%; p95 812 ms > 500 ms"
    );
}

#[test]
fn a_stage_failing_on_its_score_gives_tab_its_failing_comparisons() {
    // Not critical: the comparison fails the stage's score, no condition is breached.
    let s = crate::ui::statistical_tests::worse_than_baseline(false);
    assert_eq!(s.release.eval.verdict.kind, VerdictKind::RollbackAdvised);
    let each = s.breaches().each;
    assert_eq!(each.len(), 1, "{each:?}");
    assert!(
        each[0].starts_with("Errors vs baseline: FAIL p"),
        "{each:?}"
    );
}
