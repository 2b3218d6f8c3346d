//! The engine's timing, from which the golden model's cycle model is computed. The hardware
//! must take exactly these cycles; the co-simulation checks it.
//!
//! A run is counted from the clock edge that samples `start` high (cycle 1) through the first
//! edge after which `done` reads high. Each PE consumes one entry per cycle from its stream
//! without bubbles, so a run takes the longest stream's length plus a fixed pipeline latency.

/// Cycles a run needs beyond the longest stream: stream-memory read, activation read,
/// multiply, accumulate and the result write.
pub const PIPELINE_LATENCY: u64 = 4;

/// Cycles the engine needs for streams of the given lengths.
///
/// ```
/// use zeroskip_arch::timing::{engine_cycles, PIPELINE_LATENCY};
/// assert_eq!(engine_cycles(&[10, 3, 0]), 10 + PIPELINE_LATENCY);
/// ```
pub fn engine_cycles(entries_per_pe: &[usize]) -> u64 {
    entries_per_pe.iter().copied().max().unwrap_or(0) as u64 + PIPELINE_LATENCY
}
