//! Activation functions of the fixed-point network, as the tables and formulas the hardware
//! implements: sigmoid and tanh by lookup, clipped ReLU by comparison. The same tables feed the
//! golden model and the generated Verilog.
//!
//! A table is indexed by the top [`LUT_INDEX_BITS`] bits of its 16-bit input in offset binary
//! (the sign bit inverted), so it covers the whole input range `[-16, 16)` at
//! [`LUT_IN_FRAC`] fractional bits in steps of 1/64; each entry holds the function at the
//! centre of its step, rounded to [`LUT_OUT_FRAC`] fractional bits.

use crate::fixed;

/// Fractional bits of a table's input (Q4.11 in 16 bits).
pub const LUT_IN_FRAC: u32 = 11;
/// Width of a table's input.
pub const LUT_IN_BITS: u32 = 16;
/// Fractional bits of a table's output (Q1.14 in 16 bits: 1.0 is 16384).
pub const LUT_OUT_FRAC: u32 = 14;
/// Address bits of a table (2048 entries).
pub const LUT_INDEX_BITS: u32 = 11;

/// Which function a table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActFn {
    /// The logistic function `1 / (1 + e^-x)`.
    Sigmoid,
    /// The hyperbolic tangent.
    Tanh,
}

impl ActFn {
    /// The function in floating point.
    pub fn eval(self, x: f64) -> f64 {
        match self {
            ActFn::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            ActFn::Tanh => x.tanh(),
        }
    }
}

/// The table of `f`: `2^LUT_INDEX_BITS` entries at `LUT_OUT_FRAC` fractional bits.
///
/// ```
/// use zeroskip_arch::act::{table, ActFn, LUT_INDEX_BITS};
/// let t = table(ActFn::Tanh);
/// assert_eq!(t.len(), 1 << LUT_INDEX_BITS);
/// assert_eq!(t[0], -16384);           // tanh(-16) rounds to -1.0
/// assert_eq!(t[t.len() - 1], 16384);  // tanh(16) rounds to 1.0
/// ```
pub fn table(f: ActFn) -> Vec<i64> {
    let n = 1usize << LUT_INDEX_BITS;
    let step_bits = LUT_IN_BITS - LUT_INDEX_BITS;
    (0..n)
        .map(|i| {
            // Entry i covers raw inputs [i·2^s - 2^15, (i+1)·2^s - 2^15); take its centre.
            let lo = (i as i64) * (1 << step_bits) - (1 << (LUT_IN_BITS - 1));
            let centre =
                (lo as f64 + ((1 << step_bits) as f64 - 1.0) / 2.0) / (1u64 << LUT_IN_FRAC) as f64;
            let v = (f.eval(centre) * (1u64 << LUT_OUT_FRAC) as f64).round() as i64;
            fixed::saturate(v, 16)
        })
        .collect()
}

/// The table address for a 16-bit input: its top `LUT_INDEX_BITS` bits, sign bit inverted.
#[inline]
pub fn lut_index(x: i64) -> usize {
    let offset = (fixed::saturate(x, LUT_IN_BITS) + (1 << (LUT_IN_BITS - 1))) as usize;
    offset >> (LUT_IN_BITS - LUT_INDEX_BITS)
}

/// Looks `x` (Q4.11, 16 bits) up in a table made by [`table`].
#[inline]
pub fn lookup(table: &[i64], x: i64) -> i64 {
    table[lut_index(x)]
}

/// Clipped ReLU: `min(max(x, 0), clip)`; `clip` is the ceiling in the same fixed-point format.
#[inline]
pub fn clipped_relu(x: i64, clip: i64) -> i64 {
    x.clamp(0, clip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_close_to_the_functions() {
        for f in [ActFn::Sigmoid, ActFn::Tanh] {
            let t = table(f);
            let mut worst: f64 = 0.0;
            for raw in (-32768i64..32768).step_by(7) {
                let x = raw as f64 / 2048.0;
                let got = lookup(&t, raw) as f64 / 16384.0;
                worst = worst.max((got - f.eval(x)).abs());
            }
            // Half a step (1/128) times the largest slope (1 for tanh), plus output rounding.
            assert!(
                worst < 1.0 / 128.0 + 1.0 / 16384.0,
                "{f:?}: worst error {worst}"
            );
        }
    }

    #[test]
    fn index_is_offset_binary_top_bits() {
        assert_eq!(lut_index(-32768), 0);
        assert_eq!(lut_index(-1), 1023);
        assert_eq!(lut_index(0), 1024);
        assert_eq!(lut_index(32767), 2047);
        assert_eq!(lut_index(99999), 2047);
    }

    #[test]
    fn tables_are_monotonic() {
        for f in [ActFn::Sigmoid, ActFn::Tanh] {
            assert!(table(f).windows(2).all(|w| w[0] <= w[1]));
        }
    }
}
