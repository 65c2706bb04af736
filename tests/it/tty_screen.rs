//! The real binary in tmux at 120x40: after a promote and after a rollback every cell lands in
//! its column — the Stages title reads `stage N of 6`, and no stray character sits at the right
//! edge of a row (cells drawn one column off after a row written to its last column).
//!
//! Needs tmux. Outside CI a missing tmux skips the test loudly; under CI=true it fails.

use crate::support::tmux;

use std::time::Duration;
use tmux::{Session, padded, tmux_available};

/// Generous: the machine may be busy with other builds.
const LONG: Duration = Duration::from_secs(120);

/// Wait for `pred` on the pane's rows, padded to the full width.
fn wait_rows(pane: &Session, what: &str, pred: impl Fn(&[String]) -> bool) {
    pane.wait_for(what, LONG, |screen| pred(&padded(screen, pane.width())));
}

/// What the Stages title says after its rule, e.g. `stage 2 of 6`; the whole line when it is
/// not a rule, one blank, the words, one blank and a last `─` (as `stage21 of 6` is not).
fn stages_summary(rows: &[String]) -> &str {
    let Some(title) = rows.iter().find(|r| r.starts_with("── Stages ")) else {
        return "(no Stages title)";
    };
    let rest = title["── Stages ".len()..].trim_start_matches('─');
    rest.strip_prefix(' ')
        .and_then(|r| r.strip_suffix(" ─"))
        // Without the release's clocks ("· 3m elapsed · ≥ 40m to 100%").
        .map(|r| r.split(" · ").next().unwrap_or(r))
        .filter(|s| s == &"6 stages" || is_stage_of_6(s))
        .unwrap_or(title)
}

fn is_stage_of_6(s: &str) -> bool {
    s.strip_prefix("stage ")
        .and_then(|s| s.strip_suffix(" of 6"))
        .is_some_and(|n| matches!(n, "1" | "2" | "3" | "4" | "5" | "6"))
}

/// Every row ends as the frame draws it: a title rule (`─`) on a panel's title row, a blank
/// everywhere else. A character drawn one column too far left leaves the old one at the edge.
fn assert_edges(rows: &[String], when: &str) {
    for (y, row) in rows.iter().enumerate() {
        let last = row.chars().last().unwrap_or(' ');
        let want = if row.starts_with("── ") {
            '─'
        } else {
            ' '
        };
        assert_eq!(
            last,
            want,
            "{when}: row {y} ends in {last:?}:\n{}",
            rows.join("\n")
        );
    }
}

#[test]
fn after_a_promote_and_a_rollback_every_cell_is_in_its_column_at_120x40() {
    if !tmux_available() {
        return;
    }
    let pane = Session::demo("screen", &["--bake", "5s", "--regress-after", "10m"]);
    wait_rows(&pane, "the Stages title `stage 1 of 6`", |rows| {
        stages_summary(rows) == "stage 1 of 6"
    });
    // Tick the checklist's two items: their warnings leave the header, whose rows are drawn
    // blank where text reached the last column just before. The header keeps its height (three
    // reason rows at 40), so the Stages title stays on row 5.
    pane.type_text("c");
    pane.wait_text("Readiness checklist", LONG);
    pane.type_text(" j ");
    pane.keys(&["Escape"]);
    wait_rows(
        &pane,
        "the checklist's warnings to leave the banner",
        |rows| rows.iter().all(|r| !r.contains("! should")) && rows[5].starts_with("── Stages "),
    );
    pane.wait_text("✓ GO", LONG);
    pane.confirm("p", "Approve-Risk: stage one baked and healthy", LONG);
    pane.wait_text("promote succeeded", LONG);
    pane.wait_text("live traffic 5%", LONG);
    let rows = pane.rows();
    assert_eq!(stages_summary(&rows), "stage 2 of 6", "after the promote");
    assert_edges(&rows, "after the promote");

    pane.confirm("r", "drill: roll the second stage back", LONG);
    pane.wait_text("rollback succeeded", LONG);
    pane.wait_text("live traffic changed 5% → 0%", LONG);
    wait_rows(&pane, "the prompt to close", |rows| {
        !rows.iter().any(|r| r.contains("Approve-Risk"))
    });
    let rows = pane.rows();
    // Rolled back: no stage is current (or the first, should the cockpit count it so).
    let summary = stages_summary(&rows);
    assert!(
        ["6 stages", "stage 1 of 6"].contains(&summary),
        "after the rollback the Stages title reads {summary:?}"
    );
    assert_edges(&rows, "after the rollback");
}
