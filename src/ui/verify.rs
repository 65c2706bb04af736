//! The prompt of `v`: what the operator verified about an action whose outcome is unknown —
//! it took effect, or it did not — and why, typed as `Verified: <reason>`.

use super::draw::{modal_block, modal_box, wrap};
use super::theme::Theme;
use crate::app::keymap::{Command as C, Scope};
use crate::app::{State, VerifyModal};
use crate::core::approval::{VERIFIED_PREFIX, parse_verified};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// The widest the prompt's text gets.
const MAX_TEXT: usize = 76;

pub struct VerifyView<'a> {
    pub state: &'a State,
    pub modal: &'a VerifyModal,
    pub theme: &'a Theme,
}

impl VerifyView<'_> {
    fn lines(&self, w: usize) -> Vec<Line<'static>> {
        let (t, m, state) = (self.theme, self.modal, self.state);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mut lines = Vec::new();
        if let Some(u) = state.release.unresolved.iter().find(|u| u.id == m.id) {
            for text in wrap(&t.text(&state.unresolved_words(u)), w) {
                lines.push(Line::styled(text, t.bad));
            }
            for text in wrap(&t.text(&u.check), w) {
                lines.push(Line::raw(text));
            }
        }
        lines.push(Line::default());
        let ask = t
            .text("What did you find? (Tab, ↑ or ↓ picks)")
            .into_owned();
        lines.push(Line::styled(ask, bold));
        for (value, what) in [
            (
                true,
                "it took effect: the release moves as if it had succeeded",
            ),
            (
                false,
                "it did not take effect: the release stays where it is",
            ),
        ] {
            let picked = m.took_effect == Some(value);
            let mark = match (picked, t.ascii) {
                (true, true) => "(*)",
                (true, false) => "(●)",
                (false, _) => "( )",
            };
            let style = if picked { bold } else { Style::new() };
            lines.push(Line::styled(format!("  {mark} {}", t.text(what)), style));
        }
        lines.push(Line::default());
        lines.push(super::approve::type_reason(t, VERIFIED_PREFIX));
        let keys = &state.setup.keys;
        let hint = keys.hint(
            Scope::Verify,
            &[(C::Confirm, "records it"), (C::Cancel, "cancels")],
        );
        lines.push(Line::raw(t.text(&hint).into_owned()));
        lines.push(super::approve::input_line(t, &m.input, w).0);
        let hint = match (&m.notice, m.took_effect, parse_verified(&m.input)) {
            (Some(n), _, _) => Line::styled(format!("{} not recorded: {n}", t.sym.bad), t.alert),
            (None, None, _) => Line::styled(format!("{} pick what you found", t.sym.warn), t.warn),
            (None, Some(_), Err(e)) => Line::styled(format!("{} {e}", t.sym.warn), t.warn),
            (None, Some(_), Ok(_)) => {
                let enter = keys.label(Scope::Verify, C::Confirm);
                Line::styled(format!("{} {enter} to record it", t.sym.ok), t.ok)
            }
        };
        lines.push(hint);
        lines
    }
}

impl Widget for &VerifyView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let w = (area.width as usize).saturating_sub(4).min(MAX_TEXT);
        let block = modal_block(self.theme, "Record what you verified", self.theme.warn);
        modal_box(area, buf, self.lines(w), block);
    }
}
