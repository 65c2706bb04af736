//! The help overlay: keys, what each verdict means, and the symbols.

use super::draw::{modal_block, modal_box};
use super::theme::{Theme, pad, width};
use crate::app::keymap::{Command as C, Scope};
use crate::app::{State, keymap};
use crate::core::verdict::VerdictKind;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Help<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

const VERDICTS: [(VerdictKind, &str); 5] = [
    (VerdictKind::Go, "baked and healthy, gates hold: promote"),
    (VerdictKind::Complete, "the last stage is baked and healthy"),
    (VerdictKind::Hold, "healthy, still baking: wait"),
    (
        VerdictKind::NoGoUntilVerified,
        "missing data, failing gate or drift: verify",
    ),
    (
        VerdictKind::RollbackAdvised,
        "a stop condition is breached: roll back",
    ),
];

impl Help<'_> {
    fn lines(&self) -> Vec<Line<'static>> {
        let t = self.theme;
        let s = &t.sym;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let heading = |text: &str| Line::styled(text.to_string(), t.title);
        let mut lines = vec![heading("Keys")];
        let rows = keymap::help_rows(self.state);
        // Five columns fit every default key; a longer rebound one (Ctrl-R) widens them.
        let key_w = rows.iter().flatten().map(|(k, _)| width(k) + 1).max();
        let key_w = key_w.unwrap_or(0).max(5);
        // The left words give up what the keys take, keeping a space after the longest.
        let words_w = (39 - key_w).max(33);
        let key_pair = |a: (&str, &str), b: (&str, &str)| {
            Line::from(vec![
                Span::raw("  "),
                Span::styled(pad(&t.text(a.0), key_w, s.ellipsis), bold),
                Span::raw(pad(&t.text(a.1), words_w, s.ellipsis)),
                Span::styled(pad(&t.text(b.0), key_w, s.ellipsis), bold),
                Span::raw(t.text(b.1).into_owned()),
            ])
        };
        let blank = (String::new(), String::new());
        // Two keys a line; a row of the table with more goes on over further lines.
        for pair in rows.iter().flat_map(|row| row.chunks(2)) {
            let left = &pair[0];
            let right = pair.get(1).unwrap_or(&blank);
            lines.push(key_pair((&left.0, &left.1), (&right.0, &right.1)));
        }
        let notes: &[&str] = if self.state.session.read_only {
            &["read-only: actions are disabled in this cockpit"]
        } else {
            &keymap::PROMPT_HELP
        };
        for note in notes {
            lines.push(Line::raw(format!("  {}", t.text(note))));
        }
        lines.push(Line::default());
        lines.push(heading("Verdicts"));
        for (kind, what) in VERDICTS {
            let (style, sym) = t.verdict(kind);
            let word = format!(" {sym} {} ", kind.label());
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(word.clone(), style),
                Span::raw(" ".repeat(27usize.saturating_sub(super::theme::width(&word)))),
                Span::raw(t.text(what).into_owned()),
            ]));
        }
        lines.push(Line::default());
        lines.push(heading("Symbols"));
        let trend = format!(
            "{}{}{}",
            crate::core::series::Trend::Rising.symbol(t.ascii),
            crate::core::series::Trend::Falling.symbol(t.ascii),
            crate::core::series::Trend::Flat.symbol(t.ascii)
        );
        let pairs = [
            (
                (s.ok, t.ok, "OK, done, holds"),
                (s.warn, t.warn, "WARN, should-tier gate"),
            ),
            (
                (s.bad, t.bad, "BREACH, FAIL, DOWN, BAD"),
                (s.unknown, t.unknown, "UNKNOWN, STALE"),
            ),
            (
                (s.active, t.baking, "baking"),
                (s.idle, t.dim, "pending, waiting"),
            ),
            (
                (s.rolled_back, t.warn, "rolled back"),
                (trend.as_str(), bold, "trend of a value"),
            ),
        ];
        for ((s1, st1, w1), (s2, st2, w2)) in pairs {
            lines.push(Line::from(vec![
                Span::raw("  "),
                Span::styled(pad(s1, 4, s.ellipsis), st1),
                Span::raw(pad(w1, 26, s.ellipsis)),
                Span::styled(pad(s2, 4, s.ellipsis), st2),
                Span::raw(w2.to_string()),
            ]));
        }
        lines.push(Line::default());
        lines.push(Line::styled(
            "Missing, failed or stale data is UNKNOWN, never healthy.",
            t.dim,
        ));
        lines.push(Line::styled(
            "Colours only repeat what the words and symbols say.",
            t.dim,
        ));
        lines
    }
}

impl Widget for &Help<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut lines = self.lines();
        // On a short screen the blank lines between sections go first, then the headings of
        // the verdicts and the symbols (their lines say what they are), then the last lines.
        let headings = ["Verdicts", "Symbols"];
        while lines.len() + 2 > area.height as usize {
            let blank = lines.iter().rposition(|l| l.width() == 0);
            let heading =
                || (lines.iter()).rposition(|l| headings.iter().any(|h| l.to_string() == *h));
            match blank.or_else(heading) {
                Some(i) => lines.remove(i),
                None => match lines.pop() {
                    Some(line) => line,
                    None => break,
                },
            };
        }
        let t = self.theme;
        let close = self.state.setup.keys.label(Scope::Help, C::Close);
        let block = modal_block(t, "Help", t.title)
            .title_bottom(Line::styled(format!(" {} closes ", close), t.dim).right_aligned());
        modal_box(area, buf, lines, block);
    }
}
