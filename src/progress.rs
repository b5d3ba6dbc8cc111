//! Progress of long stages (scanning a large tree, walking a deep
//! history), reported to whatever sink the binary installs — a progress
//! bar on a terminal's stderr — and to nothing otherwise.
//!
//! The sink is process-wide, as a logger is: the stages that report sit
//! deep in the pipeline, and progress is a side channel that never changes
//! what a run computes or prints to its outputs.

use std::sync::{Arc, OnceLock};

/// Where progress goes.
pub trait Progress: Send + Sync {
    /// A stage begins; `total` units when known beforehand.
    fn stage(&self, name: &'static str, total: Option<u64>);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
}

static SINK: OnceLock<Arc<dyn Progress>> = OnceLock::new();

/// Installs the process's sink; only the first call counts.
pub fn install(sink: Arc<dyn Progress>) {
    let _ = SINK.set(sink);
}

/// A stage begins.
pub fn stage(name: &'static str, total: Option<u64>) {
    if let Some(sink) = SINK.get() {
        sink.stage(name, total);
    }
}

/// `n` more units of the current stage are done.
pub fn advance(n: u64) {
    if let Some(sink) = SINK.get() {
        sink.advance(n);
    }
}
