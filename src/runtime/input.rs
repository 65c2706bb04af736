//! Terminal events → messages. Only key presses (not repeats or releases) count.

use crate::app::{Key, Msg};
use crossterm::event::{Event, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures_util::StreamExt;
use tokio::sync::mpsc::Sender;

pub fn translate(event: Event) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => translate_key(key).map(Msg::Key),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(_, _) => Some(Msg::Resize),
        _ => None,
    }
}

fn translate_key(key: KeyEvent) -> Option<Key> {
    if key.modifiers.contains(KeyModifiers::CONTROL)
        && let KeyCode::Char(c) = key.code
    {
        return Some(Key::Ctrl(c.to_ascii_lowercase()));
    }
    Some(match key.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        _ => return None,
    })
}

/// Forward terminal events until the stream ends or the receiver is gone.
pub async fn forward(tx: Sender<Msg>) {
    let mut events = EventStream::new();
    while let Some(event) = events.next().await {
        let Ok(event) = event else {
            // The terminal went away (SSH dropped): stop like a hangup.
            let _ = tx.send(Msg::Shutdown("terminal lost")).await;
            return;
        };
        if let Some(msg) = translate(event)
            && tx.send(msg).await.is_err()
        {
            return;
        }
    }
    let _ = tx.send(Msg::Shutdown("terminal closed")).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_translate() {
        let press = |code, modifiers| Event::Key(KeyEvent::new(code, modifiers));
        assert_eq!(
            translate(press(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Msg::Key(Key::Char('q')))
        );
        assert_eq!(
            translate(press(KeyCode::Char('C'), KeyModifiers::CONTROL)),
            Some(Msg::Key(Key::Ctrl('c')))
        );
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(translate(Event::Key(release)), None);
        assert_eq!(
            translate(Event::Paste("Approve-Risk: x".into())),
            Some(Msg::Paste("Approve-Risk: x".into()))
        );
    }
}
