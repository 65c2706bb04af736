//! The terminal backend: ratatui's diff of each frame, encoded compactly and written in one
//! write — or not written at all when the frame changed no cell.
//!
//! An operator keeps the cockpit open for hours, over links that are sometimes slow, so a
//! frame costs the bytes of the cells it changes and little else. What the terminal already
//! is (the pen: colours and attributes; where the cursor is; whether it shows) is remembered
//! between frames, so nothing is set twice; the cursor moves the shortest way; and a large
//! frame is wrapped in a synchronized update so it appears at once.

use crossterm::style::Colored;
use ratatui::backend::{Backend, ClearType, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use ratatui::text::Span;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Frames larger than this are wrapped in a synchronized update (`CSI ? 2026 h … l`), so the
/// terminal shows them whole. A smaller frame arrives in one write and one read anyway.
pub const SYNC_ABOVE: usize = 512;

const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
const END_SYNC: &[u8] = b"\x1b[?2026l";

/// Colours and attributes the terminal draws the next character with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

const DEFAULT_PEN: Pen = Pen {
    fg: Color::Reset,
    bg: Color::Reset,
    underline: Color::Reset,
    modifier: Modifier::empty(),
};

/// A ratatui backend over any writer; see the module documentation.
pub struct Screen<W: Write> {
    out: W,
    /// The frame being built; written on `flush`.
    frame: Vec<u8>,
    /// The terminal's pen, when known.
    pen: Option<Pen>,
    /// Where the terminal's cursor is, when known.
    cursor: Option<(u16, u16)>,
    cursor_shown: Option<bool>,
    /// Size reported by `size`, for tests and for terminals that cannot be asked.
    fixed_size: Option<Size>,
}

impl<W: Write> Screen<W> {
    pub fn new(out: W) -> Self {
        Screen {
            out,
            frame: Vec::with_capacity(16 * 1024),
            pen: None,
            cursor: None,
            cursor_shown: None,
            fixed_size: None,
        }
    }

    /// A screen of a fixed size that never asks the terminal (for tests and benches).
    pub fn with_size(out: W, width: u16, height: u16) -> Self {
        let mut s = Screen::new(out);
        s.fixed_size = Some(Size { width, height });
        s
    }

    pub fn writer(&self) -> &W {
        &self.out
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Forget what the terminal is known to be in (after something else wrote to it).
    pub fn forget(&mut self) {
        self.pen = None;
        self.cursor = None;
        self.cursor_shown = None;
    }

    fn move_to(&mut self, x: u16, y: u16) {
        if self.cursor == Some((x, y)) {
            return;
        }
        let (row, col) = (u32::from(y) + 1, u32::from(x) + 1);
        let mut best = if x == 0 {
            format!("\x1b[{row}H")
        } else {
            format!("\x1b[{row};{col}H")
        };
        if let Some((cx, cy)) = self.cursor {
            let vertical = match y.cmp(&cy) {
                std::cmp::Ordering::Equal => String::new(),
                std::cmp::Ordering::Greater => relative(y - cy, 'B'),
                std::cmp::Ordering::Less => relative(cy - y, 'A'),
            };
            let horizontal = match x.cmp(&cx) {
                std::cmp::Ordering::Equal => String::new(),
                std::cmp::Ordering::Greater => relative(x - cx, 'C'),
                std::cmp::Ordering::Less => {
                    let back = if cx - x <= 3 {
                        "\x08".repeat(usize::from(cx - x))
                    } else {
                        relative(cx - x, 'D')
                    };
                    let home = if x == 0 {
                        "\r".to_string()
                    } else {
                        format!("\r{}", relative(x, 'C'))
                    };
                    if home.len() < back.len() { home } else { back }
                }
            };
            if vertical.len() + horizontal.len() < best.len() {
                best = vertical + &horizontal;
            }
        }
        self.frame.extend_from_slice(best.as_bytes());
        self.cursor = Some((x, y));
    }

    fn set_pen(&mut self, to: Pen) {
        let from = match self.pen {
            Some(p) if p == to => return,
            Some(p) => p,
            None => {
                // Unknown: start from a reset, then set what differs from the default.
                self.frame.extend_from_slice(b"\x1b[0m");
                DEFAULT_PEN
            }
        };
        let mut params = String::new();
        modifier_params(from.modifier, to.modifier, &mut params);
        if from.fg != to.fg {
            color_param(
                Colored::ForegroundColor(to.fg.into_crossterm()),
                &mut params,
            );
        }
        if from.bg != to.bg {
            color_param(
                Colored::BackgroundColor(to.bg.into_crossterm()),
                &mut params,
            );
        }
        if from.underline != to.underline {
            color_param(
                Colored::UnderlineColor(to.underline.into_crossterm()),
                &mut params,
            );
        }
        if !params.is_empty() {
            self.frame.extend_from_slice(b"\x1b[");
            self.frame.extend_from_slice(params.as_bytes());
            self.frame.push(b'm');
        }
        self.pen = Some(to);
    }

    /// Return the pen to the terminal's default (before erasing: erased cells take the
    /// background colour of the pen).
    fn reset_pen(&mut self) {
        if self.pen != Some(DEFAULT_PEN) {
            self.frame.extend_from_slice(b"\x1b[0m");
            self.pen = Some(DEFAULT_PEN);
        }
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

fn push_param(params: &mut String, p: &str) {
    if !params.is_empty() {
        params.push(';');
    }
    params.push_str(p);
}

fn color_param(c: Colored, params: &mut String) {
    if !params.is_empty() {
        params.push(';');
    }
    let _ = write!(params, "{c}");
}

/// The SGR parameters that take the attributes from `from` to `to`, as crossterm's own
/// backend would send them, in one sequence.
fn modifier_params(from: Modifier, to: Modifier, params: &mut String) {
    let removed = from - to;
    let added = to - from;
    if removed.contains(Modifier::REVERSED) {
        push_param(params, "27");
    }
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        push_param(params, "22");
        if to.contains(Modifier::DIM) {
            push_param(params, "2");
        }
        if to.contains(Modifier::BOLD) {
            push_param(params, "1");
        }
    }
    for (m, off) in [
        (Modifier::ITALIC, "23"),
        (Modifier::UNDERLINED, "24"),
        (Modifier::CROSSED_OUT, "29"),
        (Modifier::HIDDEN, "28"),
    ] {
        if removed.contains(m) {
            push_param(params, off);
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        push_param(params, "25");
    }
    for (m, on) in [
        (Modifier::REVERSED, "7"),
        (Modifier::BOLD, "1"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::DIM, "2"),
        (Modifier::CROSSED_OUT, "9"),
        (Modifier::HIDDEN, "8"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
    ] {
        let intensity = m == Modifier::BOLD || m == Modifier::DIM;
        if added.contains(m) && !(intensity && reset_intensity) {
            push_param(params, on);
        }
    }
    // A blink removed while the other kind stays: 25 turned both off.
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        for (m, on) in [(Modifier::SLOW_BLINK, "5"), (Modifier::RAPID_BLINK, "6")] {
            if to.contains(m) && !added.contains(m) {
                push_param(params, on);
            }
        }
    }
}

impl<W: Write> Backend for Screen<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            self.move_to(x, y);
            self.set_pen(Pen {
                fg: cell.fg,
                bg: cell.bg,
                underline: cell.underline_color,
                modifier: cell.modifier,
            });
            let symbol = cell.symbol();
            self.frame.extend_from_slice(symbol.as_bytes());
            // After the last column the cursor waits to wrap; (width, y) stands for that: no
            // cell is ever drawn there, so the next move is an absolute one.
            let w = Span::raw(symbol).width() as u16;
            self.cursor = (w > 0).then(|| (x.saturating_add(w), y));
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(false) {
            self.frame.extend_from_slice(b"\x1b[?25l");
            self.cursor_shown = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(true) {
            self.frame.extend_from_slice(b"\x1b[?25h");
            self.cursor_shown = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        if let Some((x, y)) = self.cursor {
            return Ok(Position { x, y });
        }
        crossterm::cursor::position()
            .map(|(x, y)| Position { x, y })
            .map_err(io::Error::other)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        self.move_to(x, y);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.reset_pen();
        let seq: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.frame.extend_from_slice(seq);
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        for _ in 0..n {
            self.frame.push(b'\n');
        }
        self.cursor = None;
        self.flush()
    }

    fn size(&self) -> io::Result<Size> {
        if let Some(size) = self.fixed_size {
            return Ok(size);
        }
        let (width, height) = crossterm::terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let crossterm::terminal::WindowSize {
            columns,
            rows,
            width,
            height,
        } = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: columns,
                height: rows,
            },
            pixels: Size { width, height },
        })
    }

    /// Send the frame: one write, wrapped in a synchronized update when large, nothing at
    /// all when the frame is empty.
    fn flush(&mut self) -> io::Result<()> {
        if self.frame.is_empty() {
            return Ok(());
        }
        if self.frame.len() > SYNC_ABOVE {
            let mut whole = Vec::with_capacity(self.frame.len() + 16);
            whole.extend_from_slice(BEGIN_SYNC);
            whole.append(&mut self.frame);
            whole.extend_from_slice(END_SYNC);
            self.frame = whole;
        }
        let result = self
            .out
            .write_all(&self.frame)
            .and_then(|()| self.out.flush());
        self.frame.clear();
        if result.is_err() {
            // Part of the frame may be on screen: nothing about the terminal is sure now.
            self.forget();
        }
        result
    }
}

#[cfg(test)]
#[path = "screen_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "screen_emulator.rs"]
mod emulator;

#[cfg(test)]
#[path = "screen_emulator_tests.rs"]
mod emulator_tests;
