//! The event log: newest at the bottom, as many as fit, each with its local time and level.

use super::draw;
use super::theme::{Theme, width as width_of};
use crate::app::keymap::{Command as C, Scope};
use crate::app::{LogEntry, Overlay, State};
use chrono::FixedOffset;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Log<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

impl Widget for &Log<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let offset = state.screen.local_offset;
        let zone = if offset.local_minus_utc() == 0 {
            "times in UTC".to_string()
        } else {
            format!("local times (UTC{offset})")
        };
        let shown: Vec<&LogEntry> = state.shown_log().collect();
        let filter = &state.screen.log_view.filter;
        let title = if filter.is_active() {
            let hidden = state.screen.log.len() - shown.len();
            format!("Events /{} · {hidden} hidden", filter.input)
        } else {
            "Events".to_string()
        };
        // A single row shows the latest event alone; its time stamp says what it is.
        let inner = if area.height == 1 {
            draw::inset(area)
        } else {
            draw::inset(draw::titled(
                buf,
                area,
                t,
                &title,
                Line::styled(zone, t.dim),
            ))
        };
        let mut tail: Vec<Line> = Vec::new();
        if let Overlay::Filter { draft } = &state.screen.overlay {
            let keys = [(C::Confirm, "keeps it"), (C::Cancel, "clears")];
            let keys = state.setup.keys.hint(Scope::Filter, &keys);
            tail.push(Line::from(vec![
                Span::styled("/", t.title),
                Span::raw(draft.clone()),
                Span::styled(t.text(&format!("   {keys}")).into_owned(), t.dim),
            ]));
        }
        let mut room = (inner.height as usize).saturating_sub(tail.len());
        let (below, room) = scrolled(state.screen.log_view.scroll, shown.len(), &mut room);
        if below > 0 {
            tail.insert(
                0,
                Line::styled(
                    t.text(&format!("↑ {below} newer — End to follow"))
                        .into_owned(),
                    t.title,
                ),
            );
        }
        let mut lines: Vec<Line> = if shown.is_empty() {
            let none = if filter.is_active() {
                "nothing matches the filter"
            } else {
                "nothing yet"
            };
            vec![Line::styled(none, t.dim)]
        } else {
            let end = shown.len() - below;
            shown[end.saturating_sub(room)..end]
                .iter()
                .map(|e| entry(e, t, offset, inner.width))
                .collect()
        };
        lines.truncate(room);
        // The scroll note and the prompt keep the panel's last lines.
        if !tail.is_empty() {
            let blank = room.saturating_sub(lines.len());
            lines.extend(std::iter::repeat_n(Line::raw(""), blank));
            lines.extend(tail);
        }
        draw::lines(buf, inner, &lines);
    }
}

/// How many shown entries lie below the view, and how many lines the entries get: the scroll
/// clamped so the view is full, one line given up for the "newer" note when any lie below.
fn scrolled(scroll: usize, shown: usize, room: &mut usize) -> (usize, usize) {
    let mut below = scroll.min(shown.saturating_sub(*room));
    if below > 0 && *room > 1 {
        *room -= 1;
        below = scroll.min(shown.saturating_sub(*room));
    }
    (below, *room)
}

fn entry<'a>(e: &'a LogEntry, t: &Theme, offset: FixedOffset, width: u16) -> Line<'a> {
    let (style, sym, word) = t.log(e.level);
    let stamp = e.at.with_timezone(&offset).format("%H:%M:%S").to_string();
    let lead = format!("{stamp} ");
    let level = format!("{sym} {word:<5} ");
    let room = (width as usize).saturating_sub(width_of(&lead) + width_of(&level));
    Line::from(vec![
        Span::styled(lead, t.dim),
        Span::styled(level, style),
        Span::styled(t.fit(&e.text, room), style),
    ])
}

#[cfg(test)]
mod tests {
    use crate::ui::fixture::{Health, Sim, healthy};
    use crate::ui::tests::{color, screen};

    const LABEL: &str =
        "Canary error rate on checkout-api across eu-west-1, us-east-1 and ap-south-1 (5m)";

    /// A breach whose condition has a long label: the verdict line in the event log runs far
    /// past 80 columns ("verdict ROLLBACK ADVISED: <label>: 3.10% above max").
    fn long_verdict() -> crate::app::State {
        let mut sim = Sim::new(-180, Some((2, -400)), false);
        for c in &mut sim.state.setup.conditions {
            c.label = LABEL.into();
        }
        sim.run(-180, 0, 10.0, "CHG-4821", |s| {
            if s < -20 {
                healthy(s)
            } else {
                Health {
                    error_rate: 0.031,
                    p95: 0.33,
                    failed_checks: 0.0,
                }
            }
        });
        sim.tick(0);
        sim.state
    }

    fn log_row(screen: &str) -> String {
        screen
            .lines()
            .find(|l| l.contains("verdict ROLLBACK ADVISED"))
            .unwrap_or_else(|| panic!("no verdict line in the log:\n{screen}"))
            .to_string()
    }

    #[test]
    fn a_long_event_uses_the_whole_width_and_is_cut_only_at_the_edge() {
        let state = long_verdict();
        let whole = format!("verdict ROLLBACK ADVISED: {LABEL}: 3.10% above max");
        assert!(whole.chars().count() > 100);
        let wide = screen(&state, &color(), 200, 50);
        let row = log_row(&wide);
        assert!(
            row.contains(&whole),
            "at 200 columns the whole text shows:\n{row}"
        );

        // Rows are quoted by the test backend: `" 13:59:44 ✗ ERROR verdict …"`.
        let narrow = screen(&state, &color(), 80, 40);
        let row = log_row(&narrow);
        let text = row.trim_matches('"').trim_end();
        assert!(text.ends_with('…'), "cut at the edge:\n{row}");
        assert!(
            text.chars().count() >= 78,
            "the row uses the width ({}):\n{row}",
            text.chars().count()
        );
    }
}
