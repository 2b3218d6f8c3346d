//! Magnitude pruning of a float model's weight matrices, for benchmarks and tests of the
//! sparse path (training prunes with its own schedule in `zeroskip-train`): in every matrix
//! the smallest magnitudes are set to zero. Biases are kept.

use crate::model::ModelWeights;
use ndarray::Array2;

/// Sets the `round(sparsity · len)` smallest-magnitude weights of every weight matrix
/// (FC1–FC3, both LSTM directions' `W_ih` and `W_hh`, the output layer) to zero; ties by
/// position. `sparsity` is clamped to `0..=1`.
pub fn prune_magnitude(weights: &mut ModelWeights, sparsity: f64) {
    let s = if sparsity.is_nan() {
        0.0
    } else {
        sparsity.clamp(0.0, 1.0)
    };
    let matrices: [&mut Array2<f32>; 8] = [
        &mut weights.fc1.weight,
        &mut weights.fc2.weight,
        &mut weights.fc3.weight,
        &mut weights.lstm_forward.weight_ih,
        &mut weights.lstm_forward.weight_hh,
        &mut weights.lstm_backward.weight_ih,
        &mut weights.lstm_backward.weight_hh,
        &mut weights.out.weight,
    ];
    for m in matrices {
        prune_matrix(m, s);
    }
}

fn prune_matrix(m: &mut Array2<f32>, sparsity: f64) {
    let n = m.len();
    let zeros = ((n as f64) * sparsity).round() as usize;
    let mut order: Vec<usize> = (0..n).collect();
    let values: Vec<f32> = m.iter().copied().collect();
    order.sort_by(|&a, &b| values[a].abs().total_cmp(&values[b].abs()).then(a.cmp(&b)));
    let flat: Vec<usize> = order.into_iter().take(zeros).collect();
    let cols = m.ncols().max(1);
    for i in flat {
        m[[i / cols, i % cols]] = 0.0;
    }
}

/// Fraction of zeros over all weight matrices (biases excluded).
pub fn weight_sparsity(weights: &ModelWeights) -> f64 {
    let ms = [
        &weights.fc1.weight,
        &weights.fc2.weight,
        &weights.fc3.weight,
        &weights.lstm_forward.weight_ih,
        &weights.lstm_forward.weight_hh,
        &weights.lstm_backward.weight_ih,
        &weights.lstm_backward.weight_hh,
        &weights.out.weight,
    ];
    let total: usize = ms.iter().map(|m| m.len()).sum();
    let zeros: usize = ms
        .iter()
        .map(|m| m.iter().filter(|v| **v == 0.0).count())
        .sum();
    zeros as f64 / total.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Model, ModelConfig};

    #[test]
    fn prunes_the_smallest_of_every_matrix() {
        let mut c = ModelConfig::default();
        c.features.n_ceps = 4;
        c.features.context = 1;
        c.fc_sizes = [10, 10, 10];
        c.lstm_hidden = 5;
        let mut m = Model::random(c, 2).unwrap();
        let before = m.weights.fc2.weight.clone();
        prune_magnitude(&mut m.weights, 0.9);
        assert!((weight_sparsity(&m.weights) - 0.9).abs() < 0.01);
        let kept: Vec<f32> = m
            .weights
            .fc2
            .weight
            .iter()
            .copied()
            .filter(|v| *v != 0.0)
            .collect();
        assert_eq!(kept.len(), 10);
        let smallest_kept = kept.iter().fold(f32::INFINITY, |a, v| a.min(v.abs()));
        let dropped = before
            .iter()
            .zip(m.weights.fc2.weight.iter())
            .filter(|(_, a)| **a == 0.0)
            .fold(0.0f32, |a, (b, _)| a.max(b.abs()));
        assert!(dropped <= smallest_kept);
        assert_eq!(
            m.weights.fc2.bias,
            Model::random(m.config.clone(), 2).unwrap().weights.fc2.bias
        );
    }
}
