//! A toast: a short message from the app over the bottom of the screen, in its level's style,
//! until the app clears it. A long one grows upwards rather than lose its end.

use super::draw::wrap;
use super::theme::{Theme, width};
use crate::app::Toast;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

/// Rows a toast may cover at most.
const MAX_ROWS: usize = 3;

pub struct ToastView<'a> {
    pub toast: &'a Toast,
    pub theme: &'a Theme,
}

impl Widget for &ToastView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        if area.width < 4 || area.height == 0 {
            return;
        }
        let (style, sym, word) = t.log(self.toast.level);
        let lead = format!(" {sym} {word}  ");
        let indent = width(&lead);
        let room = (area.width as usize).saturating_sub(indent + 1).max(1);
        let mut rows = wrap(&t.text(&self.toast.text), room);
        let max = MAX_ROWS.min(area.height as usize);
        if rows.len() > max {
            rows.truncate(max);
            let last = rows.pop().unwrap_or_default();
            let cut = format!("{last}{}", t.sym.ellipsis);
            rows.push(t.fit(&cut, room));
        }
        let top = area.bottom() - rows.len() as u16;
        let rect = Rect {
            y: top,
            height: rows.len() as u16,
            ..area
        };
        Clear.render(rect, buf);
        for (i, text) in rows.into_iter().enumerate() {
            let head = if i == 0 {
                lead.clone()
            } else {
                " ".repeat(indent)
            };
            let line = Line::styled(format!("{head}{text}"), style);
            super::fast::set_line(buf, area.x, top + i as u16, &line, area.width);
        }
    }
}
