//! The high-contrast theme (`[cockpit] theme = "high-contrast"`, `--theme high-contrast`): for
//! a wall screen, a projector, or eyes that find grey on black hard. Bright colours of the 16
//! ANSI set, every state bold, the verdict on a strong background, and nothing that matters in
//! grey: what the default theme dims is drawn in the terminal's own foreground.

use super::theme::Theme;
use crate::core::verdict::VerdictKind;
use crate::setup::ThemeName;
use ratatui::style::{Color, Modifier, Style};

impl Theme {
    /// The theme `name` names; `color` and `ascii` as for `Theme::new`.
    pub fn named(name: ThemeName, color: bool, ascii: bool) -> Theme {
        match name {
            ThemeName::Default => Theme::new(color, ascii),
            ThemeName::HighContrast => Theme::high_contrast(color, ascii),
        }
    }

    pub fn high_contrast(color: bool, ascii: bool) -> Theme {
        let bold = |c: Color| {
            let s = Style::new().add_modifier(Modifier::BOLD);
            if color { s.fg(c) } else { s }
        };
        Theme {
            ok: bold(Color::LightGreen),
            warn: bold(Color::LightYellow),
            bad: bold(Color::LightRed),
            unknown: bold(Color::LightMagenta),
            info: bold(Color::LightCyan),
            baking: bold(Color::LightBlue),
            dim: Style::new(),
            title: bold(Color::LightCyan).add_modifier(Modifier::UNDERLINED),
            rule: Style::new(),
            strong: true,
            ..Theme::new(color, ascii)
        }
    }
}

/// The banner's foreground and background in the high-contrast theme: dark text on a bright
/// background, and the rollback white on red.
pub fn verdict_colours(kind: VerdictKind) -> (Color, Color) {
    match kind {
        VerdictKind::Go | VerdictKind::Complete => (Color::Black, Color::LightGreen),
        VerdictKind::Hold => (Color::Black, Color::LightCyan),
        VerdictKind::NoGoUntilVerified => (Color::Black, Color::LightMagenta),
        VerdictKind::RollbackAdvised => (Color::White, Color::Red),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::fixture;
    use crate::ui::incident_tests::incident;
    use crate::ui::tests::{all_states, buffer, screen};
    use insta::assert_debug_snapshot;

    fn hc() -> Theme {
        Theme::high_contrast(true, false)
    }

    /// The cell where `needle` starts on screen.
    fn cell_of(state: &crate::app::State, needle: &str) -> (u16, u16) {
        let text = screen(state, &hc(), 120, 40);
        let (y, line) = (text.lines().enumerate())
            .find(|(_, l)| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not on screen\n{text}"));
        let x = line[..line.find(needle).unwrap()].chars().count() - 1;
        (x as u16, y as u16)
    }

    #[test]
    fn high_contrast_snapshots_with_styles() {
        let state = incident();
        assert_debug_snapshot!(
            "high_contrast_incident_80x24",
            buffer(&state, &hc(), 80, 24)
        );
        let baked = fixture::baked();
        assert_debug_snapshot!("high_contrast_go_120x40", buffer(&baked, &hc(), 120, 40));
    }

    #[test]
    fn nothing_is_grey_and_every_state_is_bold() {
        for (name, state) in all_states() {
            let buf = buffer(&state, &hc(), 120, 40);
            for cell in &buf.content {
                assert!(
                    !matches!(cell.fg, Color::DarkGray | Color::Gray),
                    "{name}: {:?} is grey: {cell:?}",
                    cell.symbol()
                );
            }
        }
        let state = incident();
        let buf = buffer(&state, &hc(), 120, 40);
        for (needle, colour) in [
            ("✗ BREACH", Color::LightRed),
            ("✓ OK", Color::LightGreen),
            ("! FAIL", Color::LightYellow),
        ] {
            let cell = &buf[cell_of(&state, needle)];
            assert_eq!(cell.fg, colour, "{needle}");
            assert!(cell.modifier.contains(Modifier::BOLD), "{needle}: {cell:?}");
        }
    }

    #[test]
    fn verdicts_stand_on_strong_backgrounds() {
        for (state, fg, bg) in [
            (incident(), Color::White, Color::Red),
            (fixture::baked(), Color::Black, Color::LightGreen),
            (fixture::baking(false), Color::Black, Color::LightCyan),
            (fixture::fresh(), Color::Black, Color::LightMagenta),
        ] {
            let label = state.release.eval.verdict.kind.label();
            let cell = &buffer(&state, &hc(), 120, 40)[cell_of(&state, label)];
            assert_eq!((cell.fg, cell.bg), (fg, bg), "{label}");
            assert!(cell.modifier.contains(Modifier::BOLD), "{label}");
        }
    }

    #[test]
    fn without_colour_it_is_colourless_and_ascii_stays_ascii() {
        for (name, state) in all_states() {
            let buf = buffer(&state, &Theme::high_contrast(false, true), 80, 24);
            for cell in &buf.content {
                assert!(cell.fg == Color::Reset && cell.bg == Color::Reset, "{name}");
                assert!(cell.symbol().is_ascii(), "{name}: {:?}", cell.symbol());
            }
        }
        // States keep their words and symbols, and the bold that marks them.
        let state = incident();
        let theme = Theme::high_contrast(false, true);
        let text = screen(&state, &theme, 120, 40);
        for needle in ["X ROLLBACK ADVISED", "X BREACH", "+ OK", "! FAIL"] {
            assert!(text.contains(needle), "{needle}\n{text}");
        }
    }

    #[test]
    fn named_themes() {
        assert_eq!(
            Theme::named(ThemeName::Default, true, false),
            Theme::new(true, false)
        );
        assert!(Theme::named(ThemeName::HighContrast, true, false).strong);
        for name in ThemeName::NAMES {
            assert!(ThemeName::parse(name).is_some(), "{name}");
        }
        assert_eq!(ThemeName::parse("dark"), None);
    }
}
