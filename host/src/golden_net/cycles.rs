//! The cycle model of a whole network: every layer is one engine run per frame (an LSTM
//! direction one run per step), each taking [`zeroskip_arch::timing::engine_cycles`] of its
//! streams; a frame costs their sum. Not counted: moving results into the next layer's
//! activation memory and the element-wise stages, which the planned kernel overlaps with the
//! next run (double-buffered activations), and host transfers.

use serde::Serialize;
use zeroskip_arch::image::DeviceImage;
use zeroskip_arch::timing;

/// One layer's share of a frame.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerCycles {
    /// The layer's name.
    pub name: String,
    /// Matrix rows.
    pub rows: usize,
    /// Matrix columns.
    pub cols: usize,
    /// Non-zero weights.
    pub nnz: usize,
    /// Stream entries over all PEs (padding and empty rows included).
    pub entries: usize,
    /// Cycles of its run each frame.
    pub cycles: u64,
    /// `nnz / (P · cycles)`.
    pub pe_utilization: f64,
}

/// The engine cycles of one frame of a network.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CycleReport {
    /// Processing elements.
    pub pes: usize,
    /// Per layer, in program order.
    pub layers: Vec<LayerCycles>,
    /// Sum over the layers.
    pub cycles_per_frame: u64,
    /// Non-zero multiply-accumulates per frame.
    pub macs_per_frame: u64,
}

impl CycleReport {
    /// The report of `image`.
    pub fn of(image: &DeviceImage) -> Self {
        let pes = image.cfg.pes;
        let layers: Vec<LayerCycles> = image
            .layers
            .iter()
            .map(|l| {
                let cycles = timing::engine_cycles(&l.matrix.entries_per_pe());
                LayerCycles {
                    name: l.name.clone(),
                    rows: l.rows(),
                    cols: l.cols(),
                    nnz: l.matrix.nnz,
                    entries: l.matrix.total_entries(),
                    cycles,
                    pe_utilization: l.matrix.nnz as f64 / (pes as f64 * cycles as f64),
                }
            })
            .collect();
        CycleReport {
            pes,
            cycles_per_frame: layers.iter().map(|l| l.cycles).sum(),
            macs_per_frame: layers.iter().map(|l| l.nnz as u64).sum(),
            layers,
        }
    }

    /// Whole-network PE utilisation: non-zero MACs / (P · cycles).
    pub fn pe_utilization(&self) -> f64 {
        self.macs_per_frame as f64 / (self.pes as f64 * self.cycles_per_frame as f64)
    }

    /// Cycles per second of audio at `frames_per_second` feature frames per second.
    pub fn cycles_per_audio_second(&self, frames_per_second: f64) -> f64 {
        self.cycles_per_frame as f64 * frames_per_second
    }

    /// Seconds of engine time per second of audio at `clock_hz` (below 1 is faster than real
    /// time).
    pub fn real_time_factor(&self, frames_per_second: f64, clock_hz: f64) -> f64 {
        self.cycles_per_audio_second(frames_per_second) / clock_hz
    }
}

/// Feature frames per second of audio: one per hop, every `stride`-th kept.
pub fn frames_per_second(features: &crate::features::FeatureConfig) -> f64 {
    1000.0 / (f64::from(features.hop_ms) * features.stride.max(1) as f64)
}
