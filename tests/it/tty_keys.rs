//! `[keys]` in the real binary (tmux, 80x24): the footer and the help name the rebound keys,
//! the rebound promote key opens the Approve-Risk prompt and the old one does nothing.
//!
//! Needs tmux. Outside CI a missing tmux skips the test loudly; under CI=true it fails.

use crate::support::headless::{self, Release};
use crate::support::tmux::{Session, footer, tmux_available};
use std::time::Duration;

const LONG: Duration = Duration::from_secs(60);

#[test]
fn a_rebound_promote_key_is_the_one_the_screen_names_and_the_one_that_works() {
    if !tmux_available() {
        return;
    }
    // Nothing answers on port 9: the verdict waits for data, and promote is an override.
    let url = "http://127.0.0.1:9";
    let text = format!(
        "{}\n[actions.promote]\nurl = \"{url}/hooks/promote\"\n\n[keys]\npromote = \"P\"\n\
         rollback = [\"ctrl-r\", \"r\"]\n",
        headless::config(url, "1s", "5s")
    );
    let release = Release::new(&text);
    let cockpit = format!(
        "'{}' --config '{}'",
        headless::BIN,
        release.config().display()
    );
    let pane = Session::run("keys-rebound", (80, 24), &cockpit);
    let screen = pane.wait_text("Ctrl-R  rollback", LONG);
    let keys = footer(&screen);
    assert!(
        keys.contains(" P  promote") && !keys.contains(" p  promote"),
        "{screen}"
    );

    pane.type_text("p");
    pane.type_text("?");
    let help = pane.wait_text("Keys", LONG);
    assert!(
        !help.contains("Approve-Risk:"),
        "p opened a prompt:\n{help}"
    );
    assert!(help.contains("P      promote to the next stage"), "{help}");
    // Closed before the next key: Esc and a key right after it read as Alt and that key.
    pane.keys(&["Escape"]);
    pane.wait_for("the help to close", LONG, |s| !s.contains("Esc closes"));

    pane.type_text("P");
    let prompt = pane.wait_text("Approve-Risk:", LONG);
    assert!(prompt.contains("PROMOTE"), "{prompt}");
    pane.keys(&["Escape"]);
    pane.wait_text("action cancelled", LONG);
    pane.keys(&["C-c"]);
    let end = pane.wait_text("EXITED:", LONG);
    assert!(end.contains("EXITED:0"), "{end}");
}
