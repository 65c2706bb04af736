//! The release as configured: plan, sources, signals, conditions, gates. Built from the config
//! file by `config::load`, then owned by the app state (and, for sources, by their pollers).

use crate::core::condition::ConditionSpec;
use crate::core::gate::GateSpec;
use crate::core::plan::Plan;
use crate::core::reading::{SignalId, SourceId};
use crate::secret::Secret;
use crate::sources::providers::Provider;
use crate::tls::TlsSpec;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReleaseInfo {
    pub name: String,
    pub version: String,
    pub environment: String,
    pub commit: Option<String>,
}

/// Which provider a source reads: a handle to its entry in `sources::providers::PROVIDERS`,
/// by the name config uses for it. Each provider names its own (`SourceKind::Prometheus`,
/// `SourceKind::Http`, …); being plain data, they work in patterns too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceKind(&'static str);

impl SourceKind {
    pub const fn of(provider: &'static Provider) -> Self {
        SourceKind(provider.name)
    }

    /// Its entry in the table (every kind is made from one).
    pub fn provider(self) -> &'static Provider {
        crate::sources::providers::PROVIDERS
            .iter()
            .find(|p| p.name == self.0)
            .expect("a source kind is made from an entry of PROVIDERS")
    }

    /// The name config uses for the kind (`kind = "github-actions"`).
    pub fn label(self) -> &'static str {
        self.0
    }
}

/// How a signal's value is taken from its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extract {
    /// A PromQL instant query (a datadog source: its metrics query); one request per signal.
    PromQuery(String),
    /// A JSON Pointer (RFC 6901) into the source's one response; `""` is the whole document.
    Pointer(String),
    /// A PromQL instant query whose vector is narrowed to one series by its labels, or
    /// aggregated over the series (those selected, or all).
    PromSeries {
        query: String,
        /// Label name and value; a series must have all of them.
        select: Vec<(String, String)>,
        aggregate: Option<Aggregate>,
    },
    /// A value a provider names: `firing`, `status`, `rollout`, …
    Field(String),
    /// A jq program over an http source's response (see `sources::query`).
    Jq(String),
    /// Another extract's value, looked up (as text) in a table: `passing` → `success`.
    /// Values not in the table pass unchanged.
    Mapped(Box<Extract>, Vec<(String, String)>),
    /// Not a value: where an http source reports an error inside a 2xx answer. When it finds
    /// anything but null, false or empty, the whole poll fails with that text.
    ErrorAt(Box<Extract>),
}

/// How several Prometheus series become one value: written `sum`, `max`, `min`, `avg` in the
/// config and in log lines (names and list from strum).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantNames,
    strum::EnumIter,
)]
#[strum(serialize_all = "lowercase")]
pub enum Aggregate {
    Sum,
    Max,
    Min,
    Avg,
}

impl Aggregate {
    pub fn label(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceSpec {
    pub name: String,
    pub kind: SourceKind,
    /// Prometheus: the server's base URL. Http: the full URL to fetch.
    pub url: String,
    pub method: String,
    /// Header values may hold secrets: they are only ever exposed to the HTTP client.
    pub headers: Vec<(String, Secret)>,
    pub body: Option<String>,
    pub interval: Duration,
    pub timeout: Duration,
    /// Older than this, a source's last good value no longer counts.
    pub stale_after: Duration,
    /// The values this source must produce on each poll.
    pub signals: Vec<(SignalId, Extract)>,
    /// Its own CA, client certificate or server name; `None` uses the shared client.
    pub tls: Option<Arc<TlsSpec>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignalSpec {
    pub source: SourceId,
    pub extract: Extract,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    pub release: ReleaseInfo,
    pub plan: Plan,
    pub sources: Vec<SourceSpec>,
    pub signals: Vec<SignalSpec>,
    pub conditions: Vec<ConditionSpec>,
    pub gates: Vec<GateSpec>,
    /// A signal that reports the live traffic share in percent (a flag's rollout %).
    pub observed_traffic: Option<SignalId>,
    /// Readiness checklist items, ticked by an operator in the cockpit; each has a gate
    /// (`GateCheck::Checklist(i)`) carrying its tier.
    pub checklist: Vec<String>,
    /// The keymap in force: the table with the keys `[keys]` rebinds.
    pub keys: crate::app::keymap::Keymap,
    /// Webhooks by name; `promote` and `rollback` are the two the cockpit knows.
    pub actions: Vec<ActionSpec>,
    /// Webhooks announcing what happens.
    pub notify: Vec<NotifySpec>,
    /// Where the audit journal lives.
    pub journal: PathBuf,
    /// The shared journal's URL (a secret) when `[cockpit] journal` is on PostgreSQL: the
    /// records go there, and `journal` is not written.
    pub shared_journal: Option<crate::secret::Secret>,
    /// Who is at the keyboard, for the journal.
    pub operator: String,
    /// Draw with ASCII symbols only.
    pub ascii: bool,
    /// Ring the terminal's bell when the verdict turns ROLLBACK ADVISED or an outcome becomes
    /// unknown (`[cockpit] bell`, default on).
    pub bell: bool,
    /// Armed automation (`[automation]`; `--armed` and the session key change it): off by
    /// default.
    pub automation: crate::core::autopilot::Automation,
    /// The palette (`[cockpit] theme`; `--theme` wins).
    pub theme: ThemeName,
}

/// The palettes the cockpit draws with, by the names config and flag use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeName {
    /// The 16 ANSI colours, secondary text in grey.
    #[default]
    Default,
    /// Bright colours, every state bold, strong verdict backgrounds, nothing that matters in
    /// grey.
    HighContrast,
}

impl ThemeName {
    /// Every name, as config and flag spell it.
    pub const NAMES: [&'static str; 2] = ["default", "high-contrast"];

    pub fn parse(name: &str) -> Option<ThemeName> {
        match name {
            "default" => Some(ThemeName::Default),
            "high-contrast" => Some(ThemeName::HighContrast),
            _ => None,
        }
    }
}

/// How an action's body template is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json,
    Form,
}

/// A webhook that performs an action (promote, rollback, or a custom one).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionSpec {
    /// `promote`, `rollback`, or the custom action's key.
    pub name: crate::core::action::Action,
    pub method: String,
    /// May hold `{{var}}` placeholders.
    pub url: String,
    pub headers: Vec<(String, Secret)>,
    /// The body template, with `{{var}}` placeholders.
    pub body: Option<String>,
    pub body_kind: BodyKind,
    /// The target honours the Idempotency-Key: timeouts and 5xx may be retried.
    pub idempotent: bool,
    pub timeout: Duration,
    /// Its own CA, client certificate or server name; `None` uses the shared client.
    pub tls: Option<Arc<TlsSpec>>,
}

/// A notification webhook (Slack-compatible or any JSON endpoint) told about stage changes,
/// breaches and actions.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifySpec {
    pub name: String,
    /// The whole URL is a secret (a Slack incoming-webhook URL is its own credential).
    pub url: Secret,
    pub method: String,
    pub headers: Vec<(String, Secret)>,
    /// Template over `message`, `event`, `release`, `version`, `environment`, `stage`,
    /// `operator`, `verdict`.
    pub body: String,
    pub body_kind: BodyKind,
    /// Which journal events are announced.
    pub events: Vec<crate::core::record::Event>,
    pub timeout: Duration,
    pub tls: Option<Arc<TlsSpec>>,
}
