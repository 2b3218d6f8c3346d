//! The compressed weight-stream format, version [`FORMAT_VERSION`]: how the rows of a sparse
//! matrix are dealt to processing elements and how each PE's rows become a stream of entries.
//!
//! An entry is `(weight, skip, last)`, packed in [`HwConfig::entry_bits`] bits:
//! bits `[0, W)` hold the weight (two's complement), bits `[W, W+I)` the skip (unsigned), bit
//! `W+I` the end-of-row flag, for `W = weight_bits` and `I = index_bits`.
//! A PE keeps a column cursor `c`, zero at the start of every row. For each entry it sets
//! `c += skip`, accumulates `weight * x[c]`, then sets `c += 1`; on an entry with `last` set it
//! emits the row's result and clears the accumulator and the cursor.
//!
//! * Only non-zero weights are stored. A gap of more zero columns than `2^I - 1` before the next
//!   non-zero is bridged by **padding entries** `(0, 2^I - 1, false)`, each covering `2^I`
//!   columns (the one it multiplies by zero included).
//! * The last non-zero of a row carries `last`; zeros after it cost nothing.
//! * An **empty row** is the single entry `(0, 0, true)`.
//! * Rows are dealt to PEs in **groups** of `group` consecutive rows (1 for a fully connected
//!   layer, 4 for an LSTM whose gate rows are interleaved per unit): group `g` goes to PE
//!   `g mod P`, and each PE keeps its rows in increasing order.
//!
//! See `docs/FORMAT.md` for a worked example.

use crate::config::HwConfig;
use crate::fixed;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Version of the stream format described in this module.
pub const FORMAT_VERSION: u32 = 1;

/// One stream entry, unpacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// The weight, or 0 for a padding entry or an empty row.
    pub weight: i64,
    /// Zero columns skipped before this entry's column.
    pub skip: u32,
    /// Set on the last entry of a row.
    pub last: bool,
}

impl Entry {
    /// Packs the entry into its `entry_bits`-wide word. The caller guarantees the fields fit.
    pub fn encode(&self, cfg: &HwConfig) -> u64 {
        let w = cfg.weight_bits;
        let i = cfg.index_bits;
        fixed::to_bits(self.weight, w)
            | ((self.skip as u64 & fixed::mask(i)) << w)
            | ((self.last as u64) << (w + i))
    }

    /// Unpacks a word; bits above `entry_bits` are ignored.
    pub fn decode(word: u64, cfg: &HwConfig) -> Entry {
        let w = cfg.weight_bits;
        let i = cfg.index_bits;
        Entry {
            weight: fixed::sign_extend(word & fixed::mask(w), w),
            skip: ((word >> w) & fixed::mask(i)) as u32,
            last: (word >> (w + i)) & 1 == 1,
        }
    }

    /// True for an entry that stores no weight (padding or an empty row).
    pub fn is_filler(&self) -> bool {
        self.weight == 0
    }
}

/// Why a matrix cannot be packed for a configuration; each variant quotes the offending values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PackError {
    /// The configuration itself is invalid.
    #[error(transparent)]
    Config(#[from] crate::ConfigError),
    /// A matrix with no rows or no columns.
    #[error("matrix is {rows}x{cols}: it needs at least one row and one column")]
    Empty {
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
    },
    /// The data length does not match the shape.
    #[error("matrix data has {len} values, expected {rows}x{cols} = {}", rows * cols)]
    DataLength {
        /// Values given.
        len: usize,
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
    },
    /// More columns than the activation memory holds.
    #[error("matrix has {cols} columns, the configuration allows at most {max} (max_cols)")]
    TooWide {
        /// Columns given.
        cols: usize,
        /// Columns the configuration holds.
        max: usize,
    },
    /// The row group is zero.
    #[error("row group must be at least 1, got {0}")]
    Group(usize),
    /// A weight does not fit the weight width.
    #[error("weight {value} at row {row}, column {col} does not fit in {bits} bits")]
    WeightRange {
        /// Row of the weight.
        row: usize,
        /// Column of the weight.
        col: usize,
        /// The weight.
        value: i64,
        /// Weight width.
        bits: u32,
    },
    /// A column index in a sparse row is out of range or not increasing.
    #[error("row {row}: column {col} is out of order or not below {cols}")]
    Column {
        /// Row.
        row: usize,
        /// Offending column.
        col: usize,
        /// Columns of the matrix.
        cols: usize,
    },
    /// A PE would hold more rows than its result memory.
    #[error("PE {pe} would hold {rows} rows, the configuration allows {max} (max_rows_per_pe)")]
    TooManyRows {
        /// The PE.
        pe: usize,
        /// Rows dealt to it.
        rows: usize,
        /// Rows its memory holds.
        max: usize,
    },
    /// A PE's stream would not fit its stream memory.
    #[error("PE {pe} would hold {entries} entries, the configuration allows {max} (stream_depth)")]
    TooManyEntries {
        /// The PE.
        pe: usize,
        /// Entries its stream needs.
        entries: usize,
        /// Entries its memory holds.
        max: usize,
    },
}

/// Why a set of streams is not a well-formed packing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// A stream addresses a column past the matrix.
    #[error("PE {pe}, entry {entry}: column {col} is past the {cols} columns")]
    Column {
        /// The PE.
        pe: usize,
        /// Entry index in its stream.
        entry: usize,
        /// Column addressed.
        col: usize,
        /// Columns of the matrix.
        cols: usize,
    },
    /// A stream's row count does not match its row list.
    #[error("PE {pe}: stream encodes {found} rows, expected {expected}")]
    RowCount {
        /// The PE.
        pe: usize,
        /// Rows found (complete rows, plus one for a trailing unfinished row).
        found: usize,
        /// Rows expected.
        expected: usize,
    },
}

/// A matrix packed for one configuration: one encoded stream per PE, and which rows each holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackedMatrix {
    /// The configuration the streams were packed for.
    pub cfg: HwConfig,
    /// Rows of the matrix.
    pub rows: usize,
    /// Columns of the matrix.
    pub cols: usize,
    /// Row group used when dealing rows.
    pub group: usize,
    /// Encoded entries, one stream per PE.
    pub streams: Vec<Vec<u64>>,
    /// Global row index of each of a PE's results, in stream order.
    pub rows_by_pe: Vec<Vec<usize>>,
    /// True non-zero weights stored.
    pub nnz: usize,
}

/// Deals `rows` rows to `pes` PEs in groups of `group`: group `g` goes to PE `g mod pes`.
/// Returns, per PE, the global rows it holds in increasing order.
///
/// ```
/// use zeroskip_arch::stream::deal_rows_to_pes;
/// assert_eq!(deal_rows_to_pes(5, 1, 2), vec![vec![0, 2, 4], vec![1, 3]]);
/// assert_eq!(deal_rows_to_pes(8, 4, 2), vec![vec![0, 1, 2, 3], vec![4, 5, 6, 7]]);
/// ```
pub fn deal_rows_to_pes(rows: usize, group: usize, pes: usize) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); pes];
    for r in 0..rows {
        out[(r / group) % pes].push(r);
    }
    out
}

/// Encodes one row given as `(column, weight)` pairs with strictly increasing columns and
/// non-zero weights, appending its entries to `out`. Returns the number of entries added.
pub fn encode_row(nonzeros: &[(usize, i64)], max_skip: u32, out: &mut Vec<Entry>) -> usize {
    let start = out.len();
    let mut cursor = 0usize;
    for &(col, weight) in nonzeros {
        while col - cursor > max_skip as usize {
            out.push(Entry {
                weight: 0,
                skip: max_skip,
                last: false,
            });
            cursor += max_skip as usize + 1;
        }
        out.push(Entry {
            weight,
            skip: (col - cursor) as u32,
            last: false,
        });
        cursor = col + 1;
    }
    match out[start..].last_mut() {
        Some(e) => e.last = true,
        None => out.push(Entry {
            weight: 0,
            skip: 0,
            last: true,
        }),
    }
    out.len() - start
}

impl PackedMatrix {
    /// Packs a dense row-major `rows x cols` matrix; zeros are not stored.
    pub fn from_dense(
        cfg: &HwConfig,
        rows: usize,
        cols: usize,
        data: &[i64],
        group: usize,
    ) -> Result<Self, PackError> {
        if data.len() != rows * cols {
            return Err(PackError::DataLength {
                len: data.len(),
                rows,
                cols,
            });
        }
        let sparse: Vec<Vec<(usize, i64)>> = data
            .chunks(cols.max(1))
            .take(rows)
            .map(|row| {
                row.iter()
                    .enumerate()
                    .filter(|(_, w)| **w != 0)
                    .map(|(c, w)| (c, *w))
                    .collect()
            })
            .collect();
        Self::from_rows(cfg, cols, &sparse, group)
    }

    /// Packs a matrix given as one list of `(column, weight)` per row, columns increasing.
    /// Zero weights in the lists are dropped.
    pub fn from_rows(
        cfg: &HwConfig,
        cols: usize,
        rows: &[Vec<(usize, i64)>],
        group: usize,
    ) -> Result<Self, PackError> {
        cfg.validate()?;
        let nrows = rows.len();
        if nrows == 0 || cols == 0 {
            return Err(PackError::Empty { rows: nrows, cols });
        }
        if cols > cfg.max_cols {
            return Err(PackError::TooWide {
                cols,
                max: cfg.max_cols,
            });
        }
        if group == 0 {
            return Err(PackError::Group(group));
        }
        let rows_by_pe = deal_rows_to_pes(nrows, group, cfg.pes);
        for (pe, list) in rows_by_pe.iter().enumerate() {
            if list.len() > cfg.max_rows_per_pe {
                return Err(PackError::TooManyRows {
                    pe,
                    rows: list.len(),
                    max: cfg.max_rows_per_pe,
                });
            }
        }
        let mut nnz = 0;
        let mut streams = Vec::with_capacity(cfg.pes);
        let mut entries = Vec::new();
        let mut row_nz = Vec::new();
        for (pe, list) in rows_by_pe.iter().enumerate() {
            entries.clear();
            for &r in list {
                row_nz.clear();
                let mut prev: Option<usize> = None;
                for &(col, value) in &rows[r] {
                    if col >= cols || prev.is_some_and(|p| col <= p) {
                        return Err(PackError::Column { row: r, col, cols });
                    }
                    prev = Some(col);
                    if value == 0 {
                        continue;
                    }
                    if !fixed::fits(value, cfg.weight_bits) {
                        return Err(PackError::WeightRange {
                            row: r,
                            col,
                            value,
                            bits: cfg.weight_bits,
                        });
                    }
                    row_nz.push((col, value));
                }
                nnz += row_nz.len();
                encode_row(&row_nz, cfg.max_skip(), &mut entries);
            }
            if entries.len() > cfg.stream_depth {
                return Err(PackError::TooManyEntries {
                    pe,
                    entries: entries.len(),
                    max: cfg.stream_depth,
                });
            }
            streams.push(entries.iter().map(|e| e.encode(cfg)).collect());
        }
        Ok(PackedMatrix {
            cfg: *cfg,
            rows: nrows,
            cols,
            group,
            streams,
            rows_by_pe,
            nnz,
        })
    }

    /// Walks PE `pe`'s stream as the PE does, yielding each entry with the global row and the
    /// column it addresses, and checking the stream's form: a column past the matrix, more
    /// rows than the PE holds, or an unfinished last row is an error (after which the walk
    /// ends). Every consumer of streams (decoding, the golden model) walks them through this.
    pub fn walk(&self, pe: usize) -> StreamWalk<'_> {
        StreamWalk {
            m: self,
            pe,
            entry: 0,
            row: 0,
            cursor: 0,
            finished: false,
        }
    }

    /// Decodes the streams back into a dense row-major matrix, checking their form.
    pub fn to_dense(&self) -> Result<Vec<i64>, DecodeError> {
        let mut out = vec![0i64; self.rows * self.cols];
        for pe in 0..self.streams.len() {
            for step in self.walk(pe) {
                let s = step?;
                out[s.row * self.cols + s.col] += s.weight;
            }
        }
        Ok(out)
    }

    /// Entries in each PE's stream.
    pub fn entries_per_pe(&self) -> Vec<usize> {
        self.streams.iter().map(Vec::len).collect()
    }

    /// All entries stored, padding and empty-row markers included.
    pub fn total_entries(&self) -> usize {
        self.streams.iter().map(Vec::len).sum()
    }

    /// All bits stored in the stream memories.
    pub fn stored_bits(&self) -> u64 {
        self.total_entries() as u64 * self.cfg.entry_bits() as u64
    }

    /// Stored bits per true non-zero weight (infinite when the matrix is all zeros).
    pub fn bits_per_nnz(&self) -> f64 {
        self.stored_bits() as f64 / self.nnz as f64
    }

    /// Bits a dense matrix of the same shape would need at the same weight width.
    pub fn dense_bits(&self) -> u64 {
        (self.rows * self.cols) as u64 * self.cfg.weight_bits as u64
    }
}

/// One entry of a PE's stream, placed: see [`PackedMatrix::walk`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Index of the entry in the PE's stream.
    pub entry: usize,
    /// Global row the entry belongs to.
    pub row: usize,
    /// Column it multiplies.
    pub col: usize,
    /// Its weight (0 for padding and empty-row markers).
    pub weight: i64,
    /// Set on the last entry of a row.
    pub last: bool,
}

/// The iterator of [`PackedMatrix::walk`].
#[derive(Clone, Debug)]
pub struct StreamWalk<'a> {
    m: &'a PackedMatrix,
    pe: usize,
    entry: usize,
    row: usize,
    cursor: usize,
    finished: bool,
}

impl Iterator for StreamWalk<'_> {
    type Item = Result<Step, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let (m, pe) = (self.m, self.pe);
        let rows = &m.rows_by_pe[pe];
        let Some(&word) = m.streams[pe].get(self.entry) else {
            self.finished = true;
            let found = self.row + usize::from(self.cursor != 0);
            return (found != rows.len()).then_some(Err(DecodeError::RowCount {
                pe,
                found,
                expected: rows.len(),
            }));
        };
        let e = Entry::decode(word, &m.cfg);
        let col = self.cursor + e.skip as usize;
        let error = if col >= m.cols {
            Some(DecodeError::Column {
                pe,
                entry: self.entry,
                col,
                cols: m.cols,
            })
        } else if self.row >= rows.len() {
            Some(DecodeError::RowCount {
                pe,
                found: self.row + 1,
                expected: rows.len(),
            })
        } else {
            None
        };
        if let Some(err) = error {
            self.finished = true;
            return Some(Err(err));
        }
        let step = Step {
            entry: self.entry,
            row: rows[self.row],
            col,
            weight: e.weight,
            last: e.last,
        };
        self.entry += 1;
        self.cursor = col + 1;
        if e.last {
            self.row += 1;
            self.cursor = 0;
        }
        Some(Ok(step))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn cfg(pes: usize, index_bits: u32) -> HwConfig {
        HwConfig {
            pes,
            index_bits,
            stream_depth: 1 << 16,
            ..HwConfig::default()
        }
    }

    #[test]
    fn entry_round_trip_at_extremes() {
        let c = cfg(1, 6);
        for weight in [-32768i64, -1, 0, 1, 32767] {
            for skip in [0u32, 1, 63] {
                for last in [false, true] {
                    let e = Entry { weight, skip, last };
                    let word = e.encode(&c);
                    assert!(word < 1 << 23);
                    assert_eq!(Entry::decode(word, &c), e);
                }
            }
        }
    }

    #[test]
    fn worked_example_of_format_doc() {
        // The example in docs/FORMAT.md: index_bits = 2, so max skip 3.
        let c = cfg(2, 2);
        #[rustfmt::skip]
        let m = vec![
            0, 5, 0, 0, 0, 0, 0, 0, 0, -3,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            7, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let p = PackedMatrix::from_dense(&c, 3, 10, &m, 1).unwrap();
        let e0: Vec<Entry> = p.streams[0].iter().map(|&w| Entry::decode(w, &c)).collect();
        let e1: Vec<Entry> = p.streams[1].iter().map(|&w| Entry::decode(w, &c)).collect();
        let en = |weight, skip, last| Entry { weight, skip, last };
        assert_eq!(
            e0,
            vec![
                en(5, 1, false),
                en(0, 3, false),
                en(-3, 3, true),
                en(7, 0, true)
            ]
        );
        assert_eq!(e1, vec![en(0, 0, true)]);
        assert_eq!(
            p.streams,
            vec![vec![0x10005, 0x30000, 0x7fffd, 0x40007], vec![0x40000]]
        );
        assert_eq!(p.rows_by_pe, vec![vec![0, 2], vec![1]]);
        assert_eq!(p.nnz, 3);
        assert_eq!(p.stored_bits(), 5 * (16 + 2 + 1));
        assert_eq!(p.to_dense().unwrap(), m);
    }

    #[test]
    fn random_matrices_round_trip() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for case in 0..300 {
            let pes = [1, 2, 3, 4, 16][case % 5];
            let c = cfg(pes, 1 + (case % 7) as u32);
            let rows = rng.gen_range(1..40);
            let cols = rng.gen_range(1..200);
            let density: f64 = rng.gen();
            let m: Vec<i64> = (0..rows * cols)
                .map(|_| {
                    if rng.gen_bool(density) {
                        rng.gen_range(-32768..=32767)
                    } else {
                        0
                    }
                })
                .collect();
            let group = [1, 4][case % 2];
            let p = PackedMatrix::from_dense(&c, rows, cols, &m, group).unwrap();
            assert_eq!(p.to_dense().unwrap(), m, "case {case}");
            assert_eq!(p.nnz, m.iter().filter(|v| **v != 0).count());
        }
    }

    #[test]
    fn walk_reports_malformed_streams() {
        let c = cfg(1, 6);
        let mut p = PackedMatrix::from_dense(&c, 2, 4, &[1, 0, 0, 2, 0, 3, 0, 0], 1).unwrap();
        let steps: Vec<Step> = p.walk(0).map(Result::unwrap).collect();
        assert_eq!(
            steps
                .iter()
                .map(|s| (s.row, s.col, s.weight, s.last))
                .collect::<Vec<_>>(),
            vec![(0, 0, 1, false), (0, 3, 2, true), (1, 1, 3, true)]
        );
        // Drop the last entry: row 1 is never finished.
        p.streams[0].pop();
        let last = p.walk(0).last().unwrap();
        assert_eq!(
            last,
            Err(DecodeError::RowCount {
                pe: 0,
                found: 1,
                expected: 2
            })
        );
        // A skip past the matrix.
        p.streams[0] = vec![Entry {
            weight: 5,
            skip: 9,
            last: true,
        }
        .encode(&c)];
        assert_eq!(
            p.walk(0).next().unwrap(),
            Err(DecodeError::Column {
                pe: 0,
                entry: 0,
                col: 9,
                cols: 4
            })
        );
        assert_eq!(
            p.to_dense(),
            Err(DecodeError::Column {
                pe: 0,
                entry: 0,
                col: 9,
                cols: 4
            })
        );
    }

    #[test]
    fn errors_quote_values() {
        let c = cfg(2, 6);
        let e = PackedMatrix::from_dense(&c, 1, 2000, &vec![0; 2000], 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "matrix has 2000 columns, the configuration allows at most 1024 (max_cols)"
        );
        let e = PackedMatrix::from_dense(&c, 1, 2, &[40000, 0], 1).unwrap_err();
        assert!(
            e.to_string().contains("weight 40000 at row 0, column 0"),
            "{e}"
        );
        let e = PackedMatrix::from_dense(&c, 2, 2, &[1, 2, 3], 1).unwrap_err();
        assert!(e.to_string().contains("3 values"), "{e}");
        let e = PackedMatrix::from_dense(&c, 0, 2, &[], 1).unwrap_err();
        assert!(matches!(e, PackError::Empty { .. }));
        let small = HwConfig {
            stream_depth: 4,
            ..c
        };
        let e = PackedMatrix::from_dense(&small, 1, 8, &[1; 8], 1).unwrap_err();
        assert!(e.to_string().contains("PE 0 would hold 8 entries"), "{e}");
        let e = PackedMatrix::from_rows(&c, 4, &[vec![(2, 1), (1, 1)]], 1).unwrap_err();
        assert!(matches!(e, PackError::Column { row: 0, col: 1, .. }), "{e}");
    }
}
