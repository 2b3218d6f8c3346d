//! Magnitude pruning: masks over the weight matrices (biases are never pruned), chosen by the
//! smallest magnitudes with one threshold per layer, one global threshold, or — load-balance
//! aware, as in ESE — one per (layer, PE) so that every PE of the hardware holds the same
//! number of non-zeros. Masks are applied after every optimiser step, so pruned weights stay
//! exactly zero through fine-tuning. [`zhu_gupta`] gives the gradual sparsity schedule.
//!
//! Rows go to PEs as the hardware deals them: a fully connected layer's row `r` to PE
//! `r mod P`; an LSTM's four gate rows of unit `u` (rows `u`, `H+u`, `2H+u`, `3H+u`) together to
//! PE `u mod P` (`zeroskip_arch::stream::deal_rows_to_pes` with groups of 4 after the gates of a
//! unit are made adjacent).

use crate::model::{DeepSpeech, MATRIX_NAMES};
use burn::module::Param;
use burn::tensor::{Tensor, TensorData};
use serde::{Deserialize, Serialize};
use std::path::Path;
use thiserror::Error;

/// Why masks cannot be read or written.
#[derive(Debug, Error)]
pub enum MaskError {
    /// File trouble.
    #[error("{}: {message}", path.display())]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// How thresholds are chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Every matrix pruned to the target sparsity on its own.
    PerLayer,
    /// One magnitude threshold over all matrices.
    Global,
    /// Every (matrix, PE) share pruned to the target sparsity on its own, for `pes` PEs.
    Balanced {
        /// PEs of the hardware (`HwConfig::pes`).
        pes: usize,
    },
    /// One magnitude threshold over all matrices decides each matrix's share of the kept
    /// weights; within a matrix every PE share keeps the same count, as in `Balanced`.
    GlobalBalanced {
        /// PEs of the hardware (`HwConfig::pes`).
        pes: usize,
    },
    /// Like `GlobalBalanced`, but each matrix's share is set by one threshold over LAMP scores
    /// (Lee et al., 2021: a weight's square over the sum of the squares of its matrix's weights
    /// at least as large) instead of raw magnitudes: scale-free across matrices, and no matrix
    /// is emptied (its largest weight scores 1). Raw magnitudes early in training gave the
    /// output layer, whose weights start small, under 1 % of its weights at 43 % zeros overall.
    LampBalanced {
        /// PEs of the hardware (`HwConfig::pes`).
        pes: usize,
    },
}

/// One mask per weight matrix, in [`MATRIX_NAMES`] order; `true` keeps a weight.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Masks {
    /// Matrix names.
    pub names: Vec<String>,
    /// Matrix shapes `[rows, cols]` (LSTM matrices per direction).
    pub shapes: Vec<[usize; 2]>,
    /// Kept weights, row-major, as a string of `0`/`1` per matrix.
    pub keep: Vec<String>,
}

/// Fraction of the entries of `model`'s weight matrices ([`matrices`]) that are exactly zero.
pub fn sparsity(model: &DeepSpeech) -> f64 {
    let (zeros, total) = matrices(model)
        .iter()
        .fold((0usize, 0usize), |(z, t), (_, _, v)| {
            (z + v.iter().filter(|&&x| x == 0.0).count(), t + v.len())
        });
    zeros as f64 / total.max(1) as f64
}

/// The weight matrices of `model` in [`MATRIX_NAMES`] order: `(rows, cols, values)`.
pub fn matrices(model: &DeepSpeech) -> Vec<(usize, usize, Vec<f32>)> {
    let w = model.to_host();
    [
        &w.fc1.weight,
        &w.fc2.weight,
        &w.fc3.weight,
        &w.lstm_forward.weight_ih,
        &w.lstm_forward.weight_hh,
        &w.lstm_backward.weight_ih,
        &w.lstm_backward.weight_hh,
        &w.out.weight,
    ]
    .iter()
    .map(|m| (m.nrows(), m.ncols(), m.iter().copied().collect()))
    .collect()
}

/// The PE that holds row `row` of matrix `index` (in [`MATRIX_NAMES`] order) with `pes` PEs.
pub fn pe_of_row(index: usize, rows: usize, row: usize, pes: usize) -> usize {
    let is_lstm = (3..7).contains(&index);
    if is_lstm {
        (row % (rows / 4)) % pes
    } else {
        row % pes
    }
}

/// Keeps the `keep` largest magnitudes among `idx` of `values` (ties by index).
fn keep_largest(values: &[f32], idx: &mut [usize], keep: usize, out: &mut [bool]) {
    idx.sort_by(|&a, &b| values[b].abs().total_cmp(&values[a].abs()).then(a.cmp(&b)));
    for &i in &idx[..keep.min(idx.len())] {
        out[i] = true;
    }
}

/// LAMP scores of one matrix's weights: `w_u² / Σ_{|w_v| ≥ |w_u|} w_v²` (ties broken by index,
/// the later index counting as larger), so the largest weight scores 1 and the order within the
/// matrix is the order of magnitudes.
pub fn lamp_scores(v: &[f32]) -> Vec<f32> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].abs().total_cmp(&v[b].abs()).then(a.cmp(&b)));
    let mut scores = vec![0f32; v.len()];
    let mut suffix = 0f64;
    for &i in idx.iter().rev() {
        let sq = (v[i] as f64) * (v[i] as f64);
        suffix += sq;
        scores[i] = if suffix > 0.0 {
            (sq / suffix) as f32
        } else {
            0.0
        };
    }
    scores
}

/// The `(matrix, index)` of the weights one global magnitude threshold keeps at `density`.
fn global_keep(mats: &[(usize, usize, Vec<f32>)], density: f64) -> Vec<(usize, usize)> {
    global_keep_by(mats, density, |v| v.iter().map(|x| x.abs()).collect())
}

/// The `(matrix, index)` of the weights one global threshold over `score(matrix)` keeps at
/// `density` (ties by matrix and index).
fn global_keep_by(
    mats: &[(usize, usize, Vec<f32>)],
    density: f64,
    score: impl Fn(&[f32]) -> Vec<f32>,
) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize, f32)> = Vec::new();
    for (k, (_, _, v)) in mats.iter().enumerate() {
        all.extend(score(v).into_iter().enumerate().map(|(i, x)| (k, i, x)));
    }
    let keep = (density * all.len() as f64).round() as usize;
    all.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    all.truncate(keep);
    all.into_iter().map(|(k, i, _)| (k, i)).collect()
}

/// Keeps the `count` largest weights of matrix `k` (`r` × `c`, `v`), the same number in every
/// PE's share of its rows: `count / PEs`, or the whole share where a share is smaller (a matrix
/// whose rows do not divide evenly among the PEs, such as the 29-row output layer on 16 PEs,
/// at low sparsity). The count is the matrix's own, not a fraction of its smallest share: a
/// fraction of the smallest share kept less than asked, and gradual pruning, which feeds each
/// round's count into the next, shrank such a matrix geometrically (the output layer kept 96
/// of 11,136 weights at 43 % zeros overall).
fn keep_balanced(
    k: usize,
    r: usize,
    c: usize,
    v: &[f32],
    count: usize,
    pes: usize,
    out: &mut [bool],
) {
    let pes = pes.max(1);
    let mut by_pe: Vec<Vec<usize>> = vec![Vec::new(); pes];
    for row in 0..r {
        by_pe[pe_of_row(k, r, row, pes)].extend(row * c..(row + 1) * c);
    }
    let used = by_pe.iter().filter(|s| !s.is_empty()).count().max(1);
    let per_pe = count / used; // rounded down: the masks reach at least the sparsity asked for
    for idx in by_pe.iter_mut() {
        let n = per_pe.min(idx.len());
        keep_largest(v, idx, n, out);
    }
}

impl Masks {
    /// Masks that prune `model` to `sparsity` (fraction of zeros, `0..1`) by magnitude. Weights
    /// already zero (an earlier round's mask) are the first to go, so masks only grow.
    pub fn magnitude(model: &DeepSpeech, sparsity: f64, scope: Scope) -> Masks {
        let mats = matrices(model);
        let density = (1.0 - sparsity).clamp(0.0, 1.0);
        let mut keeps: Vec<Vec<bool>> = mats.iter().map(|(r, c, _)| vec![false; r * c]).collect();
        match scope {
            Scope::PerLayer => {
                for (k, (r, c, v)) in mats.iter().enumerate() {
                    let mut idx: Vec<usize> = (0..r * c).collect();
                    keep_largest(
                        v,
                        &mut idx,
                        (density * (r * c) as f64).round() as usize,
                        &mut keeps[k],
                    );
                }
            }
            Scope::Global => {
                for (k, i) in global_keep(&mats, density) {
                    keeps[k][i] = true;
                }
            }
            Scope::Balanced { pes } => {
                for (k, (r, c, v)) in mats.iter().enumerate() {
                    let count = (density * (r * c) as f64).floor() as usize;
                    keep_balanced(k, *r, *c, v, count, pes, &mut keeps[k]);
                }
            }
            Scope::GlobalBalanced { pes } | Scope::LampBalanced { pes } => {
                let mut kept = vec![0usize; mats.len()];
                let chosen = if matches!(scope, Scope::LampBalanced { .. }) {
                    global_keep_by(&mats, density, lamp_scores)
                } else {
                    global_keep(&mats, density)
                };
                for (k, _) in chosen {
                    kept[k] += 1;
                }
                for (k, (r, c, v)) in mats.iter().enumerate() {
                    keep_balanced(k, *r, *c, v, kept[k], pes, &mut keeps[k]);
                }
            }
        }
        Masks {
            names: MATRIX_NAMES.iter().map(|s| s.to_string()).collect(),
            shapes: mats.iter().map(|(r, c, _)| [*r, *c]).collect(),
            keep: keeps
                .iter()
                .map(|m| m.iter().map(|&b| if b { '1' } else { '0' }).collect())
                .collect(),
        }
    }

    fn bits(&self, k: usize) -> Vec<f32> {
        self.keep[k]
            .bytes()
            .map(|b| if b == b'1' { 1.0 } else { 0.0 })
            .collect()
    }

    /// Fraction of all masked weights that are pruned.
    pub fn sparsity(&self) -> f64 {
        let total: usize = self.keep.iter().map(String::len).sum();
        let zeros: usize = self
            .keep
            .iter()
            .map(|s| s.bytes().filter(|&b| b == b'0').count())
            .sum();
        zeros as f64 / total.max(1) as f64
    }

    /// Kept weights per matrix: `(name, kept, total)`.
    pub fn per_layer(&self) -> Vec<(String, usize, usize)> {
        self.names
            .iter()
            .zip(&self.keep)
            .map(|(n, s)| (n.clone(), s.bytes().filter(|&b| b == b'1').count(), s.len()))
            .collect()
    }

    /// `model` with every pruned weight set to zero (a fresh leaf for the optimiser).
    pub fn apply(&self, mut model: DeepSpeech) -> DeepSpeech {
        fn mul<const D: usize>(p: Param<Tensor<D>>, mask: Vec<f32>) -> Param<Tensor<D>> {
            p.map(|t| {
                let dims = t.dims();
                let m = Tensor::<D>::from_data(TensorData::new(mask, dims), &t.device().inner());
                let autodiff = t.is_autodiff();
                let v = t.inner() * m;
                if autodiff {
                    v.autodiff().require_grad()
                } else {
                    v
                }
            })
        }
        let cat = |a: Vec<f32>, b: Vec<f32>| [a, b].concat();
        model.fc1_w = mul(model.fc1_w, self.bits(0));
        model.fc2_w = mul(model.fc2_w, self.bits(1));
        model.fc3_w = mul(model.fc3_w, self.bits(2));
        model.w_ih = mul(model.w_ih, cat(self.bits(3), self.bits(5)));
        model.w_hh = mul(model.w_hh, cat(self.bits(4), self.bits(6)));
        model.out_w = mul(model.out_w, self.bits(7));
        model
    }

    /// Writes the masks as JSON.
    pub fn save(&self, path: &Path) -> Result<(), MaskError> {
        let text = serde_json::to_string(self).expect("serialisable");
        std::fs::write(path, text).map_err(|e| MaskError::File {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Reads masks written by [`Masks::save`].
    pub fn load(path: &Path) -> Result<Masks, MaskError> {
        let err = |message: String| MaskError::File {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        serde_json::from_str(&text).map_err(|e| err(e.to_string()))
    }
}

/// Zhu & Gupta's gradual schedule: the sparsity at step `t` rising from `s_i` at `t0` to `s_f`
/// after `n` pruning steps `dt` apart, `s_t = s_f + (s_i − s_f)(1 − (t − t0)/(n Δt))³`.
pub fn zhu_gupta(t: usize, t0: usize, n: usize, dt: usize, s_i: f64, s_f: f64) -> f64 {
    if t <= t0 {
        return s_i;
    }
    let span = (n * dt).max(1) as f64;
    let progress = ((t - t0) as f64 / span).min(1.0);
    s_f + (s_i - s_f) * (1.0 - progress).powi(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_ends() {
        assert_eq!(zhu_gupta(0, 0, 10, 100, 0.0, 0.9), 0.0);
        assert!((zhu_gupta(1000, 0, 10, 100, 0.0, 0.9) - 0.9).abs() < 1e-12);
        assert!((zhu_gupta(5000, 0, 10, 100, 0.0, 0.9) - 0.9).abs() < 1e-12);
        let mid = zhu_gupta(500, 0, 10, 100, 0.0, 0.9);
        assert!((mid - 0.9 * (1.0 - 0.125)).abs() < 1e-12, "{mid}");
    }

    #[test]
    fn lstm_rows_of_a_unit_share_a_pe() {
        let h = 8;
        for u in 0..h {
            let pes: Vec<_> = (0..4).map(|g| pe_of_row(3, 4 * h, g * h + u, 3)).collect();
            assert!(pes.iter().all(|&p| p == pes[0]));
        }
    }
}
