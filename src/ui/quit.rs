//! Quit was asked for while an action is in flight, or the shared journal's wheel is to be
//! handed over: a small box asks first.

use super::draw::{modal_block, modal_box};
use super::footer::local_time;
use super::theme::Theme;
use crate::app::State;
use crate::app::keymap::{Command as C, Scope};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct ConfirmQuit<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

impl ConfirmQuit<'_> {
    fn lines(&self) -> Vec<Line<'static>> {
        let t = self.theme;
        let what = match &self.state.session.in_flight {
            Some(f) => format!(
                "An action is in flight ({}, sent at {}).",
                f.kind.name(&self.state.setup.actions),
                local_time(self.state, f.started)
            ),
            None => "An action may still be in flight.".to_string(),
        };
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let key = |c| self.state.setup.keys.label(Scope::ConfirmQuit, c);
        vec![
            Line::styled(what, bold),
            Line::raw("Its outcome is not known yet. Quit anyway?"),
            Line::default(),
            Line::from(vec![
                Span::styled(format!(" {} ", key(C::QuitNow)), t.key),
                Span::raw(" quit    "),
                Span::styled(format!(" {} ", key(C::Close)), t.key),
                Span::raw(" stay"),
            ]),
        ]
    }
}

impl Widget for &ConfirmQuit<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = modal_block(self.theme, "Quit?", self.theme.warn);
        modal_box(area, buf, self.lines(), block);
    }
}

/// Handing the shared journal's wheel over was asked for.
pub struct ConfirmHandover<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

impl Widget for &ConfirmHandover<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let key = |c| self.state.setup.keys.label(Scope::ConfirmHandover, c);
        let lines = vec![
            Line::styled(
                "Hand the wheel over?",
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Line::raw("This cockpit stops driving and watches on;"),
            Line::raw("any watcher may then take the wheel."),
            Line::default(),
            Line::from(vec![
                Span::styled(format!(" {} ", key(C::Confirm)), t.key),
                Span::raw(" hand it over    "),
                Span::styled(format!(" {} ", key(C::Close)), t.key),
                Span::raw(" keep driving"),
            ]),
        ];
        let block = modal_block(t, "Hand over?", t.warn);
        modal_box(area, buf, lines, block);
    }
}
