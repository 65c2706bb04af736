//! What the operator sees around actions: the Approve-Risk prompt, the cursor in it, the action
//! in flight, the question before quitting, and the toast of an outcome.

use super::Theme;
use super::fixture;
use super::tests::{buffer, color, draw, screen};
use crate::app::{self, Key, Msg, State};
use ratatui::style::Modifier;

fn row_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle))
}

#[test]
fn the_cursor_sits_just_after_the_typed_text() {
    let state = fixture::promote_typing();
    for (w, h) in [(120, 40), (80, 24)] {
        let mut term = draw(&state, &color(), w, h);
        let at = term.get_cursor_position().unwrap();
        let buf = term.backend().buffer();
        let before: String = (at.x - 3..at.x)
            .map(|x| buf[(x, at.y)].symbol().to_string())
            .collect();
        assert_eq!(before, " ok", "{w}x{h}: cursor at {at:?}");
        assert_eq!(buf[(at.x, at.y)].symbol(), " ");
        assert!(term.backend().cursor_visible(), "{w}x{h}");
    }
}

#[test]
fn without_the_prompt_the_cursor_stays_hidden() {
    let term = draw(&fixture::baked(), &color(), 80, 24);
    assert!(!term.backend().cursor_visible());
}

#[test]
fn a_long_reason_scrolls_so_its_end_stays_in_sight() {
    let state = fixture::promote_override();
    let narrow = screen(&state, &color(), 80, 24);
    assert!(
        narrow.contains("› …e-Risk: hotfix for INC-2231 must reach 25% before the payment window"),
        "{narrow}"
    );
    assert!(!narrow.contains("› Approve-Risk: hotfix"), "{narrow}");
    let wide = screen(&state, &color(), 120, 40);
    assert!(
        wide.contains("› Approve-Risk: hotfix for INC-2231"),
        "{wide}"
    );
    let mut term = draw(&state, &color(), 80, 24);
    let at = term.get_cursor_position().unwrap();
    let y = at.y as usize;
    let line = narrow.lines().nth(y).unwrap();
    assert!(line.contains("payment window"), "cursor row {y}: {line}");
}

#[test]
fn the_hint_follows_what_is_typed() {
    let mut state = fixture::promote_typing();
    let text = screen(&state, &color(), 80, 24);
    assert!(
        text.contains("! reason needs 10 non-blank characters (5 so far)"),
        "{text}"
    );
    assert!(!text.contains("Enter to send"));
    for c in " on every dashboard".chars() {
        app::update(&mut state, Msg::Key(Key::Char(c)), fixture::t(0));
    }
    let text = screen(&state, &color(), 80, 24);
    assert!(text.contains("✓ Enter to send"), "{text}");
}

#[test]
fn a_refused_enter_is_said_once_and_prominently() {
    let mut state = fixture::promote_typing();
    app::update(&mut state, Msg::Key(Key::Enter), fixture::t(0));
    let text = screen(&state, &color(), 80, 24);
    let needle = "reason needs 10 non-blank characters (5 so far)";
    assert_eq!(text.matches(needle).count(), 1, "{text}");
    assert!(text.contains("✗ not sent: reason needs"), "{text}");
}

#[test]
fn the_prompt_names_the_action_the_target_and_the_verdict() {
    let text = screen(&fixture::promote_typing(), &color(), 80, 24);
    for needle in [
        "PROMOTE 10% → 25%",
        "Sends a webhook to hooks.internal:8080",
        "✓ GO",
        "Approve-Risk: <reason>",
        "Esc cancels",
        "› Approve-Risk: p95 ok",
    ] {
        assert!(text.contains(needle), "missing {needle:?}\n{text}");
    }
    assert!(!text.contains("OVERRIDE"), "{text}");
    assert!(
        !text.contains("token"),
        "the URL's query is not shown\n{text}"
    );
}

#[test]
fn an_override_says_so_in_words_and_stands_out_without_colour() {
    let state = fixture::promote_override();
    let theme = Theme::new(false, false);
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &theme, w, h);
        assert!(
            text.contains("! OVERRIDE: promoting while the verdict is HOLD"),
            "{text}"
        );
        let y = row_of(&text, "OVERRIDE").unwrap() as u16;
        let buf = buffer(&state, &theme, w, h);
        let marked = (0..w).any(|x| {
            buf[(x, y)].symbol() == "O"
                && buf[(x, y)]
                    .modifier
                    .contains(Modifier::BOLD | Modifier::REVERSED)
        });
        assert!(
            marked,
            "{w}x{h}: the override line is not bold and reversed\n{text}"
        );
    }
}

#[test]
fn the_rollback_prompt_starts_with_the_prefix_and_shows_the_breach() {
    let state = fixture::rollback_prompt();
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &color(), w, h);
        for needle in [
            "ROLL BACK from 10%",
            "✗ ROLLBACK ADVISED",
            "✗ Breached (as of 14:00:00): Canary error rate 3.10% > 2.00%",
            "› Approve-Risk: ",
            "(0 so far)",
        ] {
            assert!(text.contains(needle), "{w}x{h}: missing {needle:?}\n{text}");
        }
    }
}

#[test]
fn a_changed_verdict_is_announced_above_the_new_one() {
    let text = screen(&fixture::verdict_changed(), &color(), 80, 24);
    let notice = row_of(&text, "the verdict changed from GO to ROLLBACK").expect(&text);
    // The last banner on screen is the prompt's; the first is the header's.
    let banner = text
        .lines()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| l.contains("✗ ROLLBACK ADVISED  │"))
        .expect(&text);
    assert!(notice < banner, "{text}");
    assert!(
        text.contains("OVERRIDE: promoting while the verdict is ROLLBACK"),
        "{text}"
    );
}

#[test]
fn the_action_in_flight_shows_when_it_was_sent_and_hides_the_action_keys() {
    let text = screen(&fixture::in_flight(), &color(), 80, 24);
    let footer = text.lines().last().unwrap();
    assert!(
        footer.contains("⟳ promote in flight since 14:00:12"),
        "{footer}"
    );
    assert!(
        !footer.contains("promote  ") && !footer.contains("rollback"),
        "{footer}"
    );
    let idle = screen(&fixture::baked(), &color(), 80, 24);
    let footer = idle.lines().last().unwrap();
    assert!(
        footer.contains(" p  promote") && footer.contains(" r  rollback"),
        "{footer}"
    );
}

#[test]
fn quitting_with_an_action_in_flight_asks_with_when_it_was_sent() {
    let text = screen(&fixture::confirm_quit(), &color(), 80, 24);
    assert!(
        text.contains("An action is in flight (promote, sent at 14:00:12)."),
        "{text}"
    );
    assert!(text.contains(" y  quit"), "{text}");
    assert!(text.contains(" any other key  stay"), "{text}");
}

#[test]
fn an_unknown_outcome_is_shown_whole_even_at_80x24() {
    let state = fixture::outcome_unknown();
    let text = screen(&state, &color(), 80, 24);
    let flat: String = text
        .lines()
        .map(|l| l.trim_matches('"').trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        flat.contains("✗ ERROR  promote OUTCOME UNKNOWN: HTTP 503"),
        "{text}"
    );
    assert!(
        flat.contains("check hooks.internal:8080 for the action before confirming again"),
        "{text}"
    );
    assert!(!text.contains("in flight"), "{text}");
}

#[test]
fn read_only_offers_no_action_keys() {
    let state: State = fixture::baking(true);
    let text = screen(&state, &color(), 80, 24);
    let footer = text.lines().last().unwrap();
    assert!(
        !footer.contains("promote") && !footer.contains("rollback"),
        "{footer}"
    );
    let help = {
        let mut s = state.clone();
        app::update(&mut s, Msg::Key(Key::Char('?')), fixture::t(0));
        screen(&s, &color(), 80, 24)
    };
    assert!(help.contains("read-only: actions are disabled"), "{help}");
    assert!(!help.contains("promote to the next stage"), "{help}");
}

#[test]
fn a_small_screen_still_offers_the_rollback() {
    let text = screen(&fixture::breached(), &color(), 60, 20);
    assert!(text.contains("r roll back"), "{text}");
    let text = screen(&fixture::rollback_prompt(), &color(), 60, 20);
    assert!(text.contains("ROLL BACK from 10%"), "{text}");
    assert!(text.contains("› Approve-Risk:"), "{text}");
}

#[test]
fn the_checklist_shows_who_ticked_what() {
    let state = fixture::checklist();
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &color(), w, h);
        assert!(
            text.contains("[x] ✓ Release notes written  (must)  alice at"),
            "{text}"
        );
        assert!(
            text.contains("› [ ] ! On-call informed  (should)"),
            "{text}"
        );
        insta::assert_snapshot!(format!("checklist_{w}x{h}"), text);
    }
}

#[test]
fn custom_actions_are_offered_in_a_menu_then_prompted() {
    let mut sim = fixture::baked_sim();
    for name in ["pause", "resume"] {
        let mut spec = sim.state.setup.actions[0].clone();
        spec.name = name.into();
        sim.state.setup.actions.push(spec);
    }
    sim.tick(1);
    let text = screen(&sim.state, &color(), 80, 24);
    assert!(text.contains(" a  actions"), "{text}");
    sim.key(1, Key::Char('a'));
    let text = screen(&sim.state, &color(), 80, 24);
    assert!(text.contains("› pause"), "{text}");
    assert!(text.contains("  resume"), "{text}");
    sim.key(1, Key::Enter);
    let text = screen(&sim.state, &color(), 120, 40);
    assert!(text.contains("RUN PAUSE"), "{text}");
}

#[test]
fn tab_that_fills_nothing_says_why_in_the_hint_line() {
    for (open, note) in [('r', app::NOTHING_BREACHED), ('p', app::REASONS_ARE_TYPED)] {
        let mut state = fixture::baked();
        for key in [Key::Char(open), Key::Tab] {
            app::update(&mut state, Msg::Key(key), fixture::t(0));
        }
        let text = screen(&state, &color(), 80, 24);
        let hint = row_of(&text, note).expect(&text);
        assert_eq!(Some(hint), row_of(&text, "› ").map(|r| r + 1), "{text}");
    }
}

/// Every key an observer's footer or help lists, pressed: none answers "read-only".
#[test]
fn read_only_never_offers_a_key_it_refuses() {
    use crate::app::keymap::{KEYMAP, Keys, Scope};
    let mut checklist = fixture::checklist();
    checklist.session.read_only = true;
    for state in [fixture::watching(), fixture::watching_held(), checklist] {
        let listed = KEYMAP.iter().filter(|b| {
            b.scopes == [Scope::Cockpit]
                && (b.command.offered(&state) || b.command.works_now(&state))
        });
        for b in listed {
            let Keys::These(&[key, ..]) = b.keys else {
                continue;
            };
            let mut s = state.clone();
            // An open overlay gives the key its own meaning (Enter ticks the checklist).
            if s.setup.keys.command(Scope::of(&s.screen.overlay), key) != Some(b.command) {
                continue;
            }
            let before = s.screen.log.len();
            app::update(&mut s, Msg::Key(key), fixture::t(1));
            let said: Vec<&str> = (s.screen.log.iter().skip(before).map(|l| l.text.as_str()))
                .chain(s.screen.toast.as_ref().map(|t| t.text.as_str()))
                .collect();
            assert!(
                !said.iter().any(|t| t.contains("read-only")),
                "{:?} is listed to an observer, then refused: {said:?}",
                b.command
            );
        }
    }
}
