//! `gonogo check` as text: the verdict first, then why, then every piece of evidence.

use super::evidence::{Evidence, ReasonJson, StageJson};
use crate::core::clock_duration;
use crate::core::{short_duration, since};
use crate::headless::table;
use std::fmt::Write;
use std::time::Duration;

pub fn render(e: &Evidence) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", e.verdict, e.headline());
    let _ = writeln!(
        out,
        "checked {} after {:.1}s · exit {}{}",
        e.checked_at.format("%Y-%m-%dT%H:%M:%SZ"),
        Duration::from_millis(e.waited_ms).as_secs_f64(),
        e.exit_code,
        e.release
            .attempt
            .as_deref()
            .map(|a| format!(" · attempt {a}"))
            .unwrap_or_default()
    );
    reasons(&mut out, "Reasons", &e.reasons);
    reasons(&mut out, "Warnings", &e.warnings);

    let dash = |s: Option<&String>| s.cloned().unwrap_or_else(|| "-".into());
    out.push_str("\nConditions\n");
    let rows: Vec<Vec<String>> = e
        .conditions
        .iter()
        .map(|c| {
            vec![
                c.state.to_uppercase(),
                // An observe-only condition says so: it gates nothing.
                if c.observe {
                    format!("{} (observe)", c.label)
                } else {
                    c.label.clone()
                },
                dash(c.value_text.as_ref()),
                c.threshold_text.clone(),
                dash(
                    c.why
                        .as_ref()
                        .or(c.confirming.as_ref())
                        .or(c.compare.as_ref().map(|m| &m.text)),
                ),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &["STATE", "CONDITION", "VALUE", "THRESHOLD", "WHY"],
        &rows,
        2,
    ));
    if let Some(score) = e.stage_score {
        out.push_str(&format!(
            "Stage {} (statistical conditions; a marginal counts half, below 50 fails)\n",
            crate::core::statistical::score_words(score)
        ));
    }

    out.push_str("\nGates\n");
    let rows: Vec<Vec<String>> = e
        .gates
        .iter()
        .map(|g| {
            vec![
                g.state.to_uppercase(),
                g.tier.to_string(),
                g.name.clone(),
                g.evidence.clone(),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &["STATE", "TIER", "GATE", "EVIDENCE"],
        &rows,
        2,
    ));

    out.push_str("\nSources\n");
    let rows: Vec<Vec<String>> = e
        .sources
        .iter()
        .map(|s| {
            vec![
                s.state.to_uppercase(),
                s.name.clone(),
                s.last_ok.map_or("never".into(), |t| {
                    format!("{} ago", short_duration(since(e.checked_at, t)))
                }),
                s.latency_ms.map_or("-".into(), |ms| format!("{ms} ms")),
                dash(s.error.as_ref()),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &["STATE", "SOURCE", "LAST OK", "LATENCY", "ERROR"],
        &rows,
        2,
    ));

    if let Some(st) = e.stage.as_ref().filter(|s| !s.rolled_back) {
        let _ = writeln!(out, "\nBake\n  {}", bake_line(st));
    }

    out.push_str("\nStages\n  ");
    let stages: Vec<String> = e
        .stages
        .iter()
        .map(|s| format!("{} {}", s.name, s.state.replace('_', " ")))
        .collect();
    out.push_str(&stages.join(" · "));
    out.push('\n');
    out
}

/// "00:12 verified of 00:30 · paused: no fresh data from prometheus"
fn bake_line(st: &StageJson) -> String {
    let secs = |s: u64| clock_duration(Duration::from_secs(s));
    let mut line = format!(
        "{} verified of {}",
        secs(st.bake_verified_seconds),
        secs(st.bake_seconds)
    );
    if let Some(limit) = st.failure_limit {
        let budget = crate::core::verdict::budget_words(st.breaches, limit);
        line.push_str(&format!(" · {budget}"));
    }
    if let Some(p) = &st.bake_paused {
        line.push_str(&format!(" · paused: {}", p.text));
    }
    if st.bake_breached {
        line.push_str(" · breached: restarts from zero when the breach ends");
    }
    if let Some(r) = &st.bake_restarted.filter(|r| r.to.is_some()) {
        line.push_str(&format!(" · restarted after breach {}", r.words()));
    }
    if let Some(u) = &st.bake_not_observed {
        line.push_str(&format!(" · not observed {}: not counted", u.words()));
        if let Some(why) = &st.bake_not_observed_why {
            line.push_str(&format!(" ({why})"));
        }
    }
    if let Some(b) = &st.bake_backfilled {
        line.push_str(&format!(" · {}", b.words()));
    }
    line
}

fn reasons(out: &mut String, title: &str, items: &[ReasonJson]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    for r in items {
        let _ = writeln!(out, "  - {}", r.text);
        if let Some(v) = &r.verify {
            let _ = writeln!(out, "    verify: {v}");
        }
    }
}
