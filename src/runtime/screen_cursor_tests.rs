//! Where the terminal's cursor is after a write, checked in a terminal emulator on the cases
//! that put it in doubt: the last column of a row, a grapheme terminals draw at another width,
//! a resize.

use super::Screen;
use super::emulator::Emulator;
use ratatui::Terminal;
use ratatui::layout::Size;
use ratatui::style::Style;

/// An emoji with a variation selector is two columns to ratatui and one to many terminals
/// (this emulator too): the cells after it still land in their own columns. (Not in the random
/// frames: the column it may or may not cover keeps whatever the terminal left there, which
/// ratatui's diff does not track.)
#[test]
fn cells_after_an_emoji_with_a_variation_selector_land_in_their_columns() {
    let mut term = Terminal::new(Screen::with_size(Vec::new(), 20, 2)).unwrap();
    let mut emulator = Emulator::new(20, 2);
    for emoji in ["\u{2764}\u{fe0f}", "\u{2600}\u{fe0f}"] {
        let row = format!("ab{emoji}cd");
        term.draw(|f| {
            f.buffer_mut().set_string(0, 0, &row, Style::default());
            f.buffer_mut().set_string(4, 1, &row, Style::default());
        })
        .unwrap();
        emulator.feed(&std::mem::take(term.backend_mut().writer_mut()));
        // Drawn one column wide, the emoji leaves its second column blank.
        let shown = format!("ab{emoji} cd");
        assert_eq!(emulator.row_text(0).trim_end(), shown);
        assert_eq!(emulator.row_text(1).trim_end(), format!("    {shown}"));
    }
}

/// The case in small: the last column of a row changes, then a cell of the next row a
/// little to its left. The terminal's cursor waits on the last column, not past it.
#[test]
fn a_cell_changed_after_the_last_column_lands_in_its_column() {
    let mut term = Terminal::new(Screen::with_size(Vec::new(), 120, 3)).unwrap();
    let mut emulator = Emulator::new(120, 3);
    for (edge, below) in [("─", "stage 1 of 6"), ("┐", "stage 2 of 6")] {
        term.draw(|f| {
            let buf = f.buffer_mut();
            buf.set_string(0, 0, "─".repeat(119), Style::default());
            buf.set_string(119, 0, edge, Style::default());
            buf.set_string(106, 1, below, Style::default());
        })
        .unwrap();
        emulator.feed(&std::mem::take(term.backend_mut().writer_mut()));
        assert!(emulator.row_text(0).ends_with(&format!("──{edge}")));
        assert_eq!(emulator.row_text(1).trim(), below);
    }
}

/// A smaller window keeps the cursor inside it: after a resize the backend does not move
/// relative to where the cursor was before.
#[test]
fn after_a_resize_the_first_cell_lands_in_its_place() {
    let mut term = Terminal::new(Screen::with_size(Vec::new(), 120, 40)).unwrap();
    let mut emulator = Emulator::new(120, 40);
    term.draw(|f| {
        f.buffer_mut().set_string(59, 30, "x", Style::default());
    })
    .unwrap();
    emulator.feed(&std::mem::take(term.backend_mut().writer_mut()));
    emulator.resize(80, 24);
    term.backend_mut().fixed_size = Some(Size::new(80, 24));
    term.draw(|f| {
        f.buffer_mut().set_string(61, 23, "y", Style::default());
    })
    .unwrap();
    emulator.feed(&std::mem::take(term.backend_mut().writer_mut()));
    assert_eq!(emulator.row_text(23).trim(), "y");
    assert_eq!(emulator.row_text(23).find('y'), Some(61));
}
