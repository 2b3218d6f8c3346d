//! The BiLSTM's recurrence as one burn operation with its own backward pass.
//!
//! [`DeepSpeech::bilstm`](crate::model::DeepSpeech) computes the input half of every gate for
//! all frames with one matrix product; what is left is the recurrence over time. Written with
//! burn's tensor operations, every time step adds a dozen nodes to the autodiff graph (slices,
//! a small matrix product, three sigmoids, two tanh, products and sums, the padding mask), and
//! a profile of a training run showed most of a step's time in allocation, zero-fills and copies
//! around them rather than in arithmetic. Here the whole recurrence is one node: the forward
//! pass runs over plain `f32` buffers and keeps the gate activations and cell states, and the
//! backward pass is back-propagation through time over the same buffers, with one matrix
//! product per step for the recurrent term and one for the whole weight gradient.
//!
//! Shapes (direction 0 forward, 1 the time-flipped reverse direction, as in `bilstm`):
//! gates `[2, b, t, 4H]` (input half plus both biases, gate order i, f, g, o), recurrent
//! weights `[2, 4H, H]`, mask `[2, b, t]` (1 where step k of that direction is a real frame,
//! 0 over padding, where the state is held), output: the hidden state after every step,
//! `[2, b, t, H]`. The software twin of the formulas is the host's float LSTM
//! (`zeroskip::model`); `tests` check this operation's outputs and gradients against the same
//! recurrence written with burn's own tensor operations.

use std::sync::Arc;

use burn::tensor::{Tensor, TensorData};
use burn_autodiff::checkpoint::base::Checkpointer;
use burn_autodiff::checkpoint::strategy::NoCheckpointing;
use burn_autodiff::grads::Gradients;
use burn_autodiff::ops::{Backward, Ops, OpsKind};
use burn_autodiff::Autodiff;
use burn_backend::tensor::FloatTensor;
use burn_flex::{Flex, FlexTensor};

/// Sizes of one recurrence: directions are always 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    /// Utterances in the batch.
    pub b: usize,
    /// Time steps (frames, padding included).
    pub t: usize,
    /// Hidden size H.
    pub h: usize,
}

impl Dims {
    fn gate_index(&self, d: usize, i: usize, k: usize) -> usize {
        ((d * self.b + i) * self.t + k) * 4 * self.h
    }
    fn state_index(&self, d: usize, i: usize, k: usize) -> usize {
        ((d * self.b + i) * self.t + k) * self.h
    }
}

/// What the forward pass keeps for the backward pass.
#[derive(Debug, Clone)]
pub struct Recurrence {
    /// Gate activations `[2, b, t, 4H]` (σ(i), σ(f), tanh(g), σ(o)); rows of masked steps hold
    /// pre-activations and are never read.
    pub act: Vec<f32>,
    /// Cell state after every step `[2, b, t, H]`.
    pub c: Vec<f32>,
    /// tanh of the cell state after every step `[2, b, t, H]` (written for real steps only).
    pub tanh_c: Vec<f32>,
    /// Hidden state after every step `[2, b, t, H]`: the output.
    pub h: Vec<f32>,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// tanh through one `exp` (glibc's `tanhf` goes through `expm1f` and cost a seventh of a
/// training step): 1 − 2 / (e^{2x} + 1), exact at ±∞, absolute error about 1e-7 near 0.
fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / ((2.0 * x).exp() + 1.0)
}

/// `c += a · b` (`beta` = 1) or `c = a · b` (`beta` = 0) for row-major or strided operands:
/// `a` is m×k with strides (rsa, csa), `b` k×n with (rsb, csb), `c` m×n with (rsc, 1).
#[allow(clippy::too_many_arguments)]
fn gemm(
    (m, k, n): (usize, usize, usize),
    a: &[f32],
    (rsa, csa): (usize, usize),
    b: &[f32],
    (rsb, csb): (usize, usize),
    beta: f32,
    c: &mut [f32],
    rsc: usize,
) {
    if m == 0 || n == 0 {
        return;
    }
    // Bounds of the strided views, checked so that the unsafe call below stays in its slices.
    let last = |rows: usize, cols: usize, rs: usize, cs: usize| (rows - 1) * rs + (cols - 1) * cs;
    if k > 0 {
        assert!(last(m, k, rsa, csa) < a.len(), "gemm: a out of bounds");
        assert!(last(k, n, rsb, csb) < b.len(), "gemm: b out of bounds");
    }
    assert!(last(m, n, rsc, 1) < c.len(), "gemm: c out of bounds");
    // SAFETY: every element the strides reach lies inside its slice (asserted above), `c` is
    // borrowed mutably and does not alias `a` or `b`.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa as isize,
            csa as isize,
            b.as_ptr(),
            rsb as isize,
            csb as isize,
            beta,
            c.as_mut_ptr(),
            rsc as isize,
            1,
        );
    }
}

/// The forward recurrence over plain buffers (layouts in the module documentation).
pub fn forward(gates: &[f32], w_hh: &[f32], mask: &[f32], dims: Dims) -> Recurrence {
    let Dims { b, t, h } = dims;
    let g4 = 4 * h;
    assert_eq!(gates.len(), 2 * b * t * g4, "gates must be [2, b, t, 4H]");
    assert_eq!(
        w_hh.len(),
        2 * g4 * h,
        "recurrent weights must be [2, 4H, H]"
    );
    assert_eq!(mask.len(), 2 * b * t, "mask must be [2, b, t]");
    let mut act = gates.to_vec();
    let mut c = vec![0f32; 2 * b * t * h];
    let mut tanh_c = vec![0f32; 2 * b * t * h];
    let mut hs = vec![0f32; 2 * b * t * h];
    for d in 0..2 {
        let w = &w_hh[d * g4 * h..(d + 1) * g4 * h];
        for k in 0..t {
            if k > 0 {
                // act[d, :, k, :] += h[d, :, k-1, :] · W_hh[d]ᵀ
                let a0 = dims.state_index(d, 0, k - 1);
                let c0 = dims.gate_index(d, 0, k);
                gemm(
                    (b, h, g4),
                    &hs[a0..],
                    (t * h, 1),
                    w,
                    (1, h),
                    1.0,
                    &mut act[c0..],
                    t * g4,
                );
            }
            for i in 0..b {
                if mask[(d * b + i) * t + k] == 0.0 {
                    let (s, p) = (dims.state_index(d, i, k), k.checked_sub(1));
                    if let Some(kp) = p {
                        let sp = dims.state_index(d, i, kp);
                        c.copy_within(sp..sp + h, s);
                        hs.copy_within(sp..sp + h, s);
                    }
                    continue;
                }
                let gi = dims.gate_index(d, i, k);
                let s = dims.state_index(d, i, k);
                let row = &mut act[gi..gi + g4];
                for j in 0..h {
                    row[j] = sigmoid(row[j]);
                    row[h + j] = sigmoid(row[h + j]);
                    row[2 * h + j] = tanh(row[2 * h + j]);
                    row[3 * h + j] = sigmoid(row[3 * h + j]);
                    let cp = if k > 0 { c[s - h + j] } else { 0.0 };
                    let cn = row[h + j] * cp + row[j] * row[2 * h + j];
                    let tc = tanh(cn);
                    c[s + j] = cn;
                    tanh_c[s + j] = tc;
                    hs[s + j] = row[3 * h + j] * tc;
                }
            }
        }
    }
    Recurrence {
        act,
        c,
        tanh_c,
        h: hs,
    }
}

/// Back-propagation through time: the gradients of the gates (`[2, b, t, 4H]`) and of the
/// recurrent weights (`[2, 4H, H]`) for the gradient `d_out` of the output (`[2, b, t, H]`).
pub fn backward(
    rec: &Recurrence,
    w_hh: &[f32],
    mask: &[f32],
    d_out: &[f32],
    dims: Dims,
) -> (Vec<f32>, Vec<f32>) {
    let Dims { b, t, h } = dims;
    let g4 = 4 * h;
    assert_eq!(
        d_out.len(),
        2 * b * t * h,
        "output gradient must be [2, b, t, H]"
    );
    let mut dg = vec![0f32; 2 * b * t * g4];
    let mut dw = vec![0f32; 2 * g4 * h];
    if t == 0 {
        // No step: nothing flows back (and the shifted copy below needs t ≥ 1).
        return (dg, dw);
    }
    let mut dh_carry = vec![0f32; b * h];
    let mut dc_carry = vec![0f32; b * h];
    // The hidden state before every step, [2, b, t, H] (zero before the first).
    let mut h_prev = vec![0f32; 2 * b * t * h];
    for d in 0..2 {
        for i in 0..b {
            let s0 = dims.state_index(d, i, 0);
            h_prev[s0 + h..s0 + t * h].copy_from_slice(&rec.h[s0..s0 + (t - 1) * h]);
        }
    }
    for d in 0..2 {
        let w = &w_hh[d * g4 * h..(d + 1) * g4 * h];
        dh_carry.fill(0.0);
        dc_carry.fill(0.0);
        for k in (0..t).rev() {
            for i in 0..b {
                let s = dims.state_index(d, i, k);
                let (dh_i, dc_i) = (
                    &mut dh_carry[i * h..(i + 1) * h],
                    &mut dc_carry[i * h..(i + 1) * h],
                );
                if mask[(d * b + i) * t + k] == 0.0 {
                    // The state passes through unchanged: so does its gradient.
                    for j in 0..h {
                        dh_i[j] += d_out[s + j];
                    }
                    continue;
                }
                let gi = dims.gate_index(d, i, k);
                let a = &rec.act[gi..gi + g4];
                let row = &mut dg[gi..gi + g4];
                for j in 0..h {
                    let dh = d_out[s + j] + dh_i[j];
                    let (ig, fg, gg, og) = (a[j], a[h + j], a[2 * h + j], a[3 * h + j]);
                    let tc = rec.tanh_c[s + j];
                    let dc = dc_i[j] + dh * og * (1.0 - tc * tc);
                    let cp = if k > 0 { rec.c[s - h + j] } else { 0.0 };
                    row[j] = dc * gg * ig * (1.0 - ig);
                    row[h + j] = dc * cp * fg * (1.0 - fg);
                    row[2 * h + j] = dc * ig * (1.0 - gg * gg);
                    row[3 * h + j] = dh * tc * og * (1.0 - og);
                    dc_i[j] = dc * fg;
                    dh_i[j] = 0.0;
                }
            }
            if k > 0 {
                // dh_carry += dg[d, :, k, :] · W_hh[d]
                let a0 = dims.gate_index(d, 0, k);
                gemm(
                    (b, g4, h),
                    &dg[a0..],
                    (t * g4, 1),
                    w,
                    (h, 1),
                    1.0,
                    &mut dh_carry,
                    h,
                );
            }
        }
        // dW_hh[d] = Σ_{i,k} dg[d, i, k, :]ᵀ h_prev[d, i, k, :]: one product over all b·t rows.
        let (a0, b0) = (dims.gate_index(d, 0, 0), dims.state_index(d, 0, 0));
        gemm(
            (g4, b * t, h),
            &dg[a0..],
            (1, g4),
            &h_prev[b0..],
            (h, 1),
            0.0,
            &mut dw[d * g4 * h..],
            h,
        );
    }
    (dg, dw)
}

/// The mask `[2, b, t]` for utterances of `lengths` frames padded to `t`: the forward direction
/// runs over every step (its steps past an utterance's end come after its real frames and are
/// never read), step k of the reverse direction is frame t-1-k and is real when k >= t - len.
pub fn mask(lengths: &[usize], t: usize) -> Vec<f32> {
    let b = lengths.len();
    let mut mask = vec![0f32; 2 * b * t];
    for (i, &len) in lengths.iter().enumerate() {
        for k in 0..t {
            mask[i * t + k] = 1.0;
            if k + len >= t {
                mask[b * t + i * t + k] = 1.0;
            }
        }
    }
    mask
}

fn to_vec(t: &FlexTensor) -> Vec<f32> {
    t.clone()
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("f32 tensor")
}

fn flex(values: Vec<f32>, shape: [usize; 4]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

fn flex3(values: Vec<f32>, shape: [usize; 3]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// What the backward step needs: the forward buffers, the weights and the mask.
#[derive(Debug, Clone)]
struct SavedForward {
    rec: Arc<Recurrence>,
    w_hh: Arc<Vec<f32>>,
    mask: Arc<Vec<f32>>,
    dims: Dims,
}

#[derive(Debug)]
struct RecurrenceBackward;

impl Backward<Flex, 2> for RecurrenceBackward {
    type State = SavedForward;

    fn backward(self, ops: Ops<SavedForward, 2>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [gates_node, w_node] = ops.parents;
        let d_out = to_vec(&grads.consume::<Flex>(&ops.node));
        let s = ops.state;
        let Dims { b, t, h } = s.dims;
        let (dg, dw) = backward(&s.rec, &s.w_hh, &s.mask, &d_out, s.dims);
        if let Some(node) = gates_node {
            grads.register::<Flex>(node.id, flex(dg, [2, b, t, 4 * h]));
        }
        if let Some(node) = w_node {
            grads.register::<Flex>(node.id, flex3(dw, [2, 4 * h, h]));
        }
    }
}

fn dims_of(gates: [usize; 4], w_hh: [usize; 3], mask_len: usize) -> Dims {
    let [two, b, t, g4] = gates;
    let h = g4 / 4;
    assert!(
        two == 2 && g4 == 4 * h,
        "gates must be [2, b, t, 4H], got {gates:?}"
    );
    assert_eq!(w_hh, [2, g4, h], "recurrent weights must be [2, 4H, H]");
    assert_eq!(mask_len, 2 * b * t, "mask must hold 2·b·t values");
    Dims { b, t, h }
}

/// The hidden states `[2, b, t, H]` of the recurrence for `gates` `[2, b, t, 4H]`, recurrent
/// weights `w_hh` `[2, 4H, H]` and `mask` (`2·b·t` values, 0 or 1). On an autodiff device the
/// result carries this module's backward step; otherwise it is the plain forward pass.
pub fn recurrence(gates: Tensor<4>, w_hh: Tensor<3>, mask: Vec<f32>) -> Tensor<4> {
    let dims = dims_of(gates.dims(), w_hh.dims(), mask.len());
    let Dims { b, t, h } = dims;
    if gates.is_autodiff() {
        type Ad = Autodiff<Flex>;
        let g: FloatTensor<Ad> = gates
            .try_into_primitive::<Ad>()
            .expect("the LSTM's gates on the flex autodiff device");
        let w: FloatTensor<Ad> = w_hh
            .try_into_primitive::<Ad>()
            .expect("the LSTM's recurrent weights on the flex autodiff device");
        let w_vec = to_vec(w.primitive());
        let rec = forward(&to_vec(g.primitive()), &w_vec, &mask, dims);
        let out = flex(rec.h.clone(), [2, b, t, h]);
        let out = match RecurrenceBackward
            .prepare::<NoCheckpointing>([g.node(), w.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => prep.finish(
                SavedForward {
                    rec: Arc::new(rec),
                    w_hh: Arc::new(w_vec),
                    mask: Arc::new(mask),
                    dims,
                },
                out,
            ),
            OpsKind::UnTracked(prep) => prep.finish(out),
        };
        Tensor::from_primitive::<Ad>(out)
    } else {
        let g = gates
            .try_into_primitive::<Flex>()
            .expect("the LSTM's gates on the flex device");
        let w = w_hh
            .try_into_primitive::<Flex>()
            .expect("the LSTM's recurrent weights on the flex device");
        let rec = forward(&to_vec(&g), &to_vec(&w), &mask, dims);
        Tensor::from_primitive::<Flex>(flex(rec.h, [2, b, t, h]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::activation::{sigmoid, tanh};
    use burn::tensor::Device;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The recurrence written with burn's tensor operations (what `bilstm` did before this
    /// module): burn's autodiff differentiates it on its own.
    fn reference(gates: Tensor<4>, w_hh: Tensor<3>, mask: &[f32]) -> Tensor<4> {
        let [_, b, t, g4] = gates.dims();
        let h = g4 / 4;
        let device = gates.device();
        let mask = Tensor::<3>::from_data(TensorData::new(mask.to_vec(), [2, b, t]), &device);
        let w_t = w_hh.swap_dims(1, 2);
        let mut hs = Tensor::<3>::zeros([2, b, h], &device);
        let mut cs = Tensor::<3>::zeros([2, b, h], &device);
        let mut outs = Vec::new();
        for k in 0..t {
            let g =
                gates.clone().narrow(2, k, 1).reshape([2, b, g4]) + hs.clone().matmul(w_t.clone());
            let i = sigmoid(g.clone().narrow(2, 0, h));
            let f = sigmoid(g.clone().narrow(2, h, h));
            let gg = tanh(g.clone().narrow(2, 2 * h, h));
            let o = sigmoid(g.narrow(2, 3 * h, h));
            let c_new = f * cs.clone() + i * gg;
            let h_new = o * tanh(c_new.clone());
            let m = mask.clone().narrow(2, k, 1);
            cs = c_new * m.clone() + cs * (m.clone().neg() + 1.0);
            hs = h_new * m.clone() + hs * (m.neg() + 1.0);
            outs.push(hs.clone());
        }
        Tensor::stack::<4>(outs, 2)
    }

    fn random(rng: &mut ChaCha8Rng, n: usize, bound: f32) -> Vec<f32> {
        (0..n).map(|_| rng.gen_range(-bound..bound)).collect()
    }

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data()
            .convert::<f32>()
            .try_into_vec::<f32>()
            .unwrap()
    }

    fn assert_close(what: &str, got: &[f32], want: &[f32], tolerance: f32) {
        assert_eq!(got.len(), want.len(), "{what}: lengths");
        let mut worst = 0f32;
        for (g, w) in got.iter().zip(want) {
            worst = worst.max((g - w).abs() / (1.0 + w.abs()));
        }
        assert!(
            worst <= tolerance,
            "{what}: largest relative difference {worst}"
        );
    }

    /// Lengths 7, 3 and 1 in a batch of 7 frames: the reverse direction holds its zero state
    /// over 4 and 6 steps of padding.
    fn case(seed: u64) -> (Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>, Dims) {
        let dims = Dims { b: 3, t: 7, h: 5 };
        let Dims { b, t, h } = dims;
        let lengths = [7usize, 3, 1];
        let mask = mask(&lengths, t);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let gates = random(&mut rng, 2 * b * t * 4 * h, 2.0);
        let w = random(&mut rng, 2 * 4 * h * h, 0.8);
        let weights = random(&mut rng, 2 * b * t * h, 1.0);
        (gates, w, mask, weights, dims)
    }

    #[test]
    fn forward_equals_the_recurrence_written_with_burn_operations() {
        let (gates, w, mask, _, dims) = case(1);
        let Dims { b, t, h } = dims;
        for device in [Device::flex(), Device::flex().autodiff()] {
            let g =
                Tensor::<4>::from_data(TensorData::new(gates.clone(), [2, b, t, 4 * h]), &device);
            let wt = Tensor::<3>::from_data(TensorData::new(w.clone(), [2, 4 * h, h]), &device);
            let want = values(reference(g.clone(), wt.clone(), &mask));
            let got = values(recurrence(g, wt, mask.clone()));
            assert_close("hidden states", &got, &want, 1e-6);
        }
        // Padding of the reverse direction: utterance 2 (one frame) is zero until its last step.
        let rec = forward(&gates, &w, &mask, dims);
        let s = dims.state_index(1, 2, 5);
        assert!(rec.h[s..s + h].iter().all(|&v| v == 0.0));
        assert!(rec.h[s + h..s + 2 * h].iter().any(|&v| v != 0.0));
    }

    #[test]
    fn gradients_equal_burns_autodiff_of_the_same_recurrence() {
        let (gates, w, mask, weights, dims) = case(2);
        let Dims { b, t, h } = dims;
        let device = Device::flex().autodiff();
        let grads_of = |fused: bool| {
            let g =
                Tensor::<4>::from_data(TensorData::new(gates.clone(), [2, b, t, 4 * h]), &device)
                    .require_grad();
            let wt = Tensor::<3>::from_data(TensorData::new(w.clone(), [2, 4 * h, h]), &device)
                .require_grad();
            // Both inputs also feed a second use, as in the model (the gates come from a
            // product, the weights are a parameter): gradients from two paths must add up.
            let out = if fused {
                recurrence(g.clone(), wt.clone(), mask.clone())
            } else {
                reference(g.clone(), wt.clone(), &mask)
            };
            let r = Tensor::<4>::from_data(TensorData::new(weights.clone(), [2, b, t, h]), &device);
            let loss = (out * r).sum() + g.clone().sum() * 0.5 + wt.clone().powf_scalar(2.0).sum();
            let grads = loss.backward();
            let dg = values(g.grad(&grads).expect("gates gradient"));
            let dw = values(wt.grad(&grads).expect("weights gradient"));
            (dg, dw)
        };
        let (dg_ref, dw_ref) = grads_of(false);
        let (dg, dw) = grads_of(true);
        assert_close("gate gradients", &dg, &dg_ref, 1e-5);
        assert_close("recurrent weight gradients", &dw, &dw_ref, 1e-5);
        // The masked steps of the reverse direction get no gradient at their gates (beyond the
        // 0.5 of the second path).
        let gi = dims.gate_index(1, 2, 0);
        assert!(dg[gi..gi + 4 * h].iter().all(|&v| v == 0.5));
    }

    #[test]
    fn a_batch_without_frames_has_empty_outputs_and_zero_weight_gradients() {
        let dims = Dims { b: 2, t: 0, h: 3 };
        let w = vec![0.5f32; 2 * 4 * 3 * 3];
        let rec = forward(&[], &w, &[], dims);
        assert!(rec.h.is_empty());
        let (dg, dw) = backward(&rec, &w, &[], &[], dims);
        assert!(dg.is_empty());
        assert_eq!(dw.len(), w.len());
        assert!(dw.iter().all(|&v| v == 0.0));
    }
}
