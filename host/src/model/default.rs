//! The model compiled into the binary, used when no `--model` is given. It lives in
//! `host/models/default/` (`model.json`, `model.safetensors.gz` and optionally
//! `calibration.json`, see the README there); `host/build.rs` embeds the folder only when
//! `model.json` is in it, setting the cfg `zeroskip_default_model` (and
//! `zeroskip_default_calibration`) and the folder's path in `ZEROSKIP_DEFAULT_MODEL_DIR`.
//! Without those files [`DEFAULT_MODEL`] is `None` and [`default_model`] says so.

use super::{Model, ModelError};
use std::path::Path;
use thiserror::Error;

/// The embedded model's configuration JSON and (gzipped) safetensors bytes.
#[cfg(zeroskip_default_model)]
pub const DEFAULT_MODEL: Option<(&[u8], &[u8])> = Some((
    include_bytes!(concat!(env!("ZEROSKIP_DEFAULT_MODEL_DIR"), "/model.json")),
    include_bytes!(concat!(
        env!("ZEROSKIP_DEFAULT_MODEL_DIR"),
        "/model.safetensors.gz"
    )),
));
/// The embedded model's configuration JSON and (gzipped) safetensors bytes: none in this
/// build (`host/models/default/` holds no `model.json`).
#[cfg(not(zeroskip_default_model))]
pub const DEFAULT_MODEL: Option<(&[u8], &[u8])> = None;

/// The embedded model's `calibration.json`, if it has one.
#[cfg(zeroskip_default_calibration)]
pub const DEFAULT_CALIBRATION: Option<&[u8]> = Some(include_bytes!(concat!(
    env!("ZEROSKIP_DEFAULT_MODEL_DIR"),
    "/calibration.json"
)));
/// The embedded model's `calibration.json`: none in this build.
#[cfg(not(zeroskip_default_calibration))]
pub const DEFAULT_CALIBRATION: Option<&[u8]> = None;

/// Why the default model cannot be had.
#[derive(Debug, Error)]
pub enum DefaultModelError {
    /// This build has no model compiled in.
    #[error("no default model is compiled into this build; give one with --model <folder or .json file> (a folder holds model.json and model.safetensors or model.safetensors.gz), or put one in host/models/default/ and rebuild (host/models/default/README.md)")]
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
        Path::new("<built-in>/model.safetensors.gz"),
    )
    .map_err(DefaultModelError::Invalid)
}

/// The compiled-in model's `calibration.json` bytes with the name that labels them, if it has
/// one (parse and check them with [`crate::quant::CalibrationFile::from_json`]).
pub fn default_calibration() -> Option<(&'static [u8], &'static Path)> {
    DEFAULT_CALIBRATION.map(|bytes| (bytes, Path::new("<built-in>/calibration.json")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::CalibrationFile;

    /// Whatever is compiled in loads, and its calibration (if any) fits it; without a model
    /// the error says how to give one.
    #[test]
    fn the_compiled_in_model_is_valid() {
        match default_model() {
            Ok(model) => {
                if let Some((bytes, path)) = default_calibration() {
                    let file = CalibrationFile::from_json(bytes, path).unwrap();
                    file.ranges_for(&model, path).unwrap();
                }
            }
            Err(e) => {
                assert!(DEFAULT_MODEL.is_none(), "{e:?}");
                assert!(DEFAULT_CALIBRATION.is_none());
                assert!(e.to_string().contains("--model"), "{e}");
            }
        }
    }
}
