//! When a stop condition would breach if it kept going as it goes: a least-squares line through
//! the stage's recent samples, run forward to the breaching limit. It fails closed: with too
//! few samples, a value that is not a number, or no limit to reach, the answer is "unknown",
//! and a slope that is within its own noise is no trend at all.

use super::condition::{Level, Threshold};
use super::samples::Point;
use super::since;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The samples the line is fitted through: the newest this many of the stage.
pub const WINDOW: usize = 30;
/// Fewer usable samples than this say nothing about a trend.
pub const MIN_POINTS: usize = 5;
/// A breach further away than this is no projection worth showing.
pub const HORIZON: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, PartialEq)]
pub enum Projection {
    /// Not enough to go on, and why.
    Unknown(&'static str),
    /// The latest value is already past the limit.
    Past,
    /// Flat, or moving away from the limit.
    NotOnTrend,
    /// The limit is reached this long after `now`, on the current slope.
    In(Duration),
}

/// Where the newest `WINDOW` of `points` lead, judged at `now` against the breaching limits of
/// `threshold` (`max` reached rising, `min` falling).
pub fn project(points: &[Point], threshold: &Threshold, now: DateTime<Utc>) -> Projection {
    let recent = &points[points.len().saturating_sub(WINDOW)..];
    let Some(last) = recent.last() else {
        return Projection::Unknown("no samples this stage");
    };
    if !last.value.is_finite() {
        return Projection::Unknown("the latest value is not a number");
    }
    let limits = [threshold.max, threshold.min];
    if limits.iter().flatten().all(|l| !l.is_finite()) {
        return Projection::Unknown("no limit to reach");
    }
    if threshold.level(last.value) == Level::Over {
        return Projection::Past;
    }
    let xy: Vec<(f64, f64)> = recent
        .iter()
        .filter(|p| p.value.is_finite())
        .map(|p| ((p.at - recent[0].at).as_seconds_f64(), p.value))
        .collect();
    let Some(fit) = Fit::of(&xy) else {
        return Projection::Unknown("too few samples");
    };
    // A slope within two standard errors of zero could be noise: no trend.
    if fit.slope == 0.0 || fit.slope.abs() <= 2.0 * fit.slope_error {
        return Projection::NotOnTrend;
    }
    let target = match (fit.slope > 0.0, threshold.max, threshold.min) {
        (true, Some(max), _) => max,
        (false, _, Some(min)) => min,
        _ => return Projection::NotOnTrend,
    };
    let secs = (target - last.value) / fit.slope;
    if !secs.is_finite() || secs < 0.0 {
        return Projection::Unknown("the fit does not reach the limit");
    }
    // Whole seconds: the fit is no finer than that.
    let from_last = Duration::from_secs(secs.min(HORIZON.as_secs_f64() * 2.0).round() as u64);
    if from_last > HORIZON {
        return Projection::NotOnTrend;
    }
    Projection::In(from_last.saturating_sub(since(now, last.at)))
}

/// A least-squares line `y = a + slope·x`, with the standard error of its slope.
struct Fit {
    slope: f64,
    slope_error: f64,
}

impl Fit {
    /// The line through `xy`, when there are enough points spread over time to fit one.
    fn of(xy: &[(f64, f64)]) -> Option<Fit> {
        if xy.len() < MIN_POINTS {
            return None;
        }
        let n = xy.len() as f64;
        let mean_x = xy.iter().map(|p| p.0).sum::<f64>() / n;
        let mean_y = xy.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = xy.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        let sxy: f64 = xy.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
        if sxx <= 0.0 || !sxx.is_finite() || !sxy.is_finite() {
            return None;
        }
        let slope = sxy / sxx;
        let a = mean_y - slope * mean_x;
        let residuals: f64 = xy.iter().map(|p| (p.1 - a - slope * p.0).powi(2)).sum();
        let slope_error = (residuals / (n - 2.0) / sxx).sqrt();
        Some(Fit { slope, slope_error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    /// Samples every 2 s, the first at second 0.
    fn every_2s(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, &value)| Point {
                at: t(2 * i as i64),
                value,
                baseline: None,
            })
            .collect()
    }

    const MAX_2: Threshold = Threshold {
        max: Some(2.0),
        min: None,
        warn: Some(1.0),
    };

    #[test]
    fn a_rising_value_reaches_its_max_on_its_slope() {
        // 0.1 per 2 s from 0.0 to 0.9 at 18 s: 2.0 is 1.1 away, 22 s after the last sample.
        let points = every_2s(&[0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
        let p = project(&points, &MAX_2, t(18));
        assert_eq!(p, Projection::In(Duration::from_secs(22)));
        // Asked 2 s later, with no new sample: 2 s closer.
        assert_eq!(
            project(&points, &MAX_2, t(20)),
            Projection::In(Duration::from_secs(20))
        );
    }

    #[test]
    fn a_falling_value_reaches_its_min_and_a_max_never() {
        let points = every_2s(&[1.0, 0.9, 0.8, 0.7, 0.6, 0.5]);
        assert_eq!(project(&points, &MAX_2, t(10)), Projection::NotOnTrend);
        let min = Threshold {
            max: None,
            min: Some(0.1),
            warn: None,
        };
        assert_eq!(
            project(&points, &min, t(10)),
            Projection::In(Duration::from_secs(8))
        );
    }

    #[test]
    fn flat_or_noisy_is_no_trend() {
        let flat = every_2s(&[0.5; 8]);
        assert_eq!(project(&flat, &MAX_2, t(14)), Projection::NotOnTrend);
        // Rising by 0.004 a second, give or take 0.014: noise, not a breach in 6 minutes.
        let noisy = every_2s(&[0.5, 0.8, 0.3, 0.7, 0.45, 0.75, 0.5, 0.65]);
        assert_eq!(project(&noisy, &MAX_2, t(14)), Projection::NotOnTrend);
    }

    #[test]
    fn too_few_samples_or_none_is_unknown() {
        let few = every_2s(&[0.1, 0.2, 0.3, 0.4]);
        assert_eq!(
            project(&few, &MAX_2, t(6)),
            Projection::Unknown("too few samples")
        );
        assert_eq!(
            project(&[], &MAX_2, t(6)),
            Projection::Unknown("no samples this stage")
        );
        // Samples all at one instant give no slope.
        let same: Vec<Point> = every_2s(&[0.1, 0.2, 0.3, 0.4, 0.5])
            .into_iter()
            .map(|p| Point { at: t(0), ..p })
            .collect();
        assert_eq!(
            project(&same, &MAX_2, t(0)),
            Projection::Unknown("too few samples")
        );
    }

    #[test]
    fn not_a_number_is_unknown_never_a_projection() {
        let nan_last = every_2s(&[0.1, 0.2, 0.3, 0.4, 0.5, f64::NAN]);
        assert_eq!(
            project(&nan_last, &MAX_2, t(10)),
            Projection::Unknown("the latest value is not a number")
        );
        // A NaN among them is left out; what is left still fits.
        let nan_inside = every_2s(&[0.1, 0.2, f64::NAN, 0.4, 0.5, 0.6, 0.7]);
        assert!(matches!(
            project(&nan_inside, &MAX_2, t(12)),
            Projection::In(_)
        ));
        // So many NaNs that too few are left: unknown.
        let mostly_nan = every_2s(&[f64::NAN, f64::NAN, 0.1, 0.2, f64::NAN, 0.3]);
        assert_eq!(
            project(&mostly_nan, &MAX_2, t(10)),
            Projection::Unknown("too few samples")
        );
        let nan_limit = Threshold {
            max: Some(f64::NAN),
            ..MAX_2
        };
        let rising = every_2s(&[0.1, 0.2, 0.3, 0.4, 0.5]);
        assert_eq!(
            project(&rising, &nan_limit, t(8)),
            Projection::Unknown("no limit to reach")
        );
    }

    #[test]
    fn past_the_limit_already_and_without_a_limit() {
        let over = every_2s(&[1.0, 1.5, 2.0, 2.5, 3.0]);
        assert_eq!(project(&over, &MAX_2, t(8)), Projection::Past);
        let rising = every_2s(&[0.1, 0.2, 0.3, 0.4, 0.5]);
        assert_eq!(
            project(&rising, &Threshold::default(), t(8)),
            Projection::Unknown("no limit to reach")
        );
    }

    #[test]
    fn only_the_newest_window_counts_and_far_off_breaches_are_no_trend() {
        // Fell for a long time, rises now: the newest WINDOW decide.
        let mut values: Vec<f64> = (0..40).map(|i| 1.0 - 0.01 * f64::from(i)).collect();
        values.extend((0..WINDOW).map(|i| 0.6 + 0.01 * i as f64));
        let points = every_2s(&values);
        let last = points.last().unwrap().at;
        assert!(matches!(project(&points, &MAX_2, last), Projection::In(_)));
        // Rising by a hair: the limit is days away.
        let slow = every_2s(&[0.5, 0.500001, 0.500002, 0.500003, 0.500004, 0.500005]);
        assert_eq!(project(&slow, &MAX_2, t(10)), Projection::NotOnTrend);
    }
}
