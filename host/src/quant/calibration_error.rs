//! Why a `calibration.json` cannot be read, written or used with a model; every variant names
//! the file and quotes the offending value.

use std::path::PathBuf;
use thiserror::Error;

/// Why a stored calibration ([`super::CalibrationFile`]) was refused.
#[derive(Debug, Error)]
pub enum CalibrationFileError {
    /// The file could not be read.
    #[error("cannot read the calibration {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("cannot write the calibration {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Not JSON, or not the fields of a calibration.
    #[error("{path} is not a valid calibration file")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// A format version this build does not read.
    #[error("{path}: calibration format version {found}, this build reads version {expected} (re-run `zeroskip calibrate`)")]
    Version {
        /// The file.
        path: PathBuf,
        /// The `version` field as written (`missing` if absent).
        found: String,
        /// [`super::CALIBRATION_VERSION`].
        expected: u32,
    },
    /// Not one range per activation tensor of the network.
    #[error(
        "{path}: {found} tensors {names:?}, a calibration holds {expected}: {expected_names:?}"
    )]
    TensorCount {
        /// The file.
        path: PathBuf,
        /// Tensors in the file.
        found: usize,
        /// Their names.
        names: Vec<String>,
        /// Tensors of the network.
        expected: usize,
        /// Their names, in order.
        expected_names: Vec<&'static str>,
    },
    /// A tensor out of order or of another name.
    #[error("{path}: tensor {index} is named {found:?}, expected {expected:?}")]
    TensorName {
        /// The file.
        path: PathBuf,
        /// Its position.
        index: usize,
        /// Its name in the file.
        found: String,
        /// The name expected there.
        expected: &'static str,
    },
    /// A range that is negative, NaN or infinite.
    #[error("{path}: tensor {tensor} has max_abs {value}, which must be finite and at least 0")]
    Range {
        /// The file.
        path: PathBuf,
        /// The tensor.
        tensor: &'static str,
        /// The value.
        value: f32,
    },
    /// No frames were measured.
    #[error("{path}: calibrated on 0 frames")]
    NoFrames {
        /// The file.
        path: PathBuf,
    },
    /// The file was measured on a model of another shape.
    #[error("{path}: tensor {tensor} is {found} wide in the calibration, {expected} in the model; the calibration belongs to another model (re-run `zeroskip calibrate`)")]
    Width {
        /// The file.
        path: PathBuf,
        /// The tensor.
        tensor: &'static str,
        /// Its width in the file.
        found: usize,
        /// Its width in the model.
        expected: usize,
    },
    /// The file was measured on other weights of the same shape.
    #[error("{path}: measured on weights with CRC-32 {found:08x}, the model's weights have {expected:08x}; the calibration belongs to another model (re-run `zeroskip calibrate`)")]
    Weights {
        /// The file.
        path: PathBuf,
        /// The CRC in the file.
        found: u32,
        /// The model's.
        expected: u32,
    },
}
