//! The terminal backend: ratatui's diff of each frame, encoded compactly and written in one
//! write — or not written at all when the frame changed no cell.
//!
//! An operator keeps the cockpit open for hours, over links that are sometimes slow, so a
//! frame costs the bytes of the cells it changes and little else. What the terminal already
//! is (the pen: colours and attributes; where the cursor is; whether it shows) is remembered
//! between frames, so nothing is set twice; the cursor moves the shortest way; and a large
//! frame is wrapped in a synchronized update so it appears at once.
//! Moves are made from where the cursor is certain to be (see `screen_cursor.rs`).

use crossterm::style::Colored;
use cursor::Cursor;
use ratatui::backend::{Backend, ClearType, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
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
    /// The window title and the bell, written ahead of the next frame in its write.
    ahead: Vec<u8>,
    /// The terminal's pen, when known.
    pen: Option<Pen>,
    cursor: Cursor,
    cursor_shown: Option<bool>,
    /// Size reported by `size`, for tests and for terminals that cannot be asked.
    fixed_size: Option<Size>,
    /// The width `size` last reported: a character that ends there leaves a wrap pending.
    /// Unknown (0), every row's end is taken for one.
    width: std::cell::Cell<u16>,
}

impl<W: Write> Screen<W> {
    pub fn new(out: W) -> Self {
        Screen {
            out,
            frame: Vec::with_capacity(16 * 1024),
            ahead: Vec::new(),
            pen: None,
            cursor: Cursor::Unknown,
            cursor_shown: None,
            fixed_size: None,
            width: std::cell::Cell::new(0),
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

    /// Set the window title with the next frame (crossterm's `SetTitle`: OSC 0, which tmux
    /// shows as `#{pane_title}`).
    pub fn set_title(&mut self, title: &str) {
        let mut osc = String::new();
        let _ = crossterm::Command::write_ansi(&crossterm::terminal::SetTitle(title), &mut osc);
        self.ahead.extend_from_slice(osc.as_bytes());
    }

    /// Ring the terminal's bell (BEL) with the next frame.
    pub fn bell(&mut self) {
        self.ahead.push(0x07);
    }

    /// Forget what the terminal is known to be in (after something else wrote to it).
    pub fn forget(&mut self) {
        self.pen = None;
        self.cursor = Cursor::Unknown;
        self.cursor_shown = None;
    }

    fn move_to(&mut self, x: u16, y: u16) {
        if let Some(bytes) = cursor::shortest_move(self.cursor, x, y) {
            self.frame.extend_from_slice(bytes.as_bytes());
        }
        self.cursor = Cursor::At(x, y);
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
            self.cursor = cursor::after_writing(symbol, x, y, self.width.get());
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
        if let Cursor::At(x, y) = self.cursor {
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
        if clear_type == ClearType::All {
            // The whole screen is cleared when its size changed, which may have moved the
            // cursor (a terminal keeps it inside a smaller screen).
            self.cursor = Cursor::Unknown;
        }
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        for _ in 0..n {
            self.frame.push(b'\n');
        }
        self.cursor = Cursor::Unknown;
        self.flush()
    }

    fn size(&self) -> io::Result<Size> {
        let size = match self.fixed_size {
            Some(size) => size,
            None => {
                let (width, height) = crossterm::terminal::size()?;
                Size { width, height }
            }
        };
        // ratatui asks before every frame it draws, so the width is current when cells come.
        self.width.set(size.width);
        Ok(size)
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
    /// all when the frame is empty and no title or bell waits.
    fn flush(&mut self) -> io::Result<()> {
        if self.frame.is_empty() && self.ahead.is_empty() {
            return Ok(());
        }
        let sync = self.frame.len() > SYNC_ABOVE;
        if sync || !self.ahead.is_empty() {
            // The title and bell go ahead of the synchronized update, not inside it: they are
            // no part of the picture.
            let mut whole = Vec::with_capacity(self.ahead.len() + self.frame.len() + 16);
            whole.append(&mut self.ahead);
            if sync {
                whole.extend_from_slice(BEGIN_SYNC);
            }
            whole.append(&mut self.frame);
            if sync {
                whole.extend_from_slice(END_SYNC);
            }
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

#[path = "screen_cursor.rs"]
mod cursor;

#[cfg(test)]
#[path = "screen_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "screen_emulator.rs"]
mod emulator;

#[cfg(test)]
#[path = "screen_emulator_tests.rs"]
mod emulator_tests;

#[cfg(test)]
#[path = "screen_cursor_tests.rs"]
mod cursor_tests;
