//! The values sources must produce. Identical requests (same source, same query or pointer)
//! share one signal, so a query used by two conditions runs once per poll.

use crate::core::reading::{SignalId, SourceId};
use crate::setup::{Extract, SignalSpec, SourceSpec};

#[derive(Debug, Default)]
pub struct Signals {
    pub specs: Vec<SignalSpec>,
}

impl Signals {
    pub fn add(&mut self, source: SourceId, extract: Extract) -> SignalId {
        let spec = SignalSpec { source, extract };
        match self.specs.iter().position(|s| *s == spec) {
            Some(id) => id,
            None => {
                self.specs.push(spec);
                self.specs.len() - 1
            }
        }
    }

    /// Hand each source the list of signals it must produce.
    pub fn assign(&self, sources: &mut [SourceSpec]) {
        for (id, s) in self.specs.iter().enumerate() {
            if let Some(src) = sources.get_mut(s.source) {
                src.signals.push((id, s.extract.clone()));
            }
        }
    }
}
