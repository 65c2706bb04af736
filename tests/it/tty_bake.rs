//! A bake is evidence (SEMANTICS.md §1), seen in a real terminal on the real binary: a blind
//! start earns nothing, a breach that ends by itself restarts the bake, and a rollout moved by
//! hand outside the cockpit (drift) pauses the bake and is journaled both ways.

use crate::support::tmux;

use std::io::{Read, Write};
use std::time::{Duration, Instant};
use tmux::{BIN, Session, tmux_available, verdict, verified, wait_journal};

const LONG: Duration = Duration::from_secs(60);

/// The strip shows a bake of `secs` seconds with (nearly) all of it left: "00:08 left, 00:00
/// verified of 00:08", or one second verified already on a slow screen.
fn whole_bake_left(screen: &str, secs: u64) -> bool {
    (0..=1).any(|v| {
        screen.contains(&format!(
            "00:{:02} left, 00:{v:02} verified of 00:{secs:02}",
            secs - v
        ))
    })
}

#[test]
fn a_blind_start_never_looks_baked_and_the_first_data_is_hold_with_the_whole_bake() {
    if !tmux_available() {
        return;
    }
    // Prometheus answers 503 for 12 s; the bake is 8 s. Wall-clock time would call the stage
    // baked at 8 s, with every condition unknown.
    let s = Session::demo("blind", &["--prometheus-down-for", "12s", "--bake", "8s"]);
    let blind = s.screens_until("the conditions to have data", LONG, |screen| {
        verdict(screen).is_some_and(|v| v != "NO-GO UNTIL VERIFIED")
    });
    let (first, before) = blind.split_last().unwrap();
    for sc in before {
        assert!(
            !sc.contains("bake done") && !sc.contains(" ready "),
            "the stage looked baked while its data was missing:\n{sc}"
        );
    }
    assert!(
        before
            .iter()
            .any(|sc| sc.contains("paused: no fresh data from prometheus")),
        "the strip says why the bake does not advance"
    );
    assert_eq!(verdict(first), Some("HOLD"), "{first}");
    assert!(
        whole_bake_left(first, 8),
        "the whole bake is still to go:\n{first}"
    );
    // And the bake does complete once the data has shown it.
    s.screens_until("GO after a verified bake", LONG, |sc| {
        verdict(sc) == Some("GO")
    });
}

#[test]
fn a_breach_that_ends_by_itself_restarts_the_bake_instead_of_going_go() {
    if !tmux_available() {
        return;
    }
    // Bakes of 6 s: GO before the canary regresses at 18 s (the statistical condition first
    // needs its 4 samples, 2 s apart). The regression ends by itself at 32 s; the stage must
    // then show a whole clean bake again.
    let s = Session::demo(
        "restart",
        &[
            "--bake",
            "6s",
            "--regress-after",
            "18s",
            "--regress-for",
            "14s",
        ],
    );
    s.screens_until("GO before the regression", LONG, |sc| {
        verdict(sc) == Some("GO")
    });
    s.screens_until("ROLLBACK ADVISED", LONG, |sc| {
        verdict(sc) == Some("ROLLBACK ADVISED")
    });
    // The statistical condition's window still holds regressed samples for a few seconds
    // after the others recover: it holds the verdict MARGINAL (the bake paused) until they
    // leave the window.
    let after = s.screens_until("the breach to end", LONG, |sc| {
        verdict(sc).is_some_and(|v| v != "ROLLBACK ADVISED") && !sc.contains("MARGINAL")
    });
    let first = after.last().unwrap();
    assert_eq!(verdict(first), Some("HOLD"), "not GO:\n{first}");
    assert!(first.contains("restarted after breach"), "{first}");
    assert!(whole_bake_left(first, 6), "the whole bake again:\n{first}");
    // A whole clean bake later, GO again.
    s.screens_until("GO after a clean bake", LONG, |sc| {
        verdict(sc) == Some("GO")
    });
    let journal = std::fs::read_to_string(&s.journal).unwrap();
    assert!(
        journal.contains("\"event\":\"bake_checkpoint\"") && journal.contains("\"breached\":true"),
        "the restart is journaled: {journal}"
    );
}

#[test]
fn a_restarted_cockpit_keeps_the_verified_bake_and_does_not_count_the_time_it_was_away() {
    if !tmux_available() {
        return;
    }
    let first = Session::demo("resume1", &["--bake", "30s"]);
    first.screens_until("8 s verified", LONG, |sc| {
        verified(sc).is_some_and(|v| v >= 8)
    });
    first.cmd(&["send-keys", "-t", "t", "q"]);
    first.screens_until("the cockpit to quit", LONG, |sc| sc.contains("EXITED:0"));
    let journal = std::fs::read_to_string(&first.journal).unwrap();
    let last: Vec<&str> = journal.lines().rev().take(2).collect();
    assert!(
        last[0].contains("\"cockpit_stopped\"") && last[1].contains("\"bake_checkpoint\""),
        "the bake is journaled at the stop: {journal}"
    );
    // Away for longer than an update step, then the same release again.
    std::thread::sleep(Duration::from_secs(7));
    let second = first.again("resume2", &["--bake", "30s"]);
    let seen = second.screens_until("HOLD with the bake resumed", LONG, |sc| {
        verdict(sc) == Some("HOLD")
    });
    let hold = seen.last().unwrap();
    let resumed = verified(hold).unwrap();
    assert!(
        (8..=12).contains(&resumed),
        "resumed at {resumed}s:\n{hold}"
    );
    assert!(hold.contains("not observed "), "the gap is named:\n{hold}");
    assert!(hold.contains(": not counted"), "{hold}");
}

/// An operator moves the release flag's rollout in the demo's Unleash-like admin API, as they
/// would in Unleash itself: `PUT …/environments/production/strategies/{id}`.
fn set_rollout(url: &str, rollout: &str) {
    let addr = url.trim_start_matches("http://");
    let path = "/api/admin/projects/default/features/checkout-v2/environments/production/strategies/release-rollout";
    let body = format!(
        r#"{{"name":"flexibleRollout","parameters":{{"rollout":"{rollout}","stickiness":"default","groupId":"checkout-v2"}}}}"#
    );
    let mut conn = std::net::TcpStream::connect(addr).unwrap();
    write!(
        conn,
        "PUT {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn a_rollout_moved_by_hand_is_drift_that_pauses_the_bake_and_is_journaled_both_ways() {
    if !tmux_available() {
        return;
    }
    let s = Session::demo("drift", &["--bake", "60s", "--regress-after", "10m"]);
    s.screens_until("3 s verified", LONG, |sc| {
        verified(sc).is_some_and(|v| v >= 3)
    });
    let url = s.listening_url();
    set_rollout(&url, "3");
    let drifted = s.wait_for("the drift on screen", LONG, |sc| {
        verdict(sc) == Some("NO-GO UNTIL VERIFIED") && sc.contains("paused: drift")
    });
    let frozen = verified(&drifted).unwrap();
    // Three of the simulator's Unleash polls (every 2 s) later the bake has not moved.
    let since = Instant::now();
    s.until(
        "6 s of drift",
        LONG,
        |_| since.elapsed() >= Duration::from_secs(6),
        |sc| {
            assert_eq!(verdict(sc), Some("NO-GO UNTIL VERIFIED"), "{sc}");
            assert!(
                sc.contains("paused: drift"),
                "the strip names the drift:\n{sc}"
            );
            assert_eq!(verified(sc), Some(frozen), "drift is not bake:\n{sc}");
        },
    );
    // Back where the cockpit tracks it: the bake goes on from where it stood.
    set_rollout(&url, "1");
    s.screens_until("the bake to go on", LONG, |sc| {
        verdict(sc) == Some("HOLD") && verified(sc).is_some_and(|v| v > frozen)
    });
    let records = wait_journal(&s.journal, "drift_ended", LONG, |r| {
        r.iter().any(|r| r["event"] == "drift_ended")
    });
    let drift = |event: &str| {
        let r = records.iter().find(|r| r["event"] == event).unwrap();
        let share = |k: &str| r["drift"][k].as_f64();
        (share("tracked_traffic"), share("observed_traffic"))
    };
    assert_eq!(drift("drift_began"), (Some(1.0), Some(3.0)), "{records:#?}");
    assert_eq!(drift("drift_ended"), (Some(1.0), Some(1.0)), "{records:#?}");
    let out = std::process::Command::new(BIN)
        .args(["audit", "show", "--journal"])
        .arg(&s.journal)
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(
        shown.contains("drift began: tracked canary (1%), live traffic 3%"),
        "{shown}"
    );
    assert!(
        shown.contains("drift ended: live traffic 1% agrees with the tracked stage"),
        "{shown}"
    );
}
