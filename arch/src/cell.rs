//! The LSTM cell update in fixed point, as the element-wise unit computes it.
//!
//! Inputs are the four gate pre-activations of one unit, already requantised by the engine to
//! Q4.11 ([`crate::act::LUT_IN_FRAC`]), and the previous cell state, also Q4.11 in 16 bits:
//!
//! ```text
//! i = σ(i_pre)  f = σ(f_pre)  g = tanh(g_pre)  o = σ(o_pre)          (Q1.14, by table)
//! c = sat16( rs(f · c_prev, 14) + rs(i · g, 17) )                       (Q4.11)
//! h = sat_A( rs(o · tanh(c), 28 − h_frac) )                             (h_frac fractional bits)
//! ```
//! where `rs` is [`crate::fixed::round_shift`] and `sat` saturation. The gate order within a
//! unit's four rows is i, f, g, o (PyTorch's).

use crate::act::{lookup, LUT_IN_FRAC, LUT_OUT_FRAC};
use crate::fixed::{round_shift, saturate};

/// Width of the cell state.
pub const CELL_BITS: u32 = 16;
/// Fractional bits of the cell state (the tanh table's input format).
pub const CELL_FRAC: u32 = LUT_IN_FRAC;

/// The activation tables a cell needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellTables {
    /// Sigmoid table from [`crate::act::table`].
    pub sigmoid: Vec<i64>,
    /// Tanh table from [`crate::act::table`].
    pub tanh: Vec<i64>,
}

impl CellTables {
    /// Builds both tables.
    pub fn new() -> Self {
        CellTables {
            sigmoid: crate::act::table(crate::act::ActFn::Sigmoid),
            tanh: crate::act::table(crate::act::ActFn::Tanh),
        }
    }
}

impl Default for CellTables {
    fn default() -> Self {
        Self::new()
    }
}

/// One unit's update: returns `(c, h)`; `h` has `h_frac` fractional bits in `h_bits` bits.
/// `h_frac` must be at most `2 * LUT_OUT_FRAC`.
#[inline]
pub fn lstm_cell(
    t: &CellTables,
    pre: [i64; 4],
    c_prev: i64,
    h_frac: u32,
    h_bits: u32,
) -> (i64, i64) {
    let i = lookup(&t.sigmoid, pre[0]);
    let f = lookup(&t.sigmoid, pre[1]);
    let g = lookup(&t.tanh, pre[2]);
    let o = lookup(&t.sigmoid, pre[3]);
    let c = saturate(
        round_shift(f * c_prev, LUT_OUT_FRAC) + round_shift(i * g, 2 * LUT_OUT_FRAC - CELL_FRAC),
        CELL_BITS,
    );
    let h = saturate(
        round_shift(o * lookup(&t.tanh, c), 2 * LUT_OUT_FRAC - h_frac),
        h_bits,
    );
    (c, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(x: f64, frac: u32) -> i64 {
        (x * (1u64 << frac) as f64).round() as i64
    }

    #[test]
    fn cell_tracks_float_lstm() {
        let t = CellTables::new();
        let sig = |x: f64| 1.0 / (1.0 + (-x).exp());
        let mut worst: f64 = 0.0;
        for k in 0..500 {
            let v = |j: i32| (((k * 7 + j * 13) % 97) as f64 / 97.0 - 0.5) * 8.0;
            let (ip, fp, gp, op, cp) = (v(1), v(2), v(3), v(4), v(5) / 2.0);
            let c_ref = sig(fp) * cp + sig(ip) * gp.tanh();
            let h_ref = sig(op) * c_ref.tanh();
            let (c, h) = lstm_cell(
                &t,
                [q(ip, 11), q(fp, 11), q(gp, 11), q(op, 11)],
                q(cp, 11),
                10,
                16,
            );
            worst = worst
                .max((c as f64 / 2048.0 - c_ref).abs())
                .max((h as f64 / 1024.0 - h_ref).abs());
        }
        assert!(worst < 0.05, "worst {worst}");
    }

    #[test]
    fn cell_saturates_instead_of_wrapping() {
        let t = CellTables::new();
        let big = i16::MAX as i64;
        let (c, h) = lstm_cell(&t, [big, big, big, big], big, 14, 16);
        assert_eq!(c, big);
        assert!(h > 0 && h <= 16384);
    }
}
