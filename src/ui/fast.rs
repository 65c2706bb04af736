//! Writing text into the buffer without segmenting it into graphemes when it cannot need it.
//!
//! `Buffer::set_line` splits every span into grapheme clusters and measures each one; for a
//! full screen that is most of the cost of a frame. Nearly all of this screen's text is ASCII
//! and a few symbols that are one column wide and never combine with their neighbours; such a
//! span is written cell by cell. Anything else goes through `set_stringn`. The buffer comes
//! out the same either way (the tests compare them).

use ratatui::buffer::Buffer;
use ratatui::text::Line;

/// Symbols the screen draws that take one column and stand alone as a grapheme.
const SIMPLE: &[char] = &[
    '─', '│', '✓', '✗', '·', '▶', '↶', '‖', '•', '…', '█', '░', '▁', '▂', '▃', '▄', '▅', '▆', '▇',
    '—', '–', '⟳', '›', '‹', '≤', '≥', '→', '←', '↑', '↓', '×', '“', '”', '‘', '’', '«', '»',
];

fn simple(c: char) -> bool {
    (' '..='~').contains(&c) || (!c.is_ascii() && SIMPLE.contains(&c))
}

/// What `Buffer::set_line` does, faster for simple text.
pub fn set_line(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>, max_width: u16) -> (u16, u16) {
    let mut remaining = max_width;
    let mut x = x;
    for span in line {
        if remaining == 0 {
            break;
        }
        let style = line.style.patch(span.style);
        let content = span.content.as_ref();
        let end = if content.chars().all(simple) {
            let mut room = buf.area.right().saturating_sub(x).min(remaining);
            let mut at = x;
            for c in content.chars() {
                if room == 0 {
                    break;
                }
                buf[(at, y)].set_char(c).set_style(style);
                at += 1;
                room -= 1;
            }
            at
        } else {
            buf.set_stringn(x, y, content, remaining as usize, style).0
        };
        remaining = remaining.saturating_sub(end.saturating_sub(x));
        x = end;
    }
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier, Style};
    use ratatui::text::Span;

    fn both(line: &Line, x: u16, max: u16) -> (Buffer, Buffer) {
        let area = Rect::new(0, 0, 24, 1);
        let (mut a, mut b) = (Buffer::empty(area), Buffer::empty(area));
        a.set_line(x, 0, line, max);
        set_line(&mut b, x, 0, line, max);
        (a, b)
    }

    #[test]
    fn every_simple_symbol_is_one_column_and_one_grapheme() {
        for &c in SIMPLE {
            let s = format!("{c}{c}{c}");
            assert_eq!(Span::raw(s.as_str()).width(), 3, "{c:?}");
            let line = Line::from(s);
            let (a, b) = both(&line, 0, 24);
            assert_eq!(a, b, "{c:?}");
        }
    }

    #[test]
    fn lines_come_out_as_set_line_writes_them() {
        let red = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
        let lines = [
            Line::from("plain ascii text that is longer than the buffer is"),
            Line::from(vec![
                Span::styled("✓ OK ", red),
                Span::raw("0.42% → ≤ 2.00% "),
                Span::styled("▂▃▄█", red),
            ])
            .style(Style::new().bg(Color::Blue)),
            Line::from(vec![
                Span::raw("wide 漢字 and é combining e\u{301}"),
                Span::raw("…"),
            ]),
            Line::from(vec![
                Span::raw("tab\there"),
                Span::raw("✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓"),
            ]),
            Line::from(vec![Span::raw(""), Span::raw("x")]),
        ];
        for line in &lines {
            for (x, max) in [(0, 24), (3, 24), (5, 7), (20, 24), (23, 1), (0, 0)] {
                let (a, b) = both(line, x, max);
                assert_eq!(a, b, "{line:?} at {x}, {max} columns");
            }
        }
    }
}
