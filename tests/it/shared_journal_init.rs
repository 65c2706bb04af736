//! `gonogo audit init` on a fresh database: it creates the tables once, prints the GRANTs, and
//! those GRANTs are enough: a cockpit role without CREATE drives and appends, and may not
//! delete a record; a reader role reads and may not append.

use crate::support::headless::BIN;
use crate::support::postgres::journal_db;
use gonogo::core::record::Event;
use gonogo::journal::postgres::{self, Chain, Shared};
use gonogo::secret::Secret;
use std::process::Command;

fn init(url: &str, config: &std::path::Path) -> String {
    let out = Command::new(BIN)
        .args(["audit", "init", "--config"])
        .arg(config)
        .args(["--role", "cockpit_ana", "--reader", "reader_cy"])
        .env("GONOGO_DB", url)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    text
}

#[test]
fn init_creates_the_tables_once_and_its_grants_are_enough_for_a_cockpit_and_a_reader() {
    let Some(cluster) = journal_db("shared_journal_init") else {
        return;
    };
    let admin_url = cluster.url("gonogo");
    let mut admin = postgres::connect(&Secret::new(admin_url.clone())).unwrap();
    // One statement each: CREATE DATABASE may not run in a batch's implicit transaction.
    for statement in [
        "DROP DATABASE IF EXISTS init_fresh",
        "CREATE DATABASE init_fresh",
        "DROP ROLE IF EXISTS cockpit_ana",
        "DROP ROLE IF EXISTS reader_cy",
        "CREATE ROLE cockpit_ana LOGIN",
        "CREATE ROLE reader_cy LOGIN",
    ] {
        admin.batch_execute(statement).unwrap();
    }
    let on = |user: &str| {
        admin_url
            .replace("gonogo@", &format!("{user}@"))
            .replace("/postgres?", "/init_fresh?")
    };
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("release.toml");
    let text = include_str!("../fixtures/minimal.toml").replace("checkout-api", "init-rel")
        + "\n[cockpit]\njournal = { postgres = { env = \"GONOGO_DB\" } }\n";
    std::fs::write(&config, text).unwrap();

    let first = init(&on("gonogo"), &config);
    assert!(first.contains("in schema public: created"), "{first}");
    let again = init(&on("gonogo"), &config);
    assert!(again.contains("in schema public: already there"), "{again}");
    // The owner's connection applies what init printed, and nothing else.
    let grants: String = first
        .lines()
        .filter(|l| l.starts_with("GRANT "))
        .collect::<Vec<_>>()
        .join("\n");
    let mut owner = postgres::connect(&Secret::new(on("gonogo"))).unwrap();
    owner.batch_execute(&grants).unwrap();

    let chain = Chain {
        release: "init-rel".into(),
        environment: "production".into(),
    };
    let cockpit = Secret::new(on("cockpit_ana"));
    let (mut ana, _) = Shared::drive(&cockpit, &chain, "ana@ops1").unwrap();
    ana.append(&crate::shared_journal::record(
        "init-rel",
        Event::CockpitStarted,
        "ana",
    ))
    .unwrap();
    let mut raw = postgres::connect(&cockpit).unwrap();
    let refused = raw.execute("DELETE FROM gonogo_record", &[]).unwrap_err();
    assert!(
        postgres::describe(&refused).contains("permission denied"),
        "{refused}"
    );

    // The veto inbox: a watcher (the cockpit role) leaves a veto, the driver takes it once.
    let veto = crate::shared_journal::record("init-rel", Event::HoldPlaced, "bo");
    gonogo::journal::postgres_veto::put(&mut raw, &veto).unwrap();
    let taken = gonogo::journal::postgres_veto::take(&mut raw, &chain).unwrap();
    assert_eq!(taken, vec![veto]);
    assert!(
        gonogo::journal::postgres_veto::take(&mut raw, &chain)
            .unwrap()
            .is_empty()
    );

    let reader = Secret::new(on("reader_cy"));
    assert_eq!(postgres::read(&reader, Some(&chain)).unwrap().len(), 1);
    let (mut cy, _) = Shared::open(&reader, &chain).unwrap();
    let no = cy
        .append(&crate::shared_journal::record(
            "init-rel",
            Event::StageEntered,
            "cy",
        ))
        .unwrap_err();
    assert!(no.to_string().contains("permission denied"), "{no}");
    drop(ana);
}
