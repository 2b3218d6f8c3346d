//! A simple dual-port RAM with synchronous read: one write port and one read port with read
//! enable, both on `clock`. Depth `2^depth_bits` and data width come from the configuration;
//! ports use the containers `Bits<AW>` / `Bits<DW>` and only their low bits are used.
//! Read-during-write to the same address returns the old word (never needed by the engine).

use super::{sink, zext};
use crate::error::HdlError;
use rust_hdl::prelude::*;

/// A `2^depth_bits` x `width` RAM behind `AW`-bit address and `DW`-bit data containers.
#[derive(LogicBlock)]
pub struct SyncRam<const AW: usize, const DW: usize> {
    /// Clock of both ports.
    pub clock: Signal<In, Clock>,
    /// Write enable.
    pub write_enable: Signal<In, Bit>,
    /// Write address (low `depth_bits` used).
    pub write_address: Signal<In, Bits<AW>>,
    /// Write data (low `width` bits used).
    pub write_data: Signal<In, Bits<DW>>,
    /// Read enable: `read_data` holds its value while low.
    pub read_enable: Signal<In, Bit>,
    /// Read address (low `depth_bits` used).
    pub read_address: Signal<In, Bits<AW>>,
    /// The word at the address sampled on the last enabled edge, zero-extended.
    pub read_data: Signal<Out, Bits<DW>>,
    _depth_bits: u32,
    _width: u32,
}

impl<const AW: usize, const DW: usize> SyncRam<AW, DW> {
    /// A RAM of `2^depth_bits` words of `width` bits; `what` names it in errors.
    pub fn new(what: &'static str, depth_bits: u32, width: u32) -> Result<Self, HdlError> {
        if depth_bits == 0 || depth_bits as usize > AW {
            return Err(HdlError::TooWide {
                what,
                value: depth_bits as u64,
                container: "RAM address (bits)",
                bits: AW,
                max: AW as u64,
            });
        }
        if width == 0 || width as usize > DW {
            return Err(HdlError::TooWide {
                what,
                value: width as u64,
                container: "RAM data (bits)",
                bits: DW,
                max: DW as u64,
            });
        }
        Ok(SyncRam {
            clock: Default::default(),
            write_enable: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            read_enable: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            _depth_bits: depth_bits,
            _width: width,
        })
    }
}

impl<const AW: usize, const DW: usize> Logic for SyncRam<AW, DW> {
    fn update(&mut self) {}

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        let (a, w) = (self._depth_bits, self._width);
        let mut v = String::new();
        v += &format!("// {} x {w} bits, synchronous read\n", 1u64 << a);
        v += &format!("reg [{}:0] words [0:{}];\n", w - 1, (1u64 << a) - 1);
        v += &sink("write_address", AW - 1, a);
        v += &sink("read_address", AW - 1, a);
        v += &sink("write_data", DW - 1, w);
        v += "always @(posedge clock) begin\n";
        v += &format!(
            "   if (write_enable) words[write_address[{}:0]] <= write_data[{}:0];\n",
            a - 1,
            w - 1
        );
        v += &format!(
            "   if (read_enable) read_data <= {};\n",
            zext(&format!("words[read_address[{}:0]]", a - 1), w, DW)
        );
        v += "end\n";
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ram_text_uses_configured_depth_and_width() {
        let ram = SyncRam::<16, 18>::new("x memory", 10, 16).unwrap();
        let Verilog::Custom(v) = ram.hdl() else {
            panic!("not custom")
        };
        assert!(v.contains("reg [15:0] words [0:1023];"), "{v}");
        assert!(v.contains("{{2{1'b0}}, words[read_address[9:0]]}"), "{v}");
    }

    #[test]
    fn too_deep_ram_is_refused_with_its_value() {
        let e = SyncRam::<16, 18>::new("x memory", 17, 16).err().unwrap();
        assert!(e.to_string().contains("x memory 17"), "{e}");
        let e = SyncRam::<16, 18>::new("x memory", 4, 19).err().unwrap();
        assert!(e.to_string().contains("x memory 19"), "{e}");
    }
}
