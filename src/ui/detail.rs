//! The focused row's detail, over the dashboard below the verdict: a stop condition's chart and
//! trend (`detail_condition`), a gate's or a source's evidence and recent polls
//! (`detail_evidence`). What the words say about time was computed by `update`.

use super::draw::modal_block;
use super::theme::{Theme, width};
use crate::app::{Detail, Panel, State};
use crate::setup::Extract;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

pub struct DetailView<'a> {
    pub state: &'a State,
    pub detail: &'a Detail,
    pub theme: &'a Theme,
}

impl Widget for &DetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (state, t) = (self.state, self.theme);
        let Some(focus) = state.screen.focus else {
            return;
        };
        let (kind, name) = name(state, focus.panel, focus.row);
        let hint = t.text(" ↑/↓ next row · Esc returns ").into_owned();
        let block = modal_block(t, &format!("{kind} · {name}"), t.title)
            .title_bottom(Line::styled(hint, t.dim).right_aligned());
        Clear.render(area, buf);
        let inner = block.inner(area);
        block.render(area, buf);
        match focus.panel {
            Panel::Conditions => {
                super::detail_condition::render(state, self.detail, t, focus.row, inner, buf)
            }
            Panel::Gates => super::detail_evidence::gate(state, t, focus.row, inner, buf),
            Panel::Sources => super::detail_evidence::source(state, t, focus.row, inner, buf),
        }
    }
}

/// What a detail's title calls its row: the kind of row, and its name.
fn name(state: &State, panel: Panel, row: usize) -> (&'static str, String) {
    let (kind, name) = match panel {
        Panel::Conditions => (
            "Stop condition",
            state.setup.conditions.get(row).map(|c| c.label.clone()),
        ),
        Panel::Gates => (
            "Gate",
            state.release.eval.gates.get(row).map(|g| g.name.clone()),
        ),
        Panel::Sources => (
            "Source",
            state.setup.sources.get(row).map(|s| s.name.clone()),
        ),
    };
    (kind, name.unwrap_or_default())
}

/// How a value is taken from its source, whole, as it could be pasted into the source's own
/// tool: the PromQL query, the JSON Pointer, the jq program, the provider's field.
pub fn extract_text(extract: &Extract) -> String {
    match extract {
        Extract::PromQuery(q) => q.clone(),
        Extract::Pointer(p) if p.is_empty() => "JSON Pointer \"\" (the whole document)".into(),
        Extract::Pointer(p) => format!("JSON Pointer {p}"),
        Extract::PromSeries {
            query,
            select,
            aggregate,
        } => {
            let mut s = query.clone();
            if !select.is_empty() {
                let labels: Vec<String> = select.iter().map(|(k, v)| format!("{k}={v}")).collect();
                s.push_str(&format!("  (the series with {})", labels.join(", ")));
            }
            if let Some(a) = aggregate {
                s.push_str(&format!("  ({} of the series)", a.label()));
            }
            s
        }
        Extract::Field(f) => format!("the provider's field {f}"),
        Extract::Jq(program) => format!("jq {program}"),
        Extract::Mapped(inner, _) => format!("{} (mapped)", extract_text(inner)),
        Extract::ErrorAt(inner) => format!("errors at {}", extract_text(inner)),
    }
}

/// `text` in lines of at most `max` columns, broken after a space where one is near and every
/// character kept, so that the lines joined again are the text: a query copied from the screen
/// pastes whole.
pub fn wrap_whole(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for c in text.chars() {
        let mut b = [0u8; 4];
        if width(&line) + width(c.encode_utf8(&mut b)) > max {
            // Break after the line's last space, if it leaves a line at least half full.
            let cut = line
                .rfind(' ')
                .map(|i| i + 1)
                .filter(|&i| width(&line[..i]) * 2 >= max);
            let rest = cut.map_or_else(String::new, |i| line.split_off(i));
            out.push(std::mem::replace(&mut line, rest));
        }
        line.push(c);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// A labelled fact: the label dim in a fixed column, the words after it wrapped under each
/// other.
pub fn fact(t: &Theme, label: &str, words: &str, style: Style, w: usize) -> Vec<Line<'static>> {
    const LABEL_W: usize = 11;
    let text = t.text(words);
    wrap_whole(&text, w.saturating_sub(LABEL_W).max(8))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let head = if i == 0 { label } else { "" };
            Line::from(vec![
                Span::styled(format!("{head:<LABEL_W$}"), t.dim),
                Span::styled(part, style),
            ])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_query_joins_back_into_itself() {
        let q = r#"sum(rate(http_requests_total{track="canary",code=~"5.."}[5m])) / sum(rate(http_requests_total{track="canary"}[5m]))"#;
        for w in [10, 30, 57, 200] {
            let lines = wrap_whole(q, w);
            assert_eq!(lines.concat(), q, "at {w}");
            assert!(lines.iter().all(|l| width(l) <= w), "{lines:?}");
        }
        assert_eq!(
            wrap_whole("a  b   c", 4),
            vec!["a  ", "b   ", "c"],
            "spaces are kept"
        );
        assert_eq!(
            wrap_whole("rate(x[5m]) / rate(y[5m])", 14),
            vec!["rate(x[5m]) / ", "rate(y[5m])"]
        );
        assert_eq!(wrap_whole("", 5), vec![""]);
    }
}
