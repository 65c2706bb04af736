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
        let offset = state.local_offset;
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
        if state.log.is_empty() {
            draw::lines(buf, inner, &[Line::styled("nothing yet", t.dim)]);
            return;
        }
        let skip = state.log.len().saturating_sub(room);
        let lines: Vec<Line> = state
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
