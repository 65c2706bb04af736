//! The Approve-Risk prompt: what will be sent where, the verdict it would be sent under, and
//! the typed confirmation with a live hint. The terminal cursor sits at the end of the input.

use super::draw::{modal_block, wrap};
use super::theme::{Theme, width};
use crate::app::keymap::{Command as C, Scope};
use crate::app::{ActionKind, ApproveModal, Overlay, State};
use crate::core::approval::{MIN_REASON_CHARS, PREFIX, parse_approval};
use crate::core::reading::format_number;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

/// The widest the prompt gets, border included.
const MAX_WIDTH: u16 = 92;
/// Further verdict reasons listed under the banner before "+N more".
const MAX_REASONS: usize = 3;

pub struct ApproveView<'a> {
    pub state: &'a State,
    pub modal: &'a ApproveModal,
    pub theme: &'a Theme,
}

/// One row of the prompt. `give` orders what goes on a short screen: rows with the highest
/// number go first, rows with 0 never (the verdict, an override, the input and its hint).
struct Row {
    line: Line<'static>,
    give: u8,
    /// Style for the whole row, for banners.
    fill: Option<Style>,
    input: bool,
}

fn row(line: impl Into<Line<'static>>, give: u8) -> Row {
    Row {
        line: line.into(),
        give,
        fill: None,
        input: false,
    }
}

fn bar(line: impl Into<Line<'static>>, style: Style) -> Row {
    Row {
        fill: Some(style),
        ..row(line, 0)
    }
}

/// Where everything lands: the box, its rows, and the cursor.
struct Laid {
    rect: Rect,
    inner: Rect,
    rows: Vec<Row>,
    cursor: Option<Position>,
}

/// "PROMOTE 5% → 10%", "PROMOTE → 1%", "ROLL BACK from 10%".
pub fn title(state: &State, kind: ActionKind) -> String {
    let share = |i: usize| {
        state
            .setup
            .plan
            .stages
            .get(i)
            .map_or_else(|| "?".into(), |s| format!("{}%", format_number(s.traffic)))
    };
    match kind {
        ActionKind::Promote { from: Some(f), to } => {
            format!("PROMOTE {} → {}", share(f), share(to))
        }
        ActionKind::Promote { from: None, to } => format!("PROMOTE → {}", share(to)),
        ActionKind::Rollback { from: Some(f) } => format!("ROLL BACK from {}", share(f)),
        ActionKind::Rollback { from: None } => "ROLL BACK".into(),
        ActionKind::Custom(_) => format!("RUN {}", kind.name(&state.setup.actions).to_uppercase()),
    }
}

/// Where the terminal cursor goes while the prompt is open.
pub fn cursor(state: &State, theme: &Theme, area: Rect) -> Option<Position> {
    let Overlay::Approve(modal) = &state.screen.overlay else {
        return None;
    };
    let view = ApproveView {
        state,
        modal,
        theme,
    };
    view.lay_out(area).cursor
}

impl ApproveView<'_> {
    fn lay_out(&self, area: Rect) -> Laid {
        let w = if area.width >= 24 {
            (area.width - 4).min(MAX_WIDTH)
        } else {
            area.width
        };
        let inner_w = w.saturating_sub(4) as usize;
        let (mut rows, cursor_col) = self.rows(inner_w);
        let room = area.height.saturating_sub(2) as usize;
        while rows.len() > room {
            let most = rows.iter().map(|r| r.give).max().unwrap_or(0);
            if most == 0 {
                break;
            }
            if let Some(i) = rows.iter().rposition(|r| r.give == most) {
                rows.remove(i);
            }
        }
        // Still too tall: the top gives way, so the input stays in sight.
        let over = rows.len().saturating_sub(room);
        rows.drain(..over);
        let h = rows.len() as u16 + 2;
        let rect = area.centered(
            Constraint::Length(w),
            Constraint::Length(h.min(area.height)),
        );
        let inner = Rect {
            x: rect.x + 2.min(rect.width),
            y: rect.y + 1.min(rect.height),
            width: rect.width.saturating_sub(4),
            height: rect.height.saturating_sub(2),
        };
        let cursor = rows.iter().position(|r| r.input).and_then(|i| {
            let y = inner.y + i as u16;
            let x = inner.x + cursor_col.min(inner.width.saturating_sub(1));
            (i < inner.height as usize && inner.width > 0).then_some(Position { x, y })
        });
        Laid {
            rect,
            inner,
            rows,
            cursor,
        }
    }

    /// Every row the prompt would like, and the cursor's column in the input row.
    fn rows(&self, w: usize) -> (Vec<Row>, u16) {
        let (t, m) = (self.theme, self.modal);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let hint = parse_approval(&m.input).map_err(|e| e.to_string());
        // A refused Enter repeats the hint: it is drawn there, prominently, not twice.
        let refused = matches!((&hint, &m.notice), (Err(e), Some(n)) if e == n);
        let mut rows = Vec::new();
        if let Some(notice) = m.notice.as_deref().filter(|_| !refused) {
            for (i, text) in wrap(&t.text(notice), w.saturating_sub(3))
                .into_iter()
                .enumerate()
            {
                let lead = if i == 0 { t.sym.warn } else { " " };
                rows.push(bar(format!(" {lead} {text}"), t.alert));
            }
        }
        rows.push(row(
            vec![
                Span::raw("Sends a webhook to "),
                Span::styled(t.text(&m.target).into_owned(), bold),
            ],
            1,
        ));
        rows.push(row("", 4));
        rows.push(self.banner(w));
        let reasons = self.reasons();
        let more = reasons.len().saturating_sub(1);
        for reason in reasons.iter().skip(1).take(MAX_REASONS) {
            let lead = format!("   {} ", t.sym.bullet);
            let text = t.fit(reason, w.saturating_sub(width(&lead)));
            rows.push(row(format!("{lead}{text}"), 3));
        }
        if more > MAX_REASONS {
            let text = format!("   +{} more", more - MAX_REASONS);
            rows.push(row(Line::styled(text, t.dim), 3));
        }
        if m.is_override {
            let text = format!(
                "OVERRIDE: promoting while the verdict is {} — the journal records it with \
                 these reasons",
                m.verdict.label()
            );
            let style = if t.color { t.bad } else { t.alert };
            rows.extend(hanging(t, t.sym.warn, &text, w, style, 0));
        }
        for u in &self.state.release.unresolved {
            let text = format!(
                "OUTCOME UNKNOWN: {} — sending again may do it twice",
                self.state.unresolved_words(u)
            );
            rows.extend(hanging(t, t.sym.bad, &text, w, t.bad, 0));
        }
        // Read now, not when the prompt opened: the values move while the reason is typed.
        let breaches = self.state.breaches();
        if !breaches.each.is_empty() {
            let as_of = breaches.as_of.map_or_else(String::new, |at| {
                let local = at.with_timezone(&self.state.screen.local_offset);
                format!(" (as of {})", local.format("%H:%M:%S"))
            });
            let text = format!("Breached{as_of}: {}", breaches.each.join("; "));
            rows.extend(hanging(t, t.sym.bad, &text, w, t.bad, 2));
        }
        rows.push(row("", 4));
        rows.extend(self.instruction(w));
        let (input, col) = input_line(t, &m.input, w);
        rows.push(Row {
            input: true,
            ..row(input, 0)
        });
        let (text, style) = match &hint {
            _ if m.fill_note.is_some() => {
                let note = m.fill_note.as_deref().unwrap_or_default();
                (format!("{} {note}", t.sym.warn), t.warn)
            }
            Ok(_) => {
                let enter = self.state.setup.keys.label(Scope::Prompt, C::Confirm);
                (format!("{} {enter} to send", t.sym.ok), t.ok)
            }
            Err(e) if refused => (format!("{} not sent: {e}", t.sym.bad), t.alert),
            Err(e) => (format!("{} {e}", t.sym.warn), t.warn),
        };
        let text = format!("  {}", t.fit(&text, w.saturating_sub(2)));
        rows.push(row(Line::styled(text, style), 0));
        (rows, col)
    }

    /// The verdict's reasons as they read now, while the verdict is the one the prompt shows;
    /// once it moved, the reasons the operator read, until Enter asks again.
    fn reasons(&self) -> Vec<String> {
        let live = &self.state.release.eval.verdict;
        if live.kind == self.modal.verdict {
            live.reasons.iter().map(|r| r.text.clone()).collect()
        } else {
            self.modal.reasons.clone()
        }
    }

    /// The verdict the action would be sent under, styled as the header's banner.
    fn banner(&self, w: usize) -> Row {
        let (t, m) = (self.theme, self.modal);
        let (style, sym) = t.verdict(m.verdict);
        let word = format!(" {sym} {} ", m.verdict.label());
        let mut spans = vec![Span::styled(word.clone(), style)];
        if let Some(first) = self.reasons().first() {
            let sep = format!(" {} ", t.sym.separator);
            let room = w.saturating_sub(width(&word) + width(&sep) + 1);
            spans.push(Span::styled(sep, style.remove_modifier(Modifier::BOLD)));
            spans.push(Span::styled(t.fit(first, room), style));
        }
        bar(spans, style)
    }

    /// "Type  Approve-Risk: <reason>  (reason ≥ 10 non-blank characters) · Enter confirms ·
    /// Esc cancels", on two rows when one is too narrow.
    fn instruction(&self, w: usize) -> Vec<Row> {
        let t = self.theme;
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let ask = type_reason(t, PREFIX);
        let sep = format!(" {} ", t.text("·"));
        let key = |c| self.state.setup.keys.label(Scope::Prompt, c);
        let keys = vec![
            Span::styled(key(C::Confirm), bold),
            Span::raw(format!(" confirms{sep}")),
            Span::styled(key(C::Cancel), bold),
            Span::raw(" cancels"),
        ];
        let keys_w: usize = keys.iter().map(Span::width).sum();
        if ask.width() + width(&sep) + keys_w <= w {
            let mut spans = ask.spans;
            spans.push(Span::raw(sep));
            spans.extend(keys);
            vec![row(Line::from(spans), 1)]
        } else {
            vec![row(ask, 1), row(Line::from(keys), 1)]
        }
    }
}

/// `text` wrapped under a symbol, continuation rows indented to the text.
fn hanging(t: &Theme, sym: &str, text: &str, w: usize, style: Style, give: u8) -> Vec<Row> {
    let lead = format!("{sym} ");
    let indent = width(&lead);
    wrap(&t.text(text), w.saturating_sub(indent))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let head = if i == 0 {
                lead.clone()
            } else {
                " ".repeat(indent)
            };
            row(Line::styled(format!("{head}{part}"), style), give)
        })
        .collect()
}

/// The input after a prompt sign, showing its end when it is longer than the row; and the
/// column just after it, for the cursor.
/// "Type  <prefix> <reason>  (reason ≥ 10 non-blank characters)", the prefix in bold.
pub(super) fn type_reason(t: &Theme, prefix: &str) -> Line<'static> {
    Line::from(vec![
        Span::raw("Type  "),
        Span::styled(
            format!("{prefix} <reason>"),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(
            t.text(&format!(
                "  (reason ≥ {MIN_REASON_CHARS} non-blank characters)"
            ))
            .into_owned(),
        ),
    ])
}

pub(super) fn input_line(t: &Theme, input: &str, w: usize) -> (Line<'static>, u16) {
    let prompt = format!("{} ", t.sym.prompt);
    let room = w.saturating_sub(width(&prompt) + 1);
    let text = t.text(input);
    let shown = if width(&text) <= room {
        text.into_owned()
    } else {
        let keep = room.saturating_sub(width(t.sym.ellipsis));
        let mut tail: Vec<char> = Vec::new();
        let mut used = 0;
        for c in text.chars().rev() {
            let mut b = [0u8; 4];
            let cw = width(c.encode_utf8(&mut b));
            if used + cw > keep {
                break;
            }
            used += cw;
            tail.push(c);
        }
        let tail: String = tail.into_iter().rev().collect();
        format!("{}{tail}", t.sym.ellipsis)
    };
    let col = (width(&prompt) + width(&shown)) as u16;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let line = Line::from(vec![
        Span::styled(prompt, t.title),
        Span::styled(shown, bold),
    ]);
    (line, col)
}

impl Widget for &ApproveView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let laid = self.lay_out(area);
        let t = self.theme;
        let style = match self.modal.kind {
            ActionKind::Rollback { .. } => t.warn,
            ActionKind::Promote { .. } if self.modal.is_override => t.bad,
            ActionKind::Promote { .. } | ActionKind::Custom(_) => t.title,
        };
        Clear.render(laid.rect, buf);
        let title = title(self.state, self.modal.kind);
        modal_block(t, &title, style.add_modifier(Modifier::BOLD)).render(laid.rect, buf);
        let inner = laid.inner;
        for (r, y) in laid.rows.iter().zip(inner.top()..inner.bottom()) {
            let line_area = Rect {
                y,
                height: 1,
                ..inner
            };
            if let Some(fill) = r.fill {
                buf.set_style(line_area, fill);
            }
            super::fast::set_line(buf, inner.x, y, &r.line, inner.width);
        }
    }
}
