//! The output stage of a PE: an arithmetic right shift of the biased row sum by `shift`
//! (registered), then saturation to `act_bits` (combinational, into the result memory's write
//! port). Together with the bias that [`super::Mac`] adds, this is
//! `zeroskip_arch::fixed::requantize` bit for bit.
//!
//! Timing: `acc`/`in_valid` sampled on edge t give `result`/`out_valid` after edge t.

use super::{sink, zext};
use crate::error::HdlError;
use crate::widths::{ACC_BITS, ACT_BITS, SHIFT_BITS};
use rust_hdl::prelude::*;

/// Shift-and-saturate from `acc_bits` C to `act_bits` A.
#[derive(LogicBlock)]
pub struct Requantize {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start of a run or reset: drops a result in flight.
    pub clear: Signal<In, Bit>,
    /// The biased row sum, `C` bits two's complement in the low bits.
    pub acc: Signal<In, Bits<ACC_BITS>>,
    /// `acc` holds a finished row.
    pub in_valid: Signal<In, Bit>,
    /// The requantising shift, `0..C`.
    pub shift: Signal<In, Bits<SHIFT_BITS>>,
    /// The saturated result, `A` bits two's complement, zero-extended.
    pub result: Signal<Out, Bits<ACT_BITS>>,
    /// `result` is valid (write it).
    pub out_valid: Signal<Out, Bit>,
    _c: u32,
    _a: u32,
}

impl Requantize {
    /// A requantiser from `acc_bits` to `act_bits`.
    pub fn new(acc_bits: u32, act_bits: u32) -> Result<Self, HdlError> {
        if !(2..=ACT_BITS as u32).contains(&act_bits) {
            return Err(HdlError::TooWide {
                what: "activation width",
                value: act_bits as u64,
                container: "requantiser output",
                bits: ACT_BITS,
                max: ACT_BITS as u64,
            });
        }
        if acc_bits <= act_bits || acc_bits as usize > ACC_BITS {
            return Err(HdlError::TooWide {
                what: "accumulator width",
                value: acc_bits as u64,
                container: "requantiser input",
                bits: ACC_BITS,
                max: ACC_BITS as u64,
            });
        }
        Ok(Requantize {
            clock: Default::default(),
            clear: Default::default(),
            acc: Default::default(),
            in_valid: Default::default(),
            shift: Default::default(),
            result: Default::default(),
            out_valid: Default::default(),
            _c: acc_bits,
            _a: act_bits,
        })
    }
}

impl Logic for Requantize {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.result.connect();
        self.out_valid.connect();
    }

    fn hdl(&self) -> Verilog {
        let (c, a) = (self._c, self._a);
        let mut v = format!("// {c}-bit sum >>> shift, saturated to {a} bits\n");
        v += &sink("acc", ACC_BITS - 1, c);
        v += &format!("wire signed [{}:0] acc_s = acc[{}:0];\n", c - 1, c - 1);
        v += &format!("reg signed [{}:0] shifted;\n", c - 1);
        v += "reg valid_q;\n";
        v += "initial valid_q = 1'b0;\n";
        v += "always @(posedge clock) begin\n";
        v += "   shifted <= acc_s >>> shift;\n";
        v += "   valid_q <= in_valid & ~clear;\n";
        v += "end\n";
        // The value fits A bits when bits [C-1 : A-1] are all equal.
        v += &format!(
            "wire fits = (&shifted[{}:{}]) | ~(|shifted[{}:{}]);\n",
            c - 1,
            a - 1,
            c - 1,
            a - 1
        );
        let sat_hi = format!("{{1'b0, {{{}{{1'b1}}}}}}", a - 1);
        let sat_lo = format!("{{1'b1, {{{}{{1'b0}}}}}}", a - 1);
        v += &format!(
            "wire [{}:0] fitted = fits ? shifted[{}:0] : (shifted[{}] ? {sat_lo} : {sat_hi});\n",
            a - 1,
            a - 1,
            c - 1
        );
        v += "always @(*) begin\n";
        v += "   out_valid = valid_q;\n";
        v += &format!("   result = {};\n", zext("fitted", a, ACT_BITS));
        v += "end\n";
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saturation_bounds_are_act_bits() {
        let Verilog::Custom(v) = Requantize::new(48, 16).unwrap().hdl() else {
            panic!()
        };
        assert!(v.contains("(&shifted[47:15]) | ~(|shifted[47:15])"), "{v}");
        assert!(v.contains("{1'b1, {15{1'b0}}}"), "{v}");
        assert!(v.contains("shifted <= acc_s >>> shift;"), "{v}");
    }
}
