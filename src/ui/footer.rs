//! The footer: the keys that work now.

use super::theme::Theme;
use crate::app::State;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Footer<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

impl Widget for &Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let mut spans = vec![Span::raw(" ")];
        for (key, what) in [("?", "help"), ("q", "quit")] {
            spans.push(Span::styled(format!(" {key} "), t.key));
            spans.push(Span::raw(format!(" {what}   ")));
        }
        if self.state.read_only {
            spans.push(Span::styled("read-only: actions disabled", t.warn));
        }
        buf.set_line(area.x, area.y, &Line::from(spans), area.width);
    }
}
