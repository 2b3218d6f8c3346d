//! `calibration.json`: the activation ranges [`super::calibrate`] measured, stored beside a
//! model so that the golden backend and `zeroskip image` choose the same formats on every run
//! without the calibration audio. Written by `zeroskip calibrate`; read when a model folder
//! holds one (see [`ModelPaths::calibration`]) and no `--calibrate` WAVs are given.
//!
//! The file names each activation tensor with its width, so a calibration of another model
//! is refused rather than used, and carries the CRC-32 of the weights it was measured on
//! ([`weights_crc32`]), so a calibration left over from an earlier training run is refused
//! too. Example:
//!
//! ```json
//! {
//!   "version": 1,
//!   "source": "manifest corpus/valid.tsv: 200 of 1000 utterances, evenly spaced",
//!   "utterances": 200,
//!   "frames": 61234,
//!   "weights_crc32": 2864434397,
//!   "tensors": [
//!     { "name": "input", "width": 494, "max_abs": 5.61 },
//!     { "name": "fc1", "width": 512, "max_abs": 20.0 },
//!     { "name": "fc2", "width": 512, "max_abs": 14.2 },
//!     { "name": "fc3", "width": 512, "max_abs": 9.7 },
//!     { "name": "lstm", "width": 512, "max_abs": 0.98 },
//!     { "name": "logits", "width": 29, "max_abs": 31.5 }
//!   ]
//! }
//! ```

use super::{CalibrationFileError, Ranges};
use crate::model::{Model, ModelConfig, ModelPaths, ModelWeights};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroskip_arch::checksum::crc32;

/// The format version this build writes and reads.
pub const CALIBRATION_VERSION: u32 = 1;

/// The activation tensors a calibration covers, in order.
pub const CALIBRATED_TENSORS: [&str; 6] = ["input", "fc1", "fc2", "fc3", "lstm", "logits"];

/// One tensor's measured range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TensorRange {
    /// One of [`CALIBRATED_TENSORS`].
    pub name: String,
    /// Values per frame in the model measured.
    pub width: usize,
    /// Largest magnitude seen.
    pub max_abs: f32,
}

/// The contents of a `calibration.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationFile {
    /// [`CALIBRATION_VERSION`].
    pub version: u32,
    /// What the ranges were measured on, for people.
    pub source: String,
    /// Utterances measured.
    pub utterances: usize,
    /// Feature frames measured.
    pub frames: usize,
    /// [`weights_crc32`] of the model measured.
    pub weights_crc32: u32,
    /// One range per tensor of [`CALIBRATED_TENSORS`], in that order.
    pub tensors: Vec<TensorRange>,
}

/// CRC-32 of a model's weights: every tensor's f32 values, little-endian, in the order of
/// [`crate::model::tensor_specs`] (so plain and gzipped files of one model agree).
pub fn weights_crc32(weights: &ModelWeights) -> u32 {
    let bytes: Vec<u8> = weights
        .tensors()
        .iter()
        .flat_map(|t| {
            t.view
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect::<Vec<_>>()
        })
        .collect();
    crc32(&bytes)
}

/// The width of every calibrated tensor in a model of `cfg`.
fn widths(cfg: &ModelConfig) -> [usize; 6] {
    let [h1, h2, h3] = cfg.fc_sizes;
    [
        cfg.input_width(),
        h1,
        h2,
        h3,
        2 * cfg.lstm_hidden,
        cfg.output_width(),
    ]
}

impl CalibrationFile {
    /// The file for `ranges` measured on `model` over `utterances` utterances of `source`.
    pub fn measured(model: &Model, ranges: &Ranges, source: String, utterances: usize) -> Self {
        let values = [
            ranges.input,
            ranges.fc[0],
            ranges.fc[1],
            ranges.fc[2],
            ranges.lstm,
            ranges.logits,
        ];
        let tensors = CALIBRATED_TENSORS
            .iter()
            .zip(widths(&model.config))
            .zip(values)
            .map(|((name, width), max_abs)| TensorRange {
                name: name.to_string(),
                width,
                max_abs,
            })
            .collect();
        CalibrationFile {
            version: CALIBRATION_VERSION,
            source,
            utterances,
            frames: ranges.frames,
            weights_crc32: weights_crc32(&model.weights),
            tensors,
        }
    }

    /// Pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        // A struct of strings and numbers always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Parses a file's bytes and checks them on their own (version, tensors, values); `path`
    /// names the file in errors.
    pub fn from_json(bytes: &[u8], path: &Path) -> Result<Self, CalibrationFileError> {
        let json = |source| CalibrationFileError::Json {
            path: path.to_path_buf(),
            source,
        };
        // The version first, so that a file of another version says so rather than failing
        // on a field it does not share with this one.
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(json)?;
        let version = value.get("version");
        if version.and_then(serde_json::Value::as_u64) != Some(u64::from(CALIBRATION_VERSION)) {
            return Err(CalibrationFileError::Version {
                path: path.to_path_buf(),
                found: version.map_or("missing".to_string(), |v| v.to_string()),
                expected: CALIBRATION_VERSION,
            });
        }
        let file: CalibrationFile = serde_json::from_value(value).map_err(json)?;
        file.check(path)?;
        Ok(file)
    }

    fn check(&self, path: &Path) -> Result<(), CalibrationFileError> {
        if self.tensors.len() != CALIBRATED_TENSORS.len() {
            return Err(CalibrationFileError::TensorCount {
                path: path.to_path_buf(),
                found: self.tensors.len(),
                names: self.tensors.iter().map(|t| t.name.clone()).collect(),
                expected: CALIBRATED_TENSORS.len(),
                expected_names: CALIBRATED_TENSORS.to_vec(),
            });
        }
        for (index, (t, expected)) in self.tensors.iter().zip(CALIBRATED_TENSORS).enumerate() {
            if t.name != expected {
                return Err(CalibrationFileError::TensorName {
                    path: path.to_path_buf(),
                    index,
                    found: t.name.clone(),
                    expected,
                });
            }
            if !(t.max_abs.is_finite() && t.max_abs >= 0.0) {
                return Err(CalibrationFileError::Range {
                    path: path.to_path_buf(),
                    tensor: expected,
                    value: t.max_abs,
                });
            }
        }
        if self.frames == 0 {
            return Err(CalibrationFileError::NoFrames {
                path: path.to_path_buf(),
            });
        }
        Ok(())
    }

    /// Reads and checks a file.
    pub fn load(path: &Path) -> Result<Self, CalibrationFileError> {
        let bytes = std::fs::read(path).map_err(|source| CalibrationFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&bytes, path)
    }

    /// Writes the file.
    pub fn save(&self, path: &Path) -> Result<(), CalibrationFileError> {
        std::fs::write(path, self.to_json()).map_err(|source| CalibrationFileError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The ranges, after checking that the file was measured on `model` (every tensor's width,
    /// then the weights' CRC); `path` names the file in errors.
    pub fn ranges_for(&self, model: &Model, path: &Path) -> Result<Ranges, CalibrationFileError> {
        self.check(path)?;
        for ((t, expected), name) in self
            .tensors
            .iter()
            .zip(widths(&model.config))
            .zip(CALIBRATED_TENSORS)
        {
            if t.width != expected {
                return Err(CalibrationFileError::Width {
                    path: path.to_path_buf(),
                    tensor: name,
                    found: t.width,
                    expected,
                });
            }
        }
        let expected = weights_crc32(&model.weights);
        if self.weights_crc32 != expected {
            return Err(CalibrationFileError::Weights {
                path: path.to_path_buf(),
                found: self.weights_crc32,
                expected,
            });
        }
        let m = |i: usize| self.tensors[i].max_abs;
        Ok(Ranges {
            input: m(0),
            fc: [m(1), m(2), m(3)],
            lstm: m(4),
            logits: m(5),
            frames: self.frames,
        })
    }
}

/// A calibration found beside a model and checked against it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredCalibration {
    /// Where it was read from.
    pub path: PathBuf,
    /// The file.
    pub file: CalibrationFile,
    /// Its ranges, checked against the model.
    pub ranges: Ranges,
}

impl StoredCalibration {
    /// The calibration stored with the model at `model_path` (see
    /// [`ModelPaths::calibration`]), or with the compiled-in model when `model_path` is
    /// `None`; `Ok(None)` when there is none. A file that is there but unreadable, invalid or
    /// measured on another model is an error.
    pub fn find(
        model_path: Option<&Path>,
        model: &Model,
    ) -> Result<Option<StoredCalibration>, CalibrationFileError> {
        let (path, file) = match model_path {
            Some(p) => {
                let path = ModelPaths::resolve(p).calibration();
                if !path.exists() {
                    return Ok(None);
                }
                let file = CalibrationFile::load(&path)?;
                (path, file)
            }
            None => match crate::model::default_calibration() {
                Some((bytes, path)) => {
                    (path.to_path_buf(), CalibrationFile::from_json(bytes, path)?)
                }
                None => return Ok(None),
            },
        };
        let ranges = file.ranges_for(model, &path)?;
        Ok(Some(StoredCalibration { path, file, ranges }))
    }
}
