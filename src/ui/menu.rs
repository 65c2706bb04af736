//! The custom actions menu (`a`): pick one, then its Approve-Risk prompt opens.

use super::draw::{modal_block, modal_box};
use super::theme::Theme;
use crate::app::State;
use crate::app::keymap::{Command as C, Scope};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct ActionsMenu<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
    pub cursor: usize,
}

impl Widget for &ActionsMenu<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let mut lines: Vec<Line<'static>> = Vec::new();
        for (i, name) in self.state.custom_actions().into_iter().enumerate() {
            let here = i == self.cursor;
            let pointer = if here { t.sym.prompt } else { " " };
            let mut line = Line::from(vec![
                Span::styled(format!("{pointer} "), t.key),
                Span::raw(String::from(name)),
            ]);
            if here {
                line = line.patch_style(ratatui::style::Style::new().add_modifier(Modifier::BOLD));
            }
            lines.push(line);
        }
        lines.push(Line::default());
        let keys = self.state.setup.keys.hint(
            Scope::ActionsMenu,
            &[
                (C::Choose, "opens its Approve-Risk prompt"),
                (C::Close, "closes"),
            ],
        );
        let hint = t.text(&format!("↑/↓ choose · {keys}")).into_owned();
        lines.push(Line::styled(hint, t.dim));
        modal_box(area, buf, lines, modal_block(t, "Actions", t.title));
    }
}
