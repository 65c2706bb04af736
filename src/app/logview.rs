//! The event log as the operator reads it: following the newest entry, or held in place
//! scrolled back; and filtered by text and level. The update keeps the scroll in entries; the
//! view, which knows the panel's height, clamps it.

use super::keymap::Command;
use super::screen::LogEntry;
use super::{Key, LogLevel, Overlay, State};

/// How many entries PgUp and PgDn move. The update does not know the panel's height, so a page
/// is the fewest lines the panel keeps (five, the incident layout's floor): a step never jumps
/// past an entry the operator has not seen, at any terminal size.
pub const PAGE: usize = 5;

/// How the log panel is read: scrolled or following, filtered or not.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogView {
    /// How many shown entries lie below the view's last line; 0 follows the newest.
    pub scroll: usize,
    pub filter: LogFilter,
}

/// Which entries the log panel shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogFilter {
    /// As typed, for the title and for editing it again.
    pub input: String,
    /// Lowercased text an entry must contain (case-insensitive match).
    text: String,
    /// The least serious level shown; `None` shows every level.
    level: Option<LogLevel>,
}

impl LogFilter {
    /// Read what was typed after `/`: words to match, and `level:warn` (warnings and errors)
    /// or `level:error` (errors only), as k9s users type a filter rather than cycle a key.
    pub fn parse(input: &str) -> LogFilter {
        let mut level = None;
        let mut words = Vec::new();
        for word in input.split_whitespace() {
            match word.to_lowercase().strip_prefix("level:") {
                Some("warn" | "warning" | "warnings") => level = Some(LogLevel::Warn),
                Some("error" | "errors" | "err") => level = Some(LogLevel::Error),
                Some("all" | "info") => level = None,
                _ => words.push(word),
            }
        }
        LogFilter {
            input: input.trim().to_string(),
            text: words.join(" ").to_lowercase(),
            level,
        }
    }

    pub fn is_active(&self) -> bool {
        !self.text.is_empty() || self.level.is_some()
    }

    pub fn shows(&self, e: &LogEntry) -> bool {
        let serious = |l: LogLevel| match l {
            LogLevel::Info | LogLevel::Good => 0,
            LogLevel::Warn => 1,
            LogLevel::Error => 2,
        };
        self.level.is_none_or(|l| serious(e.level) >= serious(l))
            && (self.text.is_empty() || e.text.to_lowercase().contains(&self.text))
    }
}

impl State {
    /// PgUp, PgDn, Home, End on the dashboard.
    pub(super) fn scroll_log(&mut self, command: Command) {
        // As far back as puts the oldest page in view: scrolling further would only pile up
        // PgDn presses that move nothing. A panel taller than a page clamps the offset again
        // when it draws (ui/log.rs), so there the first PgDn from the oldest may not move.
        let oldest = self.shown_log().count().saturating_sub(PAGE);
        let view = &mut self.screen.log_view;
        view.scroll = match command {
            Command::Older => (view.scroll + PAGE).min(oldest),
            Command::Newer => view.scroll.saturating_sub(PAGE),
            Command::Oldest => oldest,
            Command::Newest => 0,
            _ => return,
        };
        self.screen.dirty = true;
    }

    /// The entries the filter lets through, oldest first.
    pub fn shown_log(&self) -> impl Iterator<Item = &LogEntry> {
        let filter = &self.screen.log_view.filter;
        self.screen.log.iter().filter(move |e| filter.shows(e))
    }

    /// `/`: the filter prompt, holding the filter in force to edit.
    pub(super) fn open_filter(&mut self) {
        let draft = self.screen.log_view.filter.input.clone();
        self.screen.overlay = Overlay::Filter { draft };
        self.screen.dirty = true;
    }

    /// A key in the filter prompt: typing filters as it goes, Enter keeps the filter, Esc clears it.
    pub(super) fn filter_key(&mut self, command: Option<Command>, key: Key) {
        let Overlay::Filter { draft } = &mut self.screen.overlay else {
            return;
        };
        self.screen.dirty = true;
        match (command, key) {
            (Some(Command::Type), Key::Char(c)) => draft.push(c),
            (Some(Command::Erase), _) => {
                draft.pop();
            }
            (Some(Command::Clear), _) => draft.clear(),
            (Some(Command::Confirm), _) => {
                let filter = LogFilter::parse(draft);
                return self.set_filter(filter);
            }
            (Some(Command::Cancel), _) => return self.set_filter(LogFilter::default()),
            _ => return,
        }
        // The log follows the draft as it is typed; Enter keeps it, Esc clears it.
        let filter = LogFilter::parse(draft);
        self.screen.log_view = LogView { scroll: 0, filter };
    }

    pub(super) fn filter_paste(&mut self, text: &str) {
        if let Overlay::Filter { draft } = &mut self.screen.overlay {
            draft.push_str(&super::approve::clean_paste(text));
            let filter = LogFilter::parse(draft);
            self.screen.log_view = LogView { scroll: 0, filter };
            self.screen.dirty = true;
        }
    }

    /// A new filter shows the newest of what it lets through.
    fn set_filter(&mut self, filter: LogFilter) {
        self.screen.overlay = Overlay::None;
        self.screen.log_view = LogView { scroll: 0, filter };
    }
}
