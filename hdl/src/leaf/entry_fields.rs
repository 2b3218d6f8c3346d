//! Splits an encoded stream entry (format v1, `zeroskip_arch::stream`) into its fields:
//! weight in bits `[0, W)`, skip in `[W, W+I)`, the end-of-row flag at bit `W+I`.
//! Combinational; each field is zero-extended into its container.

use super::{sink, zext};
use crate::error::HdlError;
use crate::widths::{ENTRY_BITS, SKIP_BITS, WEIGHT_BITS};
use rust_hdl::prelude::*;

/// The field splitter for `weight_bits` W and `index_bits` I.
#[derive(LogicBlock)]
pub struct EntryFields {
    /// The encoded entry (low `W + I + 1` bits used).
    pub entry: Signal<In, Bits<ENTRY_BITS>>,
    /// The weight's `W` bits (two's complement), zero-extended.
    pub weight: Signal<Out, Bits<WEIGHT_BITS>>,
    /// The skip, zero-extended.
    pub skip: Signal<Out, Bits<SKIP_BITS>>,
    /// The end-of-row flag.
    pub last: Signal<Out, Bit>,
    _weight_bits: u32,
    _index_bits: u32,
}

impl EntryFields {
    /// A splitter for `weight_bits`-bit weights and `index_bits`-bit skips.
    pub fn new(weight_bits: u32, index_bits: u32) -> Result<Self, HdlError> {
        let too_wide = |what, value: u32, container, bits: usize| HdlError::TooWide {
            what,
            value: value as u64,
            container,
            bits,
            max: bits as u64,
        };
        if weight_bits == 0 || weight_bits as usize > WEIGHT_BITS {
            return Err(too_wide("weight width", weight_bits, "weight", WEIGHT_BITS));
        }
        if index_bits == 0 || index_bits as usize > SKIP_BITS {
            return Err(too_wide("index width", index_bits, "skip", SKIP_BITS));
        }
        let entry = weight_bits + index_bits + 1;
        if entry as usize > ENTRY_BITS {
            return Err(too_wide("entry width", entry, "entry", ENTRY_BITS));
        }
        Ok(EntryFields {
            entry: Default::default(),
            weight: Default::default(),
            skip: Default::default(),
            last: Default::default(),
            _weight_bits: weight_bits,
            _index_bits: index_bits,
        })
    }
}

impl Logic for EntryFields {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.weight.connect();
        self.skip.connect();
        self.last.connect();
    }

    fn hdl(&self) -> Verilog {
        let (w, i) = (self._weight_bits, self._index_bits);
        let mut v = format!(
            "// entry: weight [{}:0], skip [{}:{w}], last [{}]\n",
            w - 1,
            w + i - 1,
            w + i
        );
        v += &sink("entry", ENTRY_BITS - 1, w + i + 1);
        v += "always @(*) begin\n";
        v += &format!(
            "   weight = {};\n",
            zext(&format!("entry[{}:0]", w - 1), w, WEIGHT_BITS)
        );
        v += &format!(
            "   skip = {};\n",
            zext(&format!("entry[{}:{w}]", w + i - 1), i, SKIP_BITS)
        );
        v += &format!("   last = entry[{}];\n", w + i);
        v += "end\n";
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_entry_layout() {
        let Verilog::Custom(v) = EntryFields::new(16, 6).unwrap().hdl() else {
            panic!()
        };
        assert!(v.contains("weight = {{2{1'b0}}, entry[15:0]};"), "{v}");
        assert!(v.contains("skip = {{10{1'b0}}, entry[21:16]};"), "{v}");
        assert!(v.contains("last = entry[22];"), "{v}");
    }

    #[test]
    fn widest_entry_fills_the_container() {
        let Verilog::Custom(v) = EntryFields::new(18, 16).unwrap().hdl() else {
            panic!()
        };
        assert!(v.contains("last = entry[34];"), "{v}");
        assert!(!v.contains("unused_entry"), "{v}");
        assert!(EntryFields::new(19, 6)
            .err()
            .unwrap()
            .to_string()
            .contains("weight width 19"));
    }
}
