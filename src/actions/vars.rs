//! The values an action's templates may use.

use crate::core::action::Action;
use crate::setup::ReleaseInfo;
use serde_json::Value;
use std::collections::BTreeMap;

/// The names every dispatched action provides. A template may use these and any extra the
/// caller adds; anything else is an error.
pub const STANDARD: [&str; 15] = [
    "release",
    "version",
    "environment",
    "from_stage",
    "to_stage",
    "from_traffic",
    "from_percent",
    "to_percent",
    "to_traffic",
    "reason",
    "operator",
    "verdict",
    "action",
    "action_id",
    "commit",
];

/// Values by name, each with its JSON type: a traffic share stays a number, an absent commit is
/// `null`, a reason is a string.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vars(BTreeMap<String, Value>);

impl Vars {
    pub fn new() -> Self {
        Vars::default()
    }

    /// `release`, `version`, `environment` and `commit` (`null` when unknown).
    pub fn from_release(release: &ReleaseInfo) -> Self {
        Vars::new()
            .with("release", release.name.as_str())
            .with("version", release.version.as_str())
            .with("environment", release.environment.as_str())
            .with("commit", release.commit.as_deref())
    }

    /// Every standard name with a representative value, to check templates when the config is
    /// loaded: a template that renders with these renders with any values, because values are
    /// always encoded for where they stand.
    pub fn sample() -> Self {
        Vars::new()
            .with("release", "checkout-api")
            .with("version", "1.2.3")
            .with("environment", "production")
            .with("from_stage", "canary")
            .with("to_stage", "25%")
            .with("from_traffic", 5)
            .with("to_traffic", 25)
            .with("from_percent", "5")
            .with("to_percent", "25")
            .with("reason", "a sample reason")
            .with("operator", "operator")
            .with("verdict", "GO")
            .with("action", Action::Promote.as_str())
            .with("action_id", "00000000-0000-0000-0000-000000000000")
            .with("commit", "0000000")
    }

    /// Set a value. A float with no fractional part becomes an integer, so a traffic share of
    /// `25.0` renders as `25` (targets such as Argo Rollouts want an integer weight).
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<Value>) -> &mut Self {
        self.0.insert(name.into(), normalize(value.into()));
        self
    }

    pub fn with(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set(name, value);
        self
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// The names set, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// `vars["name"]`, `null` for a name not set (as `serde_json::Value` indexes).
impl std::ops::Index<&str> for Vars {
    type Output = Value;
    fn index(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(name).unwrap_or(&NULL)
    }
}

fn normalize(value: Value) -> Value {
    match &value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                Value::from(f as i64)
            } else {
                value
            }
        }
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_become_integers_and_others_keep_their_type() {
        let v = Vars::new()
            .with("a", 25.0)
            .with("b", 12.5)
            .with("c", Option::<String>::None)
            .with("d", f64::NAN);
        assert_eq!(v.get("a"), Some(&Value::from(25)));
        assert_eq!(v.get("b"), Some(&Value::from(12.5)));
        assert_eq!(v.get("c"), Some(&Value::Null));
        assert_eq!(v.get("d"), Some(&Value::Null));
    }

    #[test]
    fn release_info_fills_its_four_names() {
        let info = ReleaseInfo {
            name: "api".into(),
            version: "2.0".into(),
            environment: "prod".into(),
            commit: None,
        };
        let v = Vars::from_release(&info);
        assert_eq!(
            v.names().collect::<Vec<_>>(),
            ["commit", "environment", "release", "version"]
        );
        assert_eq!(v.get("commit"), Some(&Value::Null));
    }

    #[test]
    fn sample_covers_every_standard_name() {
        let s = Vars::sample();
        for name in STANDARD {
            assert!(s.get(name).is_some(), "{name}");
        }
    }
}
