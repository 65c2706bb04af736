//! A real terminal emulator as the oracle for `Screen`: the exact bytes the backend writes go
//! into alacritty's terminal (the emulator behind the Alacritty terminal, which keeps the
//! cursor on the last column with a wrap pending, as xterm, tmux and VTE do), and what it
//! then shows is compared with the buffer ratatui meant to draw, cell by cell.
//!
//! Why this one: `vt100` (0.18) keeps a pending wrap as a cursor one column past the edge
//! (column == `cols`) and its `bs` and `cub` count back from there, which is the very
//! assumption that drew cells one column off here, so the bug passes under it; `avt` models
//! the pending wrap but keeps one character per cell, so a combining mark takes a cell of its
//! own.

use alacritty_terminal::event::VoidListener;
use alacritty_terminal::grid::Dimensions;
use alacritty_terminal::index::{Column, Line};
use alacritty_terminal::term::cell::{Cell as TermCell, Flags};
use alacritty_terminal::term::test::TermSize;
use alacritty_terminal::term::{Config, Term, TermMode};
use alacritty_terminal::vte::ansi::{Color as TermColor, NamedColor, Processor, Rgb};
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};
use ratatui::text::Span;

pub struct Emulator {
    term: Term<VoidListener>,
    parser: Processor,
}

const FG: TermColor = TermColor::Named(NamedColor::Foreground);
const BG: TermColor = TermColor::Named(NamedColor::Background);

/// The default style (the common case, checked first for speed).
fn plain(cell: &Cell) -> bool {
    cell.fg == Color::Reset
        && cell.bg == Color::Reset
        && cell.underline_color == Color::Reset
        && cell.modifier.is_empty()
}

/// The attributes the emulator keeps and `Screen` sets.
const FLAGS: Flags = Flags::BOLD
    .union(Flags::DIM)
    .union(Flags::ITALIC)
    .union(Flags::UNDERLINE)
    .union(Flags::INVERSE)
    .union(Flags::STRIKEOUT)
    .union(Flags::HIDDEN);

impl Emulator {
    /// A `w`x`h` terminal on its alternate screen, where the cockpit draws.
    pub fn new(w: u16, h: u16) -> Emulator {
        let size = TermSize::new(w.into(), h.into());
        let mut e = Emulator {
            term: Term::new(Config::default(), &size, VoidListener),
            parser: Processor::new(),
        };
        e.feed(b"\x1b[?1049h");
        e
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.parser.advance(&mut self.term, bytes);
    }

    /// The window changed size (before the program hears of it and draws again).
    pub fn resize(&mut self, w: u16, h: u16) {
        self.term.resize(TermSize::new(w.into(), h.into()));
    }

    pub fn cursor(&self) -> (u16, u16) {
        let p = self.term.grid().cursor.point;
        (p.column.0 as u16, p.line.0 as u16)
    }

    pub fn cursor_shown(&self) -> bool {
        self.term.mode().contains(TermMode::SHOW_CURSOR)
    }

    fn cell(&self, x: u16, y: u16) -> &TermCell {
        &self.term.grid()[Line(i32::from(y))][Column(usize::from(x))]
    }

    /// The row as the emulator shows it (for failure messages).
    pub fn row_text(&self, y: u16) -> String {
        let cols = self.term.grid().columns() as u16;
        (0..cols)
            .filter(|&x| !self.cell(x, y).flags.contains(Flags::WIDE_CHAR_SPACER))
            .map(|x| text(self.cell(x, y)))
            .collect()
    }

    /// The first cell, in reading order, where the emulated screen differs from `buf` (symbol
    /// or style); `None` when it shows `buf` exactly. The column after a wide character is
    /// hidden by it, so only its being blank is asked of it.
    pub fn first_difference(&self, buf: &Buffer) -> Option<Difference> {
        let cols = self.term.grid().columns() as u16;
        let lines = self.term.grid().screen_lines() as u16;
        assert_eq!(
            (cols, lines),
            (buf.area.width, buf.area.height),
            "the emulator's size and the buffer's"
        );
        let width = usize::from(cols);
        for y in 0..lines {
            let row = &self.term.grid()[Line(i32::from(y))];
            let wanted = &buf.content[usize::from(y) * width..][..width];
            // Columns hidden behind a wide character, and whether they must read blank.
            let (mut covered_until, mut must_be_blank) = (0, true);
            for x in 0..cols {
                let (want, got) = (&wanted[usize::from(x)], &row[Column(usize::from(x))]);
                if x < covered_until {
                    let blank = got.flags.contains(Flags::WIDE_CHAR_SPACER)
                        || (got.c == ' ' && got.zerowidth().is_none_or(<[char]>::is_empty));
                    if must_be_blank && !blank {
                        return Some(describe(x, y, "hidden by a wide character", got));
                    }
                    continue;
                }
                let symbol = want.symbol();
                let width = if symbol.len() == 1 {
                    1
                } else {
                    Span::raw(symbol).width() as u16
                };
                covered_until = x + width.max(1);
                // An emoji with a variation selector is one column wide to this emulator (and
                // to many terminals) and two to ratatui, whose diff leaves the column after it
                // alone when the symbol there did not change: what shows there is whatever was
                // left. Where the backend writes next is still checked, on the cells after.
                must_be_blank = symbol.chars().nth(1).is_none();
                let mut chars = symbol.chars();
                let zerowidth = got.zerowidth().unwrap_or_default().iter().copied();
                if chars.next() != Some(got.c) || !chars.eq(zerowidth) {
                    let expected = format!("symbol {symbol:?}");
                    return Some(describe(x, y, &expected, got));
                }
                let plain_got = got.fg == FG && got.bg == BG && (got.flags & FLAGS).is_empty();
                if plain(want) && plain_got && got.extra.is_none() {
                    continue;
                }
                let blank = symbol == " ";
                let expected = visible(style_of(want), blank);
                if visible(style_of_term(got), blank) != expected {
                    return Some(describe(x, y, &format!("style {expected:?}"), got));
                }
            }
        }
        None
    }
}

fn text(cell: &TermCell) -> String {
    let mut s = String::from(cell.c);
    s.extend(cell.zerowidth().unwrap_or_default());
    s
}

/// A cell the emulator shows otherwise than meant.
pub struct Difference {
    /// Its row.
    pub y: u16,
    text: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn describe(x: u16, y: u16, expected: &str, got: &TermCell) -> Difference {
    let text = format!(
        "cell ({x}, {y}): expected {expected}, the emulator shows {:?} with style {:?}",
        text(got),
        style_of_term(got)
    );
    Difference { y, text }
}

/// A cell's style as the emulator records it: fg, bg, underline colour, attributes.
type TermStyle = (TermColor, TermColor, Option<TermColor>, Flags);

fn style_of_term(cell: &TermCell) -> TermStyle {
    (
        normal(cell.fg),
        normal(cell.bg),
        cell.underline_color().map(normal),
        cell.flags & FLAGS,
    )
}

/// What of a style shows: on a blank, only the background, and the foreground where inverse
/// video, an underline or a strike-through paints with it. (A wide character overwritten by a
/// blank may leave its colour on the blank it covered: nothing to see.)
fn visible(style: TermStyle, blank: bool) -> TermStyle {
    let (fg, bg, underline, flags) = style;
    if !blank {
        return style;
    }
    let painting = flags & (Flags::INVERSE | Flags::UNDERLINE | Flags::STRIKEOUT);
    let fg = if painting.is_empty() { FG } else { fg };
    let underline = underline.filter(|_| painting.contains(Flags::UNDERLINE));
    (fg, bg, underline, painting)
}

/// The 16 ANSI colours may arrive as `30..37` (named) or `38;5;n` (indexed): one form.
fn normal(c: TermColor) -> TermColor {
    match c {
        TermColor::Named(n) if (n as usize) < 16 => TermColor::Indexed(n as u8),
        c => c,
    }
}

fn style_of(cell: &Cell) -> TermStyle {
    let m = cell.modifier;
    let mut flags = Flags::empty();
    for (modifier, flag) in [
        (Modifier::BOLD, Flags::BOLD),
        (Modifier::DIM, Flags::DIM),
        (Modifier::ITALIC, Flags::ITALIC),
        (Modifier::UNDERLINED, Flags::UNDERLINE),
        (Modifier::REVERSED, Flags::INVERSE),
        (Modifier::CROSSED_OUT, Flags::STRIKEOUT),
        (Modifier::HIDDEN, Flags::HIDDEN),
    ] {
        if m.contains(modifier) {
            flags |= flag;
        }
    }
    (
        color(cell.fg).unwrap_or(FG),
        color(cell.bg).unwrap_or(BG),
        color(cell.underline_color),
        flags,
    )
}

/// ratatui's colour as the emulator stores it; `None` for the terminal's default.
fn color(c: Color) -> Option<TermColor> {
    let indexed = |i| Some(TermColor::Indexed(i));
    match c {
        Color::Reset => None,
        Color::Black => indexed(0),
        Color::Red => indexed(1),
        Color::Green => indexed(2),
        Color::Yellow => indexed(3),
        Color::Blue => indexed(4),
        Color::Magenta => indexed(5),
        Color::Cyan => indexed(6),
        Color::Gray => indexed(7),
        Color::DarkGray => indexed(8),
        Color::LightRed => indexed(9),
        Color::LightGreen => indexed(10),
        Color::LightYellow => indexed(11),
        Color::LightBlue => indexed(12),
        Color::LightMagenta => indexed(13),
        Color::LightCyan => indexed(14),
        Color::White => indexed(15),
        Color::Indexed(i) => indexed(i),
        Color::Rgb(r, g, b) => Some(TermColor::Spec(Rgb { r, g, b })),
    }
}
