//! What the backend writes, played into a model terminal: the model must end up showing
//! exactly the frames drawn, colours included, while the bytes stay few.

use super::*;
use crate::app::{self, Msg, State};
use crate::ui::{self, Theme, fixture};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;

/// Enough of a terminal to replay what `Screen` and crossterm's backend send: absolute and
/// relative moves, text, SGR, erase, synchronized-update markers, cursor visibility.
struct Model {
    w: usize,
    cells: Vec<(String, Pen)>,
    x: usize,
    y: usize,
    pen: Pen,
    cursor_shown: bool,
}

impl Model {
    fn new(w: u16, h: u16) -> Model {
        Model {
            w: w as usize,
            cells: vec![(" ".into(), DEFAULT_PEN); w as usize * h as usize],
            x: 0,
            y: 0,
            pen: DEFAULT_PEN,
            cursor_shown: true,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let text = std::str::from_utf8(bytes).expect("utf-8 output");
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    self.x = 0;
                    continue;
                }
                '\x08' => {
                    self.x -= 1;
                    continue;
                }
                _ => {}
            }
            if c != '\x1b' {
                let i = self.y * self.w + self.x;
                self.cells[i] = (c.to_string(), self.pen);
                // After the last column the cursor stays on it, a wrap pending (as in xterm).
                self.x = (self.x + Span::raw(c.to_string()).width()).min(self.w - 1);
                continue;
            }
            assert_eq!(chars.next(), Some('['), "only CSI sequences are sent");
            let mut params = String::new();
            let fin = loop {
                let c = chars.next().expect("a complete sequence");
                if c.is_ascii_alphabetic() {
                    break c;
                }
                params.push(c);
            };
            self.csi(&params, fin);
        }
    }

    fn csi(&mut self, params: &str, fin: char) {
        let nums: Vec<u16> = params
            .trim_start_matches('?')
            .split(';')
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let n = |i: usize| nums.get(i).copied().filter(|&v| v > 0).unwrap_or(1) as usize;
        match fin {
            'H' => (self.y, self.x) = (n(0) - 1, n(1) - 1),
            'C' => self.x += n(0),
            'A' => self.y -= n(0),
            'B' => self.y += n(0),
            'D' => self.x -= n(0),
            'J' => {
                assert_eq!(self.pen, DEFAULT_PEN, "erasing with a coloured pen");
                self.cells.fill((" ".into(), DEFAULT_PEN));
            }
            'h' | 'l' if params == "?2026" => {}
            'h' | 'l' if params == "?25" => self.cursor_shown = fin == 'h',
            'm' => self.sgr(&nums),
            _ => panic!("unexpected sequence {params}{fin}"),
        }
    }

    fn sgr(&mut self, p: &[u16]) {
        let color = |p: &[u16], i: &mut usize| -> Color {
            match p[*i + 1] {
                5 => {
                    *i += 2;
                    match p[*i] {
                        0 => Color::Black,
                        1 => Color::Red,
                        2 => Color::Green,
                        3 => Color::Yellow,
                        4 => Color::Blue,
                        5 => Color::Magenta,
                        6 => Color::Cyan,
                        7 => Color::Gray,
                        8 => Color::DarkGray,
                        9 => Color::LightRed,
                        10 => Color::LightGreen,
                        11 => Color::LightYellow,
                        12 => Color::LightBlue,
                        13 => Color::LightMagenta,
                        14 => Color::LightCyan,
                        15 => Color::White,
                        i => Color::Indexed(i as u8),
                    }
                }
                _ => panic!("unexpected colour form"),
            }
        };
        let mut i = 0;
        while i < p.len() {
            let m = &mut self.pen.modifier;
            match p[i] {
                0 => self.pen = DEFAULT_PEN,
                1 => m.insert(Modifier::BOLD),
                2 => m.insert(Modifier::DIM),
                3 => m.insert(Modifier::ITALIC),
                4 => m.insert(Modifier::UNDERLINED),
                7 => m.insert(Modifier::REVERSED),
                22 => m.remove(Modifier::BOLD | Modifier::DIM),
                23 => m.remove(Modifier::ITALIC),
                24 => m.remove(Modifier::UNDERLINED),
                27 => m.remove(Modifier::REVERSED),
                38 => self.pen.fg = color(p, &mut i),
                48 => self.pen.bg = color(p, &mut i),
                58 => self.pen.underline = color(p, &mut i),
                39 => self.pen.fg = Color::Reset,
                49 => self.pen.bg = Color::Reset,
                59 => self.pen.underline = Color::Reset,
                v => panic!("unexpected SGR {v}"),
            }
            i += 1;
        }
    }

    /// The model shows `buf`, symbol and style of every cell.
    fn assert_shows(&self, buf: &Buffer) {
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                let cell = &buf[(x, y)];
                let (sym, pen) = &self.cells[y as usize * self.w + x as usize];
                let want = Pen {
                    fg: cell.fg,
                    bg: cell.bg,
                    underline: cell.underline_color,
                    modifier: cell.modifier,
                };
                assert_eq!(
                    (sym.as_str(), *pen),
                    (cell.symbol(), want),
                    "cell ({x}, {y})"
                );
            }
        }
    }
}

const W: u16 = 120;
const H: u16 = 40;

fn terminal() -> Terminal<Screen<Vec<u8>>> {
    Terminal::new(Screen::with_size(Vec::new(), W, H)).unwrap()
}

/// Draw `state` and return the bytes written for it.
fn draw(term: &mut Terminal<Screen<Vec<u8>>>, state: &State, theme: &Theme) -> Vec<u8> {
    term.draw(|f| ui::view(state, theme, f)).unwrap();
    std::mem::take(term.backend_mut().writer_mut())
}

fn screen(state: &State, theme: &Theme) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, W, H));
    ui::render(state, theme, buf.area, &mut buf);
    buf
}

#[test]
fn the_terminal_shows_every_frame_exactly_through_a_sequence_of_screens() {
    let theme = Theme::new(true, false);
    let mut term = terminal();
    let mut model = Model::new(W, H);
    let states = [
        fixture::fresh(),
        fixture::baking(false),
        fixture::help(),
        fixture::baking(false),
        fixture::breached(),
        fixture::promote_typing(),
        fixture::source_failing(),
        fixture::checklist(),
        fixture::drift(),
    ];
    for state in &states {
        let bytes = draw(&mut term, state, &theme);
        model.feed(&bytes);
        model.assert_shows(&screen(state, &theme));
    }
}

#[test]
fn a_frame_that_changes_nothing_writes_nothing() {
    let theme = Theme::new(true, false);
    let mut term = terminal();
    let state = fixture::baking(false);
    assert!(!draw(&mut term, &state, &theme).is_empty());
    assert_eq!(draw(&mut term, &state, &theme), b"");
    assert_eq!(draw(&mut term, &state, &theme), b"");
}

#[test]
fn a_title_and_the_bell_go_ahead_of_the_frame_in_its_write_and_only_once() {
    let theme = Theme::new(true, false);
    let mut term = terminal();
    let state = fixture::baking(false);
    term.backend_mut().set_title("gonogo checkout-api 1% HOLD");
    term.backend_mut().bell();
    let first = draw(&mut term, &state, &theme);
    let ahead: &[u8] = b"\x1b]0;gonogo checkout-api 1% HOLD\x07\x07";
    let (written, frame) = first.split_at(first.len().min(ahead.len()));
    assert_eq!(written, ahead);
    assert!(frame.starts_with(BEGIN_SYNC) && frame.ends_with(END_SYNC));
    // Nothing else changed: the title alone, then nothing.
    term.backend_mut().set_title("gonogo checkout-api 1% GO");
    assert_eq!(
        draw(&mut term, &state, &theme),
        b"\x1b]0;gonogo checkout-api 1% GO\x07"
    );
    assert_eq!(draw(&mut term, &state, &theme), b"");
}

#[test]
fn a_full_screen_comes_as_one_synchronized_update_and_a_tick_of_both_clocks_in_under_80_bytes() {
    let theme = Theme::new(true, false);
    let mut term = terminal();
    let mut state = fixture::baking(false);
    let first = draw(&mut term, &state, &theme);
    assert!(first.starts_with(BEGIN_SYNC) && first.ends_with(END_SYNC));

    // One second later only the countdowns move (the verdict's time left and verified time,
    // the strip's verified time and percentage): a few bytes, a quarter fewer than
    // crossterm's own backend sends for the same change.
    app::update(&mut state, Msg::Tick, fixture::t(1));
    let tick = draw(&mut term, &state, &theme);
    let mut model = Model::new(W, H);
    model.feed(&first);
    model.feed(&tick);
    model.assert_shows(&screen(&state, &theme));
    assert!(!tick.starts_with(BEGIN_SYNC), "a small frame needs no sync");

    // The same change through crossterm's own backend, for comparison.
    let before = screen(&fixture::baking(false), &theme);
    let after = screen(&state, &theme);
    let mut plain = Vec::new();
    CrosstermBackend::new(&mut plain)
        .draw(before.diff(&after).into_iter())
        .unwrap();
    let plain = plain.len();
    assert!(
        // Two clocks tick: the bake countdown and how long the verdict has held.
        tick.len() <= 80 && tick.len() * 4 < plain * 3,
        "{} bytes here, {plain} through crossterm's backend: {:?}",
        tick.len(),
        String::from_utf8_lossy(&tick)
    );
}

#[test]
fn the_cursor_is_hidden_once_and_shown_only_for_the_prompt() {
    let theme = Theme::new(true, false);
    let mut term = terminal();
    let mut model = Model::new(W, H);
    model.feed(&draw(&mut term, &fixture::baking(false), &theme));
    assert!(!model.cursor_shown);
    let prompt = fixture::promote_typing();
    model.feed(&draw(&mut term, &prompt, &theme));
    assert!(model.cursor_shown, "the prompt shows where typing goes");
    let hides = |b: &[u8]| b.windows(6).filter(|w| *w == b"\x1b[?25l").count();
    let back = draw(&mut term, &fixture::baking(false), &theme);
    assert_eq!(hides(&back), 1);
    assert_eq!(hides(&draw(&mut term, &fixture::baking(false), &theme)), 0);
}

#[test]
fn erasing_resets_the_pen_first_so_the_screen_is_not_painted() {
    let mut screen = Screen::with_size(Vec::new(), 4, 1);
    let mut cell = Cell::default();
    cell.set_symbol("x").set_bg(Color::Blue);
    screen.draw([(0u16, 0u16, &cell)].into_iter()).unwrap();
    screen.clear().unwrap();
    screen.flush().unwrap();
    let mut model = Model::new(4, 1);
    model.feed(screen.writer());
    assert_eq!(model.pen, DEFAULT_PEN);
}

/// The cockpit's own screens, one after another (a promote and a rollback among them), shown
/// exactly by a terminal emulator at the sizes an operator uses.
#[test]
fn the_cockpit_screens_show_exactly_in_a_terminal_emulator_at_80_120_and_200_columns() {
    let theme = Theme::new(true, false);
    let states = [
        fixture::fresh(),
        fixture::baking(false),
        fixture::baked(),
        fixture::promote_typing(),
        fixture::in_flight(),
        fixture::complete(),
        fixture::breached(),
        fixture::rollback_prompt(),
        fixture::rolled_back(),
        fixture::help(),
        fixture::source_failing(),
        fixture::drift(),
        fixture::checklist(),
        fixture::baking(false),
    ];
    for (w, h) in [(80, 24), (120, 40), (200, 50)] {
        let mut term = Terminal::new(Screen::with_size(Vec::new(), w, h)).unwrap();
        let mut emulator = super::emulator::Emulator::new(w, h);
        for (i, state) in states.iter().enumerate() {
            let want = term.draw(|f| ui::view(state, &theme, f)).unwrap();
            let want = want.buffer.clone();
            emulator.feed(&std::mem::take(term.backend_mut().writer_mut()));
            if let Some(diff) = emulator.first_difference(&want) {
                panic!("{w}x{h}, screen {i}: {diff}");
            }
        }
    }
}

/// Bytes of typical frames (printed with `--nocapture`, for BENCHMARKS.md): the first screen,
/// a countdown tick, an idle frame, one changed cell.
#[test]
fn typical_frames_cost_what_they_change() {
    let theme = Theme::new(true, false);
    for (w, h) in [(120, 40), (80, 24)] {
        let mut term = Terminal::new(Screen::with_size(Vec::new(), w, h)).unwrap();
        let mut state = fixture::baking(false);
        let mut sizes = vec![];
        for t in 0..=3 {
            if t > 0 {
                app::update(&mut state, Msg::Tick, fixture::t(t));
            }
            term.draw(|f| ui::view(&state, &theme, f)).unwrap();
            sizes.push(std::mem::take(term.backend_mut().writer_mut()).len());
        }
        term.draw(|f| ui::view(&state, &theme, f)).unwrap();
        let idle = std::mem::take(term.backend_mut().writer_mut()).len();
        let ticks = &sizes[1..];
        let mean = ticks.iter().sum::<usize>() as f64 / ticks.len() as f64;
        eprintln!(
            "{w}x{h}: first frame {} B, ticks {ticks:?} (mean {mean:.1} B), idle {idle} B",
            sizes[0]
        );
        assert_eq!(idle, 0);
        // The bake countdown and the verdict's clock, each a few cells.
        assert!(ticks.iter().all(|&b| b < 80), "{ticks:?}");
        // From screen to screen through a promote and a rollback.
        let screens = [
            fixture::baked(),
            fixture::promote_typing(),
            fixture::in_flight(),
            fixture::breached(),
            fixture::rollback_prompt(),
            fixture::rolled_back(),
        ];
        let changes: Vec<usize> = screens
            .iter()
            .map(|s| {
                term.draw(|f| ui::view(s, &theme, f)).unwrap();
                std::mem::take(term.backend_mut().writer_mut()).len()
            })
            .collect();
        eprintln!("{w}x{h}: screen changes {changes:?}");
    }
    // One cell in the middle of the screen changes: back one column and the character.
    let mut term = Terminal::new(Screen::with_size(Vec::new(), 120, 40)).unwrap();
    let mut one = |x: u16, symbol: &str| {
        term.draw(|f| {
            f.buffer_mut()[(x, 20)].set_symbol(symbol);
        })
        .unwrap();
        std::mem::take(term.backend_mut().writer_mut())
    };
    one(60, "a");
    assert_eq!(one(60, "b"), b"\x08b");
}
