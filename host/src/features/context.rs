//! What happens to cepstra after the MFCC: per-utterance normalisation, context stacking and
//! frame striding.

use ndarray::{s, Array2, Axis};

/// Standard deviations below this are treated as this (a constant coefficient is only centred).
pub const STD_FLOOR: f64 = 1e-6;

/// Normalises every column (coefficient) to zero mean and unit variance over the utterance
/// (population variance, computed in `f64`), in place.
pub fn normalize(frames: &mut Array2<f32>) {
    let n = frames.nrows();
    if n == 0 {
        return;
    }
    for mut col in frames.axis_iter_mut(Axis(1)) {
        let mean = col.iter().map(|&v| v as f64).sum::<f64>() / n as f64;
        let var = col.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n as f64;
        let std = var.sqrt().max(STD_FLOOR);
        col.mapv_inplace(|v| ((v as f64 - mean) / std) as f32);
    }
}

/// Stacks `context` frames on each side of every frame: row `t` of the result is frames
/// `t − context ..= t + context` laid end to end (oldest first), frames outside the utterance
/// being zero. The result has `(2·context + 1)·ncols` columns and as many rows as `frames`.
pub fn stack_context(frames: &Array2<f32>, context: usize) -> Array2<f32> {
    let (n, w) = frames.dim();
    let span = 2 * context + 1;
    let mut out = Array2::zeros((n, span * w));
    for t in 0..n {
        for j in 0..span {
            let src = t as isize + j as isize - context as isize;
            if src >= 0 && (src as usize) < n {
                out.slice_mut(s![t, j * w..(j + 1) * w])
                    .assign(&frames.row(src as usize));
            }
        }
    }
    out
}

/// Keeps rows `0, stride, 2·stride, …` (all rows for `stride ≤ 1`).
pub fn apply_stride(frames: Array2<f32>, stride: usize) -> Array2<f32> {
    if stride <= 1 {
        return frames;
    }
    frames.slice(s![..;stride, ..]).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn normalize_gives_zero_mean_unit_variance() {
        let mut a = array![[1.0f32, 5.0], [2.0, 5.0], [3.0, 5.0], [6.0, 5.0]];
        normalize(&mut a);
        let col0 = a.column(0);
        assert!(col0.sum().abs() < 1e-6);
        assert!((col0.mapv(|v| v * v).sum() / 4.0 - 1.0).abs() < 1e-5);
        assert!(
            a.column(1).iter().all(|&v| v == 0.0),
            "a constant column is only centred"
        );
    }

    #[test]
    fn context_is_zero_padded_and_ordered() {
        let a = array![[1.0f32, 10.0], [2.0, 20.0], [3.0, 30.0]];
        let s = stack_context(&a, 1);
        assert_eq!(s.dim(), (3, 6));
        assert_eq!(s.row(0).to_vec(), vec![0.0, 0.0, 1.0, 10.0, 2.0, 20.0]);
        assert_eq!(s.row(1).to_vec(), vec![1.0, 10.0, 2.0, 20.0, 3.0, 30.0]);
        assert_eq!(s.row(2).to_vec(), vec![2.0, 20.0, 3.0, 30.0, 0.0, 0.0]);
        assert_eq!(stack_context(&a, 0), a);
    }

    #[test]
    fn stride_keeps_every_kth_row() {
        let a = Array2::from_shape_fn((5, 1), |(r, _)| r as f32);
        assert_eq!(
            apply_stride(a.clone(), 2).column(0).to_vec(),
            vec![0.0, 2.0, 4.0]
        );
        assert_eq!(apply_stride(a.clone(), 1), a);
    }
}
