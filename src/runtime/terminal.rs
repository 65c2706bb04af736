//! Taking over the terminal and giving it back on every way out: normal exit, error (the
//! guard's Drop), panic (the hook) and signals (the event loop quits, then the guard drops).

use super::screen::Screen;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::style::{Attribute, SetAttribute};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::Once;

pub type Term = Terminal<Screen<Stdout>>;

/// Owns the terminal while the cockpit runs; restores it when dropped.
pub struct TerminalGuard {
    pub terminal: Term,
}

/// Put the terminal back: plain colours, leave the alternate screen, show the cursor, stop
/// bracketed paste, leave raw mode. Safe to call more than once and when the terminal is already gone (a
/// dropped SSH link): every step's error is ignored.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        SetAttribute(Attribute::Reset),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
}

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
        ) {
            restore();
            return Err(e);
        }
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
