//! The focused row of a panel: always in view, marked in the margin left of the row (`›`, `>`
//! in ASCII) and drawn reversed, so it reads without colour.

use super::theme::Theme;
use crate::app::{Panel, State};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

/// The focused row of `panel`, if focus is on it.
pub fn row(state: &State, panel: Panel) -> Option<usize> {
    state
        .screen
        .focus
        .filter(|f| f.panel == panel)
        .map(|f| f.row)
}

/// Make sure the focused row is among the rows shown (in order), in place of the last shown
/// row that is not, so a cut table never hides what the operator is looking at.
pub fn keep_in_view(shown: &mut Vec<usize>, focused: Option<usize>, rows: usize) {
    let Some(f) = focused.filter(|&f| f < rows) else {
        return;
    };
    if shown.contains(&f) || shown.is_empty() {
        return;
    }
    shown.pop();
    shown.push(f);
    shown.sort_unstable();
}

/// Mark line `line` of the rows drawn in `inner` (a panel's area less its margins) as focused:
/// the marker in the left margin, the row reversed.
pub fn mark(buf: &mut Buffer, inner: Rect, line: Option<usize>, theme: &Theme) {
    let Some(y) = line
        .map(|l| inner.y + l as u16)
        .filter(|&y| y < inner.bottom())
    else {
        return;
    };
    if inner.x > 0 {
        buf[(inner.x - 1, y)]
            .set_symbol(theme.sym.prompt)
            .set_style(theme.title);
    }
    for x in inner.left()..inner.right() {
        let cell = &mut buf[(x, y)];
        cell.set_style(cell.style().add_modifier(Modifier::REVERSED));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_table_keeps_the_focused_row_in_view() {
        let mut shown = vec![0, 2, 4];
        keep_in_view(&mut shown, Some(3), 6);
        assert_eq!(shown, [0, 2, 3], "in place of the last row shown");
        let mut all = vec![0, 1, 2];
        keep_in_view(&mut all, Some(1), 3);
        assert_eq!(all, [0, 1, 2]);
        keep_in_view(&mut all, Some(9), 3);
        assert_eq!(all, [0, 1, 2], "a row past the table is no row");
    }
}
