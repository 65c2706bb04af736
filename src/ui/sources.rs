//! Sources: whether each one answers, how long ago it last did, how fast, how many polls in a
//! row failed, and the last error.

use super::draw::{self, cell};
use super::focus;
use super::theme::Theme;
use crate::app::{Panel, SourceStatus, State};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Sources<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
    pub header: bool,
}

impl Sources<'_> {
    pub fn rows(state: &State) -> usize {
        state.setup.sources.len().max(1)
    }
}

const STATE_W: usize = 7;
const KIND_W: usize = 10;
const AGE_W: usize = 12;
const LATENCY_W: usize = 8;
const FAILS_W: usize = 9;

impl Widget for &Sources<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let specs = &state.setup.sources;
        let n = specs
            .len()
            .min(state.release.sources.len())
            .min(state.release.eval.sources.len());
        let answering = state.release.eval.sources[..n]
            .iter()
            .filter(|v| v.status == SourceStatus::Ok)
            .count();
        let summary = Line::styled(format!("{answering} of {n} answering"), t.dim);
        // During an incident healthy rows fold into the title's summary (ui::incident).
        let room = (area.height as usize).saturating_sub(1 + usize::from(self.header));
        let fold = || super::incident::sources(state);
        let folded = super::incident::folded(state, t, "sources", fold, room);
        let summary = (folded.as_ref()).map_or(summary, |(_, s)| s.clone());
        let inner = draw::inset(draw::titled(buf, area, t, "Sources", summary));
        if n == 0 {
            draw::lines(buf, inner, &[Line::styled("no sources configured", t.dim)]);
            return;
        }
        let total = inner.width as usize;
        let name_w =
            draw::column_width(t, specs.iter().map(|s| s.name.as_str()), 6, 20).min(total / 5);
        // The kind is what matters least; narrow screens leave it out.
        let kind_w = if total >= 100 { KIND_W } else { 0 };
        let fixed = [STATE_W, name_w, kind_w, AGE_W, LATENCY_W, FAILS_W]
            .iter()
            .filter(|&&w| w > 0)
            .map(|w| w + 1)
            .sum::<usize>();
        let error_w = total.saturating_sub(fixed);
        let mut lines = Vec::new();
        if self.header {
            lines.push(draw::row(
                t,
                vec![
                    cell("STATE", STATE_W, t.dim),
                    cell("SOURCE", name_w, t.dim),
                    cell("KIND", kind_w, t.dim),
                    cell("LAST OK", AGE_W, t.dim),
                    cell("LATENCY", LATENCY_W, t.dim),
                    cell("FAILURES", FAILS_W, t.dim),
                    cell("LAST ERROR", error_w, t.dim),
                ],
            ));
        }
        let room = (inner.height as usize).saturating_sub(lines.len());
        let attention: Vec<bool> = state.release.eval.sources[..n]
            .iter()
            .map(|v| v.status != SourceStatus::Ok)
            .collect();
        // Folded for an incident, the rows listed are the ones not healthy, and a focused
        // healthy row does not take the place of one of them.
        let (mut shown, hidden, keep_focus) = match folded {
            Some((listed, _)) => (listed, 0, false),
            None => {
                let (shown, hidden) = draw::pick_rows(&attention, room);
                (shown, hidden, true)
            }
        };
        let focused = focus::row(state, Panel::Sources);
        if keep_focus {
            focus::keep_in_view(&mut shown, focused, n);
        }
        let mut focus_line = None;
        for i in shown.iter().copied() {
            if focused == Some(i) {
                focus_line = Some(lines.len());
            }
            let (spec, health, view) = (
                &specs[i],
                &state.release.sources[i],
                &state.release.eval.sources[i],
            );
            let (style, sym) = t.source(view.status);
            let age = if view.age == "never" {
                "never ok".to_string()
            } else {
                format!("ok {} ago", view.age)
            };
            let age_style = match view.status {
                SourceStatus::Ok => t.dim,
                _ => style,
            };
            let latency = health.latency.map_or(String::new(), latency);
            let fails = match health.consecutive_failures {
                0 => String::new(),
                n => format!("{n} failed"),
            };
            let mut line = draw::row(
                t,
                vec![
                    cell(format!("{sym} {}", view.status.label()), STATE_W, style),
                    cell(spec.name.clone(), name_w, Style::new()),
                    cell(spec.kind.label(), kind_w, t.dim),
                    cell(age, AGE_W, age_style),
                    cell(latency, LATENCY_W, t.dim),
                    cell(fails, FAILS_W, style),
                ],
            );
            if let Some(err) = &health.last_error {
                line.spans.push(Span::raw(" "));
                line.spans.push(Span::styled(t.fit(err, error_w), t.bad));
            }
            lines.push(line);
        }
        if hidden > 0 {
            lines.push(draw::more_line(t, &attention, &shown));
        }
        draw::lines(buf, inner, &lines);
        focus::mark(buf, inner, focus_line, t);
    }
}

/// A poll's latency for the table. Under 10 ms it reads `<10 ms`: a local source answering in
/// 1 ms one poll and 2 ms the next is not news, and redrawing it was the main noise a quiet
/// cockpit wrote beyond its countdown.
fn latency(l: std::time::Duration) -> String {
    match l.as_millis() {
        0..10 => format!("{:>5} ms", "<10"),
        ms => format!("{ms:>5} ms"),
    }
}
