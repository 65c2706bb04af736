//! The keymap's table: every key of the cockpit, its overlays and its prompts, one row each,
//! with the words the help overlay, the footer and the README show for it.

use super::{Binding, Command, HelpLine, Keys, Scope};
use crate::app::Key;

const fn bind(scopes: &'static [Scope], keys: &'static [Key], command: Command) -> Binding {
    Binding {
        scopes,
        keys: Keys::These(keys),
        command,
        help: None,
        footer: None,
        readme: None,
    }
}

/// A cockpit key with its help line, footer label and README row.
const fn cockpit(
    keys: &'static [Key],
    command: Command,
    help: HelpLine,
    footer: &'static str,
    readme: &'static str,
) -> Binding {
    Binding {
        help: Some(help),
        footer: Some(footer),
        readme: Some(readme),
        ..bind(&[Scope::Cockpit], keys, command)
    }
}

const fn help(row: u8, words: &'static str) -> HelpLine {
    HelpLine {
        row,
        words,
        alone: "",
    }
}

use Command as C;
use Key::{BackTab, Backspace, Char, Ctrl, Down, End, Enter, Esc, Home, PageDown, PageUp, Tab, Up};
use Scope as S;

/// Where typing goes into a line: the Approve-Risk, Verified and hold prompts, and the log
/// filter.
const PROMPTS: &[Scope] = &[S::Prompt, S::Verify, S::Filter, S::Hold];

/// A cockpit key for the event log: a README row, no footer label, and a help line or a mention
/// in another's.
const fn log_key(
    keys: &'static [Key],
    command: Command,
    help: Option<HelpLine>,
    readme: &'static str,
) -> Binding {
    Binding {
        help,
        readme: Some(readme),
        ..bind(&[Scope::Cockpit], keys, command)
    }
}

/// A cockpit key that moves focus or opens a detail: a README row, no footer label (the
/// footer has no room for them at 80 columns), and a help line or a mention in another's.
const fn focus_key(
    keys: &'static [Key],
    command: Command,
    help: Option<HelpLine>,
    readme: &'static str,
) -> Binding {
    log_key(keys, command, help, readme)
}

/// The keymap. Within a scope the first binding that matches a key wins; the cockpit's keys are
/// in the order the footer and the README list them.
pub const KEYMAP: &[Binding] = &[
    cockpit(
        &[Char('v')],
        C::Verify,
        help(1, "settle an unknown outcome"),
        "verify",
        "settle an action whose outcome is unknown: pick \"it took effect\" or \"it did not take \
         effect\" (Tab, ↑/↓), type `Verified: <reason>` (10 non-blank characters at least), \
         Enter; journaled with who and why",
    ),
    cockpit(
        &[Char('p')],
        C::Promote,
        help(0, "promote to the next stage"),
        "promote",
        "promote to the next stage (opens the Approve-Risk prompt)",
    ),
    cockpit(
        &[Char('r')],
        C::Rollback,
        help(0, "roll back"),
        "rollback",
        "roll back (opens the prompt with `Approve-Risk: ` already typed)",
    ),
    cockpit(
        &[Char('h')],
        C::Hold,
        help(1, "hold promote, or release it"),
        "hold",
        "hold the release: type why, Enter, then how long (`15m` when left empty), Enter; \
         promote is refused until it runs out or `h` then `y` releases it; journaled with who",
    ),
    cockpit(
        &[Char('a')],
        C::CustomActions,
        help(2, "custom actions (pause, resume, …)"),
        "actions",
        "custom actions from the config (`[actions.pause]`, `[actions.resume]`, …), each through \
         the same prompt",
    ),
    cockpit(
        &[Char('c')],
        C::Checklist,
        HelpLine {
            alone: " (Space ticks)",
            ..help(2, "readiness checklist")
        },
        "checklist",
        "readiness checklist: ↑/↓ to move, Space ticks or unticks (journaled with who and when)",
    ),
    cockpit(
        &[Char('?')],
        C::Help,
        help(3, "this help; Esc, ? or q closes it"),
        "help",
        "help: keys, verdicts, symbols",
    ),
    cockpit(
        &[Char('q')],
        C::Quit,
        help(3, "quit (Ctrl-C too)"),
        "quit",
        "quit (asks first while an action is in flight)",
    ),
    // Ctrl-C quits whatever `[keys]` says: the way out a terminal always has.
    Binding {
        keys: Keys::Fixed(&[Ctrl('c')]),
        readme: Some("quit, like `q`; `[keys]` cannot rebind it"),
        ..bind(&[S::Cockpit], &[], C::Quit)
    },
    cockpit(
        &[Char('d')],
        C::Digest,
        help(5, "catch up: since you last looked"),
        "catch up",
        "digest: verdict changes, breaches, actions with who and why, overrides, drift, source \
         outages, holds and checklist ticks since you joined (shown on start) or last looked; \
         ↑/↓ scroll, Esc or `d` closes, any other key closes it and does its own",
    ),
    // The shared journal's wheel: the header says when it is free, or who has it.
    log_key(
        &[Char('D')],
        C::TakeWheel,
        Some(help(5, "take a free wheel; {give-wheel} gives it")),
        "shared journal: take the wheel while it is free (the header says so: its driver is \
         gone, out of contact past the timeout, or handed it over); journaled with whom it was \
         taken from",
    ),
    log_key(
        &[Char('G')],
        C::GiveWheel,
        None,
        "shared journal: hand the wheel over (asks first; not while an action is in flight); \
         this cockpit watches on and any watcher may take it",
    ),
    // Armed automation: no footer label (no room at 80 columns); the countdown panel names
    // veto and act now while it counts.
    log_key(
        &[Char('A')],
        C::Arm,
        Some(help(6, "arm or disarm automation")),
        "arm automation for this run: what `[automation]` names, or auto-rollback alone; again \
         disarms; journaled (`armed_changed`); the header shows ARMED while armed",
    ),
    log_key(
        &[Char('x')],
        C::Veto,
        Some(help(6, "veto countdown; {act-now} acts now")),
        "veto the armed action counting down: type why (10 non-blank characters at least), \
         Enter; journaled (`auto_vetoed`) and held for 15m; works in a read-only cockpit too",
    ),
    log_key(
        &[Char('g')],
        C::ActNow,
        None,
        "act now on the armed action counting down: opens its Approve-Risk prompt",
    ),
    log_key(
        &[PageUp],
        C::Older,
        Some(help(4, "scroll events ({newer}, {oldest}, {newest})")),
        "event log: back 5 entries; it then holds its place while new ones arrive",
    ),
    log_key(&[PageDown], C::Newer, None, "event log: on 5 entries"),
    log_key(&[Home], C::Oldest, None, "event log: the oldest entry"),
    log_key(
        &[End],
        C::Newest,
        None,
        "event log: the newest entry, following new ones again",
    ),
    log_key(
        &[Char('/')],
        C::Filter,
        Some(help(4, "filter events, level:warn")),
        "filter the event log: type text (any case) and/or `level:warn` (warnings and \
         errors) or `level:error`, applied as you type, Enter keeps it, Esc clears; the title \
         shows the filter and how many entries it hides",
    ),
    focus_key(
        &[Tab],
        C::FocusNext,
        Some(help(5, "focus panels ({focus-prev} back)")),
        "focus the next panel: stop conditions, gates, sources, then none; the focused row is \
         marked `›` (`>` with `--ascii`)",
    ),
    focus_key(&[BackTab], C::FocusPrev, None, "focus the panel before"),
    focus_key(
        &[Up, Char('k')],
        C::FocusUp,
        Some(help(5, "row up, {focus-down} down; {open} opens it")),
        "focus the row above",
    ),
    focus_key(
        &[Down, Char('j')],
        C::FocusDown,
        None,
        "focus the row below (with nothing focused, the first row)",
    ),
    // Labelled in the footer while a row is focused; last, so a narrow footer cuts only it.
    Binding {
        footer: Some("details"),
        ..focus_key(
            &[Enter],
            C::Open,
            None,
            "open the focused row's detail: a stop condition's chart this stage against its warn and \
         breach lines, its headroom, how long it has been in its state, when it would breach on \
         its trend, and its query; a gate's or source's evidence, recent polls and errors. \
         ↑/↓ go to the next row's detail, Esc returns",
        )
    },
    bind(&[S::Help], &[Esc, Char('?'), Char('q'), Enter], C::Close),
    bind(&[S::Help], &[Ctrl('c')], C::Quit),
    bind(&[S::ConfirmQuit], &[Char('y'), Char('Y')], C::QuitNow),
    bind(&[S::ConfirmHandover], &[Char('y'), Char('Y')], C::Confirm),
    Binding {
        keys: Keys::AnyOther,
        ..bind(&[S::ConfirmHandover], &[], C::Close)
    },
    Binding {
        keys: Keys::AnyOther,
        ..bind(&[S::ConfirmQuit], &[], C::Close)
    },
    // Both prompts, Approve-Risk and Verified, are typed into the same way.
    Binding {
        readme: Some("cancel"),
        ..bind(PROMPTS, &[Esc, Ctrl('c'), Ctrl('g')], C::Cancel)
    },
    bind(PROMPTS, &[Enter], C::Confirm),
    Binding {
        keys: Keys::AnyLetter,
        ..bind(PROMPTS, &[], C::Type)
    },
    bind(PROMPTS, &[Backspace], C::Erase),
    bind(PROMPTS, &[Ctrl('u')], C::Clear),
    // Tab is never typed: in the Approve-Risk prompt it fills a rollback's reason.
    Binding {
        readme: Some(
            "roll back only: fill the reason with the breached conditions, each value against \
             its limit (`Error rate 3.40% > 2.00%`); edit it if you like, Enter sends it",
        ),
        ..bind(&[S::Prompt], &[Tab], C::Fill)
    },
    bind(&[S::ReleaseHold], &[Char('y'), Char('Y')], C::Confirm),
    Binding {
        keys: Keys::AnyOther,
        ..bind(&[S::ReleaseHold], &[], C::Cancel)
    },
    bind(&[S::Verify], &[Tab, Down], C::Down),
    bind(&[S::Verify], &[Up], C::Up),
    bind(
        &[S::ActionsMenu],
        &[Esc, Char('q'), Char('a'), Ctrl('c'), Ctrl('g')],
        C::Close,
    ),
    bind(&[S::ActionsMenu], &[Up, Char('k')], C::Up),
    bind(&[S::ActionsMenu], &[Down, Char('j'), Tab], C::Down),
    bind(&[S::ActionsMenu], &[Enter], C::Choose),
    bind(
        &[S::Checklist],
        &[Esc, Char('c'), Char('q'), Ctrl('c')],
        C::Close,
    ),
    bind(&[S::Checklist], &[Up, Char('k')], C::Up),
    bind(&[S::Checklist], &[Down, Char('j'), Tab], C::Down),
    bind(&[S::Checklist], &[Char(' '), Enter, Char('x')], C::Tick),
    bind(
        &[S::Detail],
        &[Esc, Char('q'), Enter, Backspace, Ctrl('g')],
        C::Close,
    ),
    bind(&[S::Detail], &[Ctrl('c')], C::Quit),
    bind(&[S::Detail], &[Up, Char('k')], C::FocusUp),
    bind(&[S::Detail], &[Down, Char('j')], C::FocusDown),
    bind(&[S::Digest], &[Esc, Char('d'), Enter], C::Close),
    bind(&[S::Digest], &[Up, Char('k')], C::Up),
    bind(&[S::Digest], &[Down, Char('j')], C::Down),
    bind(&[S::Digest], &[PageUp], C::Older),
    bind(&[S::Digest], &[PageDown], C::Newer),
];

/// What the help overlay says of the prompt's keys, under the cockpit's.
pub const PROMPT_HELP: [&str; 2] = [
    "In the prompt: Enter confirms; Esc, Ctrl-C or Ctrl-G cancel;",
    "Ctrl-U clears it; Tab fills a rollback's reason; pasting works.",
];
