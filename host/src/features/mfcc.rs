//! MFCC cepstra, computed exactly as `python_speech_features.mfcc` (0.6) computes them with
//! `winfunc=numpy.hamming`, in `f64`:
//!
//! 1. pre-emphasis over the whole signal: `y[0] = x[0]`, `y[i] = x[i] − a·x[i−1]`;
//! 2. framing: `1` frame if `len ≤ window`, else `1 + ceil((len − window) / hop)` frames, the
//!    last ones zero-padded; each frame times a symmetric Hamming window;
//! 3. power spectrum `|FFT_nfft(frame)|² / nfft` over bins `0..=nfft/2`; frame energy is its sum;
//! 4. mel filterbank energies; any energy exactly 0 becomes `f64::EPSILON` (numpy's `eps`);
//! 5. natural log, orthonormal DCT-II, first `n_ceps` coefficients, lifter;
//! 6. with `append_energy`, coefficient 0 replaced by the log frame energy.

use std::sync::Arc;

use ndarray::Array2;
use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};

use super::mel::{dct_matrix, filterbank, hamming, lifter, Filter};
use super::{FeatureConfig, FeatureError};

/// MFCC frames: one row per frame, one column per cepstral coefficient.
pub type Frames = Array2<f32>;

/// An MFCC computer for one [`FeatureConfig`], holding its window, filterbank, DCT and FFT
/// plan; reuse it across utterances.
pub struct Mfcc {
    cfg: FeatureConfig,
    window: Vec<f64>,
    hop: usize,
    filters: Vec<Filter>,
    dct: Vec<f64>,
    lifter: Vec<f64>,
    fft: Arc<dyn Fft<f64>>,
}

impl Mfcc {
    /// Builds the tables for `cfg` after checking it.
    pub fn new(cfg: &FeatureConfig) -> Result<Mfcc, FeatureError> {
        cfg.validate()?;
        Ok(Mfcc {
            cfg: cfg.clone(),
            window: hamming(cfg.window_len()),
            hop: cfg.hop_len(),
            filters: filterbank(cfg),
            dct: dct_matrix(cfg.n_ceps, cfg.n_filters),
            lifter: lifter(cfg.n_ceps, cfg.lifter as f64),
            fft: FftPlanner::new().plan_fft_forward(cfg.n_fft),
        })
    }

    /// Number of frames for `len` samples.
    pub fn frame_count(&self, len: usize) -> usize {
        let win = self.window.len();
        if len <= win {
            1
        } else {
            1 + (len - win).div_ceil(self.hop)
        }
    }

    /// The cepstra of `samples` (mono, at `cfg.sample_rate`), before normalisation.
    pub fn compute(&self, samples: &[f32]) -> Frames {
        let cfg = &self.cfg;
        let a = cfg.preemphasis as f64;
        // Pre-emphasised sample i, computed where it is needed (no second copy of the signal).
        let emph = |i: usize| -> Option<f64> {
            let x = *samples.get(i)? as f64;
            Some(if i == 0 {
                x
            } else {
                x - a * samples[i - 1] as f64
            })
        };
        let n_frames = self.frame_count(samples.len());
        let n_fft = cfg.n_fft;
        let n_bins = n_fft / 2 + 1;
        let mut out = Frames::zeros((n_frames, cfg.n_ceps));
        let mut buf = vec![Complex::new(0.0, 0.0); n_fft];
        let mut scratch = vec![Complex::new(0.0, 0.0); self.fft.get_inplace_scratch_len()];
        let mut power = vec![0f64; n_bins];
        let mut log_mel = vec![0f64; cfg.n_filters];
        for (t, mut row) in out.rows_mut().into_iter().enumerate() {
            let start = t * self.hop;
            for (j, slot) in buf.iter_mut().enumerate() {
                let x = match self.window.get(j) {
                    Some(w) => emph(start + j).map_or(0.0, |x| x * w),
                    None => 0.0,
                };
                *slot = Complex::new(x, 0.0);
            }
            self.fft.process_with_scratch(&mut buf, &mut scratch);
            for (p, c) in power.iter_mut().zip(&buf) {
                *p = c.norm_sqr() / n_fft as f64;
            }
            let energy = floor_zero(power.iter().sum());
            for (m, f) in log_mel.iter_mut().zip(&self.filters) {
                let e: f64 = f
                    .weights
                    .iter()
                    .zip(&power[f.start..])
                    .map(|(w, p)| w * p)
                    .sum();
                *m = floor_zero(e).ln();
            }
            for (k, c) in row.iter_mut().enumerate() {
                let basis = &self.dct[k * cfg.n_filters..(k + 1) * cfg.n_filters];
                let v: f64 = basis.iter().zip(&log_mel).map(|(b, m)| b * m).sum();
                *c = (v * self.lifter[k]) as f32;
            }
            if cfg.append_energy {
                row[0] = energy.ln() as f32;
            }
        }
        out
    }
}

/// numpy's `where(x == 0, eps, x)`.
fn floor_zero(x: f64) -> f64 {
    if x == 0.0 {
        f64::EPSILON
    } else {
        x
    }
}

/// The cepstra of `samples` (mono, at `cfg.sample_rate`), before normalisation: one row per
/// frame, `cfg.n_ceps` columns. See the module documentation for the exact recipe.
pub fn mfcc(samples: &[f32], cfg: &FeatureConfig) -> Result<Frames, FeatureError> {
    Ok(Mfcc::new(cfg)?.compute(samples))
}
