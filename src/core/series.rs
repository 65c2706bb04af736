//! A bounded history of recent values, for sparklines and trends.

use std::collections::VecDeque;

/// Recent numeric samples, oldest first, never more than `CAPACITY`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    values: VecDeque<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trend {
    Rising,
    Falling,
    Flat,
}

impl Trend {
    pub fn symbol(self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (Trend::Rising, false) => "↑",
            (Trend::Falling, false) => "↓",
            (Trend::Flat, false) => "→",
            (Trend::Rising, true) => "^",
            (Trend::Falling, true) => "v",
            (Trend::Flat, true) => "=",
        }
    }
}

impl Series {
    pub const CAPACITY: usize = 120;

    pub fn push(&mut self, v: f64) {
        if self.values.len() == Self::CAPACITY {
            self.values.pop_front();
        }
        self.values.push_back(v);
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = f64> + ExactSizeIterator + '_ {
        self.values.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn last(&self) -> Option<f64> {
        self.values.back().copied()
    }

    /// Direction of the last few samples: the latest against the mean of up to five before it,
    /// with a 5% dead band so noise reads as flat.
    pub fn trend(&self) -> Trend {
        let n = self.values.len();
        if n < 2 {
            return Trend::Flat;
        }
        let last = self.values[n - 1];
        let before = (n - 1).min(5);
        let mean = self.values.range(n - 1 - before..n - 1).sum::<f64>() / before as f64;
        let band = (mean.abs() * 0.05).max(1e-12);
        if last > mean + band {
            Trend::Rising
        } else if last < mean - band {
            Trend::Falling
        } else {
            Trend::Flat
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_newest_samples() {
        let mut s = Series::default();
        for i in 0..(Series::CAPACITY + 10) {
            s.push(i as f64);
        }
        assert_eq!(s.len(), Series::CAPACITY);
        assert_eq!(s.values().next(), Some(10.0));
    }

    #[test]
    fn trend_follows_the_latest_sample() {
        let mut s = Series::default();
        for v in [1.0, 1.0, 1.0, 2.0] {
            s.push(v);
        }
        assert_eq!(s.trend(), Trend::Rising);
        s.push(0.5);
        assert_eq!(s.trend(), Trend::Falling);
        let mut flat = Series::default();
        for v in [1.0, 1.01, 0.99, 1.0] {
            flat.push(v);
        }
        assert_eq!(flat.trend(), Trend::Flat);
    }
}
