//! The hardware configuration: number of processing elements and every datapath width, as one
//! validated type shared by the generator, the packer, the golden model and the simulator.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Largest number of processing elements a configuration may ask for.
pub const MAX_PES: usize = 256;
/// Largest weight or activation width in bits (one DSP48 multiplier input is 18 bits wide).
pub const MAX_OPERAND_BITS: u32 = 18;
/// Largest accumulator width in bits.
pub const MAX_ACC_BITS: u32 = 62;
/// Largest relative-index width in bits.
pub const MAX_INDEX_BITS: u32 = 16;
/// Largest activation-vector length (columns) a configuration may hold.
pub const MAX_COLS: usize = 1 << 16;
/// Largest depth of a per-PE stream memory, in entries.
pub const MAX_STREAM_DEPTH: usize = 1 << 24;
/// Largest number of result rows one PE may hold.
pub const MAX_ROWS_PER_PE: usize = 1 << 20;

/// A configuration of the sparse engine. Build one with [`HwConfig::new`] or start from
/// [`HwConfig::default`] and call [`HwConfig::validate`] after changing fields.
///
/// ```
/// use zeroskip_arch::HwConfig;
/// let cfg = HwConfig { pes: 16, ..HwConfig::default() };
/// assert!(cfg.validate().is_ok());
/// assert_eq!(cfg.entry_bits(), 16 + 6 + 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HwConfig {
    /// Number of processing elements (PEs), `1..=MAX_PES`.
    pub pes: usize,
    /// Width of a stored weight, two's complement.
    pub weight_bits: u32,
    /// Width of an activation (input and output of the engine), two's complement.
    pub act_bits: u32,
    /// Width of the accumulator; must hold the longest dot product without overflow.
    pub acc_bits: u32,
    /// Width of the relative column index ("skip") of a stream entry.
    pub index_bits: u32,
    /// Length of the activation vector memory replicated in every PE (a power of two).
    pub max_cols: usize,
    /// Depth of each PE's stream memory, in entries (a power of two).
    pub stream_depth: usize,
    /// Depth of each PE's result memory, in rows (a power of two).
    pub max_rows_per_pe: usize,
}

impl Default for HwConfig {
    /// The default: 16 PEs, 16-bit weights and activations, 48-bit accumulators, 6-bit
    /// relative indices (23-bit entries), 1024 columns, 8192 entries and 1024 rows per PE.
    fn default() -> Self {
        HwConfig {
            pes: 16,
            weight_bits: 16,
            act_bits: 16,
            acc_bits: 48,
            index_bits: 6,
            max_cols: 1024,
            stream_depth: 8192,
            max_rows_per_pe: 1024,
        }
    }
}

/// A configuration that the hardware cannot implement; each variant quotes the bad value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// The number of PEs is zero or too large.
    #[error("number of PEs {0} is out of range 1..={MAX_PES}")]
    Pes(usize),
    /// A weight or activation width is out of range.
    #[error("{what} width {bits} is out of range 2..={MAX_OPERAND_BITS}")]
    OperandBits {
        /// Which operand ("weight" or "activation").
        what: &'static str,
        /// The offending width.
        bits: u32,
    },
    /// The relative index width is out of range.
    #[error("index width {0} is out of range 1..={MAX_INDEX_BITS}")]
    IndexBits(u32),
    /// A memory depth is zero, not a power of two, or too large.
    #[error("{what} {value} must be a power of two in 1..={max}")]
    Depth {
        /// Which memory.
        what: &'static str,
        /// The offending depth.
        value: usize,
        /// The largest allowed depth.
        max: usize,
    },
    /// The accumulator cannot hold the longest dot product, or is wider than allowed.
    #[error(
        "accumulator width {acc_bits} must be in {need}..={MAX_ACC_BITS} to hold {cols} products of {weight_bits}x{act_bits} bits without overflow"
    )]
    AccBits {
        /// The offending accumulator width.
        acc_bits: u32,
        /// The smallest width that is safe.
        need: u32,
        /// Columns of the configuration.
        cols: usize,
        /// Weight width.
        weight_bits: u32,
        /// Activation width.
        act_bits: u32,
    },
}

impl HwConfig {
    /// Builds and validates a configuration with `pes` PEs and the default widths.
    pub fn new(pes: usize) -> Result<Self, ConfigError> {
        let cfg = HwConfig {
            pes,
            ..HwConfig::default()
        };
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks every field against what the hardware can implement.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.pes == 0 || self.pes > MAX_PES {
            return Err(ConfigError::Pes(self.pes));
        }
        for (what, bits) in [("weight", self.weight_bits), ("activation", self.act_bits)] {
            if !(2..=MAX_OPERAND_BITS).contains(&bits) {
                return Err(ConfigError::OperandBits { what, bits });
            }
        }
        if !(1..=MAX_INDEX_BITS).contains(&self.index_bits) {
            return Err(ConfigError::IndexBits(self.index_bits));
        }
        for (what, value, max) in [
            ("max_cols", self.max_cols, MAX_COLS),
            ("stream_depth", self.stream_depth, MAX_STREAM_DEPTH),
            ("max_rows_per_pe", self.max_rows_per_pe, MAX_ROWS_PER_PE),
        ] {
            if value == 0 || !value.is_power_of_two() || value > max {
                return Err(ConfigError::Depth { what, value, max });
            }
        }
        let need = self.min_acc_bits();
        if self.acc_bits < need || self.acc_bits > MAX_ACC_BITS {
            return Err(ConfigError::AccBits {
                acc_bits: self.acc_bits,
                need,
                cols: self.max_cols,
                weight_bits: self.weight_bits,
                act_bits: self.act_bits,
            });
        }
        Ok(())
    }

    /// The narrowest accumulator that holds `max_cols` products of the most negative weight
    /// and activation, plus the rounding increment of [`crate::fixed::requantize`].
    pub fn min_acc_bits(&self) -> u32 {
        // |w * x| <= 2^(W-1) * 2^(A-1); a sum of 2^c of them needs W + A - 1 + c bits plus sign
        // and one more bit of headroom for the rounding increment.
        self.weight_bits + self.act_bits + clog2(self.max_cols) + 1
    }

    /// Bits in one stream entry: weight, relative index and the end-of-row flag.
    pub fn entry_bits(&self) -> u32 {
        self.weight_bits + self.index_bits + 1
    }

    /// Largest skip one entry can encode: `2^index_bits - 1`.
    pub fn max_skip(&self) -> u32 {
        (1u32 << self.index_bits) - 1
    }

    /// Address width of the activation vector memory.
    pub fn col_addr_bits(&self) -> u32 {
        clog2(self.max_cols).max(1)
    }

    /// Address width of a PE's stream memory.
    pub fn stream_addr_bits(&self) -> u32 {
        clog2(self.stream_depth).max(1)
    }

    /// Address width of a PE's result memory.
    pub fn row_addr_bits(&self) -> u32 {
        clog2(self.max_rows_per_pe).max(1)
    }

    /// Width of the PE-select field of the load and result ports.
    pub fn pe_sel_bits(&self) -> u32 {
        clog2(self.pes).max(1)
    }

    /// Largest requantising shift the hardware accepts (`acc_bits - 1`).
    pub fn max_shift(&self) -> u32 {
        self.acc_bits - 1
    }

    /// Width of the requantising-shift input.
    pub fn shift_bits(&self) -> u32 {
        clog2(self.acc_bits as usize).max(1)
    }
}

/// Ceiling of log2: the number of bits needed to address `n` items (`clog2(1) == 0`).
pub fn clog2(n: usize) -> u32 {
    if n <= 1 {
        0
    } else {
        usize::BITS - (n - 1).leading_zeros()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_entry_is_23_bits() {
        let cfg = HwConfig::default();
        cfg.validate().unwrap();
        assert_eq!(cfg.entry_bits(), 23);
        assert_eq!(cfg.min_acc_bits(), 16 + 16 + 10 + 1);
    }

    #[test]
    fn clog2_values() {
        assert_eq!(clog2(1), 0);
        assert_eq!(clog2(2), 1);
        assert_eq!(clog2(3), 2);
        assert_eq!(clog2(1024), 10);
        assert_eq!(clog2(1025), 11);
    }

    #[test]
    fn bad_values_are_named() {
        let e = HwConfig {
            pes: 0,
            ..HwConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("number of PEs 0"));
        let e = HwConfig {
            weight_bits: 40,
            ..HwConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("weight width 40"), "{e}");
        let e = HwConfig {
            max_cols: 1000,
            ..HwConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("max_cols 1000"), "{e}");
        let e = HwConfig {
            acc_bits: 32,
            ..HwConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(
            e.to_string().contains("accumulator width 32 must be in 43"),
            "{e}"
        );
        let e = HwConfig {
            index_bits: 0,
            ..HwConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(e.to_string().contains("index width 0"), "{e}");
    }
}
