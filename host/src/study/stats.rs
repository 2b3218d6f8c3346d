//! Shapes, non-zeros and sparsity of a model's tensors, per tensor and per layer: what
//! `zeroskip inspect` prints and the figures of `zeroskip report` plot.
//!
//! "Sparsity" is the fraction of zeros among the weight *matrices* (the eight that pruning
//! touches); biases are listed but never pruned, and are counted separately.

use crate::model::{Model, ModelWeights};
use serde::Serialize;

/// One tensor of the model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TensorStats {
    /// Safetensors name (`lstm.weight_ih_l0`).
    pub name: String,
    /// `weight` for a matrix, `bias` for a vector.
    pub kind: &'static str,
    /// Shape, `[out, in]` for a matrix.
    pub shape: Vec<usize>,
    /// Elements.
    pub params: usize,
    /// Elements that are not exactly zero.
    pub nonzeros: usize,
    /// `1 − nonzeros / params` (0 for an empty tensor).
    pub sparsity: f64,
}

/// One layer: its weight matrices together.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerStats {
    /// `fc1`, `fc2`, `fc3`, `lstm_forward`, `lstm_backward`, `out`.
    pub name: &'static str,
    /// Input and output width of the layer (`[in, out]`; an LSTM direction's output is `H`).
    pub shape: [usize; 2],
    /// Weights in its matrices.
    pub weights: usize,
    /// Non-zero weights in its matrices.
    pub nonzeros: usize,
    /// `1 − nonzeros / weights`.
    pub sparsity: f64,
}

/// The whole model.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelStats {
    /// Per layer.
    pub layers: Vec<LayerStats>,
    /// Per tensor, in the order of [`crate::model::tensor_specs`].
    pub tensors: Vec<TensorStats>,
    /// Weights in all matrices.
    pub weights: usize,
    /// Non-zero weights in all matrices.
    pub nonzero_weights: usize,
    /// Fraction of the matrices' weights that are zero: the model's sparsity.
    pub sparsity: f64,
    /// All parameters, biases included.
    pub params: usize,
    /// Non-zero parameters, biases included.
    pub nonzero_params: usize,
}

fn fraction_zero(nonzeros: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        1.0 - nonzeros as f64 / total as f64
    }
}

fn count_nonzeros<'a>(values: impl IntoIterator<Item = &'a f32>) -> usize {
    values.into_iter().filter(|v| **v != 0.0).count()
}

impl ModelStats {
    /// Counts every tensor of `weights`.
    pub fn of_weights(weights: &ModelWeights) -> ModelStats {
        let tensors: Vec<TensorStats> = weights
            .tensors()
            .into_iter()
            .map(|t| {
                let params = t.view.len();
                let nonzeros = count_nonzeros(t.view.iter());
                TensorStats {
                    name: t.name.to_string(),
                    kind: if t.view.ndim() == 2 { "weight" } else { "bias" },
                    shape: t.view.shape().to_vec(),
                    params,
                    nonzeros,
                    sparsity: fraction_zero(nonzeros, params),
                }
            })
            .collect();
        let layer = |name: &'static str, shape: [usize; 2], mats: &[&ndarray::Array2<f32>]| {
            let weights = mats.iter().map(|m| m.len()).sum();
            let nonzeros = mats.iter().map(|m| count_nonzeros(m.iter())).sum();
            LayerStats {
                name,
                shape,
                weights,
                nonzeros,
                sparsity: fraction_zero(nonzeros, weights),
            }
        };
        let w = weights;
        let (f, b) = (&w.lstm_forward, &w.lstm_backward);
        let dims = |m: &ndarray::Array2<f32>| [m.ncols(), m.nrows()];
        let layers = vec![
            layer("fc1", dims(&w.fc1.weight), &[&w.fc1.weight]),
            layer("fc2", dims(&w.fc2.weight), &[&w.fc2.weight]),
            layer("fc3", dims(&w.fc3.weight), &[&w.fc3.weight]),
            layer(
                "lstm_forward",
                [f.weight_ih.ncols(), f.hidden()],
                &[&f.weight_ih, &f.weight_hh],
            ),
            layer(
                "lstm_backward",
                [b.weight_ih.ncols(), b.hidden()],
                &[&b.weight_ih, &b.weight_hh],
            ),
            layer("out", dims(&w.out.weight), &[&w.out.weight]),
        ];
        let matrices = tensors.iter().filter(|t| t.kind == "weight");
        let weights_total: usize = matrices.clone().map(|t| t.params).sum();
        let nonzero_weights: usize = matrices.map(|t| t.nonzeros).sum();
        ModelStats {
            layers,
            weights: weights_total,
            nonzero_weights,
            sparsity: fraction_zero(nonzero_weights, weights_total),
            params: tensors.iter().map(|t| t.params).sum(),
            nonzero_params: tensors.iter().map(|t| t.nonzeros).sum(),
            tensors,
        }
    }

    /// Counts every tensor of `model`.
    pub fn of(model: &Model) -> ModelStats {
        Self::of_weights(&model.weights)
    }

    /// The weight matrices only (the eight that pruning touches).
    pub fn matrices(&self) -> impl Iterator<Item = &TensorStats> {
        self.tensors.iter().filter(|t| t.kind == "weight")
    }
}

/// Every weight of the eight matrices, in tensor order (for histograms).
pub fn matrix_values(weights: &ModelWeights) -> Vec<f32> {
    weights
        .tensors()
        .into_iter()
        .filter(|t| t.view.ndim() == 2)
        .flat_map(|t| t.view.iter().copied().collect::<Vec<_>>())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelConfig;

    fn small() -> ModelConfig {
        ModelConfig {
            fc_sizes: [16, 12, 8],
            lstm_hidden: 6,
            ..ModelConfig::default()
        }
    }

    #[test]
    fn a_random_model_is_dense_and_every_count_adds_up() {
        let m = Model::random(small(), 3).unwrap();
        let s = ModelStats::of(&m);
        let input = m.config.input_width();
        assert_eq!(s.layers.len(), 6);
        assert_eq!(s.layers[0].shape, [input, 16]);
        assert_eq!(s.layers[3].shape, [8, 6]);
        assert_eq!(s.layers[3].weights, 4 * 6 * 8 + 4 * 6 * 6);
        assert_eq!(s.tensors.len(), 16);
        assert_eq!(s.matrices().count(), 8);
        assert_eq!(s.weights, s.layers.iter().map(|l| l.weights).sum::<usize>());
        assert_eq!(
            s.nonzero_weights,
            s.layers.iter().map(|l| l.nonzeros).sum::<usize>()
        );
        assert!(s.sparsity < 0.01, "{}", s.sparsity);
        assert!(s.params > s.weights);
        assert_eq!(matrix_values(&m.weights).len(), s.weights);
    }

    #[test]
    fn zeroed_weights_are_counted_per_tensor_layer_and_model() {
        let mut m = Model::random(small(), 4).unwrap();
        m.weights.fc2.weight.fill(0.0);
        for (k, v) in m.weights.lstm_forward.weight_ih.iter_mut().enumerate() {
            if k % 4 != 0 {
                *v = 0.0;
            }
        }
        let s = ModelStats::of(&m);
        let fc2 = s.tensors.iter().find(|t| t.name == "fc2.weight").unwrap();
        assert_eq!((fc2.nonzeros, fc2.sparsity), (0, 1.0));
        assert_eq!(s.layers[1].sparsity, 1.0);
        let ih = s
            .tensors
            .iter()
            .find(|t| t.name == "lstm.weight_ih_l0")
            .unwrap();
        assert_eq!(ih.nonzeros, ih.params / 4);
        let zeros = 12 * 16 + ih.params - ih.params / 4;
        assert!((s.sparsity - zeros as f64 / s.weights as f64).abs() < 1e-3);
    }
}
