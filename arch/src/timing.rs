//! The engine's timing, from which the golden model's cycle model is computed. The hardware
//! must take exactly these cycles; the co-simulation checks it.
//!
//! A run is counted from the clock edge that samples `start` high (cycle 1) through the first
//! edge after which `done` reads high. Each PE consumes one entry per cycle from its stream
//! without bubbles, so a run takes the longest stream's length plus a fixed pipeline latency.
//! PEs with no entries are idle; a run in which no PE has an entry still takes
//! [`PIPELINE_LATENCY`] cycles.

/// Cycles a run needs beyond the longest stream. With start sampled on edge 1, the last entry
/// of a stream of `M` entries is read on edge `M + 1` and its row's result is written on edge
/// `M + 6`, the edge on which `done` rises. The six: the start edge (the `M` stream-memory reads
/// follow on edges `2..=M+1`), then the activation read, the registered product, the
/// accumulation, the requantising shift and the saturated result write (see
/// `docs/HARDWARE.md`).
pub const PIPELINE_LATENCY: u64 = 6;

/// Cycles the engine needs for streams of the given lengths.
///
/// ```
/// use zeroskip_arch::timing::{engine_cycles, PIPELINE_LATENCY};
/// assert_eq!(engine_cycles(&[10, 3, 0]), 10 + PIPELINE_LATENCY);
/// ```
pub fn engine_cycles(entries_per_pe: &[usize]) -> u64 {
    entries_per_pe.iter().copied().max().unwrap_or(0) as u64 + PIPELINE_LATENCY
}
