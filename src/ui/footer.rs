//! The footer: the keys that work now, and the action in flight.

use super::theme::Theme;
use crate::app::{State, keymap};
use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Footer<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

/// `at` on the cockpit's local clock, to the second.
pub fn local_time(state: &State, at: DateTime<Utc>) -> String {
    at.with_timezone(&state.screen.local_offset)
        .format("%H:%M:%S")
        .to_string()
}

/// "⟳ promote in flight since 14:03:12", while an action waits for its outcome.
pub fn in_flight(state: &State, t: &Theme) -> Option<Span<'static>> {
    let f = state.session.in_flight.as_ref()?;
    let text = format!(
        "{} {} in flight since {}",
        t.sym.busy,
        f.kind.name(&state.setup.actions),
        local_time(state, f.started)
    );
    Some(Span::styled(text, t.info.add_modifier(Modifier::BOLD)))
}

impl Widget for &Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let mut spans = vec![Span::raw(" ")];
        for (key, what) in keymap::footer(state) {
            spans.push(Span::styled(format!(" {} ", t.text(&key)), t.key));
            spans.push(Span::raw(format!(" {what}  ")));
        }
        if state.session.read_only {
            spans.push(Span::raw(" "));
            spans.push(Span::styled("read-only: actions disabled", t.warn));
        } else if let Some(busy) = in_flight(state, t) {
            spans.push(Span::raw(" "));
            spans.push(busy);
        }
        super::fast::set_line(buf, area.x, area.y, &Line::from(spans), area.width);
    }
}
