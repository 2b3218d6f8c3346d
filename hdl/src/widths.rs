//! Port widths of the generated engine. Rust-HDL types are const-generic while a
//! [`HwConfig`] is chosen at run time, so every port and every signal between blocks has one
//! fixed *container* width, wide enough for the largest value [`HwConfig::validate`] accepts.
//! A field narrower than its container sits in the low bits; the upper bits are zero on every
//! port. The blocks that care about the real widths (memories, multiplier, accumulator,
//! requantiser) are Verilog leaves generated from the configuration, and address counters are
//! masked to the configured widths, so synthesis trims the unused upper bits.

use crate::error::HdlError;
use zeroskip_arch::config::{
    MAX_ACC_BITS, MAX_COLS, MAX_INDEX_BITS, MAX_OPERAND_BITS, MAX_PES, MAX_ROWS_PER_PE,
    MAX_STREAM_DEPTH,
};
use zeroskip_arch::{ports, HwConfig};

/// `load_pe`, `result_pe`: a PE index (`MAX_PES` PEs).
pub const PE_SEL_BITS: usize = 8;
/// `load_stream_addr` and `load_count_data`: an entry address in a stream memory or an entry
/// count (`0..=stream_depth`); one container for both so that the read cursor compares with the
/// count and addresses the memory without width casts.
pub const STREAM_ADDR_BITS: usize = 25;
/// `load_count_data`: an entry count, `0..=stream_depth` (same container as addresses).
pub const COUNT_BITS: usize = STREAM_ADDR_BITS;
/// `load_stream_data`: one encoded entry (weight, skip, last).
pub const ENTRY_BITS: usize = (MAX_OPERAND_BITS + MAX_INDEX_BITS + 1) as usize;
/// `load_x_addr`: a column address.
pub const COL_ADDR_BITS: usize = 16;
/// `result_addr`: a row address within a PE.
pub const ROW_ADDR_BITS: usize = 20;
/// `load_x_data`, `result_data`: an activation.
pub const ACT_BITS: usize = MAX_OPERAND_BITS as usize;
/// A weight between blocks (not a port).
pub const WEIGHT_BITS: usize = MAX_OPERAND_BITS as usize;
/// A relative column index between blocks (not a port); as wide as a column address so that
/// `cursor + skip` needs no cast.
pub const SKIP_BITS: usize = COL_ADDR_BITS;
/// An accumulator between blocks (not a port).
pub const ACC_BITS: usize = MAX_ACC_BITS as usize;
/// `shift`: the requantising shift, `0..acc_bits`.
pub const SHIFT_BITS: usize = 6;
/// `cycles`: the length of a run.
pub const CYCLE_BITS: usize = 32;

// The containers hold everything `HwConfig::validate` accepts.
const _: () = assert!(1 << PE_SEL_BITS >= MAX_PES);
const _: () = assert!(1 << (STREAM_ADDR_BITS - 1) >= MAX_STREAM_DEPTH);
const _: () = assert!(SKIP_BITS >= MAX_INDEX_BITS as usize);
const _: () = assert!(1 << COL_ADDR_BITS >= MAX_COLS);
const _: () = assert!(1 << ROW_ADDR_BITS >= MAX_ROWS_PER_PE);
const _: () = assert!(1 << SHIFT_BITS > MAX_ACC_BITS);
const _: () = assert!(1u64 << CYCLE_BITS > MAX_STREAM_DEPTH as u64 + 64);

/// Direction of a port of the top module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Dir {
    /// Driven by the testbench or host.
    Input,
    /// Driven by the engine.
    Output,
}

/// One port of the top module: its name (from [`zeroskip_arch::ports`]), direction and width.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PortSpec {
    /// Verilog port name.
    pub name: &'static str,
    /// Direction.
    pub dir: Dir,
    /// Width in bits (the same for every configuration).
    pub bits: usize,
}

/// Every port of the top module, in the order of [`zeroskip_arch::ports`].
pub fn top_ports() -> Vec<PortSpec> {
    use Dir::*;
    let p = |name, dir, bits| PortSpec { name, dir, bits };
    vec![
        p(ports::CLOCK, Input, 1),
        p(ports::RESET, Input, 1),
        p(ports::LOAD_PE, Input, PE_SEL_BITS),
        p(ports::LOAD_STREAM_WE, Input, 1),
        p(ports::LOAD_STREAM_ADDR, Input, STREAM_ADDR_BITS),
        p(ports::LOAD_STREAM_DATA, Input, ENTRY_BITS),
        p(ports::LOAD_COUNT_WE, Input, 1),
        p(ports::LOAD_COUNT_DATA, Input, COUNT_BITS),
        p(ports::LOAD_X_WE, Input, 1),
        p(ports::LOAD_X_ADDR, Input, COL_ADDR_BITS),
        p(ports::LOAD_X_DATA, Input, ACT_BITS),
        p(ports::SHIFT, Input, SHIFT_BITS),
        p(ports::START, Input, 1),
        p(ports::BUSY, Output, 1),
        p(ports::DONE, Output, 1),
        p(ports::CYCLES, Output, CYCLE_BITS),
        p(ports::RESULT_PE, Input, PE_SEL_BITS),
        p(ports::RESULT_ADDR, Input, ROW_ADDR_BITS),
        p(ports::RESULT_DATA, Output, ACT_BITS),
    ]
}

/// A mask of the low `bits` bits, as a `u64`.
pub fn low_mask(bits: u32) -> u64 {
    zeroskip_arch::fixed::mask(bits)
}

/// Checks that `value` fits a `bits`-wide container; `what` and `container` name it in the error.
pub fn check_fits(
    what: &'static str,
    value: u64,
    container: &'static str,
    bits: usize,
    max: u64,
) -> Result<(), HdlError> {
    if value > max {
        return Err(HdlError::TooWide {
            what,
            value,
            container,
            bits,
            max,
        });
    }
    Ok(())
}

/// Checks every configured width against its container. [`HwConfig::validate`] already keeps
/// them in range; this guards the generator against a future change of the limits in `arch`.
pub fn check_config(cfg: &HwConfig) -> Result<(), HdlError> {
    cfg.validate()?;
    let bits = |b: usize| (1u64 << b) - 1;
    check_fits(
        "PE index",
        cfg.pes as u64 - 1,
        "load_pe",
        PE_SEL_BITS,
        bits(PE_SEL_BITS),
    )?;
    check_fits(
        "stream_depth",
        cfg.stream_depth as u64,
        "load_count_data",
        COUNT_BITS,
        1 << (STREAM_ADDR_BITS - 1),
    )?;
    check_fits(
        "max_cols",
        cfg.max_cols as u64,
        "load_x_addr",
        COL_ADDR_BITS,
        1 << COL_ADDR_BITS,
    )?;
    check_fits(
        "max_rows_per_pe",
        cfg.max_rows_per_pe as u64,
        "result_addr",
        ROW_ADDR_BITS,
        1 << ROW_ADDR_BITS,
    )?;
    check_fits(
        "activation width",
        cfg.act_bits as u64,
        "load_x_data",
        ACT_BITS,
        ACT_BITS as u64,
    )?;
    check_fits(
        "weight width",
        cfg.weight_bits as u64,
        "weight",
        WEIGHT_BITS,
        WEIGHT_BITS as u64,
    )?;
    check_fits(
        "index width",
        cfg.index_bits as u64,
        "skip",
        SKIP_BITS,
        SKIP_BITS as u64,
    )?;
    check_fits(
        "entry width",
        cfg.entry_bits() as u64,
        "load_stream_data",
        ENTRY_BITS,
        ENTRY_BITS as u64,
    )?;
    check_fits(
        "accumulator width",
        cfg.acc_bits as u64,
        "accumulator",
        ACC_BITS,
        ACC_BITS as u64,
    )?;
    check_fits(
        "max shift",
        cfg.max_shift() as u64,
        "shift",
        SHIFT_BITS,
        bits(SHIFT_BITS),
    )?;
    Ok(())
}
