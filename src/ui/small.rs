//! A terminal smaller than the dashboard needs: the verdict still shows, then what size is
//! needed.

use super::header::Header;
use super::theme::Theme;
use super::{MIN_HEIGHT, MIN_WIDTH};
use crate::app::State;
use crate::app::keymap::Command;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let message = vec![
        Line::styled(
            format!("Terminal too small: {}x{}", area.width, area.height),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Line::raw(format!("gonogo needs at least {MIN_WIDTH}x{MIN_HEIGHT}.")),
        Line::styled(
            theme
                .text(&format!("Enlarge the window. {}", keys(state)))
                .into_owned(),
            theme.dim,
        ),
    ];
    let wanted = Header::base_height(state) + Header::reason_lines(state) as u16;
    let head_h = wanted
        .min(area.height.saturating_sub(message.len() as u16 + 1))
        .max(area.height.min(2));
    let [head, _, body] = Layout::vertical([
        Constraint::Length(head_h),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    (&Header { state, theme }).render(head, buf);
    Paragraph::new(message)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(body, buf);
}

/// The keys that still work here: rolling back does, even on a small screen.
fn keys(state: &State) -> String {
    let key = |c| state.setup.keys.cockpit(c);
    let rollback = Command::Rollback.works_now(state);
    let r = if rollback {
        format!(" {} roll back ", key(Command::Rollback))
    } else {
        String::new()
    };
    format!(
        "{r} {} help  {} quit",
        key(Command::Help),
        key(Command::Quit)
    )
}
