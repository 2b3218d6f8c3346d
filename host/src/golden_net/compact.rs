//! A packed matrix decoded once, at image load, into a compact per-PE struct of arrays
//! (absolute column, weight, row ends) so the golden model's inner loop does no bit
//! unpacking. Padding and empty-row entries multiply by zero and are dropped: integer sums are
//! exact, so the results are the stream walk's, bit for bit (tested against
//! [`crate::golden::spmv_with_bias`]).

use zeroskip_arch::stream::DecodeError;
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
        for pe in 0..m.streams.len() {
            let (mut a, mut b) = (CompactPe::default(), CompactPe::default());
            for step in m.walk(pe) {
                let s = step?;
                if s.weight != 0 {
                    // Columns are below MAX_COLS = 2^16 and weights at most 18 bits wide.
                    let (part, c) = if s.col < at {
                        (&mut a, s.col)
                    } else {
                        (&mut b, s.col - at)
                    };
                    part.cols.push(c as u16);
                    part.weights.push(s.weight as i32);
                }
                if s.last {
                    for part in [&mut a, &mut b] {
                        part.rows.push(s.row as u32);
                        part.ends.push(part.cols.len() as u32);
                    }
                }
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
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { self.accumulate_avx2(x, acc) };
        }
        self.accumulate_portable(x, acc)
    }

    /// The same for a block of `B` vectors stored column-interleaved: `xt[c][b]` is column `c`
    /// of vector `b`, and `acc[r][b]` row `r` of result `b`.
    pub fn accumulate_block<const B: usize>(&self, xt: &[[i32; B]], acc: &mut [[i64; B]]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F, checked just above.
                return unsafe { self.accumulate_block_avx512::<B>(xt, acc) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2, checked just above.
                return unsafe { self.accumulate_block_avx2::<B>(xt, acc) };
            }
        }
        self.accumulate_block_portable::<B>(xt, acc)
    }

    /// [`CompactMatrix::accumulate`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn accumulate_avx2(&self, x: &[i32], acc: &mut [i64]) {
        self.accumulate_portable(x, acc)
    }

    /// [`CompactMatrix::accumulate_block`] compiled for AVX2 (four 64-bit lanes).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn accumulate_block_avx2<const B: usize>(&self, xt: &[[i32; B]], acc: &mut [[i64; B]]) {
        self.accumulate_block_portable::<B>(xt, acc)
    }

    /// [`CompactMatrix::accumulate_block`] compiled for AVX-512F (eight 64-bit lanes).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn accumulate_block_avx512<const B: usize>(
        &self,
        xt: &[[i32; B]],
        acc: &mut [[i64; B]],
    ) {
        self.accumulate_block_portable::<B>(xt, acc)
    }

    /// The portable kernel of [`CompactMatrix::accumulate`]; inlined into each instruction-set
    /// variant so the compiler vectorises it for that set.
    #[inline(always)]
    pub(crate) fn accumulate_portable(&self, x: &[i32], acc: &mut [i64]) {
        for pe in &self.pes {
            let mut start = 0usize;
            for (&row, &end) in pe.rows.iter().zip(&pe.ends) {
                let end = end as usize;
                acc[row as usize] += dot(&pe.cols[start..end], &pe.weights[start..end], x);
                start = end;
            }
        }
    }

    /// The portable kernel of [`CompactMatrix::accumulate_block`].
    #[inline(always)]
    pub(crate) fn accumulate_block_portable<const B: usize>(
        &self,
        xt: &[[i32; B]],
        acc: &mut [[i64; B]],
    ) {
        for pe in &self.pes {
            let mut start = 0usize;
            for (&row, &end) in pe.rows.iter().zip(&pe.ends) {
                let end = end as usize;
                let mut sum = [0i64; B];
                for (&c, &w) in pe.cols[start..end].iter().zip(&pe.weights[start..end]) {
                    let xs = &xt[c as usize];
                    let w = i64::from(w);
                    for b in 0..B {
                        sum[b] += w * i64::from(xs[b]);
                    }
                }
                let a = &mut acc[row as usize];
                for b in 0..B {
                    a[b] += sum[b];
                }
                start = end;
            }
        }
    }
}

/// `Σ_k weights[k] · x[cols[k]]` with four independent partial sums (exact in any order).
#[inline(always)]
fn dot(cols: &[u16], weights: &[i32], x: &[i32]) -> i64 {
    let mut s = [0i64; 4];
    let (c4, w4) = (cols.chunks_exact(4), weights.chunks_exact(4));
    let (c_rest, w_rest) = (c4.remainder(), w4.remainder());
    for (c, w) in c4.zip(w4) {
        for j in 0..4 {
            s[j] += i64::from(w[j]) * i64::from(x[c[j] as usize]);
        }
    }
    for (&c, &w) in c_rest.iter().zip(w_rest) {
        s[0] += i64::from(w) * i64::from(x[c as usize]);
    }
    s[0] + s[1] + s[2] + s[3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use zeroskip_arch::HwConfig;

    /// Every instruction-set variant against the portable kernels and a dense product.
    #[test]
    fn kernels_agree_with_a_dense_product() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
        for case in 0..60 {
            let cfg = HwConfig {
                pes: 1 + case % 6,
                index_bits: 1 + (case % 5) as u32,
                stream_depth: 1 << 16,
                ..HwConfig::default()
            };
            let (rows, cols) = (rng.gen_range(1..40), rng.gen_range(1..200));
            let density: f64 = rng.gen();
            let w = crate::random_matrix::random_sparse(&mut rng, rows, cols, density, 16).data;
            let m = PackedMatrix::from_dense(&cfg, rows, cols, &w, 1 + case % 4).unwrap();
            let c = CompactMatrix::from_packed(&m).unwrap();
            assert_eq!(c.nnz(), m.nnz);
            const B: usize = 8;
            let xs: Vec<Vec<i32>> = (0..B)
                .map(|_| (0..cols).map(|_| rng.gen_range(-32768..=32767)).collect())
                .collect();
            let mut xt = vec![[0i32; B]; cols];
            for (b, x) in xs.iter().enumerate() {
                for (k, &v) in x.iter().enumerate() {
                    xt[k][b] = v;
                }
            }
            let init: Vec<[i64; B]> = (0..rows)
                .map(|_| std::array::from_fn(|_| rng.gen_range(-1000..1000)))
                .collect();
            let want: Vec<[i64; B]> = (0..rows)
                .map(|r| {
                    std::array::from_fn(|b| {
                        init[r][b]
                            + (0..cols)
                                .map(|k| w[r * cols + k] * i64::from(xs[b][k]))
                                .sum::<i64>()
                    })
                })
                .collect();
            let mut fast = init.clone();
            c.accumulate_block::<B>(&xt, &mut fast);
            let mut portable = init.clone();
            c.accumulate_block_portable::<B>(&xt, &mut portable);
            assert_eq!(fast, want, "case {case}");
            assert_eq!(portable, want, "case {case}");
            for b in 0..B {
                let mut one: Vec<i64> = (0..rows).map(|r| init[r][b]).collect();
                let mut one_portable = one.clone();
                c.accumulate(&xs[b], &mut one);
                c.accumulate_portable(&xs[b], &mut one_portable);
                let expect: Vec<i64> = (0..rows).map(|r| want[r][b]).collect();
                assert_eq!(one, expect, "case {case}, vector {b}");
                assert_eq!(one_portable, expect, "case {case}, vector {b}");
            }
        }
    }

    #[test]
    fn split_separates_input_and_hidden_columns() {
        let cfg = HwConfig::new(2).unwrap();
        let w = vec![1, 0, 2, 3, 0, 0, 0, 4];
        let m = PackedMatrix::from_dense(&cfg, 2, 4, &w, 1).unwrap();
        let (lo, hi) = CompactMatrix::split(&m, 2).unwrap();
        assert_eq!((lo.cols, hi.cols, lo.nnz(), hi.nnz()), (2, 2, 1, 3));
        let mut a = vec![0i64; 2];
        lo.accumulate(&[10, 20], &mut a);
        hi.accumulate(&[100, 1000], &mut a);
        assert_eq!(a, vec![10 + 200 + 3000, 4000]);
    }
}
