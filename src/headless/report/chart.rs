//! Small bar charts in plain characters, readable without colour: the characters carry the
//! meaning, colour (when allowed) only repeats it.

use super::figures::Figures;
use super::release::Outcome;
use super::text::human;
use crate::headless::table;
use std::fmt::Write;

const WIDTH: usize = 40;

/// ANSI colour for a piece of a bar, or nothing when colour is off.
struct Paint(bool);

impl Paint {
    fn paint(&self, s: &str, code: &str) -> String {
        if self.0 && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn mark(o: Outcome) -> (char, &'static str) {
    match o {
        Outcome::Completed => ('#', "32"),
        Outcome::RolledBack => ('x', "31"),
        Outcome::Abandoned | Outcome::InProgress => ('.', "2"),
    }
}

/// Cells for `value` of `max` on a bar `WIDTH` wide; any value above zero gets one cell.
fn cells(value: f64, max: f64) -> usize {
    if value <= 0.0 || max <= 0.0 {
        return 0;
    }
    ((value / max * WIDTH as f64).round() as usize).clamp(1, WIDTH)
}

/// Lead time per completed release and releases per week.
pub fn render(f: &Figures, color: bool) -> String {
    let paint = Paint(color);
    let mut out = String::new();
    let completed: Vec<_> = f
        .releases
        .iter()
        .filter(|r| r.lead_time_seconds.is_some())
        .collect();
    if !completed.is_empty() {
        out.push_str("\nLead time, first stage to 100%\n");
        let max = completed
            .iter()
            .filter_map(|r| r.lead_time_seconds)
            .max()
            .unwrap_or(0) as f64;
        let rows: Vec<Vec<String>> = completed
            .iter()
            .map(|r| {
                let secs = r.lead_time_seconds.unwrap_or(0);
                let bar = "#".repeat(cells(secs as f64, max));
                vec![
                    format!("{} {} {}", r.release, r.version, r.attempt),
                    format!("{} {}", paint.paint(&bar, "32"), human(secs)),
                ]
            })
            .collect();
        out.push_str(&table::render(&["RELEASE", "LEAD TIME"], &rows, 2));
    }
    if !f.per_week.is_empty() {
        out.push_str(
            "\nReleases per week   # completed  x rolled back  . abandoned or in progress\n",
        );
        let max = f.per_week.iter().map(|w| w.releases).max().unwrap_or(0);
        // Whole cells per release when they fit, so every release can be counted by eye.
        let per = WIDTH.checked_div(max).map_or(1, |p| p.clamp(1, 4));
        let scale = |n: usize| {
            if max * per <= WIDTH {
                n * per
            } else {
                cells(n as f64, max as f64)
            }
        };
        for w in &f.per_week {
            let others = w.releases - w.completed - w.rolled_back;
            let mut bar = String::new();
            for (n, o) in [
                (w.completed, Outcome::Completed),
                (w.rolled_back, Outcome::RolledBack),
                (others, Outcome::InProgress),
            ] {
                let (c, code) = mark(o);
                bar.push_str(&paint.paint(&c.to_string().repeat(scale(n)), code));
            }
            let _ = writeln!(out, "  {}  {:>3}  {bar}", w.week, w.releases);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_widest_and_never_vanish() {
        assert_eq!(cells(10.0, 10.0), WIDTH);
        assert_eq!(cells(5.0, 10.0), WIDTH / 2);
        assert_eq!(cells(0.001, 10.0), 1);
        assert_eq!(cells(0.0, 10.0), 0);
    }

    #[test]
    fn no_colour_means_no_escape_codes() {
        assert_eq!(Paint(false).paint("###", "32"), "###");
        assert_eq!(Paint(true).paint("###", "32"), "\x1b[32m###\x1b[0m");
    }
}
