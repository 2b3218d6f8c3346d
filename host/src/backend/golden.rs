//! The `golden` backend: the bit-exact fixed-point model of the accelerator on the CPU. Opening
//! it calibrates the float model (or takes stored ranges), quantises and packs it into a device
//! image for the chosen hardware configuration, encodes the image and runs the *decoded*
//! bytes, so what it computes is what a card loaded with the same image computes.

use super::{BackendError, Calibration};
use crate::golden_net::{CycleReport, GoldenNet};
use crate::model::Model;
use crate::quant::{pack, quantize, QuantOptions};
use ndarray::{Array2, ArrayView2};
use zeroskip_arch::image::DeviceImage;
use zeroskip_arch::HwConfig;

/// How the golden backend builds its image; the default packs for `HwConfig::default()`
/// (16 PEs) with random calibration features.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoldenOptions {
    /// The hardware configuration to pack for.
    pub hw: HwConfig,
    /// Where the activation ranges come from.
    pub calibration: Calibration,
    /// Quantiser options.
    pub quant: QuantOptions,
}

impl GoldenOptions {
    /// The device image of `model` as these options say: ranges, quantisation, packing.
    pub fn build_image(&self, model: &Model) -> Result<DeviceImage, BackendError> {
        let ranges = self.calibration.ranges(model)?;
        let net = quantize(model, &ranges, &self.hw, &self.quant)?;
        Ok(pack(&net, &self.hw)?)
    }
}

/// Runs [`GoldenNet::logits`] on an image built from a model.
#[derive(Clone, Debug)]
pub struct GoldenBackend {
    net: GoldenNet,
    image_bytes: usize,
    frames_run: u64,
}

impl GoldenBackend {
    /// Builds the image of `model` as `options` say ([`GoldenOptions::build_image`]), encodes
    /// it and loads the decoded bytes.
    pub fn new(model: &Model, options: &GoldenOptions) -> Result<Self, BackendError> {
        let image = options.build_image(model)?;
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

impl super::Backend for GoldenBackend {
    fn name(&self) -> &'static str {
        "golden"
    }

    fn logits(&mut self, features: ArrayView2<f32>) -> Result<Array2<f32>, BackendError> {
        let y = self.net.logits(features)?;
        self.frames_run += features.nrows() as u64;
        Ok(y)
    }
}
