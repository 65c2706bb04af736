//! Colours and symbols by role. Colour never carries meaning alone: every role also has a
//! symbol, and the words come from the states themselves.
//!
//! The palette is the 16 ANSI colours only. Without colour (`NO_COLOR`) every style is the
//! terminal's default plus at most bold or reversed. The ASCII set draws with plain ASCII:
//! no box drawing, no braille, no block elements.

use crate::app::{LogLevel, SourceStatus};
use crate::core::condition::CondState;
use crate::core::gate::{GateState, Tier};
use crate::core::plan::StageState;
use crate::core::verdict::VerdictKind;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;
use std::borrow::Cow;

/// The glyphs the screen draws with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbols {
    pub ok: &'static str,
    pub warn: &'static str,
    pub bad: &'static str,
    pub unknown: &'static str,
    /// Pending stage, waiting source, plain log line.
    pub idle: &'static str,
    /// The stage that is baking.
    pub active: &'static str,
    pub rolled_back: &'static str,
    pub hold: &'static str,
    pub bullet: &'static str,
    pub ellipsis: &'static str,
    /// Horizontal rule under panel titles.
    pub rule: &'static str,
    pub separator: &'static str,
    pub gauge_full: &'static str,
    pub gauge_empty: &'static str,
    /// Sparkline levels, lowest first.
    pub spark: &'static [&'static str],
    pub dash: &'static str,
    /// An action in flight.
    pub busy: &'static str,
    /// Before the operator's input.
    pub prompt: &'static str,
}

const UNICODE: Symbols = Symbols {
    ok: "✓",
    warn: "!",
    bad: "✗",
    unknown: "?",
    idle: "·",
    active: "▶",
    rolled_back: "↶",
    hold: "‖",
    bullet: "•",
    ellipsis: "…",
    rule: "─",
    separator: "│",
    gauge_full: "█",
    gauge_empty: "░",
    spark: &["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
    dash: "—",
    busy: "⟳",
    prompt: "›",
};

const ASCII: Symbols = Symbols {
    ok: "+",
    warn: "!",
    bad: "X",
    unknown: "?",
    idle: ".",
    active: ">",
    rolled_back: "<",
    // Not "=": that is a steady trend (`Trend::symbol`).
    hold: "||",
    bullet: "*",
    ellipsis: "...",
    rule: "-",
    separator: "|",
    gauge_full: "#",
    gauge_empty: "-",
    // No state's symbol among them: a low sparkline of "+" read as a column of OKs.
    spark: &["_", ",", "-", "=", "o", "*", "#"],
    dash: "-",
    busy: "~",
    prompt: ">",
};

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub color: bool,
    pub ascii: bool,
    pub sym: Symbols,
    pub ok: Style,
    pub warn: Style,
    pub bad: Style,
    pub unknown: Style,
    pub info: Style,
    pub baking: Style,
    /// Secondary text: hints, column headers, timestamps.
    pub dim: Style,
    pub title: Style,
    pub rule: Style,
    /// A key in the footer or the help.
    pub key: Style,
    /// The current stage's column.
    pub current: Style,
    /// The READ-ONLY badge.
    pub badge: Style,
    /// What must not be missed: an override, a refused Enter, a changed verdict.
    pub alert: Style,
    /// Verdicts on the high-contrast theme's strong backgrounds (`contrast.rs`).
    pub strong: bool,
}

impl Theme {
    /// `color = false` for `NO_COLOR`; `ascii = true` for fonts without box drawing.
    pub fn new(color: bool, ascii: bool) -> Self {
        let fg = |c: Color| {
            if color {
                Style::new().fg(c)
            } else {
                Style::new()
            }
        };
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            color,
            ascii,
            sym: if ascii { ASCII } else { UNICODE },
            ok: fg(Color::Green),
            warn: fg(Color::Yellow),
            bad: fg(Color::Red).add_modifier(Modifier::BOLD),
            unknown: fg(Color::Magenta),
            info: fg(Color::Cyan),
            baking: fg(Color::Blue).add_modifier(Modifier::BOLD),
            dim: fg(Color::DarkGray),
            title: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            rule: fg(Color::DarkGray),
            key: bold.add_modifier(Modifier::REVERSED),
            current: bold.add_modifier(Modifier::REVERSED),
            badge: if color {
                Style::new()
                    .fg(Color::Black)
                    .bg(Color::Cyan)
                    .add_modifier(Modifier::BOLD)
            } else {
                bold.add_modifier(Modifier::REVERSED)
            },
            alert: if color {
                Style::new()
                    .fg(Color::White)
                    .bg(Color::Red)
                    .add_modifier(Modifier::BOLD)
            } else {
                bold.add_modifier(Modifier::REVERSED)
            },
            strong: false,
        }
    }

    /// The banner style and symbol of a verdict.
    pub fn verdict(&self, kind: VerdictKind) -> (Style, &'static str) {
        let (fg, bg, sym) = match kind {
            VerdictKind::Go => (Color::Black, Color::Green, self.sym.ok),
            VerdictKind::Complete => (Color::Black, Color::Green, self.sym.ok),
            VerdictKind::Hold => (Color::White, Color::Blue, self.sym.hold),
            VerdictKind::NoGoUntilVerified => (Color::Black, Color::Magenta, self.sym.unknown),
            VerdictKind::RollbackAdvised => (Color::White, Color::Red, self.sym.bad),
        };
        let (fg, bg) = if self.strong {
            super::contrast::verdict_colours(kind)
        } else {
            (fg, bg)
        };
        let style = if self.color {
            Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        };
        (style, sym)
    }

    pub fn condition(&self, state: CondState) -> (Style, &'static str) {
        match state {
            CondState::Ok => (self.ok, self.sym.ok),
            CondState::Warn => (self.warn, self.sym.warn),
            CondState::Breached => (self.bad, self.sym.bad),
            CondState::Unknown => (self.unknown, self.sym.unknown),
        }
    }

    pub fn stage(&self, state: StageState) -> (Style, &'static str) {
        match state {
            StageState::Pending => (self.dim, self.sym.idle),
            StageState::Baking => (self.baking, self.sym.active),
            StageState::Ready => (self.ok.add_modifier(Modifier::BOLD), self.sym.ok),
            StageState::Breached => (self.bad, self.sym.bad),
            StageState::Done => (self.ok, self.sym.ok),
            StageState::RolledBack => (self.warn, self.sym.rolled_back),
        }
    }

    /// A gate's symbol follows its state, except that a should-tier gate only warns; its
    /// colour follows how much the tier matters.
    pub fn gate(&self, state: GateState, tier: Tier) -> (Style, &'static str) {
        let sym = match (state, tier) {
            (GateState::Holds, _) => self.sym.ok,
            (_, Tier::Should) => self.sym.warn,
            (GateState::Fails, _) => self.sym.bad,
            (GateState::Unknown, _) => self.sym.unknown,
        };
        let style = match (state, tier) {
            (GateState::Holds, _) => self.ok,
            (_, Tier::Optional) => self.dim,
            (_, Tier::Should) => self.warn,
            (GateState::Fails, Tier::Must) => self.bad,
            (GateState::Unknown, Tier::Must) => self.unknown,
        };
        (style, sym)
    }

    pub fn source(&self, status: SourceStatus) -> (Style, &'static str) {
        match status {
            SourceStatus::Waiting => (self.dim, self.sym.idle),
            SourceStatus::Ok => (self.ok, self.sym.ok),
            SourceStatus::Failing | SourceStatus::Unusable => (self.bad, self.sym.bad),
            SourceStatus::Stale => (self.unknown, self.sym.unknown),
        }
    }

    /// Style, symbol and word of a log level.
    pub fn log(&self, level: LogLevel) -> (Style, &'static str, &'static str) {
        match level {
            LogLevel::Info => (Style::new(), self.sym.idle, "INFO"),
            LogLevel::Good => (self.ok, self.sym.ok, "OK"),
            LogLevel::Warn => (self.warn, self.sym.warn, "WARN"),
            LogLevel::Error => (self.bad, self.sym.bad, "ERROR"),
        }
    }

    /// Text as this theme may draw it: with the ASCII set, the typographic symbols that the
    /// rest of the program writes (≤, →, ·, …) become ASCII. Other characters are left alone.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if !self.ascii || s.is_ascii() {
            return Cow::Borrowed(s);
        }
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '≤' => out.push_str("<="),
                '≥' => out.push_str(">="),
                '→' => out.push_str("->"),
                '←' => out.push_str("<-"),
                '↑' => out.push('^'),
                '↓' => out.push('v'),
                '·' => out.push('-'),
                '•' => out.push('*'),
                '…' => out.push_str("..."),
                '×' => out.push('x'),
                '–' | '—' | '─' => out.push('-'),
                '✓' => out.push('+'),
                '✗' => out.push('X'),
                '‹' | '«' => out.push('<'),
                '›' | '»' => out.push('>'),
                '“' | '”' => out.push('"'),
                '‘' | '’' => out.push('\''),
                '\u{a0}' => out.push(' '),
                c => out.push(c),
            }
        }
        Cow::Owned(out)
    }

    /// `s` as drawn by this theme, cut to at most `width` columns with an ellipsis.
    pub fn fit(&self, s: &str, width: usize) -> String {
        fit(&self.text(s), width, self.sym.ellipsis)
    }
}

/// Display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Cut `s` to at most `max` columns; a cut is marked with `ellipsis`.
pub fn fit(s: &str, max: usize, ellipsis: &str) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(width(ellipsis));
    let mut out = String::new();
    let mut used = 0;
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let w = width(c.encode_utf8(&mut buf));
        if used + w > room {
            break;
        }
        out.push(c);
        used += w;
    }
    if max >= width(ellipsis) {
        out.push_str(ellipsis);
    }
    out
}

/// `s` cut or padded with spaces to exactly `w` columns.
pub fn pad(s: &str, w: usize, ellipsis: &str) -> String {
    let mut out = fit(s, w, ellipsis);
    let used = width(&out);
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_marks_the_cut_and_respects_the_width() {
        assert_eq!(fit("stale: last value 47s ago", 12, "…"), "stale: last…");
        assert_eq!(fit("short", 12, "…"), "short");
        assert_eq!(fit("abcdef", 4, "..."), "a...");
        assert_eq!(fit("abcdef", 2, "..."), "");
        assert_eq!(pad("ab", 4, "…"), "ab  ");
    }

    /// What a row's state is drawn with must never be mistaken for how a value moves: in ASCII
    /// the hold was "=" like a steady trend, and the sparkline drew "+" and "." like OK and
    /// pending.
    #[test]
    fn state_symbols_are_distinct_from_trend_symbols_and_each_other() {
        use crate::core::series::Trend;
        for (set, ascii) in [(&UNICODE, false), (&ASCII, true)] {
            let states = [
                set.ok,
                set.warn,
                set.bad,
                set.unknown,
                set.idle,
                set.active,
                set.rolled_back,
                set.hold,
                set.busy,
            ];
            let trends: Vec<&str> = [Trend::Rising, Trend::Falling, Trend::Flat]
                .map(|t| t.symbol(ascii))
                .into_iter()
                .chain(set.spark.iter().copied())
                .collect();
            for (i, s) in states.iter().enumerate() {
                assert!(!trends.contains(s), "ascii={ascii}: {s:?} is also a trend");
                assert!(!states[i + 1..].contains(s), "ascii={ascii}: {s:?} twice");
            }
        }
    }

    #[test]
    fn ascii_theme_translates_the_program_symbols() {
        let t = Theme::new(false, true);
        assert_eq!(t.text("≤ 2.00% · 5% → 10% …"), "<= 2.00% - 5% -> 10% ...");
        assert_eq!(Theme::new(true, false).text("≤ 2"), "≤ 2");
    }
}
