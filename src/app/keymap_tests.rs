//! The keymap against the README: its key table is the keymap's, row for row.

use super::keymap::{KEYMAP, Keys, Scope, key_name};

/// The README's key table as the keymap writes it.
fn readme_table() -> String {
    let mut table = String::from("| key | does |\n|---|---|\n");
    for b in KEYMAP {
        let Some(does) = b.readme else { continue };
        let Keys::These(keys) = b.keys else {
            panic!("{:?}: a README row needs its keys", b.command)
        };
        let place = match b.scopes {
            [Scope::Cockpit] => "",
            [Scope::Prompt, Scope::Verify, Scope::Filter, Scope::Hold] => "in the prompt: ",
            [Scope::Prompt] => "in the Approve-Risk prompt: ",
            other => panic!("no README words for keys in {other:?}"),
        };
        let keys: Vec<String> = keys.iter().map(|&k| format!("`{}`", key_name(k))).collect();
        table.push_str(&format!("| {place}{} | {does} |\n", keys.join(", ")));
    }
    table
}

#[test]
fn the_readme_key_table_is_the_keymap() {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("## Keys\n\n")
        .expect("README has a Keys section")
        + 9;
    let end = readme[start..]
        .find("\n\n")
        .map_or(readme.len(), |e| start + e + 1);
    let expected = readme_table();
    assert_eq!(
        &readme[start..end],
        expected,
        "the README's key table differs from src/app/keymap.rs; it should read:\n\n{expected}"
    );
}

#[test]
fn every_cockpit_key_is_described_everywhere() {
    // The footer labels the keys that act on the release; the event log's keys are in the
    // help and the README only, some named in a neighbour's help line ("PgDn, Home, End").
    let helped = |key: String| {
        KEYMAP
            .iter()
            .filter_map(|b| b.help)
            .any(|h| h.words.contains(&key))
    };
    for b in KEYMAP.iter().filter(|b| b.scopes == [Scope::Cockpit]) {
        let Keys::These(keys) = b.keys else {
            panic!("{:?}", b.command)
        };
        assert!(
            b.readme.is_some() && (b.help.is_some() || helped(key_name(keys[0]))),
            "{:?}",
            b.command
        );
        assert!(
            b.footer.is_some()
                || b.readme
                    .is_some_and(|r| r.contains("event log") || r.contains("focus")),
            "{:?}: only the event log's and the focus keys go without a footer label",
            b.command
        );
    }
}
