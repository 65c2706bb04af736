//! The config shown in the README loads as written, so a reader can start from it.

use std::collections::HashMap;

#[test]
fn the_readme_config_snippet_loads() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("In short:\n\n```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has its `In short:` config block");
    let env: HashMap<String, String> = ["PROM_TOKEN", "GITHUB_TOKEN", "DEPLOY_TOKEN"]
        .iter()
        .map(|k| (k.to_string(), "token".to_string()))
        .collect();
    let setup =
        gonogo::config::load_with_env(block, "README.md", &env).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(setup.plan.stages.len(), 2);
    assert_eq!(setup.conditions[0].id, "error_rate");
}

#[test]
fn every_provider_snippet_in_the_readme_loads() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## Providers")
        .nth(1)
        .and_then(|s| s.split("## Reading the screen").next())
        .expect("the README has a Providers section");
    let prefix = "[release]\nname = \"checkout-api\"\nversion = \"2.14.0\"\nenvironment = \"production\"\ncommit = \"9f2c1ab\"\n[[stages]]\ntraffic = 100\nbake = \"1m\"\n";
    let env = crate::support::providers::secrets();
    let blocks: Vec<&str> = section
        .split("```toml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert!(blocks.len() >= 7, "{} snippets", blocks.len());
    // The in-cluster snippets read a pod's service-account files: stood in for here.
    let account = crate::support::kube::ServiceAccount::new();
    for block in blocks {
        let text = account.stand_in(&format!("{prefix}{block}"));
        if let Err(e) = gonogo::config::load_with_env(&text, "README.md", &env) {
            panic!("README snippet does not load:\n{block}\n{e}");
        }
    }
}

#[test]
fn the_minimum_evidence_snippet_in_the_readme_loads() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("## Minimum evidence, budgets and observe-only conditions")
        .nth(1)
        .and_then(|s| s.split("```toml\n").nth(1))
        .and_then(|b| b.split("```").next())
        .expect("the README has the section's config block");
    let prefix = "[release]\nname = \"checkout-api\"\nversion = \"2.14.0\"\nenvironment = \"production\"\n[sources.prometheus]\nkind = \"prometheus\"\nurl = \"http://127.0.0.1:9\"\n";
    let setup = gonogo::config::load_str(&format!("{prefix}{block}"), "README.md")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(setup.plan.stages[0].failure_limit, Some(2));
    assert!(setup.conditions[0].min_traffic.is_some());
    assert!(setup.conditions[1].observe);
}

#[test]
fn the_statistical_conditions_snippet_loads() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("### When to use absolute, relative or statistical conditions")
        .nth(1)
        .and_then(|rest| rest.split("```toml\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows statistical conditions");
    let text = format!(
        "{}\n[sources.prometheus]\nkind = \"prometheus\"\nurl = \"http://127.0.0.1:9\"\n{block}",
        crate::support::shared::RELEASE
    );
    let setup = gonogo::config::load_str(&text, "README.md").unwrap_or_else(|e| panic!("{e}"));
    let compare: Vec<_> = setup.conditions.iter().map(|c| c.compare).collect();
    assert!(compare.iter().all(Option::is_some), "{compare:?}");
    assert!(compare[0].unwrap().critical);
}

#[test]
fn the_armed_automation_snippet_loads_and_arms_auto_rollback() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("## Armed automation")
        .nth(1)
        .and_then(|rest| rest.split("```toml\n").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("the README has an armed automation snippet");
    let prefix = "[release]\nname = \"checkout-api\"\nversion = \"2.14.0\"\nenvironment = \"production\"\n[[stages]]\ntraffic = 100\nbake = \"1m\"\n[sources.prometheus]\nkind = \"prometheus\"\nurl = \"http://127.0.0.1:9090\"\n[actions.rollback]\nurl = \"http://127.0.0.1:9/rollback\"\n";
    let setup = gonogo::config::load_str(&format!("{prefix}{block}"), "README.md")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(setup.conditions[0].critical);
    let a = setup.automation;
    assert!(a.armed.rollback && !a.armed.promote);
    assert_eq!(a.countdown.as_secs(), 30);
}
