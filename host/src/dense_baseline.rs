//! A dense f32 baseline of the Deep Speech network for benchmarks: the same layers as
//! [`crate::model`], computed with plain ndarray dense matrix products (weights stored
//! transposed and contiguous once, frames batched wherever no recurrence forbids it). It
//! ignores zeros, so its speed is what an unpruned model costs on a CPU.

use crate::model::layers::{clipped_relu, lstm_cell};
use crate::model::{Dense, InputWidth, LstmWeights, Model};
use ndarray::{s, Array1, Array2, ArrayView2};

/// A dense layer as `x · Wᵀ + b` with `Wᵀ` stored `[in, out]`.
#[derive(Clone, Debug)]
struct Linear {
    wt: Array2<f32>,
    b: Array1<f32>,
}

impl Linear {
    fn new(d: &Dense) -> Self {
        Linear {
            wt: d.weight.t().as_standard_layout().into_owned(),
            b: d.bias.clone(),
        }
    }
    fn apply(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let mut y = x.dot(&self.wt);
        y += &self.b;
        y
    }
}

/// One LSTM direction: the input product batched, the recurrent one per step.
#[derive(Clone, Debug)]
struct Recurrent {
    input: Linear,
    w_hh: Array2<f32>,
}

impl Recurrent {
    fn new(w: &LstmWeights) -> Self {
        Recurrent {
            input: Linear {
                wt: w.weight_ih.t().as_standard_layout().into_owned(),
                b: &w.bias_ih + &w.bias_hh,
            },
            w_hh: w.weight_hh.as_standard_layout().into_owned(),
        }
    }
    fn run(&self, x: ArrayView2<f32>, reverse: bool, out: &mut ndarray::ArrayViewMut2<f32>) {
        let frames = x.nrows();
        let hidden = self.w_hh.ncols();
        let pre = self.input.apply(x);
        let mut h = Array1::<f32>::zeros(hidden);
        let mut c = Array1::<f32>::zeros(hidden);
        for step in 0..frames {
            let t = if reverse { frames - 1 - step } else { step };
            let gates = &pre.row(t) + &self.w_hh.dot(&h);
            lstm_cell(gates.view(), c.view_mut(), h.view_mut());
            out.row_mut(t).assign(&h);
        }
    }
}

/// The network with dense weights.
#[derive(Clone, Debug)]
pub struct DenseBaseline {
    fc: [Linear; 3],
    forward: Recurrent,
    backward: Recurrent,
    out: Linear,
    clip: f32,
    input_width: usize,
}

impl DenseBaseline {
    /// Copies `model`'s weights into the baseline's layout.
    pub fn new(model: &Model) -> Self {
        let w = &model.weights;
        DenseBaseline {
            fc: [
                Linear::new(&w.fc1),
                Linear::new(&w.fc2),
                Linear::new(&w.fc3),
            ],
            forward: Recurrent::new(&w.lstm_forward),
            backward: Recurrent::new(&w.lstm_backward),
            out: Linear::new(&w.out),
            clip: model.config.relu_clip,
            input_width: model.config.input_width(),
        }
    }

    /// Logits for every frame.
    pub fn logits(&self, features: ArrayView2<f32>) -> Result<Array2<f32>, InputWidth> {
        if features.ncols() != self.input_width {
            return Err(InputWidth {
                found: features.ncols(),
                expected: self.input_width,
            });
        }
        let mut x = features.to_owned();
        for l in &self.fc {
            x = l.apply(x.view());
            x.mapv_inplace(|v| clipped_relu(v, self.clip));
        }
        let hidden = self.forward.w_hh.ncols();
        let mut both = Array2::zeros((x.nrows(), 2 * hidden));
        self.forward
            .run(x.view(), false, &mut both.slice_mut(s![.., ..hidden]));
        self.backward
            .run(x.view(), true, &mut both.slice_mut(s![.., hidden..]));
        Ok(self.out.apply(both.view()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelConfig;

    #[test]
    fn baseline_equals_the_float_model() {
        let mut c = ModelConfig::default();
        c.features.n_ceps = 5;
        c.features.context = 2;
        c.fc_sizes = [12, 9, 7];
        c.lstm_hidden = 5;
        let model = Model::random(c, 8).unwrap();
        let x = Array2::from_shape_fn((13, 25), |(i, j)| ((i * 7 + j * 3) % 11) as f32 / 5.0 - 1.0);
        let a = model.logits(x.view()).unwrap();
        let b = DenseBaseline::new(&model).logits(x.view()).unwrap();
        let worst = a
            .iter()
            .zip(b.iter())
            .fold(0f32, |m, (p, q)| m.max((p - q).abs()));
        assert!(worst < 1e-4, "{worst}");
        assert!(DenseBaseline::new(&model)
            .logits(Array2::zeros((1, 3)).view())
            .is_err());
    }
}
