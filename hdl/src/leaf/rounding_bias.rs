//! The rounding bias of a run, `2^(shift-1)` (0 when `shift` is 0), registered. Computed once
//! in the controller and broadcast to every PE's [`super::Mac`], which starts each row's sum
//! from it; this keeps a 48-bit decoder out of every PE.
//!
//! Timing: `shift` sampled on edge t gives `bias` after edge t.

use super::zext;
use crate::error::HdlError;
use crate::widths::{ACC_BITS, SHIFT_BITS};
use rust_hdl::prelude::*;

/// The bias register for an `acc_bits`-wide accumulator.
#[derive(LogicBlock)]
pub struct RoundingBias {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// The requantising shift, `0..acc_bits`.
    pub shift: Signal<In, Bits<SHIFT_BITS>>,
    /// `2^(shift-1)`, or 0, as an `acc_bits` number, zero-extended.
    pub bias: Signal<Out, Bits<ACC_BITS>>,
    _c: u32,
}

impl RoundingBias {
    /// The bias for `acc_bits`-wide sums.
    pub fn new(acc_bits: u32) -> Result<Self, HdlError> {
        if !(2..=ACC_BITS as u32).contains(&acc_bits) {
            return Err(HdlError::TooWide {
                what: "accumulator width",
                value: acc_bits as u64,
                container: "rounding bias",
                bits: ACC_BITS,
                max: ACC_BITS as u64,
            });
        }
        Ok(RoundingBias {
            clock: Default::default(),
            shift: Default::default(),
            bias: Default::default(),
            _c: acc_bits,
        })
    }
}

impl Logic for RoundingBias {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.bias.connect();
    }

    fn hdl(&self) -> Verilog {
        let c = self._c;
        let mut v = format!("// 2^(shift-1) as a {c}-bit number\n");
        v += &format!(
            "wire [{c1}:0] one = {{{{{c1}{{1'b0}}}}, 1'b1}};\n",
            c1 = c - 1
        );
        v += &format!(
            "wire [{}:0] value = (shift == {SHIFT_BITS}'d0) ? {c}'d0 : (one << (shift - {SHIFT_BITS}'d1));\n",
            c - 1
        );
        v += "always @(posedge clock) begin\n";
        v += &format!("   bias <= {};\n", zext("value", c, ACC_BITS));
        v += "end\n";
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bias_is_a_shifted_one() {
        let Verilog::Custom(v) = RoundingBias::new(48).unwrap().hdl() else {
            panic!()
        };
        assert!(
            v.contains("(shift == 6'd0) ? 48'd0 : (one << (shift - 6'd1))"),
            "{v}"
        );
        assert!(v.contains("bias <= {{14{1'b0}}, value};"), "{v}");
        assert!(RoundingBias::new(63)
            .err()
            .unwrap()
            .to_string()
            .contains("accumulator width 63"));
    }
}
