//! The prompt of `h`: why the release is held, then for how long; or, with a hold placed,
//! whether to release it. The veto of an armed action asks its reason here too.

use super::draw::{modal_block, modal_box, wrap};
use super::theme::Theme;
use crate::app::keymap::{Command as C, Scope};
use crate::app::{HoldModal, HoldStep, State};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// The widest the prompt's text gets.
const MAX_TEXT: usize = 64;

pub struct HoldView<'a> {
    pub state: &'a State,
    pub modal: &'a HoldModal,
    pub theme: &'a Theme,
}

impl HoldView<'_> {
    fn lines(&self, w: usize) -> Vec<Line<'static>> {
        let (t, m) = (self.theme, self.modal);
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let mut lines = Vec::new();
        let ask = match m.step {
            HoldStep::Release => {
                if let Some(h) = &self.state.release.hold {
                    let words = h.words(self.state.screen.local_offset);
                    for text in wrap(&t.text(&words), w) {
                        lines.push(Line::styled(text, t.warn));
                    }
                }
                lines.push(Line::default());
                lines.push(Line::styled("Release the hold?", bold));
                let keys = [
                    (C::Confirm, "releases it (journaled)"),
                    (C::Cancel, "keeps it"),
                ];
                let hint = self.state.setup.keys.hint(Scope::ReleaseHold, &keys);
                lines.push(Line::raw(t.text(&hint).into_owned()));
                return lines;
            }
            HoldStep::Reason if m.veto => {
                if let Some(p) = self.state.auto_pending() {
                    let what = format!(
                        "Veto {}: it will not act on this situation, and the release is held \
                         for {}.",
                        crate::core::describe::policy_name(p),
                        crate::app::DEFAULT_HOLD
                    );
                    for text in wrap(&t.text(&what), w) {
                        lines.push(Line::styled(text, t.warn));
                    }
                }
                format!(
                    "Why veto it? (at least {} non-blank characters)",
                    crate::app::HOLD_REASON_MIN
                )
            }
            HoldStep::Reason => format!(
                "Why hold the release? (at least {} non-blank characters)",
                crate::app::HOLD_REASON_MIN
            ),
            HoldStep::Duration => {
                for text in wrap(&t.text(&format!("reason: {}", m.reason)), w) {
                    lines.push(Line::raw(text));
                }
                format!(
                    "For how long? (15m, 1h, 2h 30m; empty is {})",
                    crate::app::DEFAULT_HOLD
                )
            }
        };
        for text in wrap(&t.text(&ask), w) {
            lines.push(Line::styled(text, bold));
        }
        let note = if m.veto {
            "Nothing automatic acts while held; rollback by hand still does."
        } else {
            "Promote is refused while held; rollback never is."
        };
        lines.push(Line::raw(t.text(note).into_owned()));
        let go = if m.veto { "vetoes" } else { "goes on" };
        let keys = [(C::Confirm, go), (C::Cancel, "cancels")];
        let hint = self.state.setup.keys.hint(Scope::Hold, &keys);
        lines.push(Line::raw(t.text(&hint).into_owned()));
        lines.push(super::approve::input_line(t, &m.input, w).0);
        if let Some(n) = &m.notice {
            lines.push(Line::styled(
                format!("{} {}", t.sym.bad, t.text(n)),
                t.alert,
            ));
        }
        lines
    }
}

impl Widget for &HoldView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let w = (area.width as usize).saturating_sub(4).min(MAX_TEXT);
        let title = if self.modal.veto {
            "Veto the armed action"
        } else {
            "Hold the release"
        };
        let block = modal_block(self.theme, title, self.theme.warn);
        modal_box(area, buf, self.lines(w), block);
    }
}
