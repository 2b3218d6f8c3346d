//! The one error type of the crate: every variant carries the values needed to act on it (the
//! file or directory, the port, the offending number, the tool's own message).

use std::path::PathBuf;
use thiserror::Error;

/// Why a design cannot be built, loaded or driven.
#[derive(Debug, Error)]
pub enum SimError {
    /// Verilator is missing, cannot run or is too old.
    #[error(transparent)]
    Tool(#[from] zeroskip_tools::ToolError),
    /// The top module name is not a plain Verilog identifier.
    #[error("top module name {0:?} is not a plain identifier ([A-Za-z_][A-Za-z0-9_]*)")]
    TopName(String),
    /// A file-system operation on the build cache failed.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done ("create cache directory", "write", …).
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A build step (verilator or make) failed; `log` is the end of its output.
    #[error("{step} failed for top module `{top}` (build kept in {}):\n{log}", dir.display())]
    Build {
        /// "verilator" or "make".
        step: &'static str,
        /// The top module being built.
        top: String,
        /// Where the failed build was kept for inspection.
        dir: PathBuf,
        /// The last lines of the tool's output.
        log: String,
    },
    /// Verilator's generated header could not be understood.
    #[error("cannot read the ports of `{top}` from {}: {reason}", header.display())]
    Header {
        /// The top module.
        top: String,
        /// The header that was read.
        header: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// The built library could not be loaded or lacks a shim function.
    #[error("cannot load {}: {source}", path.display())]
    Load {
        /// The shared library.
        path: PathBuf,
        /// The loader's error.
        source: libloading::Error,
    },
    /// The shim failed to create the model (a C++ exception or a trace file it cannot open).
    #[error("the model of `{top}` could not be created{}", vcd.as_ref().map(|p| format!(" (VCD file {})", p.display())).unwrap_or_default())]
    Create {
        /// The top module.
        top: String,
        /// The VCD file asked for, if any.
        vcd: Option<PathBuf>,
    },
    /// No port of that name.
    #[error("top module `{top}` has no port `{port}` (ports: {available})")]
    UnknownPort {
        /// The top module.
        top: String,
        /// The name asked for.
        port: String,
        /// The ports it has, comma separated.
        available: String,
    },
    /// A value was written to an output port.
    #[error("port `{port}` of `{top}` is an output and cannot be driven")]
    NotAnInput {
        /// The top module.
        top: String,
        /// The port.
        port: String,
    },
    /// A port wider than 64 bits (Verilator's `VlWide`), which this crate does not access.
    #[error("port `{port}` is {bits} bits wide; ports wider than 64 bits are not supported")]
    WidePort {
        /// The port.
        port: String,
        /// Its width.
        bits: u32,
    },
    /// The clock port is not a single bit.
    #[error("clock port `{port}` is {bits} bits wide, expected 1")]
    ClockWidth {
        /// The port.
        port: String,
        /// Its width.
        bits: u32,
    },
    /// A value does not fit the port it is written to.
    #[error("value {value:#x} does not fit port `{port}` of {bits} bits")]
    ValueTooWide {
        /// The port.
        port: String,
        /// Its width.
        bits: u32,
        /// The value.
        value: u64,
    },
    /// The engine's Verilog could not be generated.
    #[error("generating the engine's Verilog failed: {0}")]
    Hdl(#[from] zeroskip_hdl::HdlError),
    /// The hardware configuration is invalid.
    #[error(transparent)]
    Config(#[from] zeroskip_arch::ConfigError),
    /// The design lacks a port the engine protocol needs, or has it too narrow.
    #[error("engine port `{port}` is {found} bits wide, the configuration needs at least {need}")]
    PortWidth {
        /// The port.
        port: &'static str,
        /// Width found (0 when missing).
        found: u32,
        /// Width needed.
        need: u32,
    },
    /// The matrix was packed for another configuration.
    #[error("matrix was packed for {found:?}, the engine is configured for {expected:?}")]
    ConfigMismatch {
        /// The engine's configuration.
        expected: Box<zeroskip_arch::HwConfig>,
        /// The matrix's configuration.
        found: Box<zeroskip_arch::HwConfig>,
    },
    /// A packed matrix that does not fit the engine's memories.
    #[error("PE {pe}: {what} {value} exceeds the configuration's {max}")]
    MatrixShape {
        /// The PE (or the number of streams for a wrong stream count).
        pe: usize,
        /// What is too large ("entries", "rows", "streams").
        what: &'static str,
        /// The value found.
        value: usize,
        /// The limit.
        max: usize,
    },
    /// `run` before `load`.
    #[error("no matrix loaded: call load() before run()")]
    NotLoaded,
    /// The vector's length is not the matrix's column count.
    #[error("vector has {len} values, the loaded matrix has {cols} columns")]
    VectorLength {
        /// Values given.
        len: usize,
        /// Columns of the matrix.
        cols: usize,
    },
    /// An activation does not fit `act_bits`.
    #[error("activation {value} at column {col} does not fit in {bits} bits")]
    ActivationRange {
        /// Column.
        col: usize,
        /// The value.
        value: i64,
        /// Activation width.
        bits: u32,
    },
    /// The requantising shift is larger than the hardware accepts.
    #[error("shift {shift} is larger than the configuration's maximum {max}")]
    Shift {
        /// The shift asked for.
        shift: u32,
        /// The largest allowed.
        max: u32,
    },
    /// The design did not raise `done` within the cycle limit.
    #[error(
        "engine did not finish within {limit} cycles (busy = {busy}, expected about {expected})"
    )]
    Timeout {
        /// Cycles waited.
        limit: u64,
        /// The cycle model's expectation.
        expected: u64,
        /// The busy output when giving up.
        busy: u64,
    },
}

/// Shorthand for an I/O error on a path.
pub(crate) fn io(
    what: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(std::io::Error) -> SimError {
    let path = path.into();
    move |source| SimError::Io { what, path, source }
}
