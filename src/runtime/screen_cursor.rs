//! Where the terminal's cursor is after what `Screen` wrote, and the fewest bytes that move it
//! from there to a cell.
//!
//! A relative move is only made from where the cursor is known to be. After a character in a
//! row's last column, terminals keep the cursor *on* that column with a wrap pending (xterm,
//! tmux, VTE, alacritty), so only the row is known then; after a grapheme of several code
//! points (combining marks, emoji with a variation selector) terminals disagree on its width,
//! so nothing is. From there the next move starts from column 0 (`CR`) or is absolute.

use ratatui::text::Span;

/// Where the terminal's cursor is, as far as the bytes sent so far tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    Unknown,
    /// On this cell.
    At(u16, u16),
    /// On this row, in a column that is not certain: a wrap is pending after the last column.
    InRow(u16),
}

/// The bytes that take the cursor from `from` to (x, y): the shorter of an absolute move and a
/// relative one from where it is known to be; `None` when it is there already.
pub fn shortest_move(from: Cursor, x: u16, y: u16) -> Option<String> {
    let (row, col) = (u32::from(y) + 1, u32::from(x) + 1);
    let absolute = if x == 0 {
        format!("\x1b[{row}H")
    } else {
        format!("\x1b[{row};{col}H")
    };
    let relative = match from {
        Cursor::At(cx, cy) if (cx, cy) == (x, y) => return None,
        Cursor::At(cx, cy) => vertical(cy, y) + &horizontal(cx, x),
        // CR is the one horizontal move whose end is certain from any column.
        Cursor::InRow(cy) => vertical(cy, y) + &home(x),
        Cursor::Unknown => return Some(absolute),
    };
    Some(if relative.len() < absolute.len() {
        relative
    } else {
        absolute
    })
}

/// Where the cursor is after `symbol` was written at (x, y) on a screen `width` wide (0:
/// unknown).
pub fn after_writing(symbol: &str, x: u16, y: u16, width: u16) -> Cursor {
    let mut chars = symbol.chars();
    let single = chars.next().is_some() && chars.next().is_none();
    if !single {
        // Several code points: a base and combining marks, or an emoji with a variation
        // selector. Terminals give these different widths, so the column is not certain, and
        // one that draws it wider than expected may even have wrapped.
        return Cursor::Unknown;
    }
    let w = Span::raw(symbol).width() as u16;
    let end = x.saturating_add(w);
    if w == 0 {
        Cursor::Unknown
    } else if width == 0 || end >= width {
        // The last column written: the cursor stays on it, waiting to wrap.
        Cursor::InRow(y)
    } else {
        Cursor::At(end, y)
    }
}

/// The shortest relative move from row `from` to row `to`.
fn vertical(from: u16, to: u16) -> String {
    match to.cmp(&from) {
        std::cmp::Ordering::Equal => String::new(),
        std::cmp::Ordering::Greater => relative(to - from, 'B'),
        std::cmp::Ordering::Less => relative(from - to, 'A'),
    }
}

/// The shortest relative move from column `from` to column `to`, `from` being certain.
fn horizontal(from: u16, to: u16) -> String {
    match to.cmp(&from) {
        std::cmp::Ordering::Equal => String::new(),
        std::cmp::Ordering::Greater => relative(to - from, 'C'),
        std::cmp::Ordering::Less => {
            let back = if from - to <= 3 {
                "\x08".repeat(usize::from(from - to))
            } else {
                relative(from - to, 'D')
            };
            let home = home(to);
            if home.len() < back.len() { home } else { back }
        }
    }
}

/// From any column of a row to column `to`: `CR`, then forward.
fn home(to: u16) -> String {
    if to == 0 {
        "\r".to_string()
    } else {
        format!("\r{}", relative(to, 'C'))
    }
}

/// A relative move of `n` cells: `CSI n C` (or `B`, `A`, `D`), the count left out for 1.
fn relative(n: u16, dir: char) -> String {
    if n == 1 {
        format!("\x1b[{dir}")
    } else {
        format!("\x1b[{n}{dir}")
    }
}
