//! A packed matrix decoded once, at image load, into a compact per-PE struct of arrays
//! (absolute column, weight, row ends) so the golden model's inner loop does no bit
//! unpacking. Padding and empty-row entries multiply by zero and are dropped: integer sums are
//! exact, so the results are the stream walk's, bit for bit (tested against
//! [`crate::golden::spmv_with_bias`]).

use zeroskip_arch::stream::{DecodeError, Entry};
use zeroskip_arch::PackedMatrix;

/// One PE's rows: for result `j`, global row `rows[j]`, non-zeros `ends[j-1]..ends[j]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct CompactPe {
    rows: Vec<u32>,
    ends: Vec<u32>,
    cols: Vec<u16>,
    weights: Vec<i32>,
}

/// A packed matrix's non-zeros, per PE, ready for the golden model's kernels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompactMatrix {
    /// Rows of the matrix.
    pub rows: usize,
    /// Columns of the matrix (of this part, for a split).
    pub cols: usize,
    pes: Vec<CompactPe>,
}

impl CompactMatrix {
    /// Decodes every PE's stream of `m` (checking its form, as the stream walk does).
    pub fn from_packed(m: &PackedMatrix) -> Result<Self, DecodeError> {
        let (all, _) = Self::split(m, m.cols)?;
        Ok(all)
    }

    /// Decodes `m` into the columns below `at` and those from `at` on (renumbered from 0):
    /// an LSTM's input part and hidden-state part.
    pub fn split(m: &PackedMatrix, at: usize) -> Result<(Self, Self), DecodeError> {
        let mut lo = Vec::with_capacity(m.streams.len());
        let mut hi = Vec::with_capacity(m.streams.len());
        for (pe, (stream, rows)) in m.streams.iter().zip(&m.rows_by_pe).enumerate() {
            let (mut a, mut b) = (CompactPe::default(), CompactPe::default());
            let (mut row, mut cursor) = (0usize, 0usize);
            for (entry, &word) in stream.iter().enumerate() {
                let e = Entry::decode(word, &m.cfg);
                let col = cursor + e.skip as usize;
                if col >= m.cols {
                    return Err(DecodeError::Column {
                        pe,
                        entry,
                        col,
                        cols: m.cols,
                    });
                }
                if row >= rows.len() {
                    return Err(DecodeError::RowCount {
                        pe,
                        found: row + 1,
                        expected: rows.len(),
                    });
                }
                if e.weight != 0 {
                    // Columns are below MAX_COLS = 2^16 and weights at most 18 bits wide.
                    let (part, c) = if col < at {
                        (&mut a, col)
                    } else {
                        (&mut b, col - at)
                    };
                    part.cols.push(c as u16);
                    part.weights.push(e.weight as i32);
                }
                cursor = col + 1;
                if e.last {
                    for part in [&mut a, &mut b] {
                        part.rows.push(rows[row] as u32);
                        part.ends.push(part.cols.len() as u32);
                    }
                    row += 1;
                    cursor = 0;
                }
            }
            let found = row + usize::from(cursor != 0);
            if found != rows.len() {
                return Err(DecodeError::RowCount {
                    pe,
                    found,
                    expected: rows.len(),
                });
            }
            lo.push(a);
            hi.push(b);
        }
        let part = |pes, cols| CompactMatrix {
            rows: m.rows,
            cols,
            pes,
        };
        Ok((
            part(lo, at.min(m.cols)),
            part(hi, m.cols.saturating_sub(at)),
        ))
    }

    /// Non-zero weights stored.
    pub fn nnz(&self) -> usize {
        self.pes.iter().map(|p| p.weights.len()).sum()
    }

    /// `acc[r] += Σ_c W[r, c] · x[c]` for one vector (`x.len() == cols`, `acc.len() == rows`).
    pub fn accumulate(&self, x: &[i32], acc: &mut [i64]) {
        for pe in &self.pes {
            let mut start = 0usize;
            for (&row, &end) in pe.rows.iter().zip(&pe.ends) {
                let end = end as usize;
                let mut sum = 0i64;
                for (&c, &w) in pe.cols[start..end].iter().zip(&pe.weights[start..end]) {
                    sum += i64::from(w) * i64::from(x[c as usize]);
                }
                acc[row as usize] += sum;
                start = end;
            }
        }
    }

    /// The same for a block of `B` vectors stored column-interleaved: `xt[c·B + b]` is column
    /// `c` of vector `b`, and `acc[r·B + b]` row `r` of result `b`.
    pub fn accumulate_block<const B: usize>(&self, xt: &[i32], acc: &mut [i64]) {
        for pe in &self.pes {
            let mut start = 0usize;
            for (&row, &end) in pe.rows.iter().zip(&pe.ends) {
                let end = end as usize;
                let mut sum = [0i64; B];
                for (&c, &w) in pe.cols[start..end].iter().zip(&pe.weights[start..end]) {
                    let base = c as usize * B;
                    let xs = &xt[base..base + B];
                    let w = i64::from(w);
                    for b in 0..B {
                        sum[b] += w * i64::from(xs[b]);
                    }
                }
                let r = row as usize * B;
                for b in 0..B {
                    acc[r + b] += sum[b];
                }
                start = end;
            }
        }
    }
}
