//! Model files: the configuration as JSON and the weights as safetensors beside it.
//!
//! A model path is either a folder holding `model.json` and `model.safetensors`, or a `.json`
//! file whose weights are the `.safetensors` file of the same stem in the same folder
//! (`dir/tiny.json` → `dir/tiny.safetensors`). Loading checks the configuration, then that the
//! weights hold exactly the tensors the configuration needs, each f32 with the right shape and
//! finite values; any problem is an error naming the file and the tensor.

use super::{tensor_specs, ConfigError, Model, ModelConfig, ModelWeights, ShapeMismatch};
use safetensors::{Dtype, SafeTensorError, SafeTensors};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// File name of the configuration inside a model folder.
pub const CONFIG_FILE: &str = "model.json";
/// File name of the weights inside a model folder.
pub const WEIGHTS_FILE: &str = "model.safetensors";

/// Why a model cannot be loaded or saved; every variant names the file.
#[derive(Debug, Error)]
pub enum ModelError {
    /// The model path does not exist.
    #[error("model {path} does not exist (give a folder with {CONFIG_FILE} and {WEIGHTS_FILE}, or a .json file with a .safetensors file of the same stem beside it)")]
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
        let weights = read(&paths.weights)?;
        Model::from_bytes(&config, &paths.config, &weights, &paths.weights)
    }

    /// Parses and checks a model from the bytes of its two files; the paths only label errors
    /// (for a model compiled into the binary they can be any name).
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
        let weights = parse_weights(&config, weights, weights_path)?;
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
