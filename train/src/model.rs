//! The host's Deep Speech model in burn, for training: FC1 → FC2 → FC3 (clipped ReLU) → one
//! bidirectional LSTM → FC `out`, with the weights held exactly as the host stores them
//! (PyTorch layout: `[out, in]` matrices, LSTM rows in gate order i, f, g, o, both LSTM biases),
//! so export ([`DeepSpeech::to_host`]) and import ([`DeepSpeech::from_host`]) are copies, and
//! pruning masks index the same matrices the hardware stores.
//!
//! The LSTM runs both directions in one loop as a batch of two (one batched matrix product per
//! step). The reverse direction reads the frames flipped in time and keeps a zero state over
//! each utterance's padding, so a padded batch gives every utterance what the host computes for
//! it alone.

use burn::module::{Module, Param, ParamId};
use burn::tensor::{Device, Tensor, TensorData};
use ndarray::{Array1, Array2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zeroskip::model::{Dense, LstmWeights, ModelConfig, ModelWeights};

/// Names of the weight matrices (not biases), in the host's naming, in [`DeepSpeech::matrices`]
/// order: the tensors pruning acts on.
pub const MATRIX_NAMES: [&str; 8] = [
    "fc1.weight",
    "fc2.weight",
    "fc3.weight",
    "lstm.weight_ih_l0",
    "lstm.weight_hh_l0",
    "lstm.weight_ih_l0_reverse",
    "lstm.weight_hh_l0_reverse",
    "out.weight",
];

/// The trainable model. Matrices are `[out, in]`; the LSTM's are stacked per direction
/// (`[2, 4H, in]`, direction 0 forward, 1 reverse) so both run as one batch.
#[derive(Module, Debug)]
pub struct DeepSpeech {
    /// `[h1, input_width]`.
    pub fc1_w: Param<Tensor<2>>,
    /// `[h1]`.
    pub fc1_b: Param<Tensor<1>>,
    /// `[h2, h1]`.
    pub fc2_w: Param<Tensor<2>>,
    /// `[h2]`.
    pub fc2_b: Param<Tensor<1>>,
    /// `[h3, h2]`.
    pub fc3_w: Param<Tensor<2>>,
    /// `[h3]`.
    pub fc3_b: Param<Tensor<1>>,
    /// `[2, 4H, h3]`.
    pub w_ih: Param<Tensor<3>>,
    /// `[2, 4H, H]`.
    pub w_hh: Param<Tensor<3>>,
    /// `[2, 4H]`.
    pub b_ih: Param<Tensor<2>>,
    /// `[2, 4H]`.
    pub b_hh: Param<Tensor<2>>,
    /// `[output_width, 2H]`.
    pub out_w: Param<Tensor<2>>,
    /// `[output_width]`.
    pub out_b: Param<Tensor<1>>,
    /// Ceiling of the clipped ReLU.
    pub relu_clip: f32,
}

fn param<const D: usize>(
    id: u64,
    values: Vec<f32>,
    shape: [usize; D],
    device: &Device,
) -> Param<Tensor<D>> {
    let t = Tensor::<D>::from_data(TensorData::new(values, shape), device);
    let mut p = Param::from_tensor(t);
    // Fixed ids: the optimizer's saved state is keyed by them, so a resumed run finds it.
    p.id = ParamId::from(id);
    p
}

fn uniform(rng: &mut ChaCha8Rng, n: usize, bound: f32) -> Vec<f32> {
    (0..n).map(|_| rng.gen_range(-bound..bound)).collect()
}

fn to_vec<const D: usize>(t: &Tensor<D>) -> Vec<f32> {
    t.to_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("f32 tensor")
}

impl DeepSpeech {
    /// A freshly initialised model for `cfg` (PyTorch's default uniform initialisation,
    /// forget-gate biases at 1), drawn from `seed`.
    pub fn init(cfg: &ModelConfig, seed: u64, device: &Device) -> DeepSpeech {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let [h1, h2, h3] = cfg.fc_sizes;
        let (h, inp, outw) = (cfg.lstm_hidden, cfg.input_width(), cfg.output_width());
        let dense = |rng: &mut ChaCha8Rng, o: usize, i: usize| {
            let b = 1.0 / (i as f32).sqrt();
            (uniform(rng, o * i, b), uniform(rng, o, b))
        };
        let (w1, b1) = dense(&mut rng, h1, inp);
        let (w2, b2) = dense(&mut rng, h2, h1);
        let (w3, b3) = dense(&mut rng, h3, h2);
        let lb = 1.0 / (h as f32).sqrt();
        let w_ih = uniform(&mut rng, 2 * 4 * h * h3, lb);
        let w_hh = uniform(&mut rng, 2 * 4 * h * h, lb);
        let mut b_ih = uniform(&mut rng, 2 * 4 * h, lb);
        let b_hh = uniform(&mut rng, 2 * 4 * h, lb);
        for d in 0..2 {
            for k in h..2 * h {
                b_ih[d * 4 * h + k] = 1.0;
            }
        }
        let (wo, bo) = dense(&mut rng, outw, 2 * h);
        DeepSpeech {
            fc1_w: param(1, w1, [h1, inp], device),
            fc1_b: param(2, b1, [h1], device),
            fc2_w: param(3, w2, [h2, h1], device),
            fc2_b: param(4, b2, [h2], device),
            fc3_w: param(5, w3, [h3, h2], device),
            fc3_b: param(6, b3, [h3], device),
            w_ih: param(7, w_ih, [2, 4 * h, h3], device),
            w_hh: param(8, w_hh, [2, 4 * h, h], device),
            b_ih: param(9, b_ih, [2, 4 * h], device),
            b_hh: param(10, b_hh, [2, 4 * h], device),
            out_w: param(11, wo, [outw, 2 * h], device),
            out_b: param(12, bo, [outw], device),
            relu_clip: cfg.relu_clip,
        }
    }

    /// Logits `[batch, frames, output_width]` for features `[batch, frames, input_width]`;
    /// `lengths[b]` is utterance b's number of real frames (the rest is padding).
    pub fn forward(&self, x: Tensor<3>, lengths: &[usize]) -> Tensor<3> {
        let [b, t, inp] = x.dims();
        let clip = self.relu_clip;
        let dense = |x: Tensor<2>, w: &Param<Tensor<2>>, bias: &Param<Tensor<1>>| {
            x.matmul(w.val().transpose()) + bias.val().unsqueeze_dim::<2>(0)
        };
        let x = x.reshape([b * t, inp]);
        let x = dense(x, &self.fc1_w, &self.fc1_b).clamp(0.0, clip);
        let x = dense(x, &self.fc2_w, &self.fc2_b).clamp(0.0, clip);
        let x = dense(x, &self.fc3_w, &self.fc3_b).clamp(0.0, clip);
        let h3 = x.dims()[1];
        let x = x.reshape([b, t, h3]);
        let y = self.bilstm(x, lengths); // [b, t, 2H]
        let two_h = y.dims()[2];
        let y = dense(y.reshape([b * t, two_h]), &self.out_w, &self.out_b);
        let o = y.dims()[1];
        y.reshape([b, t, o])
    }

    fn bilstm(&self, x: Tensor<3>, lengths: &[usize]) -> Tensor<3> {
        let [b, t, h3] = x.dims();
        let w_ih = self.w_ih.val(); // [2, 4H, h3]
        let g4 = w_ih.dims()[1];
        let h = g4 / 4;
        // Input half of the gates for both directions: [2, b*t, 4H], reverse direction on the
        // time-flipped frames.
        let xs = Tensor::stack::<4>(vec![x.clone(), x.flip([1])], 0).reshape([2, b * t, h3]);
        let bias = (self.b_ih.val() + self.b_hh.val()).unsqueeze_dim::<3>(1); // [2, 1, 4H]
        let gates_in = (xs.matmul(w_ih.swap_dims(1, 2)) + bias).reshape([2, b, t, g4]);
        // The recurrence is one operation with its own backward pass (`lstm_op`).
        let mask = crate::lstm_op::mask(lengths, t);
        let out = crate::lstm_op::recurrence(gates_in, self.w_hh.val(), mask); // [2, b, t, H]
        let fwd = out.clone().narrow(0, 0, 1).reshape([b, t, h]);
        let rev = out.narrow(0, 1, 1).reshape([b, t, h]).flip([1]);
        Tensor::cat(vec![fwd, rev], 2)
    }

    /// The weights in the host's layout.
    pub fn to_host(&self) -> ModelWeights {
        let m2 = |p: &Param<Tensor<2>>| {
            let [r, c] = p.val().dims();
            Array2::from_shape_vec((r, c), to_vec(&p.val())).expect("shape")
        };
        let v1 = |p: &Param<Tensor<1>>| Array1::from_vec(to_vec(&p.val()));
        let [_, g4, h3] = self.w_ih.val().dims();
        let h = g4 / 4;
        let (wih, whh) = (to_vec(&self.w_ih.val()), to_vec(&self.w_hh.val()));
        let (bih, bhh) = (to_vec(&self.b_ih.val()), to_vec(&self.b_hh.val()));
        let dir = |d: usize| LstmWeights {
            weight_ih: Array2::from_shape_vec(
                (g4, h3),
                wih[d * g4 * h3..(d + 1) * g4 * h3].to_vec(),
            )
            .expect("shape"),
            weight_hh: Array2::from_shape_vec((g4, h), whh[d * g4 * h..(d + 1) * g4 * h].to_vec())
                .expect("shape"),
            bias_ih: Array1::from_vec(bih[d * g4..(d + 1) * g4].to_vec()),
            bias_hh: Array1::from_vec(bhh[d * g4..(d + 1) * g4].to_vec()),
        };
        ModelWeights {
            fc1: Dense {
                weight: m2(&self.fc1_w),
                bias: v1(&self.fc1_b),
            },
            fc2: Dense {
                weight: m2(&self.fc2_w),
                bias: v1(&self.fc2_b),
            },
            fc3: Dense {
                weight: m2(&self.fc3_w),
                bias: v1(&self.fc3_b),
            },
            lstm_forward: dir(0),
            lstm_backward: dir(1),
            out: Dense {
                weight: m2(&self.out_w),
                bias: v1(&self.out_b),
            },
        }
    }

    /// A model holding the host's weights `w` (shapes as `cfg` says; check them with
    /// `ModelWeights::check_shapes` first).
    pub fn from_host(cfg: &ModelConfig, w: &ModelWeights, device: &Device) -> DeepSpeech {
        let flat2 = |a: &Array2<f32>| a.iter().copied().collect::<Vec<f32>>();
        let flat1 = |a: &Array1<f32>| a.to_vec();
        let dims2 = |a: &Array2<f32>| [a.nrows(), a.ncols()];
        let (f, r) = (&w.lstm_forward, &w.lstm_backward);
        let cat = |a: Vec<f32>, b: Vec<f32>| [a, b].concat();
        DeepSpeech {
            fc1_w: param(1, flat2(&w.fc1.weight), dims2(&w.fc1.weight), device),
            fc1_b: param(2, flat1(&w.fc1.bias), [w.fc1.bias.len()], device),
            fc2_w: param(3, flat2(&w.fc2.weight), dims2(&w.fc2.weight), device),
            fc2_b: param(4, flat1(&w.fc2.bias), [w.fc2.bias.len()], device),
            fc3_w: param(5, flat2(&w.fc3.weight), dims2(&w.fc3.weight), device),
            fc3_b: param(6, flat1(&w.fc3.bias), [w.fc3.bias.len()], device),
            w_ih: param(
                7,
                cat(flat2(&f.weight_ih), flat2(&r.weight_ih)),
                [2, f.weight_ih.nrows(), f.weight_ih.ncols()],
                device,
            ),
            w_hh: param(
                8,
                cat(flat2(&f.weight_hh), flat2(&r.weight_hh)),
                [2, f.weight_hh.nrows(), f.weight_hh.ncols()],
                device,
            ),
            b_ih: param(
                9,
                cat(flat1(&f.bias_ih), flat1(&r.bias_ih)),
                [2, f.bias_ih.len()],
                device,
            ),
            b_hh: param(
                10,
                cat(flat1(&f.bias_hh), flat1(&r.bias_hh)),
                [2, f.bias_hh.len()],
                device,
            ),
            out_w: param(11, flat2(&w.out.weight), dims2(&w.out.weight), device),
            out_b: param(12, flat1(&w.out.bias), [w.out.bias.len()], device),
            relu_clip: cfg.relu_clip,
        }
    }

    /// Number of weights in the matrices (what pruning counts; biases excluded).
    pub fn matrix_weights(cfg: &ModelConfig) -> usize {
        let [h1, h2, h3] = cfg.fc_sizes;
        let h = cfg.lstm_hidden;
        h1 * cfg.input_width()
            + h2 * h1
            + h3 * h2
            + 2 * 4 * h * (h3 + h)
            + cfg.output_width() * 2 * h
    }
}
