//! The keymap against the README: its key table is the keymap's, row for row.

use super::keymap::{KEYMAP, Keys, Scope, key_name};

/// The README's key table as the keymap writes it.
fn readme_table() -> String {
    let mut table = String::from("| key | does |\n|---|---|\n");
    for b in KEYMAP {
        let Some(does) = b.readme else { continue };
        let (Keys::These(keys) | Keys::Fixed(keys)) = b.keys else {
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
    // help and the README only, some named in a neighbour's help line ("{newer}, {oldest}"),
    // and a fixed key in its command's ("quit (Ctrl-C too)").
    let helped = |name: String| {
        KEYMAP
            .iter()
            .filter_map(|b| b.help)
            .any(|h| h.words.contains(&name))
    };
    for b in KEYMAP.iter().filter(|b| b.scopes == [Scope::Cockpit]) {
        let (keys, mention, fixed) = match b.keys {
            Keys::These(keys) => (keys, format!("{{{}}}", b.command.name()), false),
            Keys::Fixed(keys) => (keys, key_name(keys[0]), true),
            _ => panic!("{:?}", b.command),
        };
        assert!(!keys.is_empty(), "{:?}", b.command);
        assert!(
            b.readme.is_some() && (b.help.is_some() || helped(mention.clone())),
            "{:?}: needs a README row, and a help line or a mention as {mention} in another's \
             (the help shows the key in force there)",
            b.command
        );
        assert!(
            fixed
                || b.footer.is_some()
                || b.readme.is_some_and(|r| {
                    // The armed keys are named where they matter: the header's ARMED
                    // and the countdown panel; the wheel's, in the header and the log.
                    r.contains("event log")
                        || r.contains("focus")
                        || r.contains("armed")
                        || r.contains("shared journal")
                }),
            "{:?}: only the event log's, the focus, the armed and the wheel's keys go without a \
             footer label",
            b.command
        );
    }
}

/// `[keys]` in the README names every command it accepts.
#[test]
fn the_readme_names_every_command_keys_accepts() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("### Your own keys").expect("a [keys] section")..];
    let line = section
        .lines()
        .find(|l| l.starts_with("Names: "))
        .expect("a Names: line");
    let names: Vec<String> = super::keymap::names().map(|n| format!("`{n}`")).collect();
    let expected = format!("Names: {}.", names.join(", "));
    assert_eq!(
        line, expected,
        "the README's [keys] names should read:\n{expected}"
    );
}

mod live {
    use super::super::keymap::{
        Command, Keymap, Unbindable, footer, help_rows, names, parse_key, rebindable,
    };
    use super::super::testkit::{state, t};
    use super::super::{Key, Msg, Overlay, update};

    #[test]
    fn keys_are_written_as_characters_ctrl_letters_and_names() {
        let cases = [
            ("P", Some(Key::Char('P'))),
            ("?", Some(Key::Char('?'))),
            (" ", Some(Key::Char(' '))),
            ("space", Some(Key::Char(' '))),
            ("ctrl-r", Some(Key::Ctrl('r'))),
            ("Ctrl-R", Some(Key::Ctrl('r'))),
            ("Enter", Some(Key::Enter)),
            ("esc", Some(Key::Esc)),
            ("backtab", Some(Key::BackTab)),
            ("pgup", Some(Key::PageUp)),
            ("PgDn", Some(Key::PageDown)),
            ("end", Some(Key::End)),
            ("", None),
            ("\t", None),
            ("ctrl-", None),
            ("ctrl-1", None),
            ("ctrl-ab", None),
            ("shift-p", None),
            ("pp", None),
        ];
        for (text, key) in cases {
            assert_eq!(parse_key(text), key, "{text:?}");
        }
    }

    #[test]
    fn only_the_cockpits_commands_can_be_rebound() {
        assert_eq!(rebindable("promote"), Ok(Command::Promote));
        assert_eq!(rebindable("custom-actions"), Ok(Command::CustomActions));
        assert_eq!(rebindable("confirm"), Err(Unbindable::Confirmation));
        assert_eq!(rebindable("type"), Err(Unbindable::Prompt));
        assert_eq!(rebindable("fill"), Err(Unbindable::Prompt));
        assert_eq!(rebindable("tick"), Err(Unbindable::Overlay));
        assert_eq!(rebindable("promte"), Err(Unbindable::Unknown));
        assert_eq!(rebindable("Promote"), Err(Unbindable::Unknown));
        assert!(names().all(|n| rebindable(n).is_ok()));
        assert_eq!(names().count(), 24);
    }

    #[test]
    fn the_defaults_restated_do_not_clash() {
        use super::super::keymap::{KEYMAP, Keys, Scope};
        let restated: Vec<_> = KEYMAP
            .iter()
            .filter(|b| b.scopes == [Scope::Cockpit])
            .filter_map(|b| match b.keys {
                Keys::These(keys) => Some((b.command, keys.to_vec())),
                _ => None,
            })
            .collect();
        assert_eq!(restated.len(), names().count());
        assert!(Keymap::rebind(restated).is_ok());
    }

    #[test]
    fn a_rebound_promote_key_opens_the_prompt_and_the_old_one_does_nothing() {
        let mut s = state(false);
        s.setup.keys = Keymap::rebind(vec![
            (Command::Promote, vec![Key::Char('P')]),
            (Command::Rollback, vec![Key::Char('r'), Key::Ctrl('r')]),
        ])
        .unwrap();
        update(&mut s, Msg::Key(Key::Char('p')), t(1));
        assert_eq!(s.screen.overlay, Overlay::None);
        update(&mut s, Msg::Key(Key::Char('P')), t(1));
        assert!(matches!(s.screen.overlay, Overlay::Approve(_)));
        update(&mut s, Msg::Key(Key::Esc), t(1));
        update(&mut s, Msg::Key(Key::Ctrl('r')), t(1));
        assert!(matches!(s.screen.overlay, Overlay::Approve(_)));
        // Ctrl-C still quits, whatever [keys] says.
        update(&mut s, Msg::Key(Key::Esc), t(1));
        update(&mut s, Msg::Key(Key::Ctrl('c')), t(1));
        assert!(s.session.quitting);
    }

    #[test]
    fn the_footer_and_the_help_name_the_keys_in_force() {
        let mut s = state(false);
        s.setup.keys = Keymap::rebind(vec![
            (Command::Promote, vec![Key::Char('P')]),
            (Command::Newer, vec![Key::Char('n')]),
        ])
        .unwrap();
        let footer: Vec<(String, &str)> = footer(&s).collect();
        assert!(footer.contains(&("P".into(), "promote")), "{footer:?}");
        let help: Vec<(String, String)> = help_rows(&s).into_iter().flatten().collect();
        assert!(help.contains(&("P".into(), "promote to the next stage".into())));
        let scroll = help.iter().find(|(k, _)| k == "PgUp").unwrap();
        assert_eq!(scroll.1, "scroll events (n, Home, End)");
    }

    #[test]
    fn a_key_on_two_commands_is_refused() {
        let clashes = |keys| Keymap::rebind(keys).unwrap_err();
        let c = clashes(vec![(Command::Promote, vec![Key::Char('r')])]);
        assert_eq!((c[0].with, c[0].fixed), (Some(Command::Rollback), false));
        let c = clashes(vec![(Command::Hold, vec![Key::Ctrl('c')])]);
        assert_eq!((c[0].with, c[0].fixed), (Some(Command::Quit), true));
        let c = clashes(vec![(Command::Hold, vec![Key::Char('z'), Key::Char('z')])]);
        assert_eq!((c[0].index, c[0].with), (1, None));
        // Swapping two keys is fine: both are named.
        let swapped = vec![
            (Command::Promote, vec![Key::Char('r')]),
            (Command::Rollback, vec![Key::Char('p')]),
        ];
        assert!(Keymap::rebind(swapped).is_ok());
    }
}
