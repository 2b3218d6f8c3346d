//! The golden model of the sparse engine: computes, from the *packed streams*, exactly what the
//! hardware computes, word for word, and the cycles its schedule takes (the cycle model).

use thiserror::Error;
use zeroskip_arch::stream::{DecodeError, Entry};
use zeroskip_arch::{fixed, timing, PackedMatrix};

/// Why a product cannot be computed; each variant quotes the offending value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GoldenError {
    /// The vector's length is not the matrix's column count.
    #[error("vector has {len} values, the matrix has {cols} columns")]
    VectorLength {
        /// Values given.
        len: usize,
        /// Columns of the matrix.
        cols: usize,
    },
    /// An activation does not fit the activation width.
    #[error("activation {value} at column {col} does not fit in {bits} bits")]
    ActRange {
        /// Column.
        col: usize,
        /// Value.
        value: i64,
        /// Activation width.
        bits: u32,
    },
    /// The shift exceeds what the hardware accepts.
    #[error("shift {shift} is larger than the maximum {max}")]
    Shift {
        /// Shift given.
        shift: u32,
        /// Largest allowed.
        max: u32,
    },
    /// Not one bias per row.
    #[error("{len} biases for a matrix of {rows} rows")]
    BiasLength {
        /// Biases given.
        len: usize,
        /// Rows of the matrix.
        rows: usize,
    },
    /// The streams are malformed.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}

/// Checks a vector and shift against a packed matrix, as every backend must before a run.
pub fn check_inputs(m: &PackedMatrix, x: &[i64], shift: u32) -> Result<(), GoldenError> {
    if x.len() != m.cols {
        return Err(GoldenError::VectorLength {
            len: x.len(),
            cols: m.cols,
        });
    }
    if let Some((col, &value)) = x
        .iter()
        .enumerate()
        .find(|(_, v)| !fixed::fits(**v, m.cfg.act_bits))
    {
        return Err(GoldenError::ActRange {
            col,
            value,
            bits: m.cfg.act_bits,
        });
    }
    if shift > m.cfg.max_shift() {
        return Err(GoldenError::Shift {
            shift,
            max: m.cfg.max_shift(),
        });
    }
    Ok(())
}

/// The engine's result for `y = requantize(W x, shift)`, one value per matrix row, computed by
/// walking each PE's stream exactly as the PE does.
pub fn spmv(m: &PackedMatrix, x: &[i64], shift: u32) -> Result<Vec<i64>, GoldenError> {
    spmv_from(m, x, None, shift)
}

/// The engine's result for `y = requantize(b + W x, shift)`: as [`spmv`], but each row's
/// accumulator starts at its bias `bias[row]` (global row order, at the accumulator's scale)
/// instead of zero, as the whole-network kernel does (`docs/FORMAT.md`, "Network arithmetic").
pub fn spmv_with_bias(
    m: &PackedMatrix,
    x: &[i64],
    bias: &[i64],
    shift: u32,
) -> Result<Vec<i64>, GoldenError> {
    if bias.len() != m.rows {
        return Err(GoldenError::BiasLength {
            len: bias.len(),
            rows: m.rows,
        });
    }
    spmv_from(m, x, Some(bias), shift)
}

fn spmv_from(
    m: &PackedMatrix,
    x: &[i64],
    bias: Option<&[i64]>,
    shift: u32,
) -> Result<Vec<i64>, GoldenError> {
    check_inputs(m, x, shift)?;
    let mut y = vec![0i64; m.rows];
    for pe in 0..m.streams.len() {
        // The accumulator of the row in progress; `None` before a row's first entry.
        let mut acc: Option<i64> = None;
        for step in m.walk(pe) {
            let s = step?;
            let sum = acc.unwrap_or_else(|| bias.map_or(0, |b| b[s.row]))
                + fixed::mul(s.weight, x[s.col]);
            if s.last {
                y[s.row] = fixed::requantize(sum, shift, m.cfg.act_bits);
                acc = None;
            } else {
                acc = Some(sum);
            }
        }
    }
    Ok(y)
}

/// The cycles the hardware needs for one run of `m` (see `zeroskip_arch::timing`).
pub fn cycles(m: &PackedMatrix) -> u64 {
    timing::engine_cycles(&m.entries_per_pe())
}

/// Figures of one packing: what the benchmark and the reports print.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PackStats {
    /// True non-zero weights.
    pub nnz: usize,
    /// All stream entries, padding and empty-row markers included.
    pub entries: usize,
    /// Entries that store no weight (padding and empty rows).
    pub filler_entries: usize,
    /// Bits of one entry.
    pub entry_bits: u32,
    /// Stored bits per true non-zero.
    pub bits_per_nnz: f64,
    /// Dense bits at the same weight width divided by stored bits.
    pub compression_vs_dense: f64,
    /// Cycles of one run, from the cycle model.
    pub cycles: u64,
    /// Non-zero multiply-accumulates per PE per cycle: `nnz / (P * cycles)`.
    pub pe_utilization: f64,
    /// Longest PE stream over mean PE stream (1.0 is a perfect balance).
    pub imbalance: f64,
}

impl PackStats {
    /// Computes the figures of a packing.
    pub fn of(m: &PackedMatrix) -> Self {
        let entries = m.total_entries();
        let filler_entries = m
            .streams
            .iter()
            .flatten()
            .filter(|&&w| Entry::decode(w, &m.cfg).is_filler())
            .count();
        let cycles = cycles(m);
        let longest = m.entries_per_pe().into_iter().max().unwrap_or(0) as f64;
        let mean = entries as f64 / m.cfg.pes as f64;
        PackStats {
            nnz: m.nnz,
            entries,
            filler_entries,
            entry_bits: m.cfg.entry_bits(),
            bits_per_nnz: m.bits_per_nnz(),
            compression_vs_dense: m.dense_bits() as f64 / m.stored_bits() as f64,
            cycles,
            pe_utilization: m.nnz as f64 / (m.cfg.pes as f64 * cycles as f64),
            imbalance: if mean > 0.0 { longest / mean } else { 1.0 },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zeroskip_arch::HwConfig;

    /// A direct dense computation, independent of the stream walk.
    fn dense_reference(rows: usize, cols: usize, w: &[i64], x: &[i64], shift: u32) -> Vec<i64> {
        (0..rows)
            .map(|r| {
                let acc: i64 = (0..cols).map(|c| w[r * cols + c] * x[c]).sum();
                fixed::requantize(acc, shift, 16)
            })
            .collect()
    }

    #[test]
    fn stream_walk_equals_dense_product() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for case in 0..200 {
            let cfg = HwConfig {
                pes: 1 + case % 5,
                index_bits: 1 + (case % 6) as u32,
                stream_depth: 1 << 16,
                ..HwConfig::default()
            };
            let (rows, cols) = (rng.gen_range(1..30), rng.gen_range(1..300));
            let density: f64 = rng.gen();
            let w = crate::random_matrix::random_sparse(&mut rng, rows, cols, density, 16).data;
            let x: Vec<i64> = (0..cols).map(|_| rng.gen_range(-32768..=32767)).collect();
            let shift = rng.gen_range(0..=40);
            let m = PackedMatrix::from_dense(&cfg, rows, cols, &w, 1 + case % 4).unwrap();
            assert_eq!(
                spmv(&m, &x, shift).unwrap(),
                dense_reference(rows, cols, &w, &x, shift),
                "case {case}"
            );
        }
    }

    #[test]
    fn bias_initialises_the_accumulator() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
        for case in 0..100 {
            let cfg = HwConfig {
                pes: 1 + case % 5,
                index_bits: 1 + (case % 6) as u32,
                ..HwConfig::default()
            };
            let (rows, cols) = (rng.gen_range(1..30), rng.gen_range(1..300));
            let w: Vec<i64> = (0..rows * cols)
                .map(|_| {
                    if rng.gen_bool(0.2) {
                        rng.gen_range(-32768..=32767)
                    } else {
                        0
                    }
                })
                .collect();
            let x: Vec<i64> = (0..cols).map(|_| rng.gen_range(-32768..=32767)).collect();
            let b: Vec<i64> = (0..rows)
                .map(|_| rng.gen_range(-(1i64 << 40)..(1i64 << 40)))
                .collect();
            let shift = rng.gen_range(0..=40);
            let m = PackedMatrix::from_dense(&cfg, rows, cols, &w, 1 + case % 4).unwrap();
            let want: Vec<i64> = (0..rows)
                .map(|r| {
                    let acc: i64 = b[r] + (0..cols).map(|c| w[r * cols + c] * x[c]).sum::<i64>();
                    fixed::requantize(acc, shift, 16)
                })
                .collect();
            assert_eq!(
                spmv_with_bias(&m, &x, &b, shift).unwrap(),
                want,
                "case {case}"
            );
        }
        let m = PackedMatrix::from_dense(&HwConfig::default(), 2, 1, &[1, 0], 1).unwrap();
        assert_eq!(
            spmv_with_bias(&m, &[1], &[5], 0).unwrap_err().to_string(),
            "1 biases for a matrix of 2 rows"
        );
        assert_eq!(spmv_with_bias(&m, &[3], &[5, -7], 0).unwrap(), vec![8, -7]);
    }

    #[test]
    fn cycle_model_counts_longest_stream() {
        let cfg = HwConfig {
            pes: 2,
            ..HwConfig::default()
        };
        // Row 0 (PE 0): 3 non-zeros; row 1 (PE 1): empty, one marker entry.
        let m = PackedMatrix::from_dense(&cfg, 2, 3, &[1, 2, 3, 0, 0, 0], 1).unwrap();
        assert_eq!(cycles(&m), 3 + timing::PIPELINE_LATENCY);
        let s = PackStats::of(&m);
        assert_eq!((s.nnz, s.entries, s.filler_entries), (3, 4, 1));
    }

    #[test]
    fn bad_inputs_are_errors() {
        let cfg = HwConfig {
            pes: 1,
            ..HwConfig::default()
        };
        let m = PackedMatrix::from_dense(&cfg, 1, 2, &[1, 2], 1).unwrap();
        assert_eq!(
            spmv(&m, &[1], 0).unwrap_err(),
            GoldenError::VectorLength { len: 1, cols: 2 }
        );
        assert!(matches!(
            spmv(&m, &[1, 40000], 0),
            Err(GoldenError::ActRange { col: 1, .. })
        ));
        assert!(matches!(
            spmv(&m, &[1, 1], 99),
            Err(GoldenError::Shift { shift: 99, max: 47 })
        ));
    }
}
