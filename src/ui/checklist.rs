//! The readiness checklist overlay: each item with its tier, who ticked it and when.

use super::draw::{modal_block, modal_box};
use super::footer::local_time;
use super::theme::Theme;
use crate::app::State;
use crate::app::keymap::{Command as C, Scope};
use crate::core::gate::{GateCheck, GateState, Tier};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct ChecklistView<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
    pub cursor: usize,
}

impl ChecklistView<'_> {
    fn tier(&self, i: usize) -> Tier {
        self.state
            .setup
            .gates
            .iter()
            .find(|g| g.check == GateCheck::Checklist(i))
            .map_or(Tier::Must, |g| g.tier)
    }

    fn lines(&self) -> Vec<Line<'static>> {
        let t = self.theme;
        let mut lines = Vec::new();
        for (i, item) in self.state.setup.checklist.iter().enumerate() {
            let tick = self.state.release.checklist.get(i).and_then(Option::as_ref);
            let tier = self.tier(i);
            let (style, sym) = t.gate(
                if tick.is_some() {
                    GateState::Holds
                } else {
                    GateState::Fails
                },
                tier,
            );
            let boxed = if tick.is_some() { "[x]" } else { "[ ]" };
            let pointer = if i == self.cursor { t.sym.prompt } else { " " };
            let who = tick.map_or(String::new(), |k| {
                format!("  {} at {}", k.operator, local_time(self.state, k.at))
            });
            let mut line = Line::from(vec![
                Span::styled(format!("{pointer} "), t.key),
                Span::styled(format!("{boxed} {sym} "), style),
                Span::raw(item.clone()),
                Span::styled(format!("  ({})", tier.label()), t.dim),
                Span::styled(who, t.dim),
            ]);
            if i == self.cursor {
                line = line.patch_style(ratatui::style::Style::new().add_modifier(Modifier::BOLD));
            }
            lines.push(line);
        }
        lines.push(Line::default());
        let keys = &self.state.setup.keys;
        let hint = if self.state.session.read_only {
            let close = keys.hint(Scope::Checklist, &[(C::Close, "closes")]);
            format!("read-only: the checklist cannot be changed · {close}")
        } else {
            let tick = [
                (C::Tick, "ticks or unticks (journaled)"),
                (C::Close, "closes"),
            ];
            format!("↑/↓ move · {}", keys.hint(Scope::Checklist, &tick))
        };
        lines.push(Line::styled(t.text(&hint).into_owned(), t.dim));
        lines
    }
}

impl Widget for &ChecklistView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = modal_block(self.theme, "Readiness checklist", self.theme.title);
        modal_box(area, buf, self.lines(), block);
    }
}
