//! `[automation]`: armed auto-rollback and auto-promote, and the countdown before either acts.
//! Off unless the table (or `--armed`, or the arm key) turns them on.

use super::checks::{Ctx, dur};
use super::decode::decode;
use super::path::KeyPath;
use super::schema;
use crate::core::autopilot::{Armed, Automation};
use crate::core::condition::ConditionSpec;
use std::time::Duration;

/// The shortest and longest countdown: long enough to read and veto, short enough that an
/// armed rollback still acts while it matters.
const SHORTEST: Duration = Duration::from_secs(1);
const LONGEST: Duration = Duration::from_secs(3600);

/// The release's automation; `None` when the table has errors (reported). `conditions` are the
/// built conditions (a broken one is `None`), to check that auto-rollback has one to act on.
pub fn build(
    ctx: &mut Ctx,
    value: Option<&toml::Value>,
    conditions: &[Option<ConditionSpec>],
) -> Option<Automation> {
    let at = KeyPath::root().key("automation");
    let mut ok = true;
    for (i, c) in conditions.iter().enumerate() {
        if let Some(c) = c.as_ref().filter(|c| c.critical && c.observe) {
            ok = false;
            ctx.report.invalid(
                &KeyPath::root().key("conditions").index(i).key("critical"),
                "true".into(),
                format!(
                    "critical or observe, not both: {} gates nothing while observed",
                    c.id
                ),
            );
        }
    }
    let Some(value) = value else {
        return ok.then(Automation::default);
    };
    let raw: schema::Automation = decode(value, &at, &mut ctx.report)?;
    let countdown = match raw.countdown {
        None => Some(Automation::default().countdown),
        Some(d) if (SHORTEST..=LONGEST).contains(&d.0) => Some(d.0),
        Some(d) => {
            ctx.report.invalid(
                &at.key("countdown"),
                format!("\"{}\"", dur(d.0)),
                "a countdown from 1s to 1h (e.g. \"30s\"): the time anyone at a screen has to veto",
            );
            None
        }
    };
    let armed = Armed {
        rollback: raw.rollback.unwrap_or(false),
        promote: raw.promote.unwrap_or(false),
    };
    // Only when every condition was built: a broken one is reported on its own.
    let all_built = conditions.iter().all(Option::is_some);
    let critical = conditions.iter().flatten().any(|c| c.critical);
    if armed.rollback && all_built && !critical {
        ok = false;
        ctx.report.invalid(
            &at.key("rollback"),
            "true".into(),
            "a condition marked critical = true for auto-rollback to act on \
             (in [[conditions]]; without one it could never fire)",
        );
    }
    let countdown = countdown?;
    ok.then_some(Automation { armed, countdown })
}

#[cfg(test)]
mod tests {
    fn load(extra: &str) -> Result<crate::setup::Setup, String> {
        let text = format!("{}\n{extra}", include_str!("../app/testkit.toml"));
        crate::config::load_str(&text, "release.toml").map_err(|e| e.to_string())
    }

    fn critical() -> String {
        include_str!("../app/testkit.toml").replace("max = 0.02\n", "max = 0.02\ncritical = true\n")
    }

    #[test]
    fn automation_is_off_by_default_and_read_from_its_table() {
        let off = load("").unwrap().automation;
        assert!(!off.armed.rollback && !off.armed.promote);
        assert_eq!(off.countdown.as_secs(), 30);
        let text = format!(
            "{}\n[automation]\nrollback = true\npromote = true\ncountdown = \"45s\"\n",
            critical()
        );
        let on = crate::config::load_str(&text, "release.toml").unwrap();
        assert!(on.conditions[0].critical);
        let a = on.automation;
        assert!(a.armed.rollback && a.armed.promote);
        assert_eq!(a.countdown.as_secs(), 45);
    }

    #[test]
    fn bad_automation_is_refused_with_the_key_the_value_and_what_is_expected() {
        let none_critical = load("[automation]\nrollback = true\n").unwrap_err();
        assert!(
            none_critical.contains("automation.rollback")
                && none_critical.contains("a condition marked critical = true"),
            "{none_critical}"
        );
        let short = load("[automation]\npromote = true\ncountdown = \"0s\"\n").unwrap_err();
        assert!(
            short.contains("automation.countdown") && short.contains("from 1s to 1h"),
            "{short}"
        );
        let typo = load("[automation]\nrolback = true\n").unwrap_err();
        assert!(typo.contains("did you mean `rollback`?"), "{typo}");
        let word = load("[automation]\nrollback = \"yes\"\n").unwrap_err();
        assert!(word.contains("automation.rollback"), "{word}");
        let observed = critical().replace("critical = true\n", "critical = true\nobserve = true\n");
        let both = crate::config::load_str(&observed, "release.toml")
            .unwrap_err()
            .to_string();
        assert!(both.contains("conditions[0].critical"), "{both}");
    }
}
