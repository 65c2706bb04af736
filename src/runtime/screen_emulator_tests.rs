//! `Screen` against a terminal emulator: random sequences of frames — rows filled to the last
//! column, wide characters, combining marks, style changes, resizes, idle frames — are drawn
//! through ratatui into `Screen`, its exact bytes fed to the emulator, and after every frame
//! the emulated screen must equal the frame that was meant.
//!
//! Deterministic: every case has a seed, printed on failure with the frame and the first cell
//! that differs. `SCREEN_SEED=n` runs case `n` alone.

use super::Screen;
use super::emulator::Emulator;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use ratatui::Terminal;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

const WIDTHS: [u16; 3] = [80, 120, 200];
const HEIGHTS: [u16; 4] = [24, 40, 50, 7];
const CASES: u64 = 64;
const FRAMES: usize = 40;

/// One column: ASCII, box drawing and other one-column symbols the cockpit draws.
const NARROW: &[&str] = &[
    "a", "b", "x", "Z", "0", "1", "2", "9", " ", " ", ".", "%", "-", "│", "─", "╭", "✓", "✗", "…",
    "█", "▏", "→", "é",
];
/// Two columns: CJK and emoji of one code point.
const WIDE: &[&str] = &["中", "文", "あ", "한", "😀", "🚀"];
/// One column, several code points: a letter and a combining mark.
const COMBINING: &[&str] = &["e\u{301}", "a\u{308}", "n\u{303}"];

const COLORS: &[Color] = &[
    Color::Reset,
    Color::Red,
    Color::Green,
    Color::Gray,
    Color::DarkGray,
    Color::LightBlue,
    Color::White,
    Color::Indexed(123),
    Color::Rgb(10, 200, 30),
];
const MODIFIERS: &[Modifier] = &[
    Modifier::BOLD,
    Modifier::DIM,
    Modifier::ITALIC,
    Modifier::UNDERLINED,
    Modifier::REVERSED,
    Modifier::CROSSED_OUT,
];

#[derive(Clone, Copy)]
struct Glyph {
    symbol: &'static str,
    style: Style,
}

impl Glyph {
    fn width(&self) -> u16 {
        Span::raw(self.symbol).width() as u16
    }
}

/// What a frame changed, for the failure message.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Change {
    First,
    Rows,
    Cells,
    /// The last cell of a full row and cells of the row below.
    Edge,
    Styles,
    Resize,
    Idle,
}

struct Case {
    rng: SmallRng,
    size: Size,
    rows: Vec<Vec<Glyph>>,
    /// Where the frame puts the cursor (shown), if anywhere.
    cursor: Option<Position>,
}

impl Case {
    fn style(&mut self) -> Style {
        if self.rng.random_bool(0.4) {
            return Style::default();
        }
        let mut style = Style::default()
            .fg(COLORS[self.rng.random_range(0..COLORS.len())])
            .bg(COLORS[self.rng.random_range(0..COLORS.len())]);
        if self.rng.random_bool(0.1) {
            style = style.underline_color(COLORS[self.rng.random_range(0..COLORS.len())]);
        }
        for &m in MODIFIERS {
            if self.rng.random_bool(0.15) {
                style = style.add_modifier(m);
            }
        }
        style
    }

    fn glyph_of_width(&mut self, width: u16, style: Style) -> Glyph {
        let pool = match (width, self.rng.random_range(0..10)) {
            (2, _) => WIDE,
            (_, 0) => COMBINING,
            _ => NARROW,
        };
        let symbol = pool[self.rng.random_range(0..pool.len())];
        Glyph { symbol, style }
    }

    /// A row of glyphs: full to the last column half the time (often a wide one last).
    fn row(&mut self) -> Vec<Glyph> {
        let w = self.size.width;
        let len = if self.rng.random_bool(0.5) {
            w
        } else {
            self.rng.random_range(0..=w)
        };
        let mut row = Vec::new();
        let mut x = 0;
        let mut style = self.style();
        while x < len {
            if self.rng.random_bool(0.1) {
                style = self.style();
            }
            let width = if len - x >= 2 && self.rng.random_bool(0.15) {
                2
            } else {
                1
            };
            row.push(self.glyph_of_width(width, style));
            x += width;
        }
        row
    }

    fn screen(&mut self) {
        self.rows = (0..self.size.height).map(|_| self.row()).collect();
    }

    /// Replace glyph `i` of row `y` by another of the same width, perhaps in another style.
    fn replace(&mut self, y: usize, i: usize) {
        let Some(&old) = self.rows[y].get(i) else {
            return;
        };
        let style = if self.rng.random_bool(0.3) {
            self.style()
        } else {
            old.style
        };
        self.rows[y][i] = self.glyph_of_width(old.width(), style);
    }

    fn random_row(&mut self) -> usize {
        self.rng.random_range(0..self.rows.len())
    }

    fn change(&mut self) -> Change {
        let change = match self.rng.random_range(0..20) {
            0..=2 => Change::Rows,
            3..=8 => Change::Cells,
            9..=13 => Change::Edge,
            14..=15 => Change::Styles,
            16 => Change::Resize,
            _ => Change::Idle,
        };
        match change {
            Change::Rows => {
                for _ in 0..self.rng.random_range(1..=3) {
                    let y = self.random_row();
                    self.rows[y] = self.row();
                }
            }
            Change::Cells => {
                for _ in 0..self.rng.random_range(1..=6) {
                    let y = self.random_row();
                    let i = self.rng.random_range(0..self.rows[y].len().max(1));
                    self.replace(y, i);
                }
            }
            Change::Edge => {
                let y = self.random_row();
                let last = self.rows[y].len().saturating_sub(1);
                self.replace(y, last);
                if y + 1 < self.rows.len() {
                    let below = self.rows[y + 1].len();
                    for _ in 0..self.rng.random_range(1..=3) {
                        let i = below.saturating_sub(self.rng.random_range(1..=4));
                        self.replace(y + 1, i);
                    }
                }
            }
            Change::Styles => {
                let y = self.random_row();
                let style = self.style();
                let n = self.rows[y].len();
                let from = self.rng.random_range(0..n.max(1));
                for g in self.rows[y].iter_mut().skip(from).take(12) {
                    g.style = style;
                }
            }
            Change::Resize => {
                let old = self.size;
                while self.size == old {
                    self.size = Size {
                        width: WIDTHS[self.rng.random_range(0..WIDTHS.len())],
                        height: HEIGHTS[self.rng.random_range(0..HEIGHTS.len())],
                    };
                }
                self.screen();
            }
            Change::Idle | Change::First => return change,
        }
        self.cursor = self.rng.random_bool(0.1).then(|| Position {
            x: self.rng.random_range(0..self.size.width),
            y: self.rng.random_range(0..self.size.height),
        });
        change
    }

    fn buffer(&self) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, self.size.width, self.size.height));
        for (y, row) in self.rows.iter().enumerate() {
            let mut x = 0;
            for g in row {
                let style = if g.width() > 1 {
                    plain_behind(g.style)
                } else {
                    g.style
                };
                buf.set_stringn(x, y as u16, g.symbol, usize::from(g.width()), style);
                x += g.width();
            }
        }
        buf
    }
}

/// A wide character's style without what shows on a blank (background, inverse, underline,
/// strike-through). ratatui's diff does not follow the column a wide character covered once
/// another wide character overlaps it from the column before: that column is left as it was,
/// and a terminal keeps painting it in the old background. Not the backend's to mend.
fn plain_behind(style: Style) -> Style {
    style
        .bg(Color::Reset)
        .remove_modifier(Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT)
}

fn printable(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes).escape_debug().to_string();
    match text.char_indices().nth(600) {
        Some((i, _)) => format!("{}… ({} bytes)", &text[..i], bytes.len()),
        None => text,
    }
}

/// Run case `seed`: a random first screen and `FRAMES` random changes.
fn run(seed: u64) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let size = Size {
        width: WIDTHS[rng.random_range(0..WIDTHS.len())],
        height: HEIGHTS[rng.random_range(0..3)],
    };
    let mut case = Case {
        rng,
        size,
        rows: Vec::new(),
        cursor: None,
    };
    case.screen();
    let mut term = Terminal::new(Screen::with_size(Vec::new(), size.width, size.height)).unwrap();
    let mut emulator = Emulator::new(size.width, size.height);
    for frame in 0..=FRAMES {
        let change = if frame == 0 {
            Change::First
        } else {
            case.change()
        };
        if change == Change::Resize {
            emulator.resize(case.size.width, case.size.height);
            term.backend_mut().fixed_size = Some(case.size);
        }
        let want = case.buffer();
        term.draw(|f| {
            f.buffer_mut().clone_from(&want);
            if let Some(p) = case.cursor {
                f.set_cursor_position(p);
            }
        })
        .unwrap();
        let bytes = std::mem::take(term.backend_mut().writer_mut());
        emulator.feed(&bytes);
        let context = || {
            format!(
                "seed {seed} (SCREEN_SEED={seed}), frame {frame} ({change:?}) at {}x{}",
                case.size.width, case.size.height
            )
        };
        if let Some(diff) = emulator.first_difference(&want) {
            let mut meant = String::new();
            let mut x = 0;
            while x < want.area.width {
                let symbol = want[(x, diff.y)].symbol();
                meant.push_str(symbol);
                x += (Span::raw(symbol).width() as u16).max(1);
            }
            panic!(
                "{}: {diff}\n  meant:    {meant:?}\n  emulated: {:?}\n  the frame's bytes: {}",
                context(),
                emulator.row_text(diff.y),
                printable(&bytes)
            );
        }
        if change == Change::Idle {
            assert_eq!(
                printable(&bytes),
                "",
                "{}: a frame that changes nothing",
                context()
            );
        }
        assert_eq!(
            emulator.cursor_shown(),
            case.cursor.is_some(),
            "{}: cursor shown",
            context()
        );
        if let Some(p) = case.cursor {
            assert_eq!(emulator.cursor(), (p.x, p.y), "{}: cursor", context());
        }
    }
}

#[test]
fn random_frames_at_80_120_and_200_columns_show_exactly_in_a_terminal_emulator() {
    if let Some(seed) = std::env::var("SCREEN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        run(seed);
        return;
    }
    for seed in 0..CASES {
        run(seed);
    }
}
