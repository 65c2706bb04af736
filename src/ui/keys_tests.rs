//! Keys rebound in `[keys]`: the footer, the help and the small-screen message name them.

use super::fixture;
use super::tests::{color, screen};
use crate::app::keymap::{Command, Keymap};
use crate::app::{self, Key, Msg, State};
use insta::assert_snapshot;

/// Promote on P, rollback on Ctrl-R and r, hold on H, the event log on n for newer.
fn rebound(mut state: State) -> State {
    state.setup.keys = Keymap::rebind(vec![
        (Command::Promote, vec![Key::Char('P')]),
        (Command::Rollback, vec![Key::Ctrl('r'), Key::Char('r')]),
        (Command::Hold, vec![Key::Char('H')]),
        (Command::Newer, vec![Key::Char('n')]),
    ])
    .unwrap();
    state
}

#[test]
fn the_footer_and_the_help_show_rebound_keys() {
    let state = rebound(fixture::baked());
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&state, &color(), w, h);
        let footer = text.lines().rev().find(|l| l.contains("promote")).unwrap();
        assert!(
            footer.contains(" P  promote") && footer.contains(" Ctrl-R  rollback"),
            "{footer}"
        );
        assert!(
            footer.contains(" H  hold") && !footer.contains(" p  promote"),
            "{footer}"
        );
        assert_snapshot!(format!("keys_rebound_{w}x{h}"), text);
    }
    let mut help = state;
    app::update(&mut help, Msg::Key(Key::Char('?')), fixture::t(1));
    for (w, h) in [(120, 40), (80, 24)] {
        let text = screen(&help, &color(), w, h);
        assert!(text.contains("P      promote to the next stage"), "{text}");
        assert!(text.contains("Ctrl-R roll back"), "{text}");
        assert!(text.contains("scroll events (n, Home, End)"), "{text}");
        assert_snapshot!(format!("keys_rebound_help_{w}x{h}"), text);
    }
}

#[test]
fn the_small_screen_names_the_rebound_keys() {
    let text = screen(&rebound(fixture::breached()), &color(), 60, 20);
    assert!(text.contains("Ctrl-R roll back"), "{text}");
}

/// A key named with an arrow is drawn in ASCII with --ascii, in the footer and the help.
#[test]
fn rebound_arrow_keys_stay_ascii() {
    let mut state = fixture::baked();
    // Up is the focus key's: it moves to k alone so promote can have it.
    state.setup.keys = Keymap::rebind(vec![
        (Command::Promote, vec![Key::Up]),
        (Command::FocusUp, vec![Key::Char('k')]),
    ])
    .unwrap();
    let ascii = super::Theme::new(false, true);
    let text = screen(&state, &ascii, 80, 24);
    assert!(text.contains(" ^  promote") && text.is_ascii(), "{text}");
    app::update(&mut state, Msg::Key(Key::Char('?')), fixture::t(1));
    let text = screen(&state, &ascii, 80, 24);
    assert!(
        text.contains("^    promote to the next stage") && text.is_ascii(),
        "{text}"
    );
    assert!(screen(&state, &color(), 80, 24).contains("↑    promote"));
}
