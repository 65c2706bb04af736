//! One condition's timed samples over the live stage, for its detail view: the chart of the
//! stage so far and the trend that projects a breach. `Series` keeps the sparkline's last
//! values without times and across stages; this keeps the times, the baseline beside each
//! value, and forgets everything when the stage changes.

use super::plan::Position;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

/// A value read, with the baseline it was judged against (a relative condition's), if any.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub value: f64,
    pub baseline: Option<f64>,
}

/// The samples of the stage entry `stage`, oldest first, never more than `CAPACITY`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StageSamples {
    stage: Option<Position>,
    points: VecDeque<Point>,
}

impl StageSamples {
    /// An hour at a 5 s interval; a 10 s bake of 2 h. Older samples of a long stage drop off.
    pub const CAPACITY: usize = 720;

    /// Add a sample taken at `stage`; a sample of another stage entry starts afresh.
    pub fn push(&mut self, stage: Option<Position>, point: Point) {
        if self.stage != stage {
            self.stage = stage;
            self.points.clear();
        }
        if self.points.len() == Self::CAPACITY {
            self.points.pop_front();
        }
        self.points.push_back(point);
    }

    /// The samples of stage entry `stage`: none when they were taken at another.
    pub fn of(&self, stage: Option<Position>) -> &VecDeque<Point> {
        static NONE: VecDeque<Point> = VecDeque::new();
        if self.stage == stage {
            &self.points
        } else {
            &NONE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    fn at(stage: usize) -> Option<Position> {
        Some(Position {
            stage,
            entered_at: t(0),
            rolled_back: false,
        })
    }

    fn point(secs: i64) -> Point {
        Point {
            at: t(secs),
            value: secs as f64,
            baseline: None,
        }
    }

    #[test]
    fn keeps_the_newest_of_one_stage_and_forgets_the_last_stage() {
        let mut s = StageSamples::default();
        for i in 0..(StageSamples::CAPACITY as i64 + 5) {
            s.push(at(0), point(i));
        }
        assert_eq!(s.of(at(0)).len(), StageSamples::CAPACITY);
        assert_eq!(s.of(at(0)).front().map(|p| p.value), Some(5.0));
        assert!(
            s.of(at(1)).is_empty(),
            "another stage's samples are not shown"
        );
        s.push(at(1), point(9));
        assert_eq!(s.of(at(1)).len(), 1);
        assert!(s.of(at(0)).is_empty());
    }
}
