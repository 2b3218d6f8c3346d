//! The golden network by the letter: every layer, every frame, through
//! [`crate::golden::spmv_with_bias`] walking the packed streams as the PEs do.

use super::{fc_activation, lstm_cells, step_order, GoldenNet};
use crate::golden::{spmv_with_bias, GoldenError};
use ndarray::Array2;
use zeroskip_arch::image::ImageLayer;

/// Runs layer `l`, reading and writing `tensors`.
pub(super) fn run_layer(
    net: &GoldenNet,
    l: &ImageLayer,
    tensors: &mut [Array2<i32>],
) -> Result<(), GoldenError> {
    let x = tensors[l.input].clone();
    let out = &mut tensors[l.output];
    let frames = x.nrows();
    if !l.kind.is_lstm() {
        for t in 0..frames {
            let v: Vec<i64> = x.row(t).iter().map(|&a| i64::from(a)).collect();
            let y = spmv_with_bias(&l.matrix, &v, &l.bias, l.shift)?;
            for (r, &y) in y.iter().enumerate() {
                out[[t, l.out_offset + r]] = fc_activation(l, y);
            }
        }
        return Ok(());
    }
    let hidden = l.hidden();
    let h_frac = net.image.tensors[l.output].frac;
    let (mut h, mut c) = (vec![0i32; hidden], vec![0i64; hidden]);
    for t in step_order(l.kind, frames) {
        let v: Vec<i64> = x
            .row(t)
            .iter()
            .chain(h.iter())
            .map(|&a| i64::from(a))
            .collect();
        let pre = spmv_with_bias(&l.matrix, &v, &l.bias, l.shift)?;
        lstm_cells(net, h_frac, &pre, &mut c, &mut h);
        for (u, &hu) in h.iter().enumerate() {
            out[[t, l.out_offset + u]] = hu;
        }
    }
    Ok(())
}
