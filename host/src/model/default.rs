//! The model compiled into the binary, used when no `--model` is given. None yet: a trained
//! model will be embedded here. To embed one, replace `None` in [`DEFAULT_MODEL`] by
//! `Some((include_bytes!("<path>/model.json"), include_bytes!("<path>/model.safetensors")))`.

use super::{Model, ModelError};
use std::path::Path;
use thiserror::Error;

/// The embedded model's configuration JSON and safetensors bytes, if one is compiled in.
pub const DEFAULT_MODEL: Option<(&[u8], &[u8])> = None;

/// Why the default model cannot be had.
#[derive(Debug, Error)]
pub enum DefaultModelError {
    /// This build has no model compiled in.
    #[error("no default model is compiled into this build yet; give one with --model <folder or .json file> (a folder holds model.json and model.safetensors)")]
    NotCompiledIn,
    /// The embedded model is broken (a build problem).
    #[error("the compiled-in default model is invalid")]
    Invalid(#[source] ModelError),
}

/// Loads the compiled-in model.
pub fn default_model() -> Result<Model, DefaultModelError> {
    let (json, weights) = DEFAULT_MODEL.ok_or(DefaultModelError::NotCompiledIn)?;
    Model::from_bytes(
        json,
        Path::new("<built-in>/model.json"),
        weights,
        Path::new("<built-in>/model.safetensors"),
    )
    .map_err(DefaultModelError::Invalid)
}
