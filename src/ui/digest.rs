//! The digest overlay: what happened since this operator joined or last looked, one line per
//! event with its time and who, under a count of each sort. The newest are shown; what does
//! not fit is counted ("+12 earlier") and scrolled to with ↑/↓.

use super::draw::{modal_block, modal_box};
use super::footer::local_time;
use super::theme::{Theme, pad, width};
use crate::app::{Digest, DigestItem, Kind, Since, State};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct DigestView<'a> {
    pub state: &'a State,
    pub digest: &'a Digest,
    pub theme: &'a Theme,
}

/// The widest the overlay grows, borders included.
const MAX_WIDTH: u16 = 110;
/// The widest `who` column.
const WHO: usize = 18;

/// The sorts the count names, in this order: each kind with its singular and plural.
const SORTS: [(Kind, &str, &str); 11] = [
    (Kind::Verdict, "verdict", "verdicts"),
    (Kind::BreachBegan, "breach", "breaches"),
    (Kind::ActionRequested, "action", "actions"),
    (Kind::Override, "override", "overrides"),
    (Kind::RolledBack, "rollback", "rollbacks"),
    (Kind::Restored, "restore", "restores"),
    (Kind::DriftBegan, "drift", "drifts"),
    (Kind::SourceDown, "outage", "outages"),
    (Kind::Hold, "hold", "holds"),
    (Kind::Checklist, "tick", "ticks"),
    (Kind::StageEntered, "stage", "stages"),
];

/// "3 verdicts · 2 breaches · 1 action", or that nothing happened.
pub fn summary(items: &[DigestItem]) -> String {
    let parts: Vec<String> = SORTS
        .iter()
        .filter_map(|(kind, one, many)| {
            let n = items.iter().filter(|i| i.kind == *kind).count();
            (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
        })
        .collect();
    match (items.len(), parts.is_empty()) {
        (0, _) => "nothing new".into(),
        (n, true) => format!("{n} events"),
        (_, false) => parts.join(" · "),
    }
}

impl DigestView<'_> {
    fn title(&self) -> String {
        let from = self.digest.from.map(|t| local_time(self.state, t));
        match (self.digest.since, from) {
            (Since::Joined, Some(t)) => format!("Since you joined (left at {t})"),
            (Since::Joined, None) => "Since the release attempt began".into(),
            (Since::LastLooked, Some(t)) => format!("Since you last looked ({t})"),
            (Since::LastLooked, None) => "Since you last looked".into(),
        }
    }

    fn line(&self, i: &DigestItem, who_w: usize, w: usize) -> Line<'static> {
        let t = self.theme;
        let (style, sym, _) = t.log(i.level);
        let lead = format!("{} ", local_time(self.state, i.at));
        let who = format!("{} ", pad(&t.text(&i.who), who_w, t.sym.ellipsis));
        let sym = format!("{sym} ");
        let room = w.saturating_sub(width(&lead) + width(&who) + width(&sym));
        Line::from(vec![
            Span::styled(lead, t.dim),
            Span::styled(who, t.dim),
            Span::styled(sym, style),
            Span::styled(t.fit(&i.text, room), style),
        ])
    }

    /// The lines inside the box for `rows` rows of `w` columns.
    fn lines(&self, rows: usize, w: usize) -> Vec<Line<'static>> {
        let t = self.theme;
        let items = &self.digest.items;
        let mut lines = vec![Line::styled(t.fit(&summary(items), w), t.title)];
        if items.is_empty() {
            return lines;
        }
        let who_w = items
            .iter()
            .map(|i| width(&i.who))
            .max()
            .unwrap_or(0)
            .min(WHO);
        let room = rows.saturating_sub(1).max(1);
        // Scrolled only when they do not all fit.
        let scroll = if items.len() <= room {
            0
        } else {
            self.digest.scroll.min(items.len() - 1)
        };
        let end = items.len() - scroll;
        let later = items.len() - end;
        // The markers take a row each, when there is something past them.
        let mut shown = room.saturating_sub(usize::from(later > 0)).max(1);
        if end > shown {
            shown = shown.saturating_sub(1).max(1);
        }
        let start = end.saturating_sub(shown);
        if start > 0 {
            let more = format!("+{start} earlier (↑ to scroll)");
            lines.push(Line::styled(t.text(&more).into_owned(), t.dim));
        }
        lines.extend(items[start..end].iter().map(|i| self.line(i, who_w, w)));
        if later > 0 {
            let more = format!("+{later} later (↓)");
            lines.push(Line::styled(t.text(&more).into_owned(), t.dim));
        }
        lines
    }
}

impl Widget for &DigestView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let w = area.width.min(MAX_WIDTH);
        let inner = usize::from(w.saturating_sub(4));
        let mut lines = self.lines(usize::from(area.height.saturating_sub(2)), inner);
        // The box keeps its width whatever the lines: pad the first.
        if let Some(first) = lines.first_mut() {
            let gap = inner.saturating_sub(first.width());
            first.spans.push(Span::raw(" ".repeat(gap)));
        }
        let block = modal_block(t, &self.title(), t.title).title_bottom(
            Line::styled(t.text(" ↑/↓ scroll · Esc closes ").into_owned(), t.dim).right_aligned(),
        );
        modal_box(area, buf, lines, block);
    }
}
