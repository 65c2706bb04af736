//! A stop condition up close: its state and for how long, the headroom to its limit, when it
//! would breach on its trend, the query that reads it, and a chart of the stage so far (value
//! and baseline) against its warn and breach lines.

use super::detail::{extract_text, fact};
use super::footer::local_time;
use super::theme::Theme;
use crate::app::{Detail, State};
use crate::core::condition::{ConditionSpec, ConditionStatus};
use crate::core::projection::WINDOW;
use crate::core::reading::format_number;
use crate::core::samples::Point;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Widget};

/// Fewer rows than this leave no room for a chart worth reading.
const CHART_MIN: u16 = 5;

pub fn render(state: &State, detail: &Detail, t: &Theme, i: usize, area: Rect, buf: &mut Buffer) {
    let (Some(spec), Some(status)) = (
        state.setup.conditions.get(i),
        state.release.eval.conditions.get(i),
    ) else {
        return;
    };
    let points = state.release.stage_samples(i);
    let w = area.width as usize;
    let (style, sym) = t.condition(status.state);
    let show = |v: Option<f64>| v.map_or(t.sym.dash.to_string(), |v| spec.unit.show(v));
    let mut head = vec![
        Span::styled(format!("{sym} {}", detail.held), style),
        Span::styled("   now ", t.dim),
        Span::styled(show(status.value), style.add_modifier(Modifier::BOLD)),
        Span::styled("   limit ", t.dim),
        Span::raw(t.text(&limit_words(spec, status)).into_owned()),
    ];
    if let Some(warn) = status.threshold.warn {
        head.push(Span::styled("   warn ", t.dim));
        head.push(Span::raw(spec.unit.show(warn)));
    }
    let mut lines = vec![Line::from(head)];
    // A statistical condition with no absolute limit has no headroom or trend to a limit.
    let absolute = status.threshold.max.is_some() || status.threshold.min.is_some();
    if spec.compare.is_none() || absolute {
        lines.extend(fact(
            t,
            "headroom",
            &headroom(spec, status),
            Style::new(),
            w,
        ));
        let mut trend = detail.projection.clone();
        if trend.starts_with("in ") || trend.starts_with("not on") {
            let n = points.len().min(WINDOW);
            trend.push_str(&format!(" (fit to the last {n} samples)"));
        }
        lines.extend(fact(t, "breach", &trend, style, w));
    }
    if let Some(why) = &status.why {
        lines.extend(fact(t, "why", why, style, w));
    }
    if let (Some(cmp), Some(c)) = (&spec.compare, &status.compare) {
        let words = crate::core::statistical::explain(cmp, c);
        lines.extend(fact(t, "compare", &words, style, w));
    }
    if let Some(rel) = spec.relative.filter(|_| spec.compare.is_none()) {
        let base = state
            .release
            .tracks
            .get(i)
            .and_then(|tr| tr.baseline.as_ref());
        let now = base.and_then(|b| b.value.as_ref().ok().copied());
        let mut words = format!(
            "{} now; the limit is {} × baseline",
            show(now),
            format_number(rel.factor)
        );
        if rel.offset != 0.0 {
            words.push_str(&format!(" + {}", spec.unit.show(rel.offset)));
        }
        lines.extend(fact(t, "baseline", &words, Style::new(), w));
    }
    if let (Some(floor), Some(e)) = (&spec.min_traffic, &status.evidence) {
        let words = match e.traffic {
            Some(n) if e.enough => format!("{}: enough", floor.words(n)),
            Some(n) => format!("{}: not enough, unknown below the minimum", floor.words(n)),
            None => "no fresh reading: unknown until there is one".into(),
        };
        let style = if e.enough { Style::new() } else { t.unknown };
        lines.extend(fact(t, "traffic", &words, style, w));
    }
    if spec.observe {
        let words = "observe-only: shown, charted and journaled; gates nothing";
        lines.extend(fact(t, "observe", words, t.dim, w));
    }
    if let Some(signal) = state.setup.signals.get(spec.value) {
        let source = &state.setup.sources[signal.source];
        let from = format!(
            "{}, a {} source polled every {}",
            source.name,
            source.kind.label(),
            crate::core::short_duration(source.interval)
        );
        lines.extend(fact(t, "source", &from, Style::new(), w));
        let bold = Style::new().add_modifier(Modifier::BOLD);
        lines.extend(fact(t, "query", &extract_text(&signal.extract), bold, w));
    }
    lines.push(legend(t, spec, status, &points));
    let used = (lines.len() as u16).min(area.height);
    super::draw::lines(buf, area, &lines);
    let chart_area = Rect {
        y: area.y + used,
        height: area.height - used,
        ..area
    };
    if chart_area.height >= CHART_MIN && !points.is_empty() {
        chart(t, spec, status, &points, state, chart_area, buf);
    }
}

/// The limit in force; a statistical condition without an absolute one shows its test's.
fn limit_words(spec: &ConditionSpec, status: &ConditionStatus) -> String {
    let th = &status.threshold;
    match &spec.compare {
        Some(cmp) if th.max.is_none() && th.min.is_none() => {
            crate::core::statistical::limit_words(cmp)
        }
        _ => th.describe(&spec.unit),
    }
}

/// How far the value is from its limit (and its warn level), in the condition's units.
fn headroom(spec: &ConditionSpec, status: &ConditionStatus) -> String {
    let th = &status.threshold;
    let show = |d: f64| spec.unit.show(d);
    let Some(v) = status.value else {
        return "unknown: no usable value now".into();
    };
    match (th.max, th.min) {
        (Some(m), _) if v > m => return format!("none: {} past the limit", show(v - m)),
        (_, Some(m)) if v < m => return format!("none: {} past the limit", show(m - v)),
        (None, None) => return "unknown: no limit in force".into(),
        _ => {}
    }
    let mut parts = Vec::new();
    if let Some(m) = th.max {
        parts.push(format!("{} below the limit", show(m - v)));
    }
    if let Some(m) = th.min {
        parts.push(format!("{} above the limit", show(v - m)));
    }
    match (th.warn, th.max.is_some() || th.min.is_none()) {
        (Some(w), true) if v <= w => parts.push(format!("{} below warn", show(w - v))),
        (Some(w), false) if v >= w => parts.push(format!("{} above warn", show(v - w))),
        (Some(_), _) => parts.push("past warn".into()),
        (None, _) => {}
    }
    parts.join(", ")
}

/// The glyphs the chart draws each line with: its value, its baseline, the breach and warn
/// levels. Braille for the value where the font has it; distinct glyphs for the rest, so the
/// lines read apart without colour.
struct Marks {
    value: Marker,
    baseline: Marker,
    breach: Marker,
    warn: Marker,
}

impl Marks {
    fn of(t: &Theme) -> Marks {
        if t.ascii {
            Marks {
                value: Marker::Custom('*'),
                baseline: Marker::Custom('o'),
                breach: Marker::Custom('='),
                warn: Marker::Custom('~'),
            }
        } else {
            Marks {
                value: Marker::Braille,
                baseline: Marker::Custom('•'),
                breach: Marker::Custom('━'),
                warn: Marker::Custom('┄'),
            }
        }
    }
}

/// The line under the facts that says which line is which, and the time the chart spans.
fn legend(
    t: &Theme,
    spec: &ConditionSpec,
    status: &ConditionStatus,
    points: &[Point],
) -> Line<'static> {
    let value_glyph = if t.ascii { "*" } else { "⣿" };
    let mut spans = vec![Span::styled(format!("{value_glyph} "), t.info)];
    let relative = spec.relative.is_some();
    spans.push(Span::raw(if relative { "canary" } else { "value" }));
    if relative {
        let glyph = if t.ascii { "o" } else { "•" };
        spans.push(Span::styled(format!("  {glyph} "), t.dim));
        spans.push(Span::raw("baseline"));
    }
    let th = &status.threshold;
    for limit in [th.max, th.min].into_iter().flatten() {
        let glyph = if t.ascii { "=" } else { "━" };
        spans.push(Span::styled(format!("  {glyph} "), t.bad));
        spans.push(Span::raw(format!("breach {}", spec.unit.show(limit))));
    }
    if let Some(w) = th.warn {
        let glyph = if t.ascii { "~" } else { "┄" };
        spans.push(Span::styled(format!("  {glyph} "), t.warn));
        spans.push(Span::raw(format!("warn {}", spec.unit.show(w))));
    }
    let count = match points.len() {
        0 => "   no samples this stage yet".to_string(),
        n => format!("   {n} samples this stage"),
    };
    spans.push(Span::styled(count, t.dim));
    Line::from(spans)
}

fn chart(
    t: &Theme,
    spec: &ConditionSpec,
    status: &ConditionStatus,
    points: &[Point],
    state: &State,
    area: Rect,
    buf: &mut Buffer,
) {
    let (first, last) = (points[0].at, points[points.len() - 1].at);
    let x = |p: &Point| (p.at - first).as_seconds_f64();
    let values: Vec<(f64, f64)> = points.iter().map(|p| (x(p), p.value)).collect();
    let baseline: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((x(p), p.baseline?)))
        .collect();
    let end = (last - first).as_seconds_f64().max(1.0);
    let th = &status.threshold;
    let level = |y: f64| vec![(0.0, y), (end, y)];
    let breaches: Vec<Vec<(f64, f64)>> =
        [th.max, th.min].into_iter().flatten().map(level).collect();
    let warn: Vec<(f64, f64)> = th.warn.map(level).unwrap_or_default();

    let ys = values
        .iter()
        .chain(&baseline)
        .chain(breaches.iter().flatten())
        .chain(&warn)
        .map(|p| p.1)
        .filter(|y| y.is_finite());
    let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    let pad = if hi > lo {
        (hi - lo) * 0.1
    } else {
        hi.abs().max(1e-9) * 0.1
    };
    let (lo, hi) = (
        if lo >= 0.0 {
            (lo - pad).max(0.0)
        } else {
            lo - pad
        },
        hi + pad,
    );

    let marks = Marks::of(t);
    let line = |data, marker, style| {
        Dataset::default()
            .data(data)
            .marker(marker)
            .graph_type(GraphType::Line)
            .style(style)
    };
    // Levels first, so the values are drawn over them.
    let mut sets: Vec<Dataset> = breaches
        .iter()
        .map(|b| line(b.as_slice(), marks.breach, t.bad))
        .collect();
    if !warn.is_empty() {
        sets.push(line(&warn, marks.warn, t.warn));
    }
    if !baseline.is_empty() {
        sets.push(line(&baseline, marks.baseline, t.dim));
    }
    sets.push(line(&values, marks.value, t.info));
    let show = |v: f64| spec.unit.show(v);
    let chart = Chart::new(sets)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([0.0, end])
                .style(t.dim)
                .labels([local_time(state, first), local_time(state, last)]),
        )
        .y_axis(Axis::default().bounds([lo, hi]).style(t.dim).labels([
            show(lo),
            show((lo + hi) / 2.0),
            show(hi),
        ]));
    chart.render(area, buf);
    if t.ascii {
        asciify(area, buf);
    }
}

/// The chart's axes are drawn in box-drawing characters, which ratatui does not let a chart
/// change; with the ASCII set they are swapped for ASCII after drawing.
fn asciify(area: Rect, buf: &mut Buffer) {
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let cell = &mut buf[(x, y)];
            let ascii = match cell.symbol() {
                "│" => "|",
                "─" => "-",
                "└" => "+",
                _ => continue,
            };
            cell.set_symbol(ascii);
        }
    }
}
