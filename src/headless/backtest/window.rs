//! The window `backtest` replays, from its command line: `--from`, `--to`, `--step`,
//! `--stage`. A bad value is refused naming the flag, the value and what was expected.

use crate::core::backfill::MAX_POINTS;
use crate::core::plan::Plan;
use crate::core::reading::format_number;
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use std::time::Duration;

/// What to replay: `from`..=`to` at `step`; the release at stage `stage` (an index) all
/// along when given, else where the journal says.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub step: Duration,
    pub stage: Option<usize>,
    /// "--stage 5%" when given.
    pub stage_from: String,
}

/// `--from`/`--to` as given: RFC 3339 (`2026-11-22T09:00:00Z`), `now`, or a time ago (`-1h`,
/// `-90m`, `-1h30m`).
pub fn parse_time(flag: &str, text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let s = text.trim();
    if s == "now" {
        return Ok(now);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let expected = "expected an RFC 3339 time (2026-11-22T09:00:00Z), `now`, or a time ago (-1h, -90m, -1h30m)";
    let Some(ago) = s.strip_prefix('-') else {
        return Err(format!("{flag} {text:?}: {expected}"));
    };
    humantime::parse_duration(ago)
        .ok()
        .and_then(|d| TimeDelta::from_std(d).ok())
        .and_then(|d| now.checked_sub_signed(d))
        .ok_or_else(|| format!("{flag} {text:?}: {expected}"))
}

/// `--stage`: a stage's name, its share (`5%` or `5`), or its number in the plan (`#2`).
pub fn parse_stage(text: &str, plan: &Plan) -> Result<usize, String> {
    let s = text.trim();
    let by_name = plan.stages.iter().position(|st| st.name == s);
    let by_number = s
        .strip_prefix('#')
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| (1..=plan.stages.len()).contains(n))
        .map(|n| n - 1);
    let by_share = s
        .strip_suffix('%')
        .unwrap_or(s)
        .parse::<f64>()
        .ok()
        .and_then(|share| {
            plan.stages
                .iter()
                .position(|st| (st.traffic - share).abs() < 1e-9)
        });
    by_name.or(by_number).or(by_share).ok_or_else(|| {
        let stages: Vec<String> = plan
            .stages
            .iter()
            .enumerate()
            .map(|(i, st)| format!("#{} {}", i + 1, st.label()))
            .collect();
        format!(
            "--stage {text:?}: no such stage; expected a stage's name, its share (5%) or its number (#2): {}",
            stages.join(", ")
        )
    })
}

/// The window from the flags, checked: `from` before `to`, `to` not in the future, a step
/// that Prometheus can answer (at most `MAX_POINTS` points a series).
pub fn window(
    from: &str,
    to: &str,
    step: Duration,
    stage: Option<&str>,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<Window, String> {
    // Whole seconds: the window's times are shown and sent to Prometheus as given.
    let now = now.trunc_subsecs(0);
    let from_t = parse_time("--from", from, now)?;
    let to_t = parse_time("--to", to, now)?;
    if from_t >= to_t {
        return Err(format!(
            "--from {from:?} ({}) is not before --to {to:?} ({}): expected a window that starts before it ends",
            from_t.to_rfc3339(),
            to_t.to_rfc3339()
        ));
    }
    if to_t > now {
        return Err(format!(
            "--to {to:?} ({}) is in the future: a backtest replays the past; expected `now` or earlier",
            to_t.to_rfc3339()
        ));
    }
    if step < Duration::from_secs(1) {
        return Err(format!(
            "--step {}: expected at least 1s",
            humantime::format_duration(step)
        ));
    }
    let span = (to_t - from_t).to_std().unwrap_or_default();
    let points = span.as_millis() / step.as_millis() + 1;
    if points > u128::from(MAX_POINTS) {
        let least = Duration::from_secs(span.as_secs().div_ceil(MAX_POINTS - 1));
        return Err(format!(
            "--step {}: {} points over the window, Prometheus answers at most {MAX_POINTS}; expected --step {} or more, or a shorter window",
            humantime::format_duration(step),
            format_number(points as f64),
            humantime::format_duration(least)
        ));
    }
    let (index, stage_from) = match stage {
        Some(s) => (Some(parse_stage(s, plan)?), format!("--stage {s}")),
        None => (None, String::new()),
    };
    Ok(Window {
        from: from_t,
        to: to_t,
        step,
        stage: index,
        stage_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::plan::Stage;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
    }

    fn plan() -> Plan {
        let stage = |name: &str, traffic| Stage {
            name: name.into(),
            traffic,
            bake: Duration::from_secs(600),
            overrides: Default::default(),
            failure_limit: None,
        };
        Plan {
            stages: vec![stage("canary", 1.0), stage("5%", 5.0), stage("100%", 100.0)],
        }
    }

    #[test]
    fn times_are_rfc3339_now_or_ago() {
        let at = |s| parse_time("--from", s, now());
        assert_eq!(at("now"), Ok(now()));
        assert_eq!(at("-1h"), Ok(now() - TimeDelta::hours(1)));
        assert_eq!(at("-1h30m"), Ok(now() - TimeDelta::minutes(90)));
        assert_eq!(
            at("2026-11-22T10:30:00+01:00"),
            Ok(Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap())
        );
        let bad = at("yesterday").unwrap_err();
        assert!(
            bad.starts_with("--from \"yesterday\": expected an RFC 3339"),
            "{bad}"
        );
        let no_sign = at("1h").unwrap_err();
        assert!(
            no_sign.contains("-1h"),
            "a time ago has its minus: {no_sign}"
        );
    }

    #[test]
    fn stages_by_name_share_or_number() {
        assert_eq!(parse_stage("canary", &plan()), Ok(0));
        assert_eq!(parse_stage("5%", &plan()), Ok(1));
        assert_eq!(parse_stage("100", &plan()), Ok(2));
        assert_eq!(parse_stage("#2", &plan()), Ok(1));
        let bad = parse_stage("50%", &plan()).unwrap_err();
        assert!(
            bad.ends_with("#1 canary (1%), #2 5%, #3 100%"),
            "names the stages there are: {bad}"
        );
    }

    #[test]
    fn a_window_must_be_past_ordered_and_answerable() {
        let w = |from, to, step| window(from, to, step, None, &plan(), now());
        let ok = w("-1h", "now", Duration::from_secs(15)).unwrap();
        assert_eq!(
            (ok.from, ok.to, ok.stage),
            (now() - TimeDelta::hours(1), now(), None)
        );
        let back = w("now", "-1h", Duration::from_secs(15)).unwrap_err();
        assert!(back.starts_with("--from \"now\""), "{back}");
        let ahead = w("-1h", "2026-11-22T11:00:00Z", Duration::from_secs(15)).unwrap_err();
        assert!(ahead.contains("is in the future"), "{ahead}");
        let fine = w("-24h", "now", Duration::from_secs(1)).unwrap_err();
        assert!(fine.contains("expected --step 8s or more"), "{fine}");
        let zero = w("-1h", "now", Duration::ZERO).unwrap_err();
        assert!(
            zero.starts_with("--step 0s: expected at least 1s"),
            "{zero}"
        );
    }
}
