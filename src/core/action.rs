//! Which action: promote, roll back, or one the config adds (`[actions.pause]`). Written as
//! its name everywhere it is stored: in the config's table key, in journal records, in the
//! `{{action}}` template value and in JSON outputs.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Action {
    /// Move to the next stage.
    Promote,
    /// Move back to no traffic.
    Rollback,
    /// A custom action by its config key (pause, resume, …); never `promote` or `rollback`,
    /// which `Action::from` reads as the variants above.
    Custom(String),
}

impl Action {
    /// The actions with a meaning of their own; every other name is a custom action.
    pub const BUILT_IN: [Action; 2] = [Action::Promote, Action::Rollback];

    /// The name as the config, the journal and the templates spell it.
    pub fn as_str(&self) -> &str {
        match self {
            Action::Promote => "promote",
            Action::Rollback => "rollback",
            Action::Custom(name) => name,
        }
    }

    pub fn is_custom(&self) -> bool {
        matches!(self, Action::Custom(_))
    }
}

impl From<&str> for Action {
    fn from(name: &str) -> Self {
        Action::BUILT_IN
            .into_iter()
            .find(|a| a.as_str() == name)
            .unwrap_or_else(|| Action::Custom(name.to_string()))
    }
}

impl From<String> for Action {
    fn from(name: String) -> Self {
        match Action::from(name.as_str()) {
            Action::Custom(_) => Action::Custom(name),
            built_in => built_in,
        }
    }
}

impl From<Action> for String {
    fn from(action: Action) -> Self {
        match action {
            Action::Custom(name) => name,
            built_in => built_in.as_str().to_string(),
        }
    }
}

/// An action reads as its name, as a `String` does: `record.action.as_deref()` is the name.
impl std::ops::Deref for Action {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Action {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Action {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_and_write_as_plain_strings() {
        for (name, action) in [
            ("promote", Action::Promote),
            ("rollback", Action::Rollback),
            ("pause", Action::Custom("pause".into())),
        ] {
            assert_eq!(Action::from(name), action);
            assert_eq!(Action::from(name.to_string()), action);
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), action);
            assert_eq!(action.to_string(), name);
        }
    }
}
