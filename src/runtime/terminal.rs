//! Taking over the terminal (its window title too) and giving it back on every way out: normal
//! exit, error (the guard's Drop), panic (the hook) and signals (the event loop quits, then the
//! guard drops).

use super::screen::Screen;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::style::{Attribute, SetAttribute};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, SetTitle, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use std::io::{self, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

pub type Term = Terminal<Screen<Stdout>>;

/// Owns the terminal while the cockpit runs; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: Term,
}

/// Put the terminal back: plain colours, leave the alternate screen, show the cursor, stop
/// bracketed paste, give back the window title, leave raw mode. Safe to call more than once
/// and when the terminal is already gone (a dropped SSH link): every step's error is ignored.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        SetAttribute(Attribute::Reset),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    if TITLE_SAVED.swap(false, Ordering::SeqCst) {
        // Cleared, for a terminal without a title stack; then the title from before, where
        // there is one. Once only: a second pop would take a title someone else saved.
        let _ = execute!(out, SetTitle(""));
        let _ = out.write_all(POP_TITLE).and_then(|()| out.flush());
    }
    let _ = disable_raw_mode();
}

/// xterm's title stack (CSI 22/23 t), which tmux keeps too: crossterm has no command for it.
const PUSH_TITLE: &[u8] = b"\x1b[22;0t";
const POP_TITLE: &[u8] = b"\x1b[23;0t";

/// The title from before the cockpit is saved on the terminal's stack, to be given back.
static TITLE_SAVED: AtomicBool = AtomicBool::new(false);

static PANIC_HOOK: Once = Once::new();

/// Restore the terminal before any panic message is printed, so the message is readable and
/// the shell is usable. Chains to the hook installed before (color-eyre's).
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(
            out,
            EnterAlternateScreen,
            EnableBracketedPaste,
            cursor::Hide
        )
        .and_then(|()| out.write_all(PUSH_TITLE))
        .and_then(|()| out.flush())
        {
            restore();
            return Err(e);
        }
        TITLE_SAVED.store(true, Ordering::SeqCst);
        let terminal = match Terminal::new(Screen::new(io::stdout())) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e);
            }
        };
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
