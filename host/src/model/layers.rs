//! The float layer math, one small function per operation, so the fixed-point golden model
//! and the training code can mirror it step by step.
//!
//! Conventions: activations are `[frames, width]` (one row per frame); weights are `[out, in]`
//! as in PyTorch, so a layer computes `x · Wᵀ + b`. The LSTM is PyTorch's:
//!
//! ```text
//! gates = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh      (rows i, f, g, o; H each)
//! i = σ(gates_i)   f = σ(gates_f)   g = tanh(gates_g)   o = σ(gates_o)
//! c_t = f ⊙ c_{t-1} + i ⊙ g
//! h_t = o ⊙ tanh(c_t)
//! ```
//!
//! with `h` and `c` zero before the first step. The backward direction runs the same equations
//! from the last frame to the first; the bidirectional output of frame t is
//! `[h_forward_t ; h_backward_t]`.

use super::{Dense, LstmWeights};
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis};

/// `x · Wᵀ + b` for every frame: `[frames, in]` → `[frames, out]`.
pub fn dense(x: ArrayView2<f32>, layer: &Dense) -> Array2<f32> {
    let mut y = x.dot(&layer.weight.t());
    y += &layer.bias;
    y
}

/// `min(max(x, 0), clip)`.
pub fn clipped_relu(x: f32, clip: f32) -> f32 {
    x.max(0.0).min(clip)
}

/// The logistic function `1 / (1 + e^-x)`.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// A dense layer followed by the clipped ReLU, as FC1–FC3 do.
pub fn dense_clipped_relu(x: ArrayView2<f32>, layer: &Dense, clip: f32) -> Array2<f32> {
    let mut y = dense(x, layer);
    y.mapv_inplace(|v| clipped_relu(v, clip));
    y
}

/// The input half of every step's gates, for all frames at once:
/// `x · W_ihᵀ + b_ih + b_hh`, `[frames, 4 H]`.
pub fn lstm_input_gates(x: ArrayView2<f32>, w: &LstmWeights) -> Array2<f32> {
    let mut g = x.dot(&w.weight_ih.t());
    g += &w.bias_ih;
    g += &w.bias_hh;
    g
}

/// One LSTM cell update from the full gate pre-activations `gates` (`[4 H]`, rows i, f, g, o):
/// updates `c` and `h` (`[H]` each) in place.
pub fn lstm_cell(gates: ArrayView1<f32>, mut c: ArrayViewMut1<f32>, mut h: ArrayViewMut1<f32>) {
    let n = c.len();
    for k in 0..n {
        let i = sigmoid(gates[k]);
        let f = sigmoid(gates[n + k]);
        let g = gates[2 * n + k].tanh();
        let o = sigmoid(gates[3 * n + k]);
        c[k] = f * c[k] + i * g;
        h[k] = o * c[k].tanh();
    }
}

/// One direction of an LSTM over all frames, from zero state; `reverse` runs from the last
/// frame to the first. Returns `[frames, H]`, row t the hidden state after frame t.
pub fn lstm_direction(x: ArrayView2<f32>, w: &LstmWeights, reverse: bool) -> Array2<f32> {
    let frames = x.nrows();
    let hidden = w.hidden();
    let input_gates = lstm_input_gates(x, w);
    let mut out = Array2::zeros((frames, hidden));
    let mut h = Array1::<f32>::zeros(hidden);
    let mut c = Array1::<f32>::zeros(hidden);
    for step in 0..frames {
        let t = if reverse { frames - 1 - step } else { step };
        let gates = &input_gates.row(t) + &w.weight_hh.dot(&h);
        lstm_cell(gates.view(), c.view_mut(), h.view_mut());
        out.row_mut(t).assign(&h);
    }
    out
}

/// The bidirectional LSTM: `[frames, in]` → `[frames, 2 H]`, forward states in the first H
/// columns, backward states in the last H.
pub fn bilstm(x: ArrayView2<f32>, forward: &LstmWeights, backward: &LstmWeights) -> Array2<f32> {
    let f = lstm_direction(x, forward, false);
    let b = lstm_direction(x, backward, true);
    let mut out = Array2::zeros((x.nrows(), f.ncols() + b.ncols()));
    out.slice_mut(s![.., ..f.ncols()]).assign(&f);
    out.slice_mut(s![.., f.ncols()..]).assign(&b);
    out
}

/// Row-wise log-softmax: `x - max - ln Σ e^(x - max)`.
pub fn log_softmax(logits: ArrayView2<f32>) -> Array2<f32> {
    let mut out = logits.to_owned();
    for mut row in out.axis_iter_mut(Axis(0)) {
        let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let sum: f32 = row.iter().map(|&v| (v - max).exp()).sum();
        let shift = max + sum.ln();
        row.mapv_inplace(|v| v - shift);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn clipped_relu_clips_both_ends() {
        assert_eq!(clipped_relu(-3.0, 20.0), 0.0);
        assert_eq!(clipped_relu(7.5, 20.0), 7.5);
        assert_eq!(clipped_relu(25.0, 20.0), 20.0);
    }

    #[test]
    fn dense_is_x_wt_plus_b() {
        let layer = Dense {
            weight: array![[1.0f32, 2.0], [0.0, -1.0], [3.0, 0.5]],
            bias: array![0.5f32, 0.0, -1.0],
        };
        let y = dense(array![[1.0f32, 1.0], [2.0, 0.0]].view(), &layer);
        assert_eq!(y, array![[3.5f32, -1.0, 2.5], [2.5, 0.0, 5.0]]);
    }

    #[test]
    fn log_softmax_rows_sum_to_one() {
        let y = log_softmax(array![[1.0f32, 2.0, 3.0], [1000.0, 0.0, -1000.0]].view());
        for row in y.rows() {
            let s: f32 = row.iter().map(|v| v.exp()).sum();
            assert!((s - 1.0).abs() < 1e-6);
        }
        assert!((y[[1, 0]]).abs() < 1e-6);
    }

    /// A 1-unit LSTM by hand: gates (i, f, g, o) pre-activations from w_ih = [1, 2, 3, 4],
    /// w_hh = [0.5, 0.5, 0.5, 0.5], biases 0.
    #[test]
    fn one_unit_lstm_by_hand() {
        let w = LstmWeights {
            weight_ih: array![[1.0f32], [2.0], [3.0], [4.0]],
            weight_hh: array![[0.5f32], [0.5], [0.5], [0.5]],
            bias_ih: Array1::zeros(4),
            bias_hh: Array1::zeros(4),
        };
        let x = array![[1.0f32], [-1.0]];
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        // Step 1 (x = 1, h = c = 0).
        let c1 = sig(1.0) * 3f64.tanh();
        let h1 = sig(4.0) * c1.tanh();
        // Step 2 (x = -1).
        let pre = |wi: f64| -wi + 0.5 * h1;
        let c2 = sig(pre(2.0)) * c1 + sig(pre(1.0)) * pre(3.0).tanh();
        let h2 = sig(pre(4.0)) * c2.tanh();
        let y = lstm_direction(x.view(), &w, false);
        assert!((f64::from(y[[0, 0]]) - h1).abs() < 1e-6);
        assert!((f64::from(y[[1, 0]]) - h2).abs() < 1e-6);
        // Backward: the second frame first.
        let cb1 = sig(-1.0) * (-3f64).tanh();
        let hb1 = sig(-4.0) * cb1.tanh();
        let yb = lstm_direction(x.view(), &w, true);
        assert!((f64::from(yb[[1, 0]]) - hb1).abs() < 1e-6);
        let both = bilstm(x.view(), &w, &w);
        assert_eq!(both.shape(), &[2, 2]);
        assert_eq!(both[[0, 0]], y[[0, 0]]);
        assert_eq!(both[[1, 1]], yb[[1, 0]]);
    }

    #[test]
    fn no_frames_gives_no_rows() {
        let w = LstmWeights {
            weight_ih: Array2::zeros((8, 3)),
            weight_hh: Array2::zeros((8, 2)),
            bias_ih: Array1::zeros(8),
            bias_hh: Array1::zeros(8),
        };
        let y = bilstm(Array2::<f32>::zeros((0, 3)).view(), &w, &w);
        assert_eq!(y.shape(), &[0, 4]);
    }
}
