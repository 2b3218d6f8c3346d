//! The golden network's fast path: the same arithmetic as [`super::reference`], on the
//! decoded [`super::CompactMatrix`] kernels, with frames batched in blocks of [`BLOCK`]
//! wherever no recurrence forbids it.

use super::{fc_activation, lstm_cells, step_order, GoldenNet, Prepared};
use ndarray::Array2;
use zeroskip_arch::fixed;
use zeroskip_arch::image::ImageLayer;

/// Frames processed together by the batched kernel.
pub const BLOCK: usize = 8;

/// Runs layer `l` (prepared as `p`), reading and writing `tensors`.
pub(super) fn run_layer(
    net: &GoldenNet,
    l: &ImageLayer,
    p: &Prepared,
    tensors: &mut [Array2<i32>],
) {
    let bits = net.image.cfg.act_bits;
    let x = std::mem::take(&mut tensors[l.input]);
    let out = &mut tensors[l.output];
    match p {
        Prepared::Fc(m) => {
            biased_products(m, &l.bias, &x, |t, r, acc| {
                out[[t, l.out_offset + r]] =
                    fc_activation(l, fixed::requantize(acc, l.shift, bits));
            });
        }
        Prepared::Lstm { x: mx, h: mh } => {
            let frames = x.nrows();
            let rows = l.rows();
            // The input half of every step's product, for all frames at once.
            let mut pre_x = vec![0i64; frames * rows];
            biased_products(mx, &l.bias, &x, |t, r, acc| pre_x[t * rows + r] = acc);
            let hidden = l.hidden();
            let h_frac = net.image.tensors[l.output].frac;
            let (mut h, mut c) = (vec![0i32; hidden], vec![0i64; hidden]);
            let mut acc = vec![0i64; rows];
            for t in step_order(l.kind, frames) {
                acc.copy_from_slice(&pre_x[t * rows..(t + 1) * rows]);
                mh.accumulate(&h, &mut acc);
                for a in acc.iter_mut() {
                    *a = fixed::requantize(*a, l.shift, bits);
                }
                lstm_cells(net, h_frac, &acc, &mut c, &mut h);
                for (u, &hu) in h.iter().enumerate() {
                    out[[t, l.out_offset + u]] = hu;
                }
            }
        }
    }
    tensors[l.input] = x;
}

/// For every frame `t` of `x` and row `r` of `m`, calls `emit(t, r, bias[r] + Σ W[r,c] x[t,c])`.
fn biased_products(
    m: &super::CompactMatrix,
    bias: &[i64],
    x: &Array2<i32>,
    mut emit: impl FnMut(usize, usize, i64),
) {
    let (frames, cols) = (x.nrows(), m.cols);
    let mut xt = vec![[0i32; BLOCK]; cols];
    let mut acc = vec![[0i64; BLOCK]; m.rows];
    for t0 in (0..frames).step_by(BLOCK) {
        let n = BLOCK.min(frames - t0);
        if n < BLOCK {
            xt.fill([0; BLOCK]);
        }
        for b in 0..n {
            for (xc, &v) in xt.iter_mut().zip(x.row(t0 + b).iter()) {
                xc[b] = v;
            }
        }
        for (a, &b) in acc.iter_mut().zip(bias) {
            *a = [b; BLOCK];
        }
        m.accumulate_block::<BLOCK>(&xt, &mut acc);
        for b in 0..n {
            for (r, a) in acc.iter().enumerate() {
                emit(t0 + b, r, a[b]);
            }
        }
    }
}
