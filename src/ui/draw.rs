//! Small drawing helpers shared by the panels: titled rules, fixed-width cells, and choosing
//! which rows to show when a panel has less room than rows.

use super::theme::{Theme, pad, width};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding};

/// Draw a panel's title rule on the first row of `area` (`── Title ───── summary ─`) and
/// return the rows below it.
pub fn titled(buf: &mut Buffer, area: Rect, theme: &Theme, title: &str, summary: Line) -> Rect {
    if area.height == 0 || area.width == 0 {
        return area;
    }
    let rule = theme.sym.rule;
    let mut spans = vec![
        Span::styled(rule.repeat(2), theme.rule),
        Span::raw(" "),
        Span::styled(theme.text(title).into_owned(), theme.title),
        Span::raw(" "),
    ];
    let used: usize = spans.iter().map(Span::width).sum();
    let summary_w = summary.width();
    let total = area.width as usize;
    let fill = if summary_w > 0 && used + summary_w + 4 <= total {
        total - used - summary_w - 3
    } else {
        total.saturating_sub(used)
    };
    spans.push(Span::styled(rule.repeat(fill), theme.rule));
    if summary_w > 0 && used + summary_w + 4 <= total {
        spans.push(Span::raw(" "));
        spans.extend(summary.spans);
        spans.push(Span::raw(" "));
        spans.push(Span::styled(rule.to_string(), theme.rule));
    }
    super::fast::set_line(buf, area.x, area.y, &Line::from(spans), area.width);
    Rect {
        y: area.y + 1,
        height: area.height - 1,
        ..area
    }
}

/// A cell of a row: text, the columns it gets, and its style.
pub struct Cell {
    pub text: String,
    pub width: usize,
    pub style: Style,
}

pub fn cell(text: impl Into<String>, width: usize, style: Style) -> Cell {
    Cell {
        text: text.into(),
        width,
        style,
    }
}

/// Cells padded to their widths and separated by one space; cells of width 0 are left out.
pub fn row(theme: &Theme, cells: Vec<Cell>) -> Line<'static> {
    let mut spans = Vec::new();
    for c in cells.into_iter().filter(|c| c.width > 0) {
        if !spans.is_empty() {
            spans.push(Span::raw(" "));
        }
        let text = pad(&theme.text(&c.text), c.width, theme.sym.ellipsis);
        spans.push(Span::styled(text, c.style));
    }
    Line::from(spans)
}

/// The widest of `texts` as drawn by `theme`, at least `min`, at most `max`.
pub fn column_width<'a>(
    theme: &Theme,
    texts: impl IntoIterator<Item = &'a str>,
    min: usize,
    max: usize,
) -> usize {
    texts
        .into_iter()
        .map(|t| width(&theme.text(t)))
        .max()
        .unwrap_or(0)
        .clamp(min, max)
}

/// Which rows to show when only `room` lines fit: rows that need attention first, then the
/// others, each kept in their order; a line is kept for saying how many are hidden.
/// Returns the indices to show (in order) and how many are hidden.
pub fn pick_rows(attention: &[bool], room: usize) -> (Vec<usize>, usize) {
    let n = attention.len();
    if n <= room {
        return ((0..n).collect(), 0);
    }
    let cap = room.saturating_sub(1);
    let mut chosen: Vec<usize> = (0..n).filter(|&i| attention[i]).take(cap).collect();
    let rest = cap - chosen.len();
    chosen.extend((0..n).filter(|&i| !attention[i]).take(rest));
    chosen.sort_unstable();
    let hidden = n - chosen.len();
    (chosen, hidden)
}

/// The line under a cut table: "+3 more, all OK" or "+3 more".
pub fn more_line(theme: &Theme, attention: &[bool], shown: &[usize]) -> Line<'static> {
    let hidden: Vec<usize> = (0..attention.len())
        .filter(|i| !shown.contains(i))
        .collect();
    let all_fine = hidden.iter().all(|&i| !attention[i]);
    let text = if all_fine {
        format!("  +{} more, all {}", hidden.len(), "OK")
    } else {
        format!("  +{} more (enlarge the window to see them)", hidden.len())
    };
    Line::styled(text, theme.dim)
}

/// Write `lines` one per row from the top of `area`, cut at its edges.
pub fn lines(buf: &mut Buffer, area: Rect, lines: &[Line]) {
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        super::fast::set_line(buf, area.x, y, line, area.width);
    }
}

/// The area without a one-column margin on each side.
pub fn inset(area: Rect) -> Rect {
    if area.width < 2 {
        return area;
    }
    Rect {
        x: area.x + 1,
        width: area.width - 2,
        ..area
    }
}

/// Box corners and sides in plain ASCII.
const ASCII_BORDER: border::Set = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// The frame of an overlay: bordered in `style`, titled, one column of padding each side.
pub fn modal_block(theme: &Theme, title: &str, style: Style) -> Block<'static> {
    let title = format!(" {} ", theme.text(title));
    let block = Block::bordered()
        .title(Line::styled(title, style))
        .border_style(style)
        .padding(Padding::horizontal(1));
    if theme.ascii {
        block.border_set(ASCII_BORDER)
    } else {
        block
    }
}

/// `text` broken at spaces into lines of at most `max` columns; a word longer than a line is
/// broken where it must be.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let sep = usize::from(!line.is_empty());
        if width(&line) + sep + width(word) <= max {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let mut b = [0u8; 4];
            if width(&line) + width(c.encode_utf8(&mut b)) > max && !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// A box just big enough for `lines` (within `area`), centred, cleared and drawn with `block`.
pub fn modal_box(area: Rect, buf: &mut Buffer, lines: Vec<Line<'static>>, block: Block<'static>) {
    let w = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 4;
    let h = lines.len() as u16 + 2;
    let rect = area.centered(
        ratatui::layout::Constraint::Length(w.min(area.width)),
        ratatui::layout::Constraint::Length(h.min(area.height)),
    );
    use ratatui::widgets::{Clear, Paragraph, Widget};
    Clear.render(rect, buf);
    Paragraph::new(lines).block(block).render(rect, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_never_overflows() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 5), vec![""]);
        for line in wrap("a verdict changed from GO to HOLD: read it again", 9) {
            assert!(width(&line) <= 9, "{line:?}");
        }
    }

    #[test]
    fn rows_that_need_attention_are_shown_first_when_cut() {
        let attention = [false, false, true, false, true];
        assert_eq!(pick_rows(&attention, 5), (vec![0, 1, 2, 3, 4], 0));
        assert_eq!(pick_rows(&attention, 3), (vec![2, 4], 3));
        assert_eq!(pick_rows(&attention, 4), (vec![0, 2, 4], 2));
        assert_eq!(pick_rows(&attention, 0), (vec![], 5));
    }
}
