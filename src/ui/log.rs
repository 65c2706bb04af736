//! The event log: newest at the bottom, as many as fit, each with its local time and level.

use super::draw;
use super::theme::{Theme, width};
use crate::app::State;
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
        // A single row shows the latest event alone; its time stamp says what it is.
        let inner = if area.height == 1 {
            draw::inset(area)
        } else {
            draw::inset(draw::titled(
                buf,
                area,
                t,
                "Events",
                Line::styled(zone, t.dim),
            ))
        };
        let room = inner.height as usize;
        if state.screen.log.is_empty() {
            draw::lines(buf, inner, &[Line::styled("nothing yet", t.dim)]);
            return;
        }
        let skip = state.screen.log.len().saturating_sub(room);
        let lines: Vec<Line> = state
            .screen
            .log
            .iter()
            .skip(skip)
            .map(|e| {
                let (style, sym, word) = t.log(e.level);
                let stamp = e.at.with_timezone(&offset).format("%H:%M:%S").to_string();
                let lead = format!("{stamp} ");
                let level = format!("{sym} {word:<5} ");
                let room = (inner.width as usize).saturating_sub(width(&lead) + width(&level));
                Line::from(vec![
                    Span::styled(lead, t.dim),
                    Span::styled(level, style),
                    Span::styled(t.fit(&e.text, room), style),
                ])
            })
            .collect();
        draw::lines(buf, inner, &lines);
    }
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
