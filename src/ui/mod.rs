//! The screen: a pure function of the `State`. Everything that depends on time was computed by
//! `update` into `state.release.eval`; nothing here reads a clock.
//!
//! From the top: the header (release, verdict banner with its reasons, clock), the stage
//! pipeline with the countdown, stop conditions, gates, sources, the event log, and the keys.
//! Below 80x24 the screen says what size it needs, under the verdict. Over it all: a toast at
//! the bottom, and the overlay that has the keyboard (help, the Approve-Risk prompt, or the
//! question before quitting with an action in flight).

mod approve;
mod armed;
#[cfg(test)]
mod armed_tests;
mod checklist;
mod conditions;
mod contrast;
mod detail;
mod detail_condition;
mod detail_evidence;
mod digest;
mod draw;
mod fast;
mod focus;
mod footer;
mod gates;
mod header;
mod help;
mod hold;
mod incident;
mod log;
mod menu;
mod overrides;
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
mod canary_tests;
#[cfg(test)]
mod detail_tests;
#[cfg(test)]
mod digest_tests;
#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
pub(crate) mod incident_tests;
#[cfg(test)]
mod keys_tests;
#[cfg(test)]
mod log_tests;
#[cfg(test)]
mod override_tests;
#[cfg(test)]
pub(crate) mod statistical_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod watchers_tests;

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
        Overlay::ConfirmHandover => (&quit::ConfirmHandover { state, theme }).render(area, buf),
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
        Overlay::Digest(digest) => (&digest::DigestView {
            state,
            digest,
            theme,
        })
            .render(area, buf),
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
    if armed::Countdown::shown(state) {
        (&armed::Countdown { state, theme }).render(area, buf);
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
    /// The overrides at COMPLETE (`overrides::Overrides`), above the log.
    overrides: u16,
    log: u16,
    /// Column names under the titles of the conditions, the gates and the sources.
    table_headers: [bool; 3],
}

/// Share `height` rows out. What must be seen comes first: the header, the stages and every
/// row of the three tables; then the header's reason rows, then column names, and the log
/// gets what is left. Tables only lose rows on screens too short for them, sources first.
///
/// The header's reason rows are fixed for a screen (`incident::reason_rows`): reasons coming
/// and going never move the panels. During an incident they are kept before the tables, and
/// the log keeps a title and five entries (`incident::LOG_FLOOR`).
fn rows(state: &State, height: u16) -> Rows {
    let incident = incident::active(state);
    let base = header::Header::base_height(state);
    // During an incident healthy gates and sources fold into their titles.
    let folds = incident.then(|| (incident::gates(state), incident::sources(state)));
    let (gate_rows, source_rows) = match &folds {
        Some((g, s)) => (g.rows(), s.rows()),
        None => (gates::Gates::rows(state), sources::Sources::rows(state)),
    };
    let mut tables =
        [conditions::Conditions::rows(state), gate_rows, source_rows].map(|n| n as u16 + 1);
    let kept = if incident {
        incident::reason_rows(height, true, 0)
    } else {
        0
    };
    let summed = overrides::Overrides::rows(state);
    let fixed = base + kept + stages::Stages::HEIGHT + summed + 1;
    // A log the operator scrolls or filters keeps a title and five entries: the tables give
    // up healthy rows for it, as they do on short screens.
    let explored = state.screen.log_view != LogView::default()
        || matches!(state.screen.overlay, Overlay::Filter { .. });
    let floor = if incident {
        incident::LOG_FLOOR
    } else if explored {
        6
    } else {
        0
    };
    let mut left = i32::from(height)
        - i32::from(fixed)
        - tables.iter().map(|&n| i32::from(n)).sum::<i32>()
        - i32::from(floor);
    while left < 0 {
        let Some(i) = [2, 1, 0].into_iter().find(|&i| tables[i] > 2) else {
            break;
        };
        tables[i] -= 1;
        left += 1;
    }
    let floor = (i32::from(floor) + left.min(0)).max(0) as u16;
    let mut left = left.max(0) as u16;
    let reasons = if incident {
        kept
    } else {
        incident::reason_rows(height, false, left)
    };
    left -= reasons - kept;
    // A panel that folded every row into its title needs no column names.
    let named = match &folds {
        Some((g, s)) => [true, !g.listed.is_empty(), !s.listed.is_empty()],
        None => [true; 3],
    };
    let cost = named.iter().filter(|&&n| n).count() as u16;
    const LOG_MIN: u16 = 3;
    let table_headers = left >= cost + LOG_MIN;
    if table_headers {
        left -= cost;
    }
    let headers = named.map(|n| n && table_headers);
    Rows {
        header: base + reasons,
        conditions: tables[0] + u16::from(headers[0]),
        gates: tables[1] + u16::from(headers[1]),
        sources: tables[2] + u16::from(headers[2]),
        overrides: summed,
        log: left + floor,
        table_headers: headers,
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
        over_area,
        log_area,
        _,
        foot,
    ] = Layout::vertical([
        Constraint::Length(p.header),
        Constraint::Length(stages::Stages::HEIGHT),
        Constraint::Length(p.conditions),
        Constraint::Length(p.gates),
        Constraint::Length(p.sources),
        Constraint::Length(p.overrides),
        Constraint::Length(p.log),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    (&header::Header { state, theme }).render(head, buf);
    (&stages::Stages { state, theme }).render(stages_area, buf);
    let [cond_header, gate_header, source_header] = p.table_headers;
    (&conditions::Conditions {
        state,
        theme,
        header: cond_header,
    })
        .render(cond_area, buf);
    (&gates::Gates {
        state,
        theme,
        header: gate_header,
    })
        .render(gate_area, buf);
    (&sources::Sources {
        state,
        theme,
        header: source_header,
    })
        .render(src_area, buf);
    (&overrides::Overrides { state, theme }).render(over_area, buf);
    if p.log > 0 {
        (&log::Log { state, theme }).render(log_area, buf);
    }
    (&footer::Footer { state, theme }).render(foot, buf);
}
