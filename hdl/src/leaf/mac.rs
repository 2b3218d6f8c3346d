//! The multiply-accumulate unit of a PE: an exact signed `W x A` product registered at its full
//! `W + A` bits, then accumulated in `acc_bits`. A row's sum starts from the rounding bias
//! `2^(shift-1)` (0 when `shift` is 0) instead of 0, so that [`super::Requantize`] only has to
//! shift and saturate: `requantize(acc, s) = saturate((acc + 2^(s-1)) >> s)`, and the addition
//! is exact because [`zeroskip_arch::HwConfig::min_acc_bits`] reserves a bit for it.
//!
//! Timing: `weight`/`act`/`in_valid`/`in_last` sampled on edge t give the product after t; it
//! is added on edge t+1, and `row_valid` is high after edge t+1 when that product ended a row,
//! with `acc` holding the row's biased sum. `clear` (start of a run or reset) empties the
//! pipeline and makes the next product start a row. `bias` (from [`super::RoundingBias`]) must
//! be stable from the edge before the first product is added.

use super::{sext, sink, zext};
use crate::error::HdlError;
use crate::widths::{ACC_BITS, ACT_BITS, WEIGHT_BITS};
use rust_hdl::prelude::*;

/// Multiply-accumulate for `weight_bits` W, `act_bits` A and `acc_bits` C.
#[derive(LogicBlock)]
pub struct Mac {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start of a run or reset.
    pub clear: Signal<In, Bit>,
    /// The run's rounding bias, `C` bits in the low bits.
    pub bias: Signal<In, Bits<ACC_BITS>>,
    /// A product is to be accumulated.
    pub in_valid: Signal<In, Bit>,
    /// It is the last of its row.
    pub in_last: Signal<In, Bit>,
    /// Weight, `W` bits two's complement in the low bits.
    pub weight: Signal<In, Bits<WEIGHT_BITS>>,
    /// Activation, `A` bits two's complement in the low bits.
    pub act: Signal<In, Bits<ACT_BITS>>,
    /// The biased row sum, `C` bits two's complement, zero-extended.
    pub acc: Signal<Out, Bits<ACC_BITS>>,
    /// High for one cycle when `acc` holds a finished row.
    pub row_valid: Signal<Out, Bit>,
    _w: u32,
    _a: u32,
    _c: u32,
}

impl Mac {
    /// A MAC with the given widths; `acc_bits` must hold the product (`W + A`).
    pub fn new(weight_bits: u32, act_bits: u32, acc_bits: u32) -> Result<Self, HdlError> {
        let too_wide = |what, value: u32, bits: usize, max: u64| HdlError::TooWide {
            what,
            value: value as u64,
            container: "MAC",
            bits,
            max,
        };
        if !(2..=WEIGHT_BITS as u32).contains(&weight_bits) {
            return Err(too_wide(
                "weight width",
                weight_bits,
                WEIGHT_BITS,
                WEIGHT_BITS as u64,
            ));
        }
        if !(2..=ACT_BITS as u32).contains(&act_bits) {
            return Err(too_wide(
                "activation width",
                act_bits,
                ACT_BITS,
                ACT_BITS as u64,
            ));
        }
        if acc_bits < weight_bits + act_bits || acc_bits as usize > ACC_BITS {
            return Err(too_wide(
                "accumulator width",
                acc_bits,
                ACC_BITS,
                ACC_BITS as u64,
            ));
        }
        Ok(Mac {
            clock: Default::default(),
            clear: Default::default(),
            bias: Default::default(),
            in_valid: Default::default(),
            in_last: Default::default(),
            weight: Default::default(),
            act: Default::default(),
            acc: Default::default(),
            row_valid: Default::default(),
            _w: weight_bits,
            _a: act_bits,
            _c: acc_bits,
        })
    }
}

impl Logic for Mac {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.acc.connect();
        self.row_valid.connect();
    }

    fn hdl(&self) -> Verilog {
        let (w, a, c) = (self._w, self._a, self._c);
        let p = w + a;
        let mut v = format!("// {w} x {a} -> {p}-bit product, {c}-bit accumulator\n");
        v += &sink("weight", WEIGHT_BITS - 1, w);
        v += &sink("act", ACT_BITS - 1, a);
        v += &format!(
            "wire signed [{}:0] w_ext = {};\n",
            p - 1,
            sext(
                &format!("weight[{}:0]", w - 1),
                &format!("weight[{}]", w - 1),
                w,
                p
            )
        );
        v += &format!(
            "wire signed [{}:0] x_ext = {};\n",
            p - 1,
            sext(
                &format!("act[{}:0]", a - 1),
                &format!("act[{}]", a - 1),
                a,
                p
            )
        );
        v += &format!("reg signed [{}:0] prod;\n", p - 1);
        v += "reg prod_valid;\nreg prod_last;\nreg fresh;\n";
        v += &format!("reg signed [{}:0] sum;\n", c - 1);
        v += &sink("bias", ACC_BITS - 1, c);
        v += &format!("wire signed [{}:0] bias_s = bias[{}:0];\n", c - 1, c - 1);
        v += &format!(
            "wire signed [{}:0] prod_ext = {};\n",
            c - 1,
            sext("prod", &format!("prod[{}]", p - 1), p, c)
        );
        v += "initial begin\n   prod_valid = 1'b0;\n   prod_last = 1'b0;\n   fresh = 1'b1;\n   row_valid = 1'b0;\nend\n";
        v += "always @(posedge clock) begin\n";
        v += "   prod <= w_ext * x_ext;\n";
        v += "   prod_valid <= in_valid & ~clear;\n";
        v += "   prod_last <= in_last;\n";
        v += "   row_valid <= prod_valid & prod_last & ~clear;\n";
        v += "   if (prod_valid) begin\n";
        v += "      sum <= (fresh ? bias_s : sum) + prod_ext;\n";
        v += "      fresh <= prod_last;\n";
        v += "   end\n";
        v += "   if (clear) fresh <= 1'b1;\n";
        v += "end\n";
        v += &format!("always @(*) acc = {};\n", zext("sum", c, ACC_BITS));
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_is_formed_at_full_width() {
        let Verilog::Custom(v) = Mac::new(16, 16, 48).unwrap().hdl() else {
            panic!()
        };
        assert!(
            v.contains("wire signed [31:0] w_ext = {{16{weight[15]}}, weight[15:0]};"),
            "{v}"
        );
        assert!(v.contains("prod <= w_ext * x_ext;"), "{v}");
        assert!(
            v.contains("wire signed [47:0] prod_ext = {{16{prod[31]}}, prod};"),
            "{v}"
        );
    }

    #[test]
    fn narrow_accumulator_is_refused() {
        let e = Mac::new(16, 16, 30).err().unwrap();
        assert!(e.to_string().contains("accumulator width 30"), "{e}");
    }
}
