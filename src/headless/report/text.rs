//! `gonogo report` as tables for a terminal.

use super::figures::{Figures, Stats};
use crate::core::reading::format_number;
use crate::core::short_duration;
use crate::headless::table;
use std::fmt::Write;
use std::time::Duration;

/// Seconds as people read them: "45s", "1h30m", "2d3h".
pub fn human(secs: u64) -> String {
    if secs >= 2 * 86400 {
        let (d, h) = (secs / 86400, secs % 86400 / 3600);
        if h == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{h}h")
        }
    } else {
        short_duration(Duration::from_secs(secs))
    }
}

fn stats(s: Option<&Stats>, what: &str) -> String {
    match s {
        None => "-".into(),
        Some(s) => format!(
            "median {} · mean {} · max {} ({} {what})",
            human(s.median_seconds),
            human(s.mean_seconds),
            human(s.max_seconds),
            s.count
        ),
    }
}

pub fn render(f: &Figures) -> String {
    let mut out = String::new();
    let t = &f.totals;
    match &f.span {
        None => {
            let _ = writeln!(
                out,
                "No releases: no stage was entered in {} records of {}",
                f.records,
                f.journals.join(", ")
            );
            return out;
        }
        Some(span) => {
            let _ = writeln!(
                out,
                "Release attempts ({})  {} → {} · {:.1} weeks · {} records from {}",
                t.releases,
                span.from.format("%Y-%m-%d"),
                span.to.format("%Y-%m-%d"),
                span.weeks,
                f.records,
                f.journals.join(", ")
            );
        }
    }
    let rows: Vec<Vec<String>> = f
        .releases
        .iter()
        .map(|r| {
            vec![
                r.release.clone(),
                r.version.clone(),
                r.attempt.clone(),
                r.environment.clone(),
                r.outcome.label().to_string(),
                r.started_at.format("%Y-%m-%d %H:%M").to_string(),
                r.lead_time_seconds.map_or("-".into(), human),
                r.furthest_traffic
                    .map_or("-".into(), |x| format!("{}%", format_number(x))),
                r.time_to_restore_seconds.map_or("-".into(), human),
                r.overrides.to_string(),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &[
            "RELEASE",
            "VERSION",
            "ATTEMPT",
            "ENVIRONMENT",
            "OUTCOME",
            "STARTED (UTC)",
            "LEAD TIME",
            "REACHED",
            "RESTORE",
            "OVERRIDES",
        ],
        &rows,
        2,
    ));

    out.push_str("\nFigures\n");
    let rate = t.change_failure_rate.map_or("-".into(), |r| {
        format!(
            "{:.0}% ({} of {} rolled back)",
            r * 100.0,
            t.rolled_back,
            t.releases
        )
    });
    let rows = vec![
        vec![
            "outcomes".into(),
            format!(
                "{} completed · {} rolled back · {} abandoned · {} in progress",
                t.completed, t.rolled_back, t.abandoned, t.in_progress
            ),
        ],
        vec![
            "deployment frequency".into(),
            format!(
                "{:.1} releases per week ({} over {:.1} weeks; a shorter span counts as one)",
                t.releases_per_week,
                t.releases,
                f.span.as_ref().map_or(0.0, |s| s.weeks)
            ),
        ],
        vec!["lead time".into(), stats(t.lead_time.as_ref(), "completed")],
        vec!["change failure rate".into(), rate],
        vec![
            "time to restore".into(),
            stats(t.time_to_restore.as_ref(), "rolled back after a breach"),
        ],
    ];
    out.push_str(&table::render(&["FIGURE", "VALUE"], &rows, 2));

    if !f.stages.is_empty() {
        out.push_str("\nTime per stage (entered until the next stage or the rollback)\n");
        let rows: Vec<Vec<String>> = f
            .stages
            .iter()
            .map(|s| {
                vec![
                    crate::core::describe::stage_words(&s.stage, s.traffic),
                    s.count.to_string(),
                    human(s.median_seconds),
                    human(s.mean_seconds),
                    human(s.max_seconds),
                ]
            })
            .collect();
        out.push_str(&table::render(
            &["STAGE", "TIMES", "MEDIAN", "MEAN", "MAX"],
            &rows,
            2,
        ));
    }

    let restored: Vec<Vec<String>> = (f.releases.iter())
        .filter_map(|r| {
            let m = r.restored?;
            Some(vec![
                format!("{} {} {}", r.release, r.version, r.attempt),
                crate::core::restore::millis(m.webhook_ms),
                human(m.healthy_ms / 1000),
            ])
        })
        .collect();
    if !restored.is_empty() {
        let _ = writeln!(
            out,
            "\nRestored after a rollback (from the rollback's request)"
        );
        out.push_str(&table::render(
            &["RELEASE", "WEBHOOK ANSWERED", "CONDITIONS HEALTHY"],
            &restored,
            2,
        ));
    }

    let _ = writeln!(out, "\nOverrides ({})", f.overrides.len());
    if !f.overrides.is_empty() {
        let rows: Vec<Vec<String>> = f
            .overrides
            .iter()
            .map(|o| {
                vec![
                    o.ts.format("%Y-%m-%d %H:%M").to_string(),
                    format!("{} {}", o.release, o.version),
                    format!("{}@{}", o.operator, o.host),
                    o.detail.clone().or(o.verdict.clone()).unwrap_or_default(),
                    o.reason.clone().unwrap_or_default(),
                ]
            })
            .collect();
        out.push_str(&table::render(
            &["WHEN (UTC)", "RELEASE", "APPROVED BY", "WHAT", "REASON"],
            &rows,
            2,
        ));
        let who: Vec<String> = f
            .approvers
            .iter()
            .map(|a| format!("{} {}", a.operator, a.overrides))
            .collect();
        let _ = writeln!(out, "  approved by: {}", who.join(", "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_grow_units() {
        assert_eq!(human(45), "45s");
        assert_eq!(human(5400), "1h30m");
        assert_eq!(human(2 * 86400 + 3 * 3600), "2d3h");
        assert_eq!(human(3 * 86400), "3d");
    }
}
