//! Stop conditions: state, label, current value with its trend, threshold, a sparkline of
//! recent values, and why the state is what it is.

use super::draw::{self, cell};
use super::focus;
use super::theme::Theme;
use crate::app::{Panel, State};
use crate::core::condition::{CondState, ConditionSpec, ConditionStatus, Threshold};
use crate::core::reading::format_number;
use crate::core::statistical;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Conditions<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
    /// Draw a row of column names under the title.
    pub header: bool,
}

impl Conditions<'_> {
    pub fn rows(state: &State) -> usize {
        state.release.eval.conditions.len().max(1)
    }
}

const STATE_W: usize = 9;

impl Widget for &Conditions<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let statuses = &state.release.eval.conditions;
        let specs = &state.setup.conditions;
        // The title counts what gates; observe-only conditions are counted apart. The stage
        // score of the statistical conditions comes first.
        let gating: Vec<_> = specs
            .iter()
            .zip(statuses)
            .filter(|(c, _)| !c.observe)
            .collect();
        let mut summary = counts(t, gating.iter().map(|(_, s)| s.state));
        if let Some(score) = statistical::stage_score(gating.iter().map(|(_, s)| *s)) {
            summary.spans.insert(0, Span::raw("  "));
            summary
                .spans
                .insert(0, Span::styled(statistical::score_words(score), t.dim));
        }
        let observed = specs.iter().filter(|c| c.observe).count();
        if observed > 0 {
            summary
                .spans
                .push(Span::styled(format!("  {observed} observe"), t.dim));
        }
        let inner = draw::inset(draw::titled(buf, area, t, "Stop conditions", summary));
        if specs.is_empty() || statuses.is_empty() {
            let line = Line::styled("no stop conditions configured", t.dim);
            draw::lines(buf, inner, &[line]);
            return;
        }
        let n = specs.len().min(statuses.len());
        let values: Vec<String> = (0..n)
            .map(|i| {
                statuses[i]
                    .value
                    .map_or(t.sym.dash.to_string(), |v| specs[i].unit.show(v))
            })
            .collect();
        let limits: Vec<String> = (0..n).map(|i| limit(&specs[i], &statuses[i])).collect();
        let total = inner.width as usize;
        let label_w =
            draw::column_width(t, specs.iter().map(|s| s.label.as_str()), 9, 24).min(total / 3);
        let value_w = draw::column_width(t, values.iter().map(String::as_str), 5, 12);
        let limit_w = draw::column_width(t, limits.iter().map(String::as_str), 5, 18);
        let fixed = STATE_W + 1 + label_w + 1 + value_w + 1 + 1 + 1 + limit_w + 1;
        let rest = total.saturating_sub(fixed);
        let mut spark_w = (rest / 3).min(super::incident::spark_cap(total));
        if rest.saturating_sub(spark_w + 1) < 18 {
            spark_w = rest.saturating_sub(19).min(spark_w);
        }
        if spark_w < 4 {
            spark_w = 0;
        }
        let why_w = rest.saturating_sub(spark_w + usize::from(spark_w > 0));

        let mut lines = Vec::new();
        if self.header {
            lines.push(draw::row(
                t,
                vec![
                    cell("STATE", STATE_W, t.dim),
                    cell("CONDITION", label_w, t.dim),
                    cell("VALUE", value_w + 2, t.dim),
                    cell("LIMIT", limit_w, t.dim),
                    cell("RECENT", spark_w, t.dim),
                    cell("WHY", why_w, t.dim),
                ],
            ));
        }
        let room = (inner.height as usize).saturating_sub(lines.len());
        let attention: Vec<bool> = statuses[..n]
            .iter()
            .map(|s| s.state != CondState::Ok)
            .collect();
        let (mut shown, hidden) = draw::pick_rows(&attention, room);
        let focused = focus::row(state, Panel::Conditions);
        focus::keep_in_view(&mut shown, focused, n);
        let mut focus_line = None;
        for i in shown.iter().copied() {
            if focused == Some(i) {
                focus_line = Some(lines.len());
            }
            let (spec, status) = (&specs[i], &statuses[i]);
            let (style, sym) = t.condition(status.state);
            let trend = if status.value.is_some() {
                status.trend.symbol(t.ascii)
            } else {
                " "
            };
            let history: Vec<f64> = state.release.tracks.get(i).map_or_else(Vec::new, |tr| {
                let v: Vec<f64> = tr.history.values().collect();
                v[v.len().saturating_sub(spark_w)..].to_vec()
            });
            let value_style = match status.state {
                CondState::Ok => Style::new().add_modifier(Modifier::BOLD),
                _ => style.add_modifier(Modifier::BOLD),
            };
            let mut line = draw::row(
                t,
                vec![
                    cell(format!("{sym} {}", status.state.label()), STATE_W, style),
                    cell(spec.label.clone(), label_w, Style::new()),
                    cell(values[i].clone(), value_w, value_style),
                    cell(trend, 1, style),
                    cell(limits[i].clone(), limit_w, t.dim),
                ],
            );
            if spark_w > 0 {
                line.spans.push(Span::raw(" "));
                line.spans.push(Span::styled(
                    spark(t, &history, &status.threshold, spark_w),
                    style,
                ));
            }
            // An observe-only condition says so first, in words: it gates nothing. A passing
            // statistical condition says its figures; anything else says why.
            let passed = status.compare.as_ref().map(statistical::describe);
            let why = match (spec.observe, status.why.as_ref().or(passed.as_ref())) {
                (true, Some(why)) => Some((format!("observe · {why}"), t.dim)),
                (true, None) => Some(("observe".to_string(), t.dim)),
                (false, why) => why.cloned().map(|w| (w, style)),
            };
            if let Some((why, style)) = why {
                line.spans.push(Span::raw(" "));
                line.spans.push(Span::styled(t.fit(&why, why_w), style));
            }
            lines.push(line);
        }
        if hidden > 0 {
            lines.push(draw::more_line(t, &attention, &shown));
        }
        draw::lines(buf, inner, &lines);
        focus::mark(buf, inner, focus_line, t);
    }
}

/// The thresholds in force; a relative condition whose baseline is unknown shows its rule.
fn limit(spec: &ConditionSpec, status: &ConditionStatus) -> String {
    let t = &status.threshold;
    if let Some(cmp) = &spec.compare {
        return statistical::limit_words(cmp);
    }
    match spec.relative {
        Some(rel) if t.max.is_none() && t.min.is_none() => {
            let mut s = format!("≤ {}×base", format_number(rel.factor));
            if rel.offset != 0.0 {
                s.push_str(&format!("+{}", spec.unit.show(rel.offset)));
            }
            s
        }
        _ => t.describe(&spec.unit),
    }
}

/// A sparkline of `values` in `w` columns, scaled so the breaching threshold is in view:
/// how close the value runs to its limit is what an operator wants to see.
pub fn spark(t: &Theme, values: &[f64], threshold: &Threshold, w: usize) -> String {
    let levels = t.sym.spark;
    let (mut lo, mut hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if values.is_empty() {
        return " ".repeat(w);
    }
    match (threshold.min, threshold.max) {
        (Some(m), _) => lo = lo.min(m),
        (None, _) => lo = lo.min(0.0),
    }
    if let Some(m) = threshold.max {
        hi = hi.max(m);
    }
    let span = hi - lo;
    let top = levels.len() - 1;
    let mut out = " ".repeat(w.saturating_sub(values.len()));
    for &v in values {
        let level = if span > 0.0 && span.is_finite() {
            (((v - lo) / span) * top as f64)
                .round()
                .clamp(0.0, top as f64) as usize
        } else {
            0
        };
        out.push_str(levels[level]);
    }
    out
}

/// "1 BREACH  3 OK" with each count in its state's colour.
fn counts(t: &Theme, states: impl Iterator<Item = CondState>) -> Line<'static> {
    let states: Vec<CondState> = states.collect();
    let order = [
        CondState::Breached,
        CondState::Unknown,
        CondState::Warn,
        CondState::Ok,
    ];
    let mut spans = Vec::new();
    for s in order {
        let n = states.iter().filter(|&&x| x == s).count();
        if n > 0 {
            if !spans.is_empty() {
                spans.push(Span::raw("  "));
            }
            let (style, sym) = t.condition(s);
            spans.push(Span::styled(format!("{sym} {n} {}", s.label()), style));
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_puts_the_limit_at_the_top() {
        let t = Theme::new(false, false);
        let th = Threshold {
            max: Some(4.0),
            ..Default::default()
        };
        assert_eq!(spark(&t, &[0.0, 2.0, 4.0, 8.0], &th, 6), "  ▁▃▅█");
        let ascii = Theme::new(false, true);
        assert_eq!(spark(&ascii, &[0.0, 4.0], &th, 2), "_#");
        assert_eq!(spark(&t, &[], &th, 3), "   ");
    }
}
