//! Looking closer: focus moves between the stop conditions, gates and sources panels and their
//! rows, and Enter opens the focused row's detail. Nothing here changes the release, so an
//! observer can look as closely as the operator.

use super::clocks::held_text;
use super::keymap::Command;
use super::{Overlay, State};
use crate::core::condition::CondState;
use crate::core::projection::{Projection, project};
use crate::core::short_duration;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The panels focus visits, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    Conditions,
    Gates,
    Sources,
}

const PANELS: [Panel; 3] = [Panel::Conditions, Panel::Gates, Panel::Sources];

/// The focused row: a panel, and a row of it (as configured, whatever the screen shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Focus {
    pub panel: Panel,
    pub row: usize,
}

/// What an open detail view shows that depends on the time: computed by `update` at each
/// message, so the view reads no clock and a quiet detail is not drawn again.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Detail {
    /// A condition's state and how long it has held it: "BREACH for 1m12s".
    pub held: String,
    /// When the condition would breach on its current trend, or why that is not known.
    pub projection: String,
}

impl State {
    /// How many rows a panel has.
    fn panel_rows(&self, panel: Panel) -> usize {
        match panel {
            Panel::Conditions => self.release.eval.conditions.len(),
            Panel::Gates => self.release.eval.gates.len(),
            Panel::Sources => self.setup.sources.len(),
        }
    }

    /// Run a focus command: Tab and Shift-Tab go from panel to panel (and out of focus after
    /// the last), ↑ and ↓ from row to row, Enter opens the focused row's detail.
    pub(super) fn focus_key(&mut self, command: Command, now: DateTime<Utc>) {
        let was = (self.screen.focus, self.screen.overlay.clone());
        match command {
            Command::FocusNext => self.screen.focus = self.next_panel(true),
            Command::FocusPrev => self.screen.focus = self.next_panel(false),
            Command::FocusUp | Command::FocusDown => self.move_row(command == Command::FocusDown),
            Command::Open if self.screen.focus.is_some() => {
                self.screen.overlay = Overlay::Detail(Box::default());
            }
            _ => {}
        }
        if matches!(self.screen.overlay, Overlay::Detail(_)) {
            self.refresh_detail(now);
        }
        if (self.screen.focus, self.screen.overlay.clone()) != was {
            self.screen.dirty = true;
        }
    }

    /// The panel after (or before) the focused one that has rows, or none past either end.
    fn next_panel(&self, forward: bool) -> Option<Focus> {
        let at = self
            .screen
            .focus
            .and_then(|f| PANELS.iter().position(|&p| p == f.panel));
        let order: Vec<usize> = match (at, forward) {
            (None, true) => (0..PANELS.len()).collect(),
            (None, false) => (0..PANELS.len()).rev().collect(),
            (Some(i), true) => (i + 1..PANELS.len()).collect(),
            (Some(i), false) => (0..i).rev().collect(),
        };
        order
            .into_iter()
            .map(|i| PANELS[i])
            .find(|&p| self.panel_rows(p) > 0)
            .map(|panel| Focus { panel, row: 0 })
    }

    /// The row below (or above) the focused one, within its panel; with nothing focused, the
    /// first row of the first panel that has rows.
    fn move_row(&mut self, down: bool) {
        let Some(f) = self.screen.focus else {
            self.screen.focus = self.next_panel(true);
            return;
        };
        let last = self.panel_rows(f.panel).saturating_sub(1);
        let row = if down {
            (f.row + 1).min(last)
        } else {
            f.row.saturating_sub(1).min(last)
        };
        self.screen.focus = Some(Focus { row, ..f });
    }

    /// Bring an open detail's time-dependent words up to `now`.
    pub(super) fn refresh_detail(&mut self, now: DateTime<Utc>) {
        let fresh = match self.screen.focus {
            Some(Focus {
                panel: Panel::Conditions,
                row,
            }) => self.condition_detail(row, now),
            _ => Detail::default(),
        };
        if let Overlay::Detail(d) = &mut self.screen.overlay
            && **d != fresh
        {
            **d = fresh;
            self.screen.dirty = true;
        }
    }

    fn condition_detail(&self, i: usize, now: DateTime<Utc>) -> Detail {
        let Some(status) = self.release.eval.conditions.get(i) else {
            return Detail::default();
        };
        let held = self.release.since.get(i).map_or_else(String::new, |s| {
            let urgent = status.state != CondState::Ok;
            held_text((s.at, s.from_start), now, urgent)
        });
        let points = self.release.stage_samples(i);
        let projection = match project(&points, &status.threshold, now) {
            _ if status.state == CondState::Unknown => {
                "unknown: the condition has no usable value now".to_string()
            }
            Projection::Unknown(why) => format!("unknown: {why}"),
            Projection::Past => "now: the value is past its limit".to_string(),
            Projection::NotOnTrend => "not on this trend".to_string(),
            Projection::In(d) => format!("in {} on this trend", about(d)),
        };
        Detail {
            held: format!("{} {held}", status.state.label()),
            projection,
        }
    }
}

/// A projected time, to the minute past one: "~40s", "~3m", "~2h5m".
fn about(d: Duration) -> String {
    let s = d.as_secs();
    let rounded = if s < 60 { s } else { (s + 30) / 60 * 60 };
    format!("~{}", short_duration(Duration::from_secs(rounded)))
}
