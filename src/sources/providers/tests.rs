//! The table holds together, and each provider's folder with it: one entry per name and per
//! folder, every key in the order list, the README's providers section made of the folders'
//! README snippets, and every fixture named where its source is told.

use super::*;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A provider's folder: its name, `-` spelled `_`.
fn folder(p: &Provider) -> PathBuf {
    root()
        .join("src/sources/providers")
        .join(p.name.replace('-', "_"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|_| panic!("{} is missing", path.display()))
}

#[test]
fn every_kind_is_its_entry_and_every_name_one_entry() {
    for (kind, provider) in SourceKind::ALL.iter().zip(PROVIDERS) {
        assert!(
            std::ptr::eq(kind.provider(), *provider),
            "{}",
            provider.name
        );
    }
    for (i, p) in PROVIDERS.iter().enumerate() {
        assert!(
            PROVIDERS[..i].iter().all(|q| q.name != p.name),
            "{} twice",
            p.name
        );
    }
}

#[test]
fn every_key_is_in_the_order_list_once_with_one_shape() {
    for p in PROVIDERS {
        for key in p.keys {
            assert!(
                KEY_ORDER.contains(&key.name),
                "{}'s key {} is not in KEY_ORDER: add it at the end",
                p.name,
                key.name
            );
            assert_eq!(self::key(key.name).map(|k| k.shape), Some(key.shape));
        }
    }
    // The order "unknown key" has always listed them in; a new key goes after these.
    let listed = [
        "error_pointer",
        "error_jq",
        "matchers",
        "repo",
        "workflow",
        "event",
        "commit",
        "ref",
        "project",
        "flag",
        "environment",
        "required",
    ];
    assert_eq!(KEY_ORDER[..listed.len()], listed);
    for (i, name) in KEY_ORDER.iter().enumerate() {
        assert!(
            PROVIDERS.iter().any(|p| p.reads(name)),
            "no provider reads {name}"
        );
        assert!(!KEY_ORDER[..i].contains(name), "{name} twice");
    }
}

/// Each provider's README.md is its row of the README's providers table and its snippet, as
/// the README has them; the row names every field the provider offers.
#[test]
fn the_readme_shows_each_providers_snippet_as_its_folder_has_it() {
    let readme = read(&root().join("README.md"));
    let section = readme
        .split("## Providers")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("the README has a Providers section");
    for p in PROVIDERS {
        let own = read(&folder(p).join("README.md"));
        for block in own.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
            assert!(
                section.contains(block),
                "README.md's Providers section does not have this from {}/README.md:\n{block}",
                p.name.replace('-', "_")
            );
        }
        let row = own.lines().next().unwrap_or_default();
        assert!(row.contains(&format!("`{}`", p.name)), "{} row", p.name);
        if let Values::Fields(fields) = p.values {
            for (field, _) in fields {
                assert!(row.contains(&format!("`{field}`")), "{}: {field}", p.name);
            }
        }
    }
}

#[test]
fn every_folder_is_a_provider_and_every_fixture_is_named_once() {
    let mut seen: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(root().join("src/sources/providers")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().replace('_', "-");
        assert!(
            PROVIDERS.iter().any(|p| p.name == name),
            "{} is not in PROVIDERS",
            dir.display()
        );
        let Ok(fixtures) = std::fs::read_dir(dir.join("fixtures")) else {
            continue;
        };
        let files: Vec<PathBuf> = fixtures.map(|e| e.unwrap().path()).collect();
        let notes: String = files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "md"))
            .map(|f| read(f))
            .collect();
        for file in files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "json"))
        {
            let file = file.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                notes.contains(&file),
                "{name}: where {file} comes from is not told"
            );
            assert!(!seen.contains(&file), "{file} in two providers' fixtures");
            seen.push(file);
        }
    }
}
