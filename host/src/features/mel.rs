//! The fixed tables of the MFCC: Hamming window, triangular mel filterbank, orthonormal DCT-II
//! and sinusoidal lifter, each built exactly as `python_speech_features` (0.6) and numpy build
//! theirs, in `f64`.

use super::FeatureConfig;

/// `numpy.hamming(n)`: the symmetric window `0.54 − 0.46·cos(2πi/(n−1))`; `[1]` for `n = 1`.
pub fn hamming(n: usize) -> Vec<f64> {
    if n == 1 {
        return vec![1.0];
    }
    (0..n)
        .map(|i| 0.54 - 0.46 * (2.0 * std::f64::consts::PI * i as f64 / (n - 1) as f64).cos())
        .collect()
}

/// Hz to mel: `2595·log10(1 + hz/700)`.
pub fn hz_to_mel(hz: f64) -> f64 {
    2595.0 * (1.0 + hz / 700.0).log10()
}

/// Mel to Hz: `700·(10^(mel/2595) − 1)`.
pub fn mel_to_hz(mel: f64) -> f64 {
    700.0 * (10f64.powf(mel / 2595.0) - 1.0)
}

/// One triangular filter: its first FFT bin and its weights from there on.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    /// First bin with a (possibly zero) weight.
    pub start: usize,
    /// Weights of bins `start..start + weights.len()`.
    pub weights: Vec<f64>,
}

/// The mel filterbank of `python_speech_features.get_filterbanks`: `n_filters + 2` points
/// evenly spaced in mel (numpy `linspace`), mapped to FFT bins by
/// `floor((n_fft + 1)·hz / sample_rate)`, rising weights `(i − b[j]) / (b[j+1] − b[j])` on
/// `b[j]..b[j+1]` and falling weights `(b[j+2] − i) / (b[j+2] − b[j+1])` on `b[j+1]..b[j+2]`.
pub fn filterbank(cfg: &FeatureConfig) -> Vec<Filter> {
    let n_points = cfg.n_filters + 2;
    let (low, high) = (hz_to_mel(cfg.low_hz as f64), hz_to_mel(cfg.high_hz as f64));
    let step = (high - low) / (n_points - 1) as f64;
    let n_bins = cfg.n_fft / 2 + 1;
    let bins: Vec<f64> = (0..n_points)
        .map(|i| {
            // numpy.linspace: start + i·step, the last point set to stop exactly.
            let mel = if i == n_points - 1 {
                high
            } else {
                low + i as f64 * step
            };
            ((cfg.n_fft + 1) as f64 * mel_to_hz(mel) / cfg.sample_rate as f64).floor()
        })
        .collect();
    (0..cfg.n_filters)
        .map(|j| {
            let (b0, b1, b2) = (bins[j], bins[j + 1], bins[j + 2]);
            let start = b0 as usize;
            let end = (b2 as usize).min(n_bins).max(start);
            let weights = (start..end)
                .map(|i| {
                    let x = i as f64;
                    if x < b1 {
                        (x - b0) / (b1 - b0)
                    } else {
                        (b2 - x) / (b2 - b1)
                    }
                })
                .collect();
            Filter { start, weights }
        })
        .collect()
}

/// The first `n_ceps` rows of the orthonormal DCT-II of size `n` (scipy `dct(type=2,
/// norm='ortho')`), row-major: `c_k = s_k·Σ x_i·cos(πk(2i+1)/(2n))`, `s_0 = √(1/n)`,
/// `s_k = √(2/n)`.
pub fn dct_matrix(n_ceps: usize, n: usize) -> Vec<f64> {
    let mut m = Vec::with_capacity(n_ceps * n);
    for k in 0..n_ceps {
        let s = if k == 0 {
            (1.0 / n as f64).sqrt()
        } else {
            (2.0 / n as f64).sqrt()
        };
        for i in 0..n {
            let angle = std::f64::consts::PI * k as f64 * (2 * i + 1) as f64 / (2 * n) as f64;
            m.push(s * angle.cos());
        }
    }
    m
}

/// Lifter gains `1 + (L/2)·sin(πk/L)`, all 1 when `L = 0`.
pub fn lifter(n_ceps: usize, l: f64) -> Vec<f64> {
    (0..n_ceps)
        .map(|k| {
            if l > 0.0 {
                1.0 + l / 2.0 * (std::f64::consts::PI * k as f64 / l).sin()
            } else {
                1.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mel_round_trip() {
        for hz in [0.0, 300.0, 1000.0, 8000.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-9);
        }
    }

    #[test]
    fn default_filterbank_edges() {
        let fb = filterbank(&FeatureConfig::default());
        assert_eq!(fb.len(), 26);
        assert_eq!(fb[0].start, 0);
        let last = fb.last().unwrap();
        // floor(513 · 8000 / 16000) = 256: the last filter ends just before bin 256.
        assert_eq!(last.start + last.weights.len(), 256);
        assert!(fb
            .iter()
            .all(|f| f.weights.iter().all(|w| (0.0..=1.0).contains(w))));
    }

    #[test]
    fn dct_is_orthonormal() {
        let n = 8;
        let m = dct_matrix(n, n);
        for a in 0..n {
            for b in 0..n {
                let d: f64 = (0..n).map(|i| m[a * n + i] * m[b * n + i]).sum();
                assert!((d - if a == b { 1.0 } else { 0.0 }).abs() < 1e-12);
            }
        }
    }
}
