//! The header: which release this is, the verdict as a banner with its reasons, the clock,
//! the ARMED and READ-ONLY badges and a journal failure.

use super::theme::{Theme, width};
use crate::app::State;
use crate::core::verdict::Reason;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct Header<'a> {
    pub state: &'a State,
    pub theme: &'a Theme,
}

impl Header<'_> {
    /// Rows below the banner that reasons and warnings would like. During an incident the
    /// warnings (the checklist's nags among them) step aside.
    pub fn reason_lines(state: &State) -> usize {
        let v = &state.release.eval.verdict;
        let warnings = if super::incident::active(state) {
            0
        } else {
            v.warnings.len()
        };
        v.reasons.len().saturating_sub(1) + warnings
    }

    /// Rows the header needs at the least: the title, the banner and a journal failure.
    pub fn base_height(state: &State) -> u16 {
        2 + u16::from(state.session.journal_error.is_some())
    }
}

impl Widget for &Header<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut rows = area.rows();
        let Some(first) = rows.next() else { return };
        title_line(self.state, self.theme, first, buf);
        let Some(banner) = rows.next() else { return };
        let extra: Vec<Rect> = rows.collect();
        let journal = usize::from(self.state.session.journal_error.is_some());
        let room = extra.len().saturating_sub(journal);
        let wanted = Header::reason_lines(self.state);
        let hidden = wanted.saturating_sub(room);
        // With a row for reasons, the count of those cut goes on the last one ("+2 more
        // reasons"), else on the banner.
        let counted = if room > 0 { 0 } else { hidden };
        verdict_banner(self.state, self.theme, banner, counted, buf);
        let mut extra = extra.into_iter();
        if let Some(err) = &self.state.session.journal_error
            && let Some(r) = extra.next()
        {
            let t = self.theme;
            let line = Line::from(vec![
                Span::styled(format!(" {} JOURNAL WRITE FAILED: ", t.sym.bad), t.bad),
                Span::styled(t.fit(err, r.width.saturating_sub(24) as usize), t.bad),
            ]);
            super::fast::set_line(buf, r.x, r.y, &line, r.width);
        }
        let v = &self.state.release.eval.verdict;
        let t = self.theme;
        let reasons = v.reasons.iter().skip(1).map(|r| (r, false));
        let warnings = v.warnings.iter().map(|r| (r, true));
        let shown = wanted.min(room);
        let rows: Vec<Rect> = extra.collect();
        // During an incident the banner and its reason rows are one solid block.
        let block = super::incident::active(self.state).then(|| t.verdict(v.kind).0);
        if let Some(style) = block {
            rows.iter().for_each(|r| buf.set_style(*r, style));
        }
        let chosen = reasons.chain(warnings).take(shown);
        for (i, ((reason, warning), r)) in chosen.zip(rows.iter()).enumerate() {
            let last = i + 1 == shown && hidden > 0;
            let more = if last {
                let noun = if hidden == 1 { "reason" } else { "reasons" };
                format!(" +{hidden} more {noun} ")
            } else {
                String::new()
            };
            let w = (r.width as usize).saturating_sub(width(&more));
            let mut line = reason_line(t, reason, warning, w);
            if let Some(style) = block {
                let spans = line
                    .spans
                    .into_iter()
                    .map(|s| Span::styled(s.content, style));
                line = Line::from(spans.collect::<Vec<_>>());
            }
            super::fast::set_line(buf, r.x, r.y, &line, w as u16);
            if last && (width(&more) as u16) < r.width {
                let style = block.unwrap_or(t.dim);
                let mw = width(&more) as u16;
                let tag = Line::styled(more, style.remove_modifier(Modifier::BOLD));
                super::fast::set_line(buf, r.right() - mw, r.y, &tag, mw);
            }
        }
    }
}

/// "checkout-api 2.14.0 · production · 9f2c1ab          READ-ONLY  14:03 local · 13:03 UTC";
/// an observer's names who drives: "ana@ops1 driving · you are watching  READ-ONLY  …", and
/// who else watches: "ana@ops1 driving · watching: you, cy@ops3"; an operator's who watches:
/// "watching: bo@ops2, cy@ops3".
fn title_line(state: &State, t: &Theme, area: Rect, buf: &mut Buffer) {
    let clock = t.text(&state.release.eval.clock).into_owned();
    let need = left_needs(state, t);
    // Wordier first; the UTC half of the clock alone before who goes.
    let utc = clock.rsplit(" · ").next().unwrap_or(&clock).to_string();
    let whos = who_words(state, t);
    let mut variants: Vec<(String, String)> =
        whos.iter().map(|w| (w.clone(), clock.clone())).collect();
    // With the UTC half alone: every wording but the wordiest, unless it is the only one.
    let cut = usize::from(whos.len() > 1);
    variants.extend(whos[cut..].iter().map(|w| (w.clone(), utc.clone())));
    variants.push((String::new(), clock));
    let count = variants.len();
    let (right, room) = variants
        .into_iter()
        .enumerate()
        .map(|(i, (who, clock))| {
            let right = right_line(state, t, who, clock);
            let room = (area.width as usize).saturating_sub(right.width() + 2);
            (i, right, room)
        })
        .find(|(i, _, room)| *room >= need || i + 1 == count)
        .map(|(_, right, room)| (right, room))
        .unwrap_or_default();
    if let Some(hold) = &state.release.hold {
        let left = held_line(state, t, hold, room);
        super::fast::set_line(buf, area.x, area.y, &left, room as u16);
    } else {
        release_line(state, t, room, area, buf);
    }
    let rw = right.width() as u16;
    if rw <= area.width {
        super::fast::set_line(buf, area.right() - rw, area.y, &right, rw);
    }
}

/// "ana@ops1 driving  READ-ONLY  14:03 local · 13:03 UTC "
fn right_line(state: &State, t: &Theme, who: String, clock: String) -> Line<'static> {
    let mut right = Vec::new();
    if !who.is_empty() {
        right.push(Span::styled(who, t.warn));
        right.push(Span::raw(" "));
    }
    // Armed automation may act by itself: said in capitals, never by colour alone.
    if state.session.armed.rollback || state.session.armed.promote {
        right.push(Span::styled(" ARMED ", t.badge));
        right.push(Span::raw("  "));
    }
    if state.session.read_only {
        right.push(Span::styled(" READ-ONLY ", t.badge));
        right.push(Span::raw("  "));
    }
    right.push(Span::raw(clock));
    right.push(Span::raw(" "));
    Line::from(right)
}

/// Who drives and who watches, wordiest first: each is tried until the title fits. The
/// watchers are cut to the first and "+N" before the driver loses words.
fn who_words(state: &State, t: &Theme) -> Vec<String> {
    // The shared journal lists every cockpit following the release: the driver is named apart.
    let driver = state.session.driver.as_ref().map(|d| d.who.as_str());
    let watchers: &Vec<String> = &(state.session.watchers.iter())
        .filter(|w| !state.session.read_only || Some(w.as_str()) != driver)
        .cloned()
        .collect();
    let first = watchers.first().map(String::as_str).unwrap_or_default();
    let more = watchers.len().saturating_sub(1);
    let text = |s: String| t.text(&s).into_owned();
    if state.session.read_only {
        let d = driver_words(state, t);
        let long = crate::app::wheel::header_long(state).map(|l| t.text(&l).into_owned());
        let mut whos: Vec<String> = long.into_iter().collect();
        whos.extend(match watchers.len() {
            0 => vec![text(format!("{d} · you are watching"))],
            _ => vec![
                text(format!("{d} · watching: you, {}", watchers.join(", "))),
                text(format!("{d} · watching: you +{}", watchers.len())),
            ],
        });
        whos.push(d);
        whos
    } else {
        match watchers.len() {
            0 => Vec::new(),
            1 => vec![text(format!("watching: {first}"))],
            _ => vec![
                text(format!("watching: {}", watchers.join(", "))),
                text(format!("watching: {first} +{more}")),
            ],
        }
    }
}

/// "ana@ops1 driving", as the journal says; "nobody driving" when it names no open cockpit.
fn driver_words(state: &State, t: &Theme) -> String {
    if let Some(words) = crate::app::wheel::header_words(state) {
        return t.text(&words).into_owned();
    }
    match &state.session.driver {
        Some(d) => t.text(&format!("{} driving", d.who)).into_owned(),
        None => "nobody driving".into(),
    }
}

/// Columns the left of the title needs whole: the hold's who and until with some of its
/// reason, or the release's name, version and environment.
fn left_needs(state: &State, t: &Theme) -> usize {
    let rel = &state.setup.release;
    let held = (state.release.hold.as_ref()).map(|h| width(&held_words(state, t, h)) + 24);
    held.unwrap_or_else(|| {
        width(&t.text(&format!(
            " {} {} · {}",
            rel.name, rel.version, rel.environment
        ))) + 1
    })
}

/// " checkout-api HELD by ana@ops1 until 14:30 — waiting for DB…": while held, the hold takes
/// the place of the version and environment. Who and until are never cut: the reason is cut
/// first, then the release's name goes.
fn held_line(state: &State, t: &Theme, hold: &crate::app::Hold, room: usize) -> Line<'static> {
    let bold = ratatui::style::Style::new().add_modifier(Modifier::BOLD);
    let held = held_words(state, t, hold);
    let name = format!(" {}", t.text(&state.setup.release.name));
    let mut spans = Vec::new();
    if width(&name) + width(&held) + 8 <= room {
        spans.push(Span::styled(name, bold));
    } else {
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(held, t.badge));
    let sep = format!("{} ", t.text("—"));
    let used = spans.iter().map(Span::width).sum::<usize>() + width(&sep);
    if used < room {
        spans.push(Span::styled(sep, t.warn));
        spans.push(Span::styled(t.fit(&hold.reason, room - used), t.warn));
    }
    Line::from(spans)
}

/// " HELD by ana@ops1 until 14:30 "
fn held_words(state: &State, t: &Theme, hold: &crate::app::Hold) -> String {
    let until = hold.until.with_timezone(&state.screen.local_offset);
    let words = format!(" HELD by {} until {} ", hold.by, until.format("%H:%M"));
    t.text(&words).into_owned()
}

/// " checkout-api 2.14.0 · production · 9f2c1ab"
fn release_line(state: &State, t: &Theme, room: usize, area: Rect, buf: &mut Buffer) {
    let rel = &state.setup.release;
    let bold = ratatui::style::Style::new().add_modifier(Modifier::BOLD);
    let sep = format!(" {} ", t.text("·"));
    let mut left = Line::from(vec![
        Span::raw(" "),
        Span::styled(t.text(&rel.name).into_owned(), bold),
        Span::raw(" "),
        Span::raw(t.text(&rel.version).into_owned()),
        Span::styled(sep.clone(), t.dim),
        Span::styled(t.text(&rel.environment).into_owned(), bold),
    ]);
    if let Some(commit) = &rel.commit {
        let commit = Span::styled(t.text(commit).into_owned(), t.dim);
        if left.width() + sep.len() + commit.width() <= room {
            left.spans.push(Span::styled(sep, t.dim));
            left.spans.push(commit);
        }
    }
    super::fast::set_line(buf, area.x, area.y, &left, room as u16);
}

/// The verdict on a full-width coloured row, with its first reason.
fn verdict_banner(state: &State, t: &Theme, area: Rect, hidden: usize, buf: &mut Buffer) {
    let v = &state.release.eval.verdict;
    let (style, sym) = t.verdict(v.kind);
    buf.set_style(area, style);
    let word = format!(" {sym} {} ", v.kind.label());
    let plain = style.remove_modifier(Modifier::BOLD);
    // How long the verdict has held (eval.rs keeps the clock), at the right end so a tick
    // rewrites only its digits and the reason never shifts.
    let held = &state.release.eval.held;
    let more = match (held.is_empty(), hidden) {
        (true, 0) => String::new(),
        (true, _) => format!(" +{hidden} more "),
        (false, 0) => format!(" {held} "),
        (false, _) => format!(" {held}  +{hidden} more "),
    };
    let room = (area.width as usize).saturating_sub(width(&word) + width(&more) + 2);
    let mut spans = vec![Span::styled(word, style)];
    if let Some(first) = v.reasons.first() {
        let sep = format!(" {} ", t.sym.separator);
        spans.push(Span::styled(sep.clone(), plain));
        let text = t.fit(&first.text, room.saturating_sub(3));
        let left = room.saturating_sub(3 + width(&text));
        spans.push(Span::styled(text, style));
        if let Some(hint) = first.verify.as_deref().and_then(|v| hint(t, v, left)) {
            spans.push(Span::styled(hint, plain));
        }
    }
    super::fast::set_line(buf, area.x, area.y, &Line::from(spans), area.width);
    let mw = width(&more) as u16;
    if mw > 0 && mw < area.width {
        super::fast::set_line(
            buf,
            area.right() - mw,
            area.y,
            &Line::styled(more, plain),
            mw,
        );
    }
}

/// "  • CI green: no data yet → open the workflow run" or "  ! should: Change ticket linked: …"
fn reason_line(t: &Theme, reason: &Reason, warning: bool, w: usize) -> Line<'static> {
    let (mark, style, prefix) = if warning {
        (t.sym.warn, t.warn, "should: ")
    } else {
        (t.sym.bullet, ratatui::style::Style::new(), "")
    };
    let lead = format!("   {mark} {prefix}");
    let room = w.saturating_sub(width(&lead) + 1);
    let text = t.fit(&reason.text, room);
    let left = room.saturating_sub(width(&text));
    let mut spans = vec![Span::styled(lead, style), Span::styled(text, style)];
    if let Some(hint) = reason.verify.as_deref().and_then(|v| hint(t, v, left)) {
        spans.push(Span::styled(hint, t.dim));
    }
    Line::from(spans)
}

/// " → how to verify", when it fits whole in `room` columns: half a hint misleads.
fn hint(t: &Theme, verify: &str, room: usize) -> Option<String> {
    let text = t.text(&format!(" → {verify}")).into_owned();
    (width(&text) <= room).then_some(text)
}
