//! Why a model cannot be loaded or saved: [`ModelError`], every variant naming the file (and
//! the tensor, and quoting the offending value).

use super::io::{CONFIG_FILE, WEIGHTS_FILE, WEIGHTS_GZ_FILE};
use super::{ConfigError, ShapeMismatch};
use safetensors::SafeTensorError;
use std::path::PathBuf;
use thiserror::Error;

/// Why a model cannot be loaded or saved; every variant names the file.
#[derive(Debug, Error)]
pub enum ModelError {
    /// The model path does not exist.
    #[error("model {path} does not exist (give a folder with {CONFIG_FILE} and {WEIGHTS_FILE} or {WEIGHTS_GZ_FILE}, or a .json file with a .safetensors or .safetensors.gz file of the same stem beside it)")]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// A file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The configuration is not valid JSON for a [`ModelConfig`].
    #[error("{path} is not a valid model configuration")]
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// The configuration parses but a value is out of range.
    #[error("{path}: invalid model configuration")]
    Config {
        /// The file.
        path: PathBuf,
        /// The problem.
        #[source]
        source: ConfigError,
    },
    /// The weights start with the gzip magic but do not decompress.
    #[error("{path} starts like a gzip file (1f 8b) but is not a valid gzip stream (corrupt or truncated?)")]
    Gzip {
        /// The file.
        path: PathBuf,
        /// The decompression error.
        #[source]
        source: std::io::Error,
    },
    /// Both the plain and the gzipped weights exist, so which one is meant is unclear.
    #[error("both {plain} and {gz} exist; keep only one of them")]
    TwoWeightFiles {
        /// The plain safetensors file.
        plain: PathBuf,
        /// The gzipped one.
        gz: PathBuf,
    },
    /// The weights are not a readable safetensors file.
    #[error("{path} is not a valid safetensors file")]
    Safetensors {
        /// The file.
        path: PathBuf,
        /// The format error.
        #[source]
        source: SafeTensorError,
    },
    /// A tensor the configuration needs is absent.
    #[error("{path}: tensor {name} is missing (the configuration needs shape {expected:?}){}", unused_hint(.unused))]
    MissingTensor {
        /// The weights file.
        path: PathBuf,
        /// The tensor.
        name: String,
        /// Its shape according to the configuration.
        expected: Vec<usize>,
        /// Tensors in the file that the model does not use (a naming mismatch shows here).
        unused: Vec<String>,
    },
    /// A tensor has the wrong shape for the configuration.
    #[error("{path}: tensor {name} has shape {found:?}, the configuration needs {expected:?}")]
    Shape {
        /// The weights file.
        path: PathBuf,
        /// The tensor.
        name: String,
        /// Its shape in the file.
        found: Vec<usize>,
        /// The shape the configuration needs.
        expected: Vec<usize>,
    },
    /// A tensor is not f32.
    #[error("{path}: tensor {name} has dtype {found}, expected F32 (convert with tensor.float() before saving)")]
    Dtype {
        /// The weights file.
        path: PathBuf,
        /// The tensor.
        name: String,
        /// Its dtype in the file.
        found: String,
    },
    /// A tensor holds NaN or infinity.
    #[error("{path}: tensor {name} holds the non-finite value {value} at flat index {index}")]
    NonFinite {
        /// The weights file.
        path: PathBuf,
        /// The tensor.
        name: String,
        /// The value.
        value: f32,
        /// Its row-major index.
        index: usize,
    },
    /// The file holds tensors the model does not use.
    #[error("{path}: unexpected tensors {names:?}; a model holds only {expected:?}")]
    ExtraTensors {
        /// The weights file.
        path: PathBuf,
        /// The tensors not used.
        names: Vec<String>,
        /// The tensors a model holds.
        expected: Vec<&'static str>,
    },
    /// In-memory weights do not fit their configuration (on save).
    #[error("{path}: {mismatch}")]
    WeightsMismatch {
        /// The file being written.
        path: PathBuf,
        /// The mismatch.
        mismatch: ShapeMismatch,
    },
}

fn unused_hint(unused: &[String]) -> String {
    if unused.is_empty() {
        String::new()
    } else {
        format!("; the file also holds tensors the model does not use: {unused:?}")
    }
}
