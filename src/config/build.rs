//! The checked document, section by section, into a `Setup`.

use super::actions::{self, RollbackCheck};
use super::checks::Ctx;
use super::decode::{decode, render};
use super::gates::{self, Rollback};
use super::path::KeyPath;
use super::signals::Signals;
use super::sources::{self, ROLLBACK_CHECK, SourceTable};
use super::{calendar, conditions, notify, plan, schema};
use crate::core::reading::SignalId;
use crate::secret::Secret;
use crate::setup::{ReleaseInfo, Setup, SourceSpec, ThemeName};
use std::path::PathBuf;
use toml::{Table, Value};

const SECTIONS: &[&str] = &[
    "release",
    "cockpit",
    "stages",
    "sources",
    "conditions",
    "gates",
    "observed_traffic",
    "actions",
    "calendar",
    "checklist",
    "notify",
    "keys",
    "automation",
];

/// The setup, when every part of it was built; errors are in `ctx.report` either way.
pub fn build(doc: &Table, ctx: &mut Ctx) -> Option<Setup> {
    for key in doc.keys().filter(|k| !SECTIONS.contains(&k.as_str())) {
        let hint = super::decode::did_you_mean(key, SECTIONS);
        let expected = format!("one of: {}", SECTIONS.join(", "));
        ctx.report.error(
            &KeyPath::root().key(key),
            format!("unknown section{hint}"),
            None,
            Some(expected),
        );
    }
    let release = release(ctx, doc.get("release"));
    let ((journal, shared_journal), operator, ascii, bell, theme) =
        cockpit(ctx, doc.get("cockpit"));

    let action_items = named_tables(ctx, doc, "actions");
    let (actions, rollback) = actions::build_all(ctx, &action_items);
    let check = match &rollback {
        RollbackCheck::Source(spec) => spec.as_deref().cloned(),
        _ => None,
    };
    let declared = named_tables(ctx, doc, "sources");
    let mut table = sources::table(ctx, &declared, check.as_ref());
    let mut source_specs: Vec<Option<SourceSpec>> = vec![None; table.len()];
    for (name, value) in &declared {
        if let Some(id) = table.get(name).filter(|i| i.declared).map(|i| i.id) {
            source_specs[id] = sources::build(ctx, name, value, &mut table, release.as_ref());
        }
    }
    let rollback = match (&rollback, table.get(ROLLBACK_CHECK).filter(|i| !i.declared)) {
        (RollbackCheck::NoAction, _) => Rollback::Missing,
        (_, Some(info)) => {
            source_specs[info.id] = check.clone();
            Rollback::Checked {
                source: info.id,
                within: info.stale_after,
            }
        }
        // A check with errors of its own (reported there).
        (_, None) => Rollback::NoCheck,
    };

    let mut signals = Signals::default();
    // Error checks first: a source's check is part of every poll, whatever reads its values.
    for info in table.values() {
        if let Some(check) = &info.error_check {
            signals.add(info.id, check.clone());
        }
    }
    let condition_items = array_tables(ctx, doc, "conditions");
    let (conditions, known) = conditions::build_all(ctx, &condition_items, &table, &mut signals);
    let broken_ids: Vec<String> = condition_items
        .iter()
        .filter_map(|c| c.get("id")?.as_str())
        .filter(|id| !known.contains_key(*id))
        .map(str::to_string)
        .collect();
    let stage_items = array_tables(ctx, doc, "stages");
    let plan = plan::build(ctx, &stage_items, &known, &broken_ids);
    let gate_items = array_tables(ctx, doc, "gates");
    let user_gates = gates::build_all(ctx, &gate_items, &table, &mut signals);
    let observed_traffic = observed(ctx, doc.get("observed_traffic"), &table, &mut signals);
    let window = calendar::calendar(ctx, doc.get("calendar"));
    let checklist_items = array_tables(ctx, doc, "checklist");
    let keys = super::keys::build(ctx, doc.get("keys"));
    let tick = keys.clone().unwrap_or_default();
    let tick = tick.cockpit(crate::app::keymap::Command::Checklist);
    let checklist = calendar::checklist(ctx, &checklist_items, &tick);
    let notify_items = named_tables(ctx, doc, "notify");
    let notify = notify::build_all(ctx, &notify_items);
    let automation = super::automation::build(ctx, doc.get("automation"), &conditions);

    if !ctx.report.is_empty() {
        return None;
    }
    let mut sources: Vec<SourceSpec> = source_specs.into_iter().collect::<Option<_>>()?;
    signals.assign(&mut sources);
    let mut gates: Vec<_> = user_gates.into_iter().collect::<Option<_>>()?;
    let (checklist, checklist_gates) = checklist?;
    gates.extend(window?);
    gates.extend(checklist_gates);
    gates.extend(gates::builtin(rollback));
    Some(Setup {
        release: release?,
        plan: plan?,
        sources,
        signals: signals.specs,
        conditions: conditions.into_iter().collect::<Option<_>>()?,
        gates,
        observed_traffic: observed_traffic?,
        checklist,
        keys: keys?,
        actions: actions.into_iter().collect::<Option<_>>()?,
        notify: notify.into_iter().collect::<Option<_>>()?,
        journal,
        shared_journal,
        operator,
        ascii,
        bell,
        automation: automation?,
        theme,
    })
}

fn release(ctx: &mut Ctx, value: Option<&Value>) -> Option<ReleaseInfo> {
    let at = KeyPath::root().key("release");
    let empty = Value::Table(Table::new());
    let raw: schema::Release = decode(value.unwrap_or(&empty), &at, &mut ctx.report)?;
    let name = ctx.required(
        &at.key("name"),
        raw.name,
        "the service's name, e.g. \"checkout-api\"",
    );
    let version = ctx.required(
        &at.key("version"),
        raw.version,
        "the version being released, e.g. \"2.14.0\"",
    );
    let environment = ctx.required(
        &at.key("environment"),
        raw.environment,
        "e.g. \"production\"",
    );
    Some(ReleaseInfo {
        name: name?,
        version: version?,
        environment: environment?,
        commit: raw.commit,
    })
}

/// The journal (a path, and the shared journal's URL when it is on PostgreSQL), operator,
/// ASCII mode, the bell and the theme, with their defaults.
pub(super) fn cockpit(
    ctx: &mut Ctx,
    value: Option<&Value>,
) -> ((PathBuf, Option<Secret>), String, bool, bool, ThemeName) {
    let at = KeyPath::root().key("cockpit");
    let raw: schema::Cockpit = value
        .and_then(|v| decode(v, &at, &mut ctx.report))
        .unwrap_or_default();
    let env = ctx.env;
    let (journal, shared) = match raw.journal {
        Some(schema::JournalAt::Path(j)) if !j.trim().is_empty() => (env.resolve(&j), None),
        Some(schema::JournalAt::Shared(s)) => {
            let at = at.key("journal");
            let url = match &s.postgres {
                Some(r) => ctx.secret_only(&at.key("postgres"), r),
                None => {
                    ctx.report.error(
                        &at,
                        "a shared journal names its database",
                        None,
                        Some("{ postgres = { env = \"NAME\" } }".into()),
                    );
                    None
                }
            };
            (default_journal(ctx.env), url)
        }
        _ => (default_journal(env), None),
    };
    let operator = raw
        .operator
        .filter(|o| !o.trim().is_empty())
        .unwrap_or_else(|| crate::host::operator(env.var("USER")));
    let bell = raw.bell.unwrap_or(true);
    let theme = ctx
        .choice(
            &at.key("theme"),
            raw.theme.as_deref(),
            &ThemeName::NAMES,
            "default",
        )
        .and_then(ThemeName::parse)
        .unwrap_or_default();
    (
        (journal, shared),
        operator,
        raw.ascii.unwrap_or(false),
        bell,
        theme,
    )
}

/// `$XDG_STATE_HOME/gonogo/journal.jsonl`, else `~/.local/state/gonogo/journal.jsonl`.
pub(super) fn default_journal(env: &super::layer::Env) -> PathBuf {
    let state = env
        .var("XDG_STATE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            env.var("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local/state"))
        });
    match state {
        Some(dir) => dir.join("gonogo").join("journal.jsonl"),
        None => PathBuf::from("gonogo-journal.jsonl"),
    }
}

/// `Some(None)` when there is no `[observed_traffic]`; `None` when it has errors.
fn observed(
    ctx: &mut Ctx,
    value: Option<&Value>,
    table: &SourceTable,
    signals: &mut Signals,
) -> Option<Option<SignalId>> {
    let Some(value) = value else {
        return Some(None);
    };
    let at = KeyPath::root().key("observed_traffic");
    let raw: schema::Observed = decode(value, &at, &mut ctx.report)?;
    let source = ctx.source_ref(&at, raw.source.as_deref(), table)?;
    let pick = schema::pick_of!(raw, raw.map);
    Some(Some(ctx.signal(&at, Some(source), pick, signals)?))
}

/// `[sources.<name>]`-style sections: the entries of a table of tables.
fn named_tables<'d>(ctx: &mut Ctx, doc: &'d Table, section: &str) -> Vec<(String, &'d Value)> {
    match doc.get(section) {
        None => Vec::new(),
        Some(Value::Table(t)) => t.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Some(other) => {
            let expected = format!("a table of tables, e.g. [{section}.<name>]");
            ctx.report
                .invalid(&KeyPath::root().key(section), render(other), expected);
            Vec::new()
        }
    }
}

/// `[[stages]]`-style sections: an array of tables.
fn array_tables<'d>(ctx: &mut Ctx, doc: &'d Table, section: &str) -> Vec<&'d Value> {
    match doc.get(section) {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(other) => {
            let expected = format!("an array of tables, written [[{section}]]");
            ctx.report
                .invalid(&KeyPath::root().key(section), render(other), expected);
            Vec::new()
        }
    }
}
