//! The model's float weights, laid out as PyTorch lays them out, with their tensor names.
//!
//! | tensor | shape |
//! | --- | --- |
//! | `fc1.weight`, `fc1.bias` | `[fc_sizes[0], input_width]`, `[fc_sizes[0]]` |
//! | `fc2.weight`, `fc2.bias` | `[fc_sizes[1], fc_sizes[0]]`, `[fc_sizes[1]]` |
//! | `fc3.weight`, `fc3.bias` | `[fc_sizes[2], fc_sizes[1]]`, `[fc_sizes[2]]` |
//! | `lstm.weight_ih_l0` (and `_reverse`) | `[4 H, fc_sizes[2]]` |
//! | `lstm.weight_hh_l0` (and `_reverse`) | `[4 H, H]` |
//! | `lstm.bias_ih_l0`, `lstm.bias_hh_l0` (and `_reverse`) | `[4 H]` |
//! | `out.weight`, `out.bias` | `[output_width, 2 H]`, `[output_width]` |
//!
//! `H` is `lstm_hidden`; LSTM rows are gates in PyTorch's order i, f, g, o (`H` rows each).

use super::ModelConfig;
use ndarray::{Array1, Array2, ArrayD, ArrayViewD, IxDyn};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A fully connected layer: `y = W x + b`, `weight` is `[out, in]` as in `nn.Linear`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dense {
    /// `[out, in]`.
    pub weight: Array2<f32>,
    /// `[out]`.
    pub bias: Array1<f32>,
}

/// One direction of an LSTM layer, as in `nn.LSTM`: rows are the gates i, f, g, o, each
/// `hidden` rows; both biases are added.
#[derive(Clone, Debug, PartialEq)]
pub struct LstmWeights {
    /// `[4 hidden, in]`, PyTorch's `weight_ih_l0`.
    pub weight_ih: Array2<f32>,
    /// `[4 hidden, hidden]`, PyTorch's `weight_hh_l0`.
    pub weight_hh: Array2<f32>,
    /// `[4 hidden]`, PyTorch's `bias_ih_l0`.
    pub bias_ih: Array1<f32>,
    /// `[4 hidden]`, PyTorch's `bias_hh_l0`.
    pub bias_hh: Array1<f32>,
}

impl LstmWeights {
    /// Units of this direction.
    pub fn hidden(&self) -> usize {
        self.weight_hh.ncols()
    }
}

/// All weights of the model.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelWeights {
    /// First FC layer (clipped ReLU after).
    pub fc1: Dense,
    /// Second FC layer (clipped ReLU after).
    pub fc2: Dense,
    /// Third FC layer (clipped ReLU after).
    pub fc3: Dense,
    /// LSTM, forward direction (`..._l0`).
    pub lstm_forward: LstmWeights,
    /// LSTM, backward direction (`..._l0_reverse`).
    pub lstm_backward: LstmWeights,
    /// Output layer, to logits over the alphabet and the blank.
    pub out: Dense,
}

/// A tensor's name and the shape the configuration demands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorSpec {
    /// Name in the safetensors file.
    pub name: &'static str,
    /// Shape, outermost first.
    pub shape: Vec<usize>,
}

/// Every tensor of a model with `cfg`, in a fixed order (the order of [`ModelWeights::tensors`]).
pub fn tensor_specs(cfg: &ModelConfig) -> Vec<TensorSpec> {
    let [h1, h2, h3] = cfg.fc_sizes;
    let g = 4 * cfg.lstm_hidden;
    let h = cfg.lstm_hidden;
    let spec = |name, shape: &[usize]| TensorSpec {
        name,
        shape: shape.to_vec(),
    };
    vec![
        spec("fc1.weight", &[h1, cfg.input_width()]),
        spec("fc1.bias", &[h1]),
        spec("fc2.weight", &[h2, h1]),
        spec("fc2.bias", &[h2]),
        spec("fc3.weight", &[h3, h2]),
        spec("fc3.bias", &[h3]),
        spec("lstm.weight_ih_l0", &[g, h3]),
        spec("lstm.weight_hh_l0", &[g, h]),
        spec("lstm.bias_ih_l0", &[g]),
        spec("lstm.bias_hh_l0", &[g]),
        spec("lstm.weight_ih_l0_reverse", &[g, h3]),
        spec("lstm.weight_hh_l0_reverse", &[g, h]),
        spec("lstm.bias_ih_l0_reverse", &[g]),
        spec("lstm.bias_hh_l0_reverse", &[g]),
        spec("out.weight", &[cfg.output_width(), 2 * h]),
        spec("out.bias", &[cfg.output_width()]),
    ]
}

/// A tensor's name and values, borrowed from [`ModelWeights`].
#[derive(Clone, Debug)]
pub struct TensorRef<'a> {
    /// Name in the safetensors file.
    pub name: &'static str,
    /// The values with their shape.
    pub view: ArrayViewD<'a, f32>,
}

impl ModelWeights {
    /// Weights drawn uniformly from ±1/√fan_in (PyTorch's default initialisation of
    /// `nn.Linear`; `nn.LSTM` uses ±1/√hidden), reproducibly from `seed`. For tests and
    /// benchmarks.
    pub fn random(cfg: &ModelConfig, seed: u64) -> ModelWeights {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut uniform = |shape: &[usize], fan: usize| -> ArrayD<f32> {
            let bound = 1.0 / (fan.max(1) as f32).sqrt();
            ArrayD::from_shape_simple_fn(IxDyn(shape), || rng.gen_range(-bound..=bound))
        };
        let values: Vec<ArrayD<f32>> = tensor_specs(cfg)
            .iter()
            .map(|spec| {
                let fan = if spec.name.starts_with("lstm.") {
                    cfg.lstm_hidden
                } else {
                    match spec.name {
                        "fc1.weight" | "fc1.bias" => cfg.input_width(),
                        "fc2.weight" | "fc2.bias" => cfg.fc_sizes[0],
                        "fc3.weight" | "fc3.bias" => cfg.fc_sizes[1],
                        _ => 2 * cfg.lstm_hidden,
                    }
                };
                uniform(&spec.shape, fan)
            })
            .collect();
        let values = values
            .into_iter()
            .map(|a| a.into_iter().collect())
            .collect();
        match Self::from_ordered(cfg, values) {
            Some(w) => w,
            // from_ordered only fails on shapes that tensor_specs itself produced.
            None => unreachable!("tensor_specs and from_ordered disagree"),
        }
    }

    /// Every tensor with its name, in the order of [`tensor_specs`].
    pub fn tensors(&self) -> Vec<TensorRef<'_>> {
        fn t<'a, D: ndarray::Dimension>(
            name: &'static str,
            a: &'a ndarray::Array<f32, D>,
        ) -> TensorRef<'a> {
            TensorRef {
                name,
                view: a.view().into_dyn(),
            }
        }
        let (f, b) = (&self.lstm_forward, &self.lstm_backward);
        vec![
            t("fc1.weight", &self.fc1.weight),
            t("fc1.bias", &self.fc1.bias),
            t("fc2.weight", &self.fc2.weight),
            t("fc2.bias", &self.fc2.bias),
            t("fc3.weight", &self.fc3.weight),
            t("fc3.bias", &self.fc3.bias),
            t("lstm.weight_ih_l0", &f.weight_ih),
            t("lstm.weight_hh_l0", &f.weight_hh),
            t("lstm.bias_ih_l0", &f.bias_ih),
            t("lstm.bias_hh_l0", &f.bias_hh),
            t("lstm.weight_ih_l0_reverse", &b.weight_ih),
            t("lstm.weight_hh_l0_reverse", &b.weight_hh),
            t("lstm.bias_ih_l0_reverse", &b.bias_ih),
            t("lstm.bias_hh_l0_reverse", &b.bias_hh),
            t("out.weight", &self.out.weight),
            t("out.bias", &self.out.bias),
        ]
    }

    /// Builds the weights from tensors in the order of [`tensor_specs`], each already checked
    /// against its spec's shape. `None` if the count or a length is wrong.
    pub(crate) fn from_ordered(cfg: &ModelConfig, values: Vec<Vec<f32>>) -> Option<Self> {
        Self::from_specs(tensor_specs(cfg), values)
    }

    /// As [`ModelWeights::from_ordered`], with the shapes given tensor by tensor.
    fn from_specs(specs: Vec<TensorSpec>, values: Vec<Vec<f32>>) -> Option<Self> {
        if values.len() != specs.len() {
            return None;
        }
        // A stack popped in spec order.
        let mut stack: Vec<(Vec<f32>, TensorSpec)> = values.into_iter().zip(specs).rev().collect();
        fn matrix(stack: &mut Vec<(Vec<f32>, TensorSpec)>) -> Option<Array2<f32>> {
            let (v, s) = stack.pop()?;
            Array2::from_shape_vec((*s.shape.first()?, *s.shape.get(1)?), v).ok()
        }
        fn vector(stack: &mut Vec<(Vec<f32>, TensorSpec)>) -> Option<Array1<f32>> {
            let (v, s) = stack.pop()?;
            (s.shape == [v.len()]).then(|| Array1::from_vec(v))
        }
        fn dense(stack: &mut Vec<(Vec<f32>, TensorSpec)>) -> Option<Dense> {
            Some(Dense {
                weight: matrix(stack)?,
                bias: vector(stack)?,
            })
        }
        fn lstm(stack: &mut Vec<(Vec<f32>, TensorSpec)>) -> Option<LstmWeights> {
            Some(LstmWeights {
                weight_ih: matrix(stack)?,
                weight_hh: matrix(stack)?,
                bias_ih: vector(stack)?,
                bias_hh: vector(stack)?,
            })
        }
        Some(ModelWeights {
            fc1: dense(&mut stack)?,
            fc2: dense(&mut stack)?,
            fc3: dense(&mut stack)?,
            lstm_forward: lstm(&mut stack)?,
            lstm_backward: lstm(&mut stack)?,
            out: dense(&mut stack)?,
        })
    }

    /// The element-wise mean of `models` (checkpoint averaging: the last epochs' models of a
    /// run, averaged, are often a little better than any one of them). A weight that is zero
    /// in every model stays exactly zero, so models sharing a pruning mask average to a model
    /// with that mask. `None` if `models` is empty or their shapes differ.
    pub fn mean(models: &[ModelWeights]) -> Option<ModelWeights> {
        let tensors: Vec<Vec<TensorRef<'_>>> = models.iter().map(ModelWeights::tensors).collect();
        let (first, rest) = tensors.split_first()?;
        let same_shapes = |m: &Vec<TensorRef<'_>>| {
            m.iter()
                .zip(first)
                .all(|(a, b)| a.view.shape() == b.view.shape())
        };
        if !rest.iter().all(same_shapes) {
            return None;
        }
        let n = models.len() as f64;
        let values = (0..first.len())
            .map(|i| {
                let mut sum: Vec<f64> = first[i].view.iter().map(|&v| f64::from(v)).collect();
                for m in rest {
                    for (s, &v) in sum.iter_mut().zip(m[i].view.iter()) {
                        *s += f64::from(v);
                    }
                }
                sum.into_iter().map(|s| (s / n) as f32).collect()
            })
            .collect();
        let specs = first
            .iter()
            .map(|t| TensorSpec {
                name: t.name,
                shape: t.view.shape().to_vec(),
            })
            .collect();
        Self::from_specs(specs, values)
    }

    /// Checks every tensor's shape against `cfg`; the first mismatch is returned.
    pub fn check_shapes(&self, cfg: &ModelConfig) -> Result<(), ShapeMismatch> {
        for (t, spec) in self.tensors().into_iter().zip(tensor_specs(cfg)) {
            if t.view.shape() != spec.shape.as_slice() {
                return Err(ShapeMismatch {
                    name: spec.name,
                    found: t.view.shape().to_vec(),
                    expected: spec.shape,
                });
            }
        }
        Ok(())
    }
}

/// A tensor whose shape is not the one the configuration demands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("tensor {name} has shape {found:?}, the configuration needs {expected:?}")]
pub struct ShapeMismatch {
    /// The tensor's name.
    pub name: &'static str,
    /// Its shape.
    pub found: Vec<usize>,
    /// The shape the configuration demands.
    pub expected: Vec<usize>,
}
