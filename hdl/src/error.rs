//! The errors of the hardware generator: each variant quotes the value it refuses.

use thiserror::Error;
use zeroskip_arch::ConfigError;

/// Why the Verilog for a configuration cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HdlError {
    /// The configuration is invalid for the architecture (see [`zeroskip_arch::HwConfig::validate`]).
    #[error("invalid hardware configuration: {0}")]
    Config(#[from] ConfigError),
    /// A value does not fit the fixed-width container the generator gives it.
    #[error("{what} {value} does not fit the generator's {bits}-bit {container} (at most {max})")]
    TooWide {
        /// What the value is (for example "weight width").
        what: &'static str,
        /// The offending value.
        value: u64,
        /// The container it must fit.
        container: &'static str,
        /// Width of the container in bits.
        bits: usize,
        /// Largest value that fits.
        max: u64,
    },
    /// Rust-HDL's structural checks (every input driven, no combinational loop) failed.
    #[error("Rust-HDL rejected the generated design: {0}")]
    Check(String),
}
