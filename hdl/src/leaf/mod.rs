//! Verilog leaves: Rust-HDL blocks whose `hdl()` returns `Verilog::Custom` text generated from
//! the run-time [`zeroskip_arch::HwConfig`]. They carry everything whose width or depth the
//! configuration chooses (memories, the signed multiplier, the accumulator, the requantiser),
//! and they are written to avoid the Rust-HDL traps of `shared/NOTES-toolchain.md`: every
//! product is formed at its full width, every sign extension is explicit.
//!
//! Leaves have no Rust-side behaviour (their `update` does nothing): the design is simulated
//! as Verilog, by the Verilator co-simulation in `zeroskip-sim`.

pub mod entry_fields;
pub mod mac;
pub mod requantize;
pub mod rounding_bias;
pub mod sync_ram;

pub use entry_fields::EntryFields;
pub use mac::Mac;
pub use requantize::Requantize;
pub use rounding_bias::RoundingBias;
pub use sync_ram::SyncRam;

/// `expr` (`from` bits wide) zero-extended to `to` bits, as Verilog.
pub(crate) fn zext(expr: &str, from: u32, to: usize) -> String {
    let from = from as usize;
    if from >= to {
        expr.to_string()
    } else {
        format!("{{{{{}{{1'b0}}}}, {}}}", to - from, expr)
    }
}

/// `expr` (`from` bits wide, two's complement) sign-extended to `to` bits, as Verilog; `msb`
/// names its sign bit.
pub(crate) fn sext(expr: &str, msb: &str, from: u32, to: u32) -> String {
    if from >= to {
        expr.to_string()
    } else {
        format!("{{{{{}{{{}}}}}, {}}}", to - from, msb, expr)
    }
}

/// A Verilog line that consumes bits `[hi:lo]` of `signal` so that Verilator's `-Wall` does not
/// report the container bits a leaf ignores; empty when the range is empty.
pub(crate) fn sink(signal: &str, hi: usize, lo: u32) -> String {
    let lo = lo as usize;
    if hi < lo {
        String::new()
    } else {
        format!("wire unused_{signal} = ^{{1'b0, {signal}[{hi}:{lo}]}};\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_exact_width() {
        assert_eq!(zext("a", 16, 18), "{{2{1'b0}}, a}");
        assert_eq!(zext("a", 18, 18), "a");
        assert_eq!(sext("p", "p[31]", 32, 48), "{{16{p[31]}}, p}");
        assert_eq!(
            sink("addr", 23, 10),
            "wire unused_addr = ^{1'b0, addr[23:10]};\n"
        );
        assert_eq!(sink("addr", 23, 24), "");
    }
}
