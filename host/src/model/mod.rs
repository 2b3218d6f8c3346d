//! The Deep Speech model in float: its configuration, its weights (safetensors, PyTorch
//! names, plain or gzipped), loading and saving with checks, the model compiled into the
//! binary, and the forward pass from feature frames to logits.
//!
//! Architecture (see `docs/MODEL.md`): FC1 → FC2 → FC3, each with a clipped ReLU
//! `min(max(x, 0), relu_clip)`; one bidirectional LSTM; FC `out` to logits over the alphabet and
//! the CTC blank. The layer math lives in [`layers`], one small function per operation, so
//! the fixed-point golden model can mirror it.

mod config;
mod default;
mod error;
mod forward;
pub(crate) mod gzip;
mod io;
pub mod layers;
mod weights;

pub use config::{ConfigError, ModelConfig, ENGLISH_ALPHABET};
pub use default::{
    default_calibration, default_model, DefaultModelError, DEFAULT_CALIBRATION, DEFAULT_MODEL,
};
pub use error::ModelError;
pub use forward::InputWidth;
pub use gzip::{gunzip_if_gzip, gzip, is_gzip, GZIP_MAGIC};
pub use io::{ModelPaths, CALIBRATION_FILE, CONFIG_FILE, WEIGHTS_FILE, WEIGHTS_GZ_FILE};
pub use layers::log_softmax;
pub use weights::{
    tensor_specs, Dense, LstmWeights, ModelWeights, ShapeMismatch, TensorRef, TensorSpec,
};

/// A configuration with weights that fit it.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Shapes, alphabet, front end.
    pub config: ModelConfig,
    /// The weights.
    pub weights: ModelWeights,
}

impl Model {
    /// Pairs a configuration with weights, checking the configuration and every shape.
    pub fn new(config: ModelConfig, weights: ModelWeights) -> Result<Model, NewModelError> {
        config.validate()?;
        weights.check_shapes(&config)?;
        Ok(Model { config, weights })
    }

    /// A model with `config` and [`ModelWeights::random`] weights.
    pub fn random(config: ModelConfig, seed: u64) -> Result<Model, ConfigError> {
        config.validate()?;
        let weights = ModelWeights::random(&config, seed);
        Ok(Model { config, weights })
    }
}

/// Why [`Model::new`] refused a configuration and weights.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NewModelError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A weight does not fit the configuration.
    #[error(transparent)]
    Shape(#[from] ShapeMismatch),
}
