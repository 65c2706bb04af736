//! A gate or a source up close: what it checks or reads, the evidence and errors as they
//! stand, and the source's recent polls (time, latency, how each ended), newest first.

use super::detail::{extract_text, fact};
use super::footer::local_time;
use super::theme::Theme;
use crate::app::{PollOutcome, State};
use crate::core::gate::{GateCheck, GateState};
use crate::core::reading::{Reading, SignalId, SourceId};
use crate::core::short_duration;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub fn gate(state: &State, t: &Theme, i: usize, area: Rect, buf: &mut Buffer) {
    let (Some(g), Some(spec)) = (state.release.eval.gates.get(i), state.setup.gates.get(i)) else {
        return;
    };
    let w = area.width as usize;
    let (style, sym) = t.gate(g.state, g.tier);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{sym} {}", g.state.label()), style),
        Span::styled("   tier ", t.dim),
        Span::raw(g.tier.label()),
    ])];
    let evidence_style = match g.state {
        GateState::Holds => Style::new(),
        _ => style,
    };
    lines.extend(fact(t, "evidence", &g.evidence, evidence_style, w));
    if let Some(verify) = g.verify.as_deref().filter(|_| g.state != GateState::Holds) {
        lines.extend(fact(t, "to verify", verify, Style::new(), w));
    }
    let (checks, source) = check_words(state, &spec.check);
    lines.extend(fact(t, "checks", &checks, Style::new(), w));
    if let GateCheck::Value { signal, .. } = &spec.check {
        lines.extend(fact(
            t,
            "last value",
            &last_value(state, *signal),
            Style::new(),
            w,
        ));
    }
    if let Some(source) = source {
        lines.push(Line::default());
        lines.extend(polls(state, t, source, w));
    }
    super::draw::lines(buf, area, &lines);
}

pub fn source(state: &State, t: &Theme, i: usize, area: Rect, buf: &mut Buffer) {
    let (Some(spec), Some(health), Some(view)) = (
        state.setup.sources.get(i),
        state.release.sources.get(i),
        state.release.eval.sources.get(i),
    ) else {
        return;
    };
    let w = area.width as usize;
    let (style, sym) = t.source(view.status);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{sym} {}", view.status.label()), style),
        Span::styled("   kind ", t.dim),
        Span::raw(spec.kind.label()),
        Span::styled("   polled every ", t.dim),
        Span::raw(short_duration(spec.interval)),
        Span::styled(", timeout ", t.dim),
        Span::raw(short_duration(spec.timeout)),
        Span::styled(", stale after ", t.dim),
        Span::raw(short_duration(spec.stale_after)),
    ])];
    let url = crate::url_credentials::redacted(&spec.url);
    lines.extend(fact(t, "url", &url, Style::new(), w));
    let last_ok = match health.last_ok {
        Some(at) => format!("{} ({} ago)", local_time(state, at), view.age),
        None => "never".into(),
    };
    lines.extend(fact(t, "last ok", &last_ok, Style::new(), w));
    if let Some(err) = &health.last_error {
        let failed = match health.consecutive_failures {
            0 => String::new(),
            n => format!(" ({n} in a row)"),
        };
        lines.extend(fact(t, "last error", &format!("{err}{failed}"), t.bad, w));
    }
    for (n, (sig, extract)) in spec.signals.iter().enumerate() {
        let value = last_value(state, *sig);
        // A missing value's reason is led by the source's name, which the title says already.
        let value = value.replacen(&format!("missing: {}: ", spec.name), "missing: ", 1);
        let words = format!("{} = {value}", extract_text(extract));
        let label = if n == 0 { "reads" } else { "" };
        lines.extend(fact(t, label, &words, Style::new(), w));
    }
    lines.push(Line::default());
    lines.extend(polls(state, t, i, w));
    super::draw::lines(buf, area, &lines);
}

/// What a gate checks, in words, and the source it reads, if one.
fn check_words(state: &State, check: &GateCheck) -> (String, Option<SourceId>) {
    let name = |s: SourceId| state.setup.sources[s].name.clone();
    match check {
        GateCheck::Value { signal, expect, .. } => {
            let Some(spec) = state.setup.signals.get(*signal) else {
                return ("a value no source reads".into(), None);
            };
            let words = format!(
                "{} from {} is one of: {}",
                extract_text(&spec.extract),
                name(spec.source),
                expect.join(", ")
            );
            (words, Some(spec.source))
        }
        GateCheck::Reachable { source, within } => (
            format!(
                "{} answers (2xx) within {}",
                name(*source),
                short_duration(*within)
            ),
            Some(*source),
        ),
        GateCheck::MonitorsLive => ("every stop condition has fresh data".into(), None),
        GateCheck::Unconfigured(why) => (why.clone(), None),
        GateCheck::Calendar(_) => (
            "promote only inside the release windows and outside blackouts".into(),
            None,
        ),
        GateCheck::Checklist(item) => {
            let text = state
                .setup
                .checklist
                .get(*item)
                .cloned()
                .unwrap_or_default();
            let tick = match state.release.checklist.get(*item).and_then(Option::as_ref) {
                Some(tick) => format!(
                    "ticked by {} at {}",
                    tick.operator,
                    local_time(state, tick.at)
                ),
                None => "not ticked".into(),
            };
            (format!("checklist item \"{text}\": {tick}"), None)
        }
    }
}

/// A signal's latest reading, with when it arrived.
fn last_value(state: &State, signal: SignalId) -> String {
    match state.release.signals.get(signal).and_then(Option::as_ref) {
        None => "no data yet".into(),
        Some((at, reading)) => {
            let value = match reading {
                Reading::Missing(why) => format!("missing: {why}"),
                r => r.as_text().unwrap_or_default(),
            };
            format!("{value} (read {})", local_time(state, *at))
        }
    }
}

/// The source's recent polls under a heading, newest first.
fn polls(state: &State, t: &Theme, source: SourceId, w: usize) -> Vec<Line<'static>> {
    let name = &state.setup.sources[source].name;
    let Some(health) = state.release.sources.get(source) else {
        return Vec::new();
    };
    let heading = format!("Recent polls of {name}");
    let mut lines = vec![Line::styled(heading, t.title)];
    if health.polls.is_empty() {
        lines.push(Line::styled("  none yet", t.dim));
    }
    for poll in health.polls.iter().rev() {
        let (words, style, sym) = match &poll.outcome {
            PollOutcome::Answered => ("answered".to_string(), t.ok, t.sym.ok),
            PollOutcome::Unusable(why) => {
                (format!("answered, unusable: {why}"), t.warn, t.sym.warn)
            }
            PollOutcome::Failed(why) => (format!("failed: {why}"), t.bad, t.sym.bad),
        };
        let head = format!(
            "  {}  {:>6} ms  ",
            local_time(state, poll.at),
            poll.latency.as_millis()
        );
        let room = w.saturating_sub(super::theme::width(&head) + 2);
        lines.push(Line::from(vec![
            Span::styled(head, t.dim),
            Span::styled(format!("{sym} "), style),
            Span::styled(t.fit(&words, room), style.remove_modifier(Modifier::BOLD)),
        ]));
    }
    lines
}
