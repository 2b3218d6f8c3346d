//! Model files: the configuration as JSON and the weights as safetensors beside it, plain or
//! gzipped.
//!
//! A model path is either a folder holding `model.json` and `model.safetensors` (or
//! `model.safetensors.gz`), or a `.json` file whose weights are the `.safetensors` (or
//! `.safetensors.gz`) file of the same stem in the same folder (`dir/tiny.json` →
//! `dir/tiny.safetensors`). Gzipped weights are recognised by their magic bytes and
//! decompressed in memory ([`super::gunzip_if_gzip`]). Loading checks the configuration, then
//! that the weights hold exactly the tensors the configuration needs, each f32 with the right
//! shape and finite values; any problem is an error naming the file and the tensor.

use super::gzip::gunzip_if_gzip;
use super::{tensor_specs, Model, ModelConfig, ModelError, ModelWeights};
use safetensors::{Dtype, SafeTensors};
use std::path::{Path, PathBuf};

/// File name of the configuration inside a model folder.
pub const CONFIG_FILE: &str = "model.json";
/// File name of the weights inside a model folder.
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// File name of the gzipped weights inside a model folder (used when [`WEIGHTS_FILE`] is
/// absent).
pub const WEIGHTS_GZ_FILE: &str = "model.safetensors.gz";
/// File name of the stored activation ranges inside a model folder (optional; see
/// `zeroskip calibrate` and [`crate::quant::CalibrationFile`]).
pub const CALIBRATION_FILE: &str = "calibration.json";

/// Where a model's two files are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelPaths {
    /// The configuration (JSON).
    pub config: PathBuf,
    /// The weights (safetensors).
    pub weights: PathBuf,
}

impl ModelPaths {
    /// Resolves a model path: a folder gives `folder/model.json` and `folder/model.safetensors`;
    /// anything else is taken as the configuration file, with the weights at the same path
    /// with the extension `.safetensors`. Does not touch the file system except to ask whether
    /// `path` is a folder.
    pub fn resolve(path: &Path) -> ModelPaths {
        if path.is_dir() {
            ModelPaths {
                config: path.join(CONFIG_FILE),
                weights: path.join(WEIGHTS_FILE),
            }
        } else {
            ModelPaths {
                config: path.to_path_buf(),
                weights: path.with_extension("safetensors"),
            }
        }
    }

    /// The gzipped weights: [`ModelPaths::weights`] with `.gz` appended.
    pub fn weights_gz(&self) -> PathBuf {
        let mut name = self.weights.clone().into_os_string();
        name.push(".gz");
        PathBuf::from(name)
    }

    /// The weights file to read: [`ModelPaths::weights`] if it exists, else
    /// [`ModelPaths::weights_gz`] if that exists, else [`ModelPaths::weights`] (whose reading
    /// then fails naming it). Both existing is an error: a stale copy would otherwise be
    /// loaded without a word.
    pub fn existing_weights(&self) -> Result<PathBuf, ModelError> {
        let gz = self.weights_gz();
        match (self.weights.exists(), gz.exists()) {
            (true, true) => Err(ModelError::TwoWeightFiles {
                plain: self.weights.clone(),
                gz,
            }),
            (false, true) => Ok(gz),
            _ => Ok(self.weights.clone()),
        }
    }

    /// Where the model's stored calibration is: `calibration.json` beside `model.json`, or
    /// for a configuration file of another name `dir/<stem>.calibration.json`.
    pub fn calibration(&self) -> PathBuf {
        if self.config.file_name().is_some_and(|n| n == CONFIG_FILE) {
            self.config.with_file_name(CALIBRATION_FILE)
        } else {
            self.config.with_extension(CALIBRATION_FILE)
        }
    }
}

impl Model {
    /// Loads and checks a model from a folder or a `.json` path (see [`ModelPaths::resolve`]).
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        if !path.exists() {
            return Err(ModelError::NotFound {
                path: path.to_path_buf(),
            });
        }
        let paths = ModelPaths::resolve(path);
        let read = |p: &Path| {
            std::fs::read(p).map_err(|source| ModelError::Read {
                path: p.to_path_buf(),
                source,
            })
        };
        let config = read(&paths.config)?;
        let weights_path = paths.existing_weights()?;
        let weights = read(&weights_path)?;
        Model::from_bytes(&config, &paths.config, &weights, &weights_path)
    }

    /// Parses and checks a model from the bytes of its two files; the weights may be gzipped
    /// (recognised by the magic `1f 8b`). The paths only label errors (for a model compiled
    /// into the binary they can be any name).
    pub fn from_bytes(
        config_json: &[u8],
        config_path: &Path,
        weights: &[u8],
        weights_path: &Path,
    ) -> Result<Model, ModelError> {
        let config: ModelConfig =
            serde_json::from_slice(config_json).map_err(|source| ModelError::Json {
                path: config_path.to_path_buf(),
                source,
            })?;
        config.validate().map_err(|source| ModelError::Config {
            path: config_path.to_path_buf(),
            source,
        })?;
        let weights = gunzip_if_gzip(weights, weights_path)?;
        let weights = parse_weights(&config, &weights, weights_path)?;
        Ok(Model { config, weights })
    }

    /// Writes the model as a folder (`path/model.json`, `path/model.safetensors`, creating the
    /// folder) when `path` has no `.json` extension, else as `path` and its `.safetensors`
    /// sibling. Returns where the files went. Refuses weights whose shapes do not fit the
    /// configuration.
    pub fn save(&self, path: &Path) -> Result<ModelPaths, ModelError> {
        let paths = if path.extension().is_some_and(|e| e == "json") {
            ModelPaths::resolve(path)
        } else {
            std::fs::create_dir_all(path).map_err(|source| ModelError::Write {
                path: path.to_path_buf(),
                source,
            })?;
            ModelPaths::resolve(path)
        };
        let (json, weights) = self.to_bytes().map_err(|e| match e {
            ModelError::WeightsMismatch { mismatch, .. } => ModelError::WeightsMismatch {
                path: paths.weights.clone(),
                mismatch,
            },
            other => other,
        })?;
        let write = |p: &Path, bytes: &[u8]| {
            std::fs::write(p, bytes).map_err(|source| ModelError::Write {
                path: p.to_path_buf(),
                source,
            })
        };
        write(&paths.config, &json)?;
        write(&paths.weights, &weights)?;
        Ok(paths)
    }

    /// The bytes of the two files: pretty JSON, and safetensors with every tensor f32.
    pub fn to_bytes(&self) -> Result<(Vec<u8>, Vec<u8>), ModelError> {
        self.weights
            .check_shapes(&self.config)
            .map_err(|mismatch| ModelError::WeightsMismatch {
                path: PathBuf::from(WEIGHTS_FILE),
                mismatch,
            })?;
        let mut json =
            serde_json::to_vec_pretty(&self.config).map_err(|source| ModelError::Json {
                path: PathBuf::from(CONFIG_FILE),
                source,
            })?;
        json.push(b'\n');
        let tensors = self.weights.tensors();
        let data: Vec<(String, Vec<u8>, Vec<usize>)> = tensors
            .iter()
            .map(|t| {
                let bytes = t.view.iter().flat_map(|v| v.to_le_bytes()).collect();
                (t.name.to_string(), bytes, t.view.shape().to_vec())
            })
            .collect();
        let views = data
            .iter()
            .map(|(name, bytes, shape)| {
                safetensors::tensor::TensorView::new(Dtype::F32, shape.clone(), bytes)
                    .map(|v| (name.clone(), v))
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| ModelError::Safetensors {
                path: PathBuf::from(WEIGHTS_FILE),
                source,
            })?;
        let bytes =
            safetensors::serialize(views, &None).map_err(|source| ModelError::Safetensors {
                path: PathBuf::from(WEIGHTS_FILE),
                source,
            })?;
        Ok((json, bytes))
    }
}

/// Reads and checks every tensor of a safetensors buffer against `config`.
fn parse_weights(
    config: &ModelConfig,
    bytes: &[u8],
    path: &Path,
) -> Result<ModelWeights, ModelError> {
    let file = SafeTensors::deserialize(bytes).map_err(|source| ModelError::Safetensors {
        path: path.to_path_buf(),
        source,
    })?;
    let specs = tensor_specs(config);
    let mut extra: Vec<String> = file
        .names()
        .into_iter()
        .filter(|n| !specs.iter().any(|s| s.name == n.as_str()))
        .cloned()
        .collect();
    extra.sort();
    let mut values = Vec::with_capacity(specs.len());
    for spec in &specs {
        let tensor = file
            .tensor(spec.name)
            .map_err(|_| ModelError::MissingTensor {
                path: path.to_path_buf(),
                name: spec.name.to_string(),
                expected: spec.shape.clone(),
                unused: extra.clone(),
            })?;
        if tensor.dtype() != Dtype::F32 {
            return Err(ModelError::Dtype {
                path: path.to_path_buf(),
                name: spec.name.to_string(),
                found: format!("{:?}", tensor.dtype()),
            });
        }
        if tensor.shape() != spec.shape.as_slice() {
            return Err(ModelError::Shape {
                path: path.to_path_buf(),
                name: spec.name.to_string(),
                found: tensor.shape().to_vec(),
                expected: spec.shape.clone(),
            });
        }
        let v: Vec<f32> = tensor
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if let Some((index, &value)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(ModelError::NonFinite {
                path: path.to_path_buf(),
                name: spec.name.to_string(),
                value,
                index,
            });
        }
        values.push(v);
    }
    if !extra.is_empty() {
        return Err(ModelError::ExtraTensors {
            path: path.to_path_buf(),
            names: extra,
            expected: specs.iter().map(|s| s.name).collect(),
        });
    }
    // Shapes were checked above, so this cannot fail; report it as a shape error if it does.
    ModelWeights::from_ordered(config, values).ok_or_else(|| ModelError::Shape {
        path: path.to_path_buf(),
        name: "(internal)".to_string(),
        found: Vec::new(),
        expected: Vec::new(),
    })
}
