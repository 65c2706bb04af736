//! The incident layout: while the verdict is ROLLBACK ADVISED the screen is for the breach.
//! The banner and its reasons become one solid block, healthy gates and sources fold into one
//! line each ("✓ gates: 5 OK"), checklist nags step aside (counted on that line, not listed
//! with their "press c"), and the event log keeps at least five entries.
//!
//! Also here, because the layout owns it at every verdict: how many reason rows the header
//! keeps for a screen height, so the panels below never jump as reasons come and go.

use super::theme::Theme;
use crate::app::State;
use crate::core::gate::{GateCheck, GateState};
use crate::core::verdict::VerdictKind;
use ratatui::text::{Line, Span};

/// The incident layout is on.
pub fn active(state: &State) -> bool {
    state.release.eval.verdict.kind == VerdictKind::RollbackAdvised
}

/// Reason rows the header keeps under the banner on a screen `height` rows tall, whatever the
/// number of reasons: fewer reasons leave rows blank, more are counted ("+2 more reasons").
/// Outside an incident, the tables come first and `room` (what they leave) caps it.
pub fn reason_rows(height: u16, incident: bool, room: u16) -> u16 {
    let rows = match height {
        ..30 => 2,
        30..50 => 3,
        _ => 5,
    };
    if incident { rows } else { rows.min(room) }
}

/// The widest sparkline the stop conditions may draw in `columns`: on a wide screen the space
/// goes to longer history.
pub fn spark_cap(columns: usize) -> usize {
    if columns >= 160 { 60 } else { 24 }
}

/// Event log rows kept during an incident: the title and five entries.
pub const LOG_FLOOR: u16 = 6;

/// What a panel lists during an incident: the rows that need attention, and a last line for
/// the healthy rows and those that step aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    pub listed: Vec<usize>,
    pub healthy: usize,
    /// Unticked checklist items: not healthy, but no business of an incident.
    pub aside: usize,
}

impl Fold {
    /// `attention[i]`: row i is not healthy; `aside[i]`: row i steps aside even so.
    pub fn new(attention: &[bool], aside: &[bool]) -> Fold {
        let aside_at = |i: usize| aside.get(i).copied().unwrap_or(false);
        let listed = (0..attention.len())
            .filter(|&i| attention[i] && !aside_at(i))
            .collect();
        Fold {
            listed,
            healthy: attention.iter().filter(|&&a| !a).count(),
            aside: (0..attention.len())
                .filter(|&i| attention[i] && aside_at(i))
                .count(),
        }
    }

    /// Rows the panel needs below its title (and column names): one per listed row.
    pub fn rows(&self) -> usize {
        self.listed.len()
    }
}

/// The gates' fold: checklist items step aside.
pub fn gates(state: &State) -> Fold {
    let gates = &state.release.eval.gates;
    let attention: Vec<bool> = gates.iter().map(|g| g.state != GateState::Holds).collect();
    let aside: Vec<bool> = (0..gates.len())
        .map(|i| {
            (state.setup.gates.get(i)).is_some_and(|g| matches!(g.check, GateCheck::Checklist(_)))
        })
        .collect();
    Fold::new(&attention, &aside)
}

/// The sources' fold: every source that does not answer is listed.
pub fn sources(state: &State) -> Fold {
    let attention: Vec<bool> = (state.release.eval.sources.iter())
        .take(state.setup.sources.len())
        .map(|v| v.status != crate::app::SourceStatus::Ok)
        .collect();
    Fold::new(&attention, &[])
}

/// During an incident: which rows a panel lists in `room` lines, and the summary its title
/// carries in place of the usual one ("✓ gates: 5 OK · checklist: 2 items not ticked"). The
/// fold costs no row of its own: a panel with nothing to list is just its title.
pub fn folded(
    state: &State,
    t: &Theme,
    noun: &str,
    fold: impl FnOnce() -> Fold,
    room: usize,
) -> Option<(Vec<usize>, Line<'static>)> {
    if !active(state) {
        return None;
    }
    let fold = fold();
    let mut listed = fold.listed.clone();
    let cut = listed.len().saturating_sub(room);
    listed.truncate(room);
    Some((listed, summary(t, noun, &fold, cut)))
}

/// "✓ gates: 5 OK  · checklist: 2 items not ticked  · +1 more not OK"
fn summary(t: &Theme, noun: &str, fold: &Fold, cut: usize) -> Line<'static> {
    let mut spans = Vec::new();
    let sep = || Span::styled(t.text("  · ").into_owned(), t.dim);
    let listed = fold.listed.len();
    if fold.healthy > 0 || listed == 0 {
        spans.push(Span::styled(
            format!("{} {noun}: {} OK", t.sym.ok, fold.healthy),
            t.ok,
        ));
    }
    if fold.aside > 0 {
        if !spans.is_empty() {
            spans.push(sep());
        }
        let items = if fold.aside == 1 { "item" } else { "items" };
        spans.push(Span::styled(
            format!("checklist: {} {items} not ticked", fold.aside),
            t.warn,
        ));
    }
    if cut > 0 {
        if !spans.is_empty() {
            spans.push(sep());
        }
        spans.push(Span::styled(format!("+{cut} more not OK"), t.bad));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fold_lists_what_is_wrong_and_counts_the_rest() {
        let f = Fold::new(&[false, true, true, false], &[false, false, true, false]);
        assert_eq!(f.listed, vec![1]);
        assert_eq!((f.healthy, f.aside, f.rows()), (2, 1, 1));
        let all_ok = Fold::new(&[false; 5], &[]);
        assert_eq!((all_ok.healthy, all_ok.rows()), (5, 0));
    }

    #[test]
    fn reason_rows_depend_on_the_height_alone_during_an_incident() {
        for room in [0, 1, 10] {
            assert_eq!(reason_rows(24, true, room), 2);
            assert_eq!(reason_rows(40, true, room), 3);
            assert_eq!(reason_rows(60, true, room), 5);
        }
        assert_eq!(reason_rows(24, false, 1), 1);
        assert_eq!(reason_rows(40, false, 17), 3);
    }
}
