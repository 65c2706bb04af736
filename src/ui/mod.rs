//! The screen: a pure function of the `State`. Everything that depends on time was computed by
//! `update` into `state.release.eval`; nothing here reads a clock.
//!
//! From the top: the header (release, verdict banner with its reasons, clock), the stage
//! pipeline with the countdown, stop conditions, gates, sources, the event log, and the keys.
//! Below 80x24 the screen says what size it needs, under the verdict. Over it all: a toast at
//! the bottom, and the overlay that has the keyboard (help, the Approve-Risk prompt, or the
//! question before quitting with an action in flight).

mod approve;
mod checklist;
mod conditions;
mod detail;
mod detail_condition;
mod detail_evidence;
mod draw;
mod fast;
mod focus;
mod footer;
mod gates;
mod header;
mod help;
mod hold;
mod log;
mod menu;
mod quit;
mod small;
mod sources;
mod stages;
mod theme;
mod toast;
mod verify;

#[cfg(test)]
mod action_tests;
#[cfg(test)]
mod backfill_tests;
#[cfg(test)]
mod detail_tests;
#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod log_tests;
#[cfg(test)]
pub(crate) mod statistical_tests;
#[cfg(test)]
mod tests;

pub use theme::{Symbols, Theme};

use crate::app::{LogView, Overlay, State};
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Widget;

/// The smallest terminal the full screen fits in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draw the whole screen for `state`; with the Approve-Risk prompt open, the terminal cursor
/// is left at the end of its input.
pub fn view(state: &State, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    render(state, theme, area, frame.buffer_mut());
    if let Some(at) = approve::cursor(state, theme, overlay_area(area)) {
        frame.set_cursor_position(at);
    }
}

/// Draw the whole screen into `area` of `buf` (what `view` does, without a terminal).
pub fn render(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        small::render(state, theme, area, buf);
    } else {
        dashboard(state, theme, area, buf);
    }
    if let Some(toast) = &state.screen.toast {
        (&toast::ToastView { toast, theme }).render(area, buf);
    }
    let area = overlay_area(area);
    match &state.screen.overlay {
        Overlay::None => {}
        Overlay::Help => (&help::Help { state, theme }).render(area, buf),
        Overlay::Approve(modal) => (&approve::ApproveView {
            state,
            modal,
            theme,
        })
            .render(area, buf),
        Overlay::ConfirmQuit => (&quit::ConfirmQuit { state, theme }).render(area, buf),
        Overlay::Actions { cursor } => (&menu::ActionsMenu {
            state,
            theme,
            cursor: *cursor,
        })
            .render(area, buf),
        Overlay::Checklist { cursor } => (&checklist::ChecklistView {
            state,
            theme,
            cursor: *cursor,
        })
            .render(area, buf),
        Overlay::Verify(modal) => (&verify::VerifyView {
            state,
            modal,
            theme,
        })
            .render(area, buf),
        // Typed on the event log's last line: the log draws it.
        Overlay::Filter { .. } => {}
        Overlay::Hold(modal) => (&hold::HoldView {
            state,
            modal,
            theme,
        })
            .render(area, buf),
        Overlay::Detail(detail) => (&detail::DetailView {
            state,
            detail,
            theme,
        })
            .render(area, buf),
    }
}

/// Where overlays go: below the title and the verdict banner, when the screen is tall enough
/// to keep them in sight.
fn overlay_area(area: Rect) -> Rect {
    if area.height >= MIN_HEIGHT {
        Rect {
            y: area.y + 2,
            height: area.height - 2,
            ..area
        }
    } else {
        area
    }
}

/// Rows given to each part of the dashboard.
#[derive(Debug, PartialEq, Eq)]
struct Rows {
    header: u16,
    conditions: u16,
    gates: u16,
    sources: u16,
    log: u16,
    /// Column names under the table titles.
    table_headers: bool,
}

/// Share `height` rows out. What must be seen comes first: the header, the stages and every
/// row of the three tables; then further reasons, then column names, and the log gets what is
/// left. Tables only lose rows on screens too short for them, sources first.
fn rows(state: &State, height: u16) -> Rows {
    let base = header::Header::base_height(state);
    let mut tables = [
        conditions::Conditions::rows(state),
        gates::Gates::rows(state),
        sources::Sources::rows(state),
    ]
    .map(|n| n as u16 + 1);
    let fixed = base + stages::Stages::HEIGHT + 1;
    // A log the operator scrolls or filters keeps a title and five entries: the tables give
    // up healthy rows for it, as they do on short screens.
    let explored = state.screen.log_view != LogView::default()
        || matches!(state.screen.overlay, Overlay::Filter { .. });
    let floor = if explored { 6 } else { 0 };
    let mut left = i32::from(height)
        - i32::from(fixed)
        - tables.iter().map(|&n| i32::from(n)).sum::<i32>()
        - floor;
    while left < 0 {
        let Some(i) = [2, 1, 0].into_iter().find(|&i| tables[i] > 2) else {
            break;
        };
        tables[i] -= 1;
        left += 1;
    }
    let floor = (floor + left.min(0)).max(0) as u16;
    let mut left = left.max(0) as u16;
    let reasons = (header::Header::reason_lines(state) as u16)
        .min(6)
        .min(left);
    left -= reasons;
    const LOG_MIN: u16 = 3;
    let table_headers = left >= 3 + LOG_MIN;
    if table_headers {
        left -= 3;
    }
    Rows {
        header: base + reasons,
        conditions: tables[0] + u16::from(table_headers),
        gates: tables[1] + u16::from(table_headers),
        sources: tables[2] + u16::from(table_headers),
        log: left + floor,
        table_headers,
    }
}

fn dashboard(state: &State, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let p = rows(state, area.height);
    let [
        head,
        stages_area,
        cond_area,
        gate_area,
        src_area,
        log_area,
        _,
        foot,
    ] = Layout::vertical([
        Constraint::Length(p.header),
        Constraint::Length(stages::Stages::HEIGHT),
        Constraint::Length(p.conditions),
        Constraint::Length(p.gates),
        Constraint::Length(p.sources),
        Constraint::Length(p.log),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    (&header::Header { state, theme }).render(head, buf);
    (&stages::Stages { state, theme }).render(stages_area, buf);
    let header = p.table_headers;
    (&conditions::Conditions {
        state,
        theme,
        header,
    })
        .render(cond_area, buf);
    (&gates::Gates {
        state,
        theme,
        header,
    })
        .render(gate_area, buf);
    (&sources::Sources {
        state,
        theme,
        header,
    })
        .render(src_area, buf);
    if p.log > 0 {
        (&log::Log { state, theme }).render(log_area, buf);
    }
    (&footer::Footer { state, theme }).render(foot, buf);
}
