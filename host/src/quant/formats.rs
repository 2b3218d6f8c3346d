//! Power-of-two fixed-point formats: how many fractional bits a range gets, and how a real
//! value becomes a saturated integer in that format.

use ndarray::{Array2, ArrayView2};
use zeroskip_arch::fixed;

/// Most fractional bits a weight format gets (a layer of tiny or zero weights stops here).
/// With [`MAX_ACT_FRAC`] it keeps every shift `f_w + f_x − f_y` within a 48-bit
/// accumulator's 47.
pub const MAX_W_FRAC: u32 = 30;
/// Most fractional bits an activation format gets.
pub const MAX_ACT_FRAC: u32 = 16;

/// The most fractional bits `f` (at most `max_frac`) such that `round(max_abs · 2^f)` fits a
/// `bits`-wide two's complement number: the finest power-of-two scale that still represents
/// the range. A range of 0 (or NaN) gets `max_frac`; a range too large even at `f = 0` gets 0
/// (values beyond it saturate).
///
/// ```
/// use zeroskip::quant::frac_for;
/// assert_eq!(frac_for(20.0, 16, 16), 10);  // 20 · 2^10 = 20480 ≤ 32767 < 40960
/// assert_eq!(frac_for(1.0, 16, 16), 14);   // 2^15 would need 32768
/// assert_eq!(frac_for(0.0, 16, 16), 16);
/// assert_eq!(frac_for(1e9, 16, 16), 0);
/// ```
pub fn frac_for(max_abs: f64, bits: u32, max_frac: u32) -> u32 {
    let limit = fixed::max_value(bits) as f64;
    if max_abs.is_nan() || max_abs <= 0.0 {
        return max_frac;
    }
    (0..=max_frac)
        .rev()
        .find(|&f| (max_abs * 2f64.powi(f as i32)).round() <= limit)
        .unwrap_or(0)
}

/// `saturate(round(v · 2^frac), bits)`, ties away from zero; NaN becomes 0.
///
/// ```
/// use zeroskip::quant::quantize_value;
/// assert_eq!(quantize_value(1.5, 2, 16), 6);
/// assert_eq!(quantize_value(-0.125, 2, 16), -1); // -0.5 rounds away from zero
/// assert_eq!(quantize_value(1e9, 0, 16), 32767);
/// ```
pub fn quantize_value(v: f64, frac: u32, bits: u32) -> i64 {
    let scaled = (v * 2f64.powi(frac as i32)).round();
    // `as` saturates at the i64 range and maps NaN to 0.
    fixed::saturate(scaled as i64, bits)
}

/// Feature frames (`[frames, width]`) in the network input's format: what every backend feeds
/// the engine.
pub fn quantize_input(features: ArrayView2<f32>, frac: u32, bits: u32) -> Array2<i32> {
    // Activations are at most 18 bits wide, so they fit i32.
    features.mapv(|v| quantize_value(f64::from(v), frac, bits) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frac_is_the_finest_that_fits() {
        for bits in [2u32, 8, 16, 18] {
            for &x in &[1e-6, 0.3, 0.5, 0.999, 1.0, 3.7, 20.0, 1000.0] {
                let f = frac_for(x, bits, 30);
                let q = (x * 2f64.powi(f as i32)).round();
                assert!(q <= fixed::max_value(bits) as f64 || f == 0, "{x} {bits}");
                if f < 30 {
                    let finer = (x * 2f64.powi(f as i32 + 1)).round();
                    assert!(finer > fixed::max_value(bits) as f64, "{x} {bits} {f}");
                }
            }
        }
    }

    #[test]
    fn values_saturate_and_round() {
        assert_eq!(quantize_value(-1e12, 4, 16), -32768);
        assert_eq!(quantize_value(f64::NAN, 4, 16), 0);
        assert_eq!(quantize_value(0.49 / 16.0, 4, 16), 0);
        let q = quantize_input(ndarray::array![[0.5f32, -2.0]].view(), 3, 16);
        assert_eq!(q, ndarray::array![[4, -16]]);
    }
}
