//! From the float model to the device image: calibrate activation ranges on data
//! ([`calibrate`]) or read them from a model's `calibration.json` ([`CalibrationFile`]),
//! choose per-tensor and per-layer power-of-two formats and quantise weights and biases
//! ([`quantize`]), then pack every layer into the engine's compressed streams and
//! assemble the [`DeviceImage`] ([`pack`]). The arithmetic this prepares is specified in
//! `docs/FORMAT.md` ("Network arithmetic"); the golden model ([`crate::golden_net`]) runs the
//! result.
//!
//! ```no_run
//! use zeroskip::model::{Model, ModelConfig};
//! use zeroskip::quant::{build_image, random_features, QuantOptions};
//! use zeroskip_arch::HwConfig;
//! let model = Model::random(ModelConfig::default(), 1).unwrap();
//! let calibration = random_features(&model.config, 4, 100, 7);
//! let image = build_image(&model, &calibration, &HwConfig::default(), &QuantOptions::default()).unwrap();
//! let bytes = image.encode().unwrap();
//! ```

mod calibrate;
mod calibration_error;
mod calibration_file;
mod error;
mod formats;
mod pack;
mod prune;
mod quantize;

pub use calibrate::{calibrate, random_features, Ranges};
pub use calibration_error::CalibrationFileError;
pub use calibration_file::{
    weights_crc32, CalibrationFile, StoredCalibration, TensorRange, CALIBRATED_TENSORS,
    CALIBRATION_VERSION,
};
pub use error::QuantError;
pub use formats::{frac_for, quantize_input, quantize_value, MAX_ACT_FRAC, MAX_W_FRAC};
pub use pack::pack;
pub use prune::{prune_magnitude, weight_sparsity};
pub use quantize::{quantize, weight_frac, QuantLayer, QuantNetwork, QuantOptions, LAYER_NAMES};

use crate::model::Model;
use ndarray::Array2;
use zeroskip_arch::image::DeviceImage;
use zeroskip_arch::HwConfig;

/// Calibrates `model` on `calibration` (feature frames of a few utterances), quantises it and
/// packs it for `hw`: the whole path from float weights to a validated device image.
pub fn build_image(
    model: &Model,
    calibration: &[Array2<f32>],
    hw: &HwConfig,
    options: &QuantOptions,
) -> Result<DeviceImage, QuantError> {
    let ranges = calibrate(model, calibration)?;
    let net = quantize(model, &ranges, hw, options)?;
    pack(&net, hw)
}
