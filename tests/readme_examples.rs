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
