//! The `golden` backend: the bit-exact fixed-point model of the accelerator on the CPU. Opening
//! it calibrates the float model, quantises and packs it into a device image for the chosen
//! hardware configuration, encodes the image and runs the *decoded* bytes, so what it computes
//! is what a card loaded with the same image computes.

use super::{Backend, BackendError};
use crate::golden_net::{CycleReport, GoldenNet};
use crate::model::Model;
use crate::quant::{build_image, random_features, QuantOptions};
use ndarray::{Array2, ArrayView2};
use zeroskip_arch::HwConfig;

/// Utterances of random features used for calibration when none are given.
pub const RANDOM_CALIBRATION_UTTERANCES: usize = 4;
/// Frames per random calibration utterance.
pub const RANDOM_CALIBRATION_FRAMES: usize = 200;

/// How the golden backend builds its image; the default packs for `HwConfig::default()`
/// (16 PEs) with random calibration features.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoldenOptions {
    /// The hardware configuration to pack for.
    pub hw: HwConfig,
    /// Feature frames of a few utterances to calibrate activation ranges on; empty: random
    /// features ([`random_features`]) of [`RANDOM_CALIBRATION_UTTERANCES`] ×
    /// [`RANDOM_CALIBRATION_FRAMES`] frames.
    pub calibration: Vec<Array2<f32>>,
    /// Quantiser options.
    pub quant: QuantOptions,
}

/// Runs [`GoldenNet::logits`] on an image built from a model.
#[derive(Clone, Debug)]
pub struct GoldenBackend {
    net: GoldenNet,
    image_bytes: usize,
    frames_run: u64,
}

impl GoldenBackend {
    /// Calibrates, quantises and packs `model` as `options` say, then loads the image.
    pub fn new(model: &Model, options: &GoldenOptions) -> Result<Self, BackendError> {
        let random;
        let calibration = if options.calibration.is_empty() {
            random = random_features(
                &model.config,
                RANDOM_CALIBRATION_UTTERANCES,
                RANDOM_CALIBRATION_FRAMES,
                0,
            );
            &random
        } else {
            &options.calibration
        };
        let image = build_image(model, calibration, &options.hw, &options.quant)?;
        let bytes = image
            .encode()
            .map_err(crate::golden_net::GoldenNetError::Image)?;
        Self::from_image_bytes(&bytes, &options.hw)
    }

    /// Loads an encoded device image packed for `hw`.
    pub fn from_image_bytes(bytes: &[u8], hw: &HwConfig) -> Result<Self, BackendError> {
        Ok(GoldenBackend {
            net: GoldenNet::from_bytes(bytes, hw)?,
            image_bytes: bytes.len(),
            frames_run: 0,
        })
    }

    /// The loaded network.
    pub fn net(&self) -> &GoldenNet {
        &self.net
    }

    /// Bytes of the encoded image.
    pub fn image_bytes(&self) -> usize {
        self.image_bytes
    }

    /// The cycle model of one frame.
    pub fn cycles(&self) -> CycleReport {
        self.net.cycles()
    }

    /// Frames run so far; times [`CycleReport::cycles_per_frame`] the engine cycles spent.
    pub fn frames_run(&self) -> u64 {
        self.frames_run
    }
}

impl Backend for GoldenBackend {
    fn name(&self) -> &'static str {
        "golden"
    }

    fn logits(&mut self, features: ArrayView2<f32>) -> Result<Array2<f32>, BackendError> {
        let y = self.net.logits(features)?;
        self.frames_run += features.nrows() as u64;
        Ok(y)
    }
}
