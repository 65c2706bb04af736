//! Gates: name, tier, state and the evidence seen; how to verify one that does not hold.

use super::draw::{self, cell};
use super::focus;
use super::theme::{Theme, width};
use crate::app::{Panel, State};
use crate::core::gate::{GateState, Tier};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Gates<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
    pub header: bool,
}

impl Gates<'_> {
    pub fn rows(state: &State) -> usize {
        state.release.eval.gates.len().max(1)
    }
}

const STATE_W: usize = 9;
const TIER_W: usize = 6;

impl Widget for &Gates<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let gates = &state.release.eval.gates;
        let holding = gates.iter().filter(|g| g.state == GateState::Holds).count();
        let blocking = gates
            .iter()
            .filter(|g| g.tier == Tier::Must && g.state != GateState::Holds)
            .count();
        let mut summary = vec![Span::styled(
            format!("{holding} of {} hold", gates.len()),
            t.dim,
        )];
        if blocking > 0 {
            summary.push(Span::raw("  "));
            summary.push(Span::styled(
                format!("{} {blocking} blocking", t.sym.bad),
                t.bad,
            ));
        }
        // During an incident healthy rows fold into the title's summary (ui::incident).
        let room = (area.height as usize).saturating_sub(1 + usize::from(self.header));
        let fold = || super::incident::gates(state);
        let folded = super::incident::folded(state, t, "gates", fold, room);
        let summary = (folded.as_ref()).map_or(Line::from(summary), |(_, s)| s.clone());
        let inner = draw::inset(draw::titled(buf, area, t, "Gates", summary));
        if gates.is_empty() {
            draw::lines(buf, inner, &[Line::styled("no gates configured", t.dim)]);
            return;
        }
        let total = inner.width as usize;
        let name_w =
            draw::column_width(t, gates.iter().map(|g| g.name.as_str()), 8, 26).min(total / 3);
        let evidence_w = total.saturating_sub(STATE_W + 1 + name_w + 1 + TIER_W + 1);
        let mut lines = Vec::new();
        if self.header {
            lines.push(draw::row(
                t,
                vec![
                    cell("STATE", STATE_W, t.dim),
                    cell("GATE", name_w, t.dim),
                    cell("TIER", TIER_W, t.dim),
                    cell("EVIDENCE", evidence_w, t.dim),
                ],
            ));
        }
        let room = (inner.height as usize).saturating_sub(lines.len());
        let attention: Vec<bool> = gates.iter().map(|g| g.state != GateState::Holds).collect();
        // Folded for an incident, the rows listed are the ones not healthy, and a focused
        // healthy row does not take the place of one of them.
        let (mut shown, hidden, keep_focus) = match folded {
            Some((listed, _)) => (listed, 0, false),
            None => {
                let (shown, hidden) = draw::pick_rows(&attention, room);
                (shown, hidden, true)
            }
        };
        let focused = focus::row(state, Panel::Gates);
        if keep_focus {
            focus::keep_in_view(&mut shown, focused, gates.len());
        }
        let mut focus_line = None;
        for (i, g) in shown.iter().map(|&i| (i, &gates[i])) {
            if focused == Some(i) {
                focus_line = Some(lines.len());
            }
            let (style, sym) = t.gate(g.state, g.tier);
            let evidence_style = match g.state {
                GateState::Holds => Style::new(),
                _ => style,
            };
            let mut line = draw::row(
                t,
                vec![
                    cell(format!("{sym} {}", g.state.label()), STATE_W, style),
                    cell(g.name.clone(), name_w, Style::new()),
                    cell(g.tier.label(), TIER_W, t.dim),
                ],
            );
            let evidence = t.fit(&g.evidence, evidence_w);
            let left = evidence_w.saturating_sub(width(&evidence));
            line.spans.push(Span::raw(" "));
            line.spans.push(Span::styled(evidence, evidence_style));
            if let Some(verify) = g.verify.as_deref().filter(|_| g.state != GateState::Holds)
                && left > 14
            {
                line.spans
                    .push(Span::styled(t.fit(&format!(" → {verify}"), left), t.dim));
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
