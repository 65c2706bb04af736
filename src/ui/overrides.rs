//! At COMPLETE, the overrides of the release in one place: each promote made over a verdict
//! that was not GO, with the stages it moved between, who, when, why, and what was failing.

use super::draw;
use super::stages::stage_label;
use super::theme::Theme;
use crate::app::{Override, State};
use crate::core::verdict::VerdictKind;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Overrides<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

/// Lines each override takes: what, who, when and why; then what was failing.
const LINES: usize = 2;
/// Overrides listed before the rest are counted.
const MOST: usize = 3;

impl Overrides<'_> {
    /// Rows the panel takes: none unless the release is COMPLETE with overrides; else the
    /// title and two lines each, at most three listed and a line counting the rest.
    pub fn rows(state: &State) -> u16 {
        let n = shown(state).len();
        if n == 0 {
            return 0;
        }
        let listed = n.min(MOST);
        (1 + listed * LINES + usize::from(n > MOST)) as u16
    }
}

fn shown(state: &State) -> &[Override] {
    if state.release.eval.verdict.kind == VerdictKind::Complete {
        &state.release.overrides
    } else {
        &[]
    }
}

impl Widget for &Overrides<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let all = shown(state);
        let noun = if all.len() == 1 {
            "promote"
        } else {
            "promotes"
        };
        let summary = Line::styled(
            format!(
                "{} {} {noun} over a verdict that was not GO",
                t.sym.warn,
                all.len()
            ),
            t.warn,
        );
        let inner = draw::inset(draw::titled(buf, area, t, "Overrides", summary));
        let w = inner.width as usize;
        let mut lines = Vec::new();
        for o in all.iter().take(MOST) {
            lines.extend(entry(state, t, o, w));
        }
        if all.len() > MOST {
            let more = format!(
                "  +{} more (gonogo report lists them all)",
                all.len() - MOST
            );
            lines.push(Line::styled(more, t.dim));
        }
        draw::lines(buf, inner, &lines);
    }
}

/// "! 5% → 10%  by ana@ops1 at 14:02  hotfix for INC-2231 must reach 25% …" and
/// "    over HOLD: 10% baking: 04:12 left, 05:48 verified of 10:00"
fn entry(state: &State, t: &Theme, o: &Override, w: usize) -> [Line<'static>; LINES] {
    let stages = &state.setup.plan.stages;
    let moved = match o.stage.and_then(|i| stages.get(i).map(|s| (i, s))) {
        Some((i, from)) => match stages.get(i + 1) {
            Some(to) => format!("{} → {}", stage_label(from), stage_label(to)),
            None => stage_label(from),
        },
        None => o.stage_name.clone(),
    };
    let when = o.at.with_timezone(&state.screen.local_offset);
    let head = vec![
        Span::styled(format!("{} ", t.sym.warn), t.alert),
        Span::styled(t.text(&moved).into_owned(), t.warn),
        Span::raw(format!("  by {} at {}  ", o.by, when.format("%H:%M"))),
    ];
    let used: usize = head.iter().map(Span::width).sum();
    let mut head = head;
    head.push(Span::raw(t.fit(&o.reason, w.saturating_sub(used))));
    let mut failing = format!("    over {}", o.verdict);
    if !o.failing.is_empty() {
        failing.push_str(&format!(": {}", o.failing.join("; ")));
    }
    [Line::from(head), Line::raw(t.fit(&failing, w))]
}
