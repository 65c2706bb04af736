use super::*;
use crate::app::testkit::{state, t};
use crate::app::{Key, Msg, Overlay, update};
use crate::core::record::Event;

/// The keys that take a free wheel and hand it over, as the keymap binds them by default.
const TAKE: char = 'D';
const GIVE: char = 'G';

fn driver(who: &str) -> Driver {
    Driver {
        who: who.into(),
        since: t(0),
    }
}

fn journaled(fx: &[Effect]) -> Vec<(Event, Option<String>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Journal(r) => Some((r.event, r.detail.clone())),
            _ => None,
        })
        .collect()
}

fn last_log(s: &State) -> String {
    s.screen
        .log
        .back()
        .map(|e| e.text.clone())
        .unwrap_or_default()
}

#[test]
fn a_watcher_told_the_wheel_is_free_takes_it_with_d_and_journals_whom_from() {
    let mut s = state(true);
    // D does nothing while another cockpit drives.
    update(
        &mut s,
        Msg::Wheel(Wheel::Held(Some(driver("bo@ops2")))),
        t(1),
    );
    assert_eq!(s.session.driver, Some(driver("bo@ops2")));
    assert!(
        last_log(&s).contains("bo@ops2 drives since")
            && last_log(&s).contains("30 s out of contact"),
        "{}",
        last_log(&s)
    );
    let fx = update(&mut s, Msg::Key(Key::Char(TAKE)), t(2));
    assert!(!fx.contains(&Effect::Wheel(Turn::Take)), "{fx:?}");

    update(&mut s, Msg::Wheel(Wheel::Free), t(3));
    assert!(last_log(&s).contains("the wheel is free: bo@ops2 no longer drives"));
    assert!(header_words(&s).unwrap().contains("D takes the wheel"));
    let fx = update(&mut s, Msg::Key(Key::Char(TAKE)), t(4));
    assert!(fx.contains(&Effect::Wheel(Turn::Take)), "{fx:?}");
    // Still a watcher until the runtime has the journal open.
    assert!(s.session.read_only);

    let fx = update(&mut s, Msg::WheelTaken(Ok(())), t(5));
    assert!(!s.session.read_only);
    assert_eq!(
        journaled(&fx),
        [(
            Event::CockpitStarted,
            Some("operator cockpit: took the wheel from bo@ops2".into())
        )]
    );
    assert!(last_log(&s).contains("you drive now (took the wheel from bo@ops2)"));
}

#[test]
fn a_refused_take_leaves_the_watcher_watching_and_says_why() {
    let mut s = state(true);
    update(&mut s, Msg::Wheel(Wheel::Free), t(1));
    update(&mut s, Msg::Key(Key::Char(TAKE)), t(2));
    let fx = update(
        &mut s,
        Msg::WheelTaken(Err("cy@ops3 was faster".into())),
        t(3),
    );
    assert!(s.session.read_only);
    assert!(journaled(&fx).is_empty());
    assert!(last_log(&s).contains("the wheel was not taken: cy@ops3 was faster"));
}

#[test]
fn the_driver_hands_over_with_g_journaled_before_the_wheel_is_given_up() {
    let mut s = state(false);
    update(
        &mut s,
        Msg::Wheel(Wheel::Held(Some(driver("ana@laptop")))),
        t(1),
    );
    // G asks first: any key but y keeps the wheel.
    let fx = update(&mut s, Msg::Key(Key::Char(GIVE)), t(2));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s.screen.overlay, Overlay::ConfirmHandover);
    let fx = update(&mut s, Msg::Key(Key::Esc), t(2));
    assert!(fx.is_empty() && !s.session.read_only, "{fx:?}");
    update(&mut s, Msg::Key(Key::Char(GIVE)), t(2));
    let fx = update(&mut s, Msg::Key(Key::Char('y')), t(2));
    let Some(Effect::Wheel(Turn::Give(r))) = fx.iter().find(|e| matches!(e, Effect::Wheel(_)))
    else {
        panic!("no handover: {fx:?}");
    };
    assert_eq!(r.event, Event::CockpitStopped);
    assert_eq!(
        r.detail.as_deref(),
        Some("handed the wheel over: watching on")
    );
    assert!(s.session.read_only);
    assert!(last_log(&s).contains("you handed the wheel over"));
}

#[test]
fn a_driver_told_another_has_the_wheel_watches_from_then_on() {
    let mut s = state(false);
    update(
        &mut s,
        Msg::Wheel(Wheel::Held(Some(driver("ana@laptop")))),
        t(1),
    );
    assert!(!s.session.read_only);
    let fx = update(
        &mut s,
        Msg::Wheel(Wheel::Held(Some(driver("bo@ops2")))),
        t(2),
    );
    assert!(s.session.read_only);
    assert!(fx.contains(&Effect::Wheel(Turn::Lost)), "{fx:?}");
    assert!(last_log(&s).contains("bo@ops2 took the wheel"));
}

#[test]
fn a_database_out_of_reach_is_said_and_its_return_too() {
    let mut s = state(true);
    update(
        &mut s,
        Msg::Wheel(Wheel::Lost("connection refused".into())),
        t(1),
    );
    assert!(last_log(&s).contains("cannot be reached (connection refused)"));
    assert_eq!(
        header_words(&s).as_deref(),
        Some("shared journal out of reach")
    );
    update(
        &mut s,
        Msg::Wheel(Wheel::Held(Some(driver("bo@ops2")))),
        t(2),
    );
    assert!(last_log(&s).contains("can be reached again"));
    assert_eq!(header_words(&s), None);
}

#[test]
fn a_watchers_wordiest_header_says_since_when_and_when_the_wheel_passes() {
    let mut s = state(true);
    assert_eq!(header_long(&s), None);
    update(
        &mut s,
        Msg::Wheel(Wheel::Held(Some(driver("bo@ops2")))),
        t(1),
    );
    // The testkit's local time is UTC+1.
    let since = t(0).with_timezone(&s.screen.local_offset).format("%H:%M");
    assert_eq!(
        header_long(&s).as_deref(),
        Some(format!("bo@ops2 driving since {since} · wheel passes after 30 s offline").as_str())
    );
    assert_eq!(
        TIMEOUT_S,
        crate::journal::postgres_lease::TIMEOUT.as_secs(),
        "the screen says the lease's timeout"
    );
    // The driver names nobody there: it drives.
    let mut d = state(false);
    update(
        &mut d,
        Msg::Wheel(Wheel::Held(Some(driver("ana@laptop")))),
        t(1),
    );
    assert_eq!(header_long(&d), None);
}

#[test]
fn the_wheel_keys_say_why_they_do_nothing() {
    // A file journal has no wheel.
    let mut s = state(false);
    assert!(update(&mut s, Msg::Key(Key::Char(TAKE)), t(1)).is_empty());
    assert!(last_log(&s).contains("there is no wheel to take: this journal is not shared"));
    assert!(update(&mut s, Msg::Key(Key::Char(GIVE)), t(1)).is_empty());
    assert!(last_log(&s).contains("no wheel to hand over"));
    // A watcher cannot take a wheel another cockpit holds, nor hand it over.
    let mut s = state(true);
    update(
        &mut s,
        Msg::Wheel(Wheel::Held(Some(driver("ana@laptop")))),
        t(1),
    );
    assert!(update(&mut s, Msg::Key(Key::Char(TAKE)), t(2)).is_empty());
    assert!(
        last_log(&s).contains("ana@laptop has the wheel"),
        "{}",
        last_log(&s)
    );
    assert!(update(&mut s, Msg::Key(Key::Char(GIVE)), t(2)).is_empty());
    assert!(last_log(&s).contains("this cockpit does not drive"));
    assert_eq!(s.screen.overlay, Overlay::None);
}
