//! The countdown panel: while an armed action counts down, a box under the verdict banner
//! says what will happen, why, in how many seconds, and the keys to veto it or act now.
//! Nothing is drawn otherwise, so an idle cockpit draws nothing more.

use super::draw::{modal_block, wrap};
use super::theme::Theme;
use crate::app::State;
use crate::app::keymap::{Command, Scope};
use crate::core::autopilot::Decision;
use crate::core::describe::policy_name;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

/// Evidence lines the panel shows at most; more are cut with "+N more".
const MAX_REASONS: usize = 3;

pub struct Countdown<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

impl Countdown<'_> {
    /// Whether the panel is up: a countdown runs and no prompt is being typed into. It is
    /// drawn over the help, a detail and the digest (whose keys give way to the cockpit's, so
    /// the veto key works there), never over a prompt.
    pub fn shown(state: &State) -> bool {
        use crate::app::Overlay;
        matches!(state.session.auto, Some(Decision::CountingDown { .. }))
            && matches!(
                state.screen.overlay,
                Overlay::None | Overlay::Help | Overlay::Detail(_) | Overlay::Digest(_)
            )
    }
}

impl Widget for &Countdown<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let Some(Decision::CountingDown {
            action,
            policy,
            reasons,
            left,
            ..
        }) = &state.session.auto
        else {
            return;
        };
        if area.width < 20 || area.height < 4 {
            return;
        }
        let inner = (area.width as usize).saturating_sub(4);
        let evidence = state.evidence(reasons);
        let mut lines: Vec<Line<'static>> = Vec::new();
        let lead = format!("{action} because ");
        let mut rows = Vec::new();
        for (i, e) in evidence.iter().take(MAX_REASONS).enumerate() {
            let head = if i == 0 {
                lead.clone()
            } else {
                " ".repeat(lead.len())
            };
            let text = t.fit(&t.text(e), inner.saturating_sub(lead.len()));
            rows.push(format!("{head}{text}"));
        }
        if evidence.len() > MAX_REASONS {
            rows.push(format!(
                "{}+{} more",
                " ".repeat(lead.len()),
                evidence.len() - MAX_REASONS
            ));
        }
        lines.extend(rows.into_iter().map(|r| Line::styled(r, t.bad)));
        let keys = &state.setup.keys;
        let key = |c| keys.label(Scope::Cockpit, c);
        let mut hint = vec![
            Span::styled(format!(" {} ", key(Command::Veto)), t.badge),
            Span::raw(" veto (holds the release)   "),
        ];
        if !state.session.read_only {
            hint.push(Span::styled(format!(" {} ", key(Command::ActNow)), t.badge));
            hint.push(Span::raw(" act now (Approve-Risk)"));
        }
        let hint = Line::from(hint);
        lines.push(if hint.width() <= inner {
            hint
        } else {
            let words = format!("{} veto", key(Command::Veto));
            Line::raw(wrap(&words, inner).remove(0))
        });
        let title = format!(
            "ARMED: {} in {}s",
            policy_name(*policy).to_uppercase(),
            left.as_secs()
        );
        let height = (lines.len() as u16 + 2).min(area.height);
        let rect = Rect { height, ..area };
        Clear.render(rect, buf);
        let block = modal_block(t, &title, t.bad);
        let body = block.inner(rect);
        block.render(rect, buf);
        super::draw::lines(buf, body, &lines);
    }
}
