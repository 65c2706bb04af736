//! The stage pipeline: every stage with its traffic share, state word and symbol, the current
//! one highlighted; below it the current stage's verified bake (what is left, why it is not
//! advancing) with its gauge, and the live traffic share a source reports.

use super::draw;
use super::theme::{Theme, pad, width};
use crate::app::State;
use crate::core::clock_duration;
use crate::core::plan::{Stage, StageState};
use crate::core::reading::format_number;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Stages<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

impl Stages<'_> {
    pub const HEIGHT: u16 = 4;
}

/// Six stages fit in 80 columns; narrower ones would cut "✗ breached".
const MIN_COLUMN: usize = 13;

/// "5%" for a stage named after its share, "1% canary" otherwise.
pub fn stage_label(stage: &Stage) -> String {
    let share = format!("{}%", format_number(stage.traffic));
    if stage.name == share || stage.name.is_empty() {
        share
    } else {
        format!("{share} {}", stage.name)
    }
}

impl Widget for &Stages<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let plan = &state.setup.plan;
        let summary = match state.release.eval.current {
            Some(i) => format!("stage {} of {}", i + 1, plan.stages.len()),
            None => format!("{} stages", plan.stages.len()),
        };
        // The release's clocks ride on the title: the strip is where the stages' bakes are,
        // and the title row costs no height at any size.
        let summary = match &state.release.eval.progress {
            Some(p) => t.text(&format!("{summary} · {p}")).into_owned(),
            None => summary,
        };
        let inner = draw::titled(buf, area, t, "Stages", Line::styled(summary, t.dim));
        let inner = draw::inset(inner);
        let mut rows = inner.rows();
        let (Some(labels), Some(words)) = (rows.next(), rows.next()) else {
            return;
        };
        pipeline(state, t, labels, words, buf);
        if let Some(r) = rows.next() {
            super::fast::set_line(
                buf,
                r.x,
                r.y,
                &countdown(state, t, r.width as usize),
                r.width,
            );
        }
    }
}

/// Two rows of columns, one column per stage: the label, then symbol and state word.
fn pipeline(state: &State, t: &Theme, labels: Rect, words: Rect, buf: &mut Buffer) {
    let stages = &state.setup.plan.stages;
    let n = stages.len().min(state.release.eval.stages.len());
    if n == 0 {
        return;
    }
    let total = labels.width as usize;
    let visible = n.min((total / MIN_COLUMN).max(1));
    let cw = total / visible;
    // With more stages than columns, keep the current one in view.
    let focus =
        state.release.eval.current.or_else(|| {
            (state.release.eval.stages.iter()).position(|s| *s == StageState::RolledBack)
        });
    let start = focus
        .map_or(0, |f| f.saturating_sub(visible / 2))
        .min(n - visible);
    for (col, i) in (start..start + visible).enumerate() {
        let x = labels.x + (col * cw) as u16;
        let w = cw.saturating_sub(1);
        let current = state.release.eval.current == Some(i);
        let st = state.release.eval.stages[i];
        let (style, sym) = t.stage(st);
        let mut label = stage_label(&stages[i]);
        if col == 0 && start > 0 {
            label = format!("{} {label}", t.text("‹"));
        }
        if col + 1 == visible && start + visible < n {
            label = format!("{label} {}", t.text("›"));
        }
        let label = t.fit(&label, w);
        let fill = w.saturating_sub(width(&label) + 1);
        let label_style = if current {
            style.patch(t.current)
        } else if st == StageState::Pending {
            t.dim
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        };
        let mut spans = vec![Span::styled(label, label_style)];
        if fill > 0 && col + 1 < visible {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(t.sym.rule.repeat(fill), t.rule));
        }
        super::fast::set_line(buf, x, labels.y, &Line::from(spans), w as u16);
        // A narrow column keeps the word whole and lets the symbol go.
        let full = format!("{sym} {}", st.label());
        let word = if width(&full) > w && st.label().len() <= w {
            st.label().to_string()
        } else {
            t.fit(&full, w)
        };
        let (word, mark) = override_mark(state, t, i, sym, word, w);
        let mut line = if current {
            let room = w.saturating_sub(mark.iter().map(Span::width).sum());
            Line::styled(pad(&word, room, t.sym.ellipsis), style.patch(t.current))
        } else {
            Line::styled(word, style)
        };
        line.spans.extend(mark);
        super::fast::set_line(buf, x, words.y, &line, w as u16);
    }
}

/// A stage promoted past with an override says so after its state word, in words that need
/// no colour: " override", or " ovr" in a narrow column (the word then gives way to its
/// symbol if it must).
fn override_mark(
    state: &State,
    t: &Theme,
    i: usize,
    sym: &str,
    word: String,
    w: usize,
) -> (String, Vec<Span<'static>>) {
    if !(state.release.overrides.iter()).any(|o| o.stage == Some(i)) {
        return (word, Vec::new());
    }
    let mark = |m: &'static str| vec![Span::raw(" "), Span::styled(m, t.alert)];
    match ["override", "ovr"]
        .into_iter()
        .find(|m| width(&word) + 1 + width(m) <= w)
    {
        Some(m) => (word, mark(m)),
        None => (sym.to_string(), mark("ovr")),
    }
}

/// "▶ 10% baking  05:48 of 10:00 verified  paused: no fresh data from prometheus  ████░░░░  58%
///  live traffic 10%": the verified bake, why it is not advancing, the gauge.
fn countdown(state: &State, t: &Theme, w: usize) -> Line<'static> {
    let stages = &state.setup.plan.stages;
    let mut spans: Vec<Span> = Vec::new();
    let right = live_traffic(state, t);
    let current = state
        .release
        .eval
        .current
        .filter(|&i| i < stages.len() && i < state.release.eval.stages.len());
    let (Some(i), Some(bake)) = (current, state.release.eval.bake.as_ref()) else {
        let rolled = (state.release.eval.stages.iter()).position(|s| *s == StageState::RolledBack);
        spans.push(match rolled.and_then(|i| stages.get(i)) {
            Some(stage) => Span::styled(
                format!(
                    "{} rolled back from {}",
                    t.sym.rolled_back,
                    t.text(&stage_label(stage))
                ),
                t.warn,
            ),
            None => Span::styled(format!("{} no stage is live yet", t.sym.idle), t.dim),
        });
        return with_right(spans, right, w);
    };
    let st = state.release.eval.stages[i];
    let (style, sym) = t.stage(st);
    let label = format!("{sym} {} {}", t.text(&stage_label(&stages[i])), st.label());
    let mut evidence: Vec<Span> = vec![Span::raw("  ")];
    if bake.is_baked() {
        let style = if st == StageState::Ready { t.ok } else { t.dim };
        evidence.push(Span::styled(
            t.text(&format!(
                "bake done · {} verified",
                clock_duration(bake.verified)
            ))
            .to_string(),
            style,
        ));
    } else {
        // What is left is in the verdict; here the evidence: verified of the whole bake.
        evidence.push(Span::styled(
            clock_duration(bake.verified),
            Style::new().add_modifier(Modifier::BOLD),
        ));
        evidence.push(Span::styled(
            format!(" of {} verified", clock_duration(bake.bake)),
            t.dim,
        ));
    }
    // The stage's failure budget, spent and allowed: "1 of 2 breaches used".
    if let Some(limit) = stages[i].failure_limit {
        let used = bake.breaches;
        let style = match used {
            0 => t.dim,
            _ if used > limit => t.bad,
            _ => t.warn,
        };
        let words = crate::core::verdict::budget_words(used, limit);
        evidence.push(Span::styled(
            t.text(&format!(" · {words}")).into_owned(),
            style,
        ));
    }
    // Why the bake is not advancing comes before the gauge. Where it does not fit whole, the
    // stage's name (highlighted in the row above) and then the live share make room for it.
    let mut right = right;
    let mut head = Span::styled(label, style);
    if let Some(note) = bake.note() {
        // Columns besides the head and its separator: the evidence, the note, the live share.
        let rest = evidence[1..].iter().map(Span::width).sum::<usize>() + 2 + note.chars().count();
        if head.width() + 2 + rest + right.width() + 1 > w {
            head = Span::styled(sym.to_string(), style);
            evidence[0] = Span::raw(" ");
        }
        if head.width() + 1 + rest + right.width() + 1 > w {
            right = Line::default();
        }
        let used = head.width() + evidence.iter().map(Span::width).sum::<usize>();
        let room = w.saturating_sub(used + 2 + right.width() + 1);
        if room >= 8 {
            let style = if bake.paused.is_some() || bake.breached {
                t.unknown
            } else {
                t.warn
            };
            evidence.push(Span::raw("  "));
            evidence.push(Span::styled(t.fit(&note, room), style));
        }
    }
    spans.push(head);
    spans.extend(evidence);
    let used: usize = spans.iter().map(Span::width).sum::<usize>() + right.width();
    let ratio = bake.progress();
    let pct = format!(" {:>3}%", bake.percent());
    let gw = w.saturating_sub(used + 4 + pct.len()).min(40);
    if gw >= 8 {
        spans.push(Span::raw("  "));
        spans.extend(bar(t, ratio, gw));
        spans.push(Span::raw(pct));
    }
    with_right(spans, right, w)
}

/// `spans`, then `right` flush with the right edge when it fits.
fn with_right(mut spans: Vec<Span<'static>>, right: Line<'static>, w: usize) -> Line<'static> {
    let used: usize = spans.iter().map(Span::width).sum();
    let gap = w.saturating_sub(used + right.width());
    if gap > 0 && right.width() > 0 {
        spans.push(Span::raw(" ".repeat(gap)));
        spans.extend(right.spans);
    }
    Line::from(spans)
}

/// A bake gauge of `w` columns: `████░░░░` or `[###----]`.
fn bar(t: &Theme, ratio: f64, w: usize) -> Vec<Span<'static>> {
    let inner = if t.ascii { w.saturating_sub(2) } else { w };
    let filled = ((ratio * inner as f64).round() as usize).min(inner);
    let full = Span::styled(t.sym.gauge_full.repeat(filled), t.baking);
    let empty = Span::styled(t.sym.gauge_empty.repeat(inner - filled), t.dim);
    if t.ascii {
        vec![Span::raw("["), full, empty, Span::raw("]")]
    } else {
        vec![full, empty]
    }
}

/// "live traffic 10%", or that it is unknown when a source should report it.
fn live_traffic(state: &State, t: &Theme) -> Line<'static> {
    match (&state.release.eval.observed, state.setup.observed_traffic) {
        (Some(share), _) => Line::from(vec![
            Span::styled("live traffic ", t.dim),
            Span::styled(share.clone(), Style::new().add_modifier(Modifier::BOLD)),
        ]),
        (None, Some(_)) => {
            Line::styled(format!("{} live traffic unknown", t.sym.unknown), t.unknown)
        }
        (None, None) => Line::default(),
    }
}
