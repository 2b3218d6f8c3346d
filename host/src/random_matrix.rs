//! Random sparse matrices and vectors for benchmarks and co-simulation tests, reproducible from
//! a seed.

use crate::matrix_file::DenseMatrix;
use rand::Rng;

/// A `rows x cols` matrix where each weight is non-zero with probability `density`, non-zero
/// weights uniform over the whole `bits`-wide range (zero excluded).
pub fn random_sparse(
    rng: &mut impl Rng,
    rows: usize,
    cols: usize,
    density: f64,
    bits: u32,
) -> DenseMatrix {
    let max = (1i64 << (bits - 1)) - 1;
    let data = (0..rows * cols)
        .map(|_| {
            if rng.gen_bool(density.clamp(0.0, 1.0)) {
                let v = rng.gen_range(-max - 1..=max - 1);
                if v >= 0 {
                    v + 1
                } else {
                    v
                }
            } else {
                0
            }
        })
        .collect();
    DenseMatrix { rows, cols, data }
}

/// A vector of `len` values uniform over the `bits`-wide range.
pub fn random_vector(rng: &mut impl Rng, len: usize, bits: u32) -> Vec<i64> {
    let max = (1i64 << (bits - 1)) - 1;
    (0..len).map(|_| rng.gen_range(-max - 1..=max)).collect()
}

/// A requantising shift that keeps typical results of a random product in range: the
/// accumulator's standard deviation for `nnz_per_row` uniform products, brought to a quarter of
/// the output range.
pub fn typical_shift(nnz_per_row: f64, weight_bits: u32, act_bits: u32, max_shift: u32) -> u32 {
    let sd_w = (1u64 << (weight_bits - 1)) as f64 / 3f64.sqrt();
    let sd_x = (1u64 << (act_bits - 1)) as f64 / 3f64.sqrt();
    let sd_acc = nnz_per_row.max(1.0).sqrt() * sd_w * sd_x;
    let target = (1u64 << act_bits.saturating_sub(3)) as f64;
    ((sd_acc / target).log2().ceil().max(0.0) as u32).min(max_shift)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn density_and_range_hold() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let m = random_sparse(&mut rng, 100, 100, 0.25, 4);
        let nz = m.data.iter().filter(|v| **v != 0).count();
        assert!((2000..3000).contains(&nz), "{nz}");
        assert!(m.data.iter().all(|v| (-8..=7).contains(v)));
        assert!(m.data.contains(&-8) && m.data.contains(&7));
        assert_eq!(random_sparse(&mut rng, 3, 3, 0.0, 16).data, vec![0; 9]);
        assert!(random_sparse(&mut rng, 3, 3, 1.0, 16)
            .data
            .iter()
            .all(|v| *v != 0));
    }

    #[test]
    fn typical_shift_grows_with_row_length() {
        assert!(typical_shift(1000.0, 16, 16, 47) > typical_shift(10.0, 16, 16, 47));
        assert!(typical_shift(1.0, 2, 2, 47) <= 1);
        assert_eq!(typical_shift(1e12, 16, 16, 20), 20);
    }
}
