//! The footer: the keys that work now, and the action in flight.

use super::theme::Theme;
use crate::app::State;
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
    at.with_timezone(&state.local_offset)
        .format("%H:%M:%S")
        .to_string()
}

/// "⟳ promote in flight since 14:03:12", while an action waits for its outcome.
pub fn in_flight(state: &State, t: &Theme) -> Option<Span<'static>> {
    let f = state.in_flight.as_ref()?;
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
        let configured = |name: &str| state.setup.actions.iter().any(|a| a.name == name);
        // No action keys while one is in flight: a second one would be refused.
        let actions = !state.read_only && state.in_flight.is_none();
        let live = state.position.filter(|p| !p.rolled_back).map(|p| p.stage);
        let last = live.is_some_and(|s| s + 1 >= state.setup.plan.stages.len());
        // While an action's outcome is unknown, promote is no recommendation (it stays an
        // override in its prompt); recording what was verified is.
        let unresolved = !state.unresolved.is_empty();
        let keys = [
            ("v", "verify", !state.read_only && unresolved),
            (
                "p",
                "promote",
                actions && !last && configured("promote") && !unresolved,
            ),
            ("r", "rollback", actions && configured("rollback")),
            ("a", "actions", actions && custom_actions(state) > 0),
            ("c", "checklist", !state.setup.checklist.is_empty()),
            ("?", "help", true),
            ("q", "quit", true),
        ];
        let mut spans = vec![Span::raw(" ")];
        for (key, what, _) in keys.into_iter().filter(|k| k.2) {
            spans.push(Span::styled(format!(" {key} "), t.key));
            spans.push(Span::raw(format!(" {what}  ")));
        }
        if state.read_only {
            spans.push(Span::raw(" "));
            spans.push(Span::styled("read-only: actions disabled", t.warn));
        } else if let Some(busy) = in_flight(state, t) {
            spans.push(Span::raw(" "));
            spans.push(busy);
        }
        super::fast::set_line(buf, area.x, area.y, &Line::from(spans), area.width);
    }
}

/// How many custom actions (neither promote nor rollback) the config has.
fn custom_actions(state: &State) -> usize {
    state
        .setup
        .actions
        .iter()
        .filter(|a| a.name != "promote" && a.name != "rollback")
        .count()
}
