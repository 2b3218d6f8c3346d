//! Parameters of the MFCC front end; part of every model's configuration.

use serde::{Deserialize, Serialize};

/// Every parameter of the front end. Defaults follow Mozilla's Deep Speech (26 cepstra,
/// 9 context frames each side) and the conventions of `python_speech_features`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureConfig {
    /// Sample rate the audio is resampled to, in Hz.
    pub sample_rate: u32,
    /// Analysis window length in milliseconds (Hamming window).
    pub window_ms: f32,
    /// Hop between windows in milliseconds.
    pub hop_ms: f32,
    /// Pre-emphasis coefficient (0 disables it).
    pub preemphasis: f32,
    /// FFT length in samples (at least the window length).
    pub n_fft: usize,
    /// Number of triangular mel filters.
    pub n_filters: usize,
    /// Number of cepstral coefficients kept.
    pub n_ceps: usize,
    /// Lowest filter edge in Hz.
    pub low_hz: f32,
    /// Highest filter edge in Hz (at most half the sample rate).
    pub high_hz: f32,
    /// Sinusoidal cepstral lifter coefficient (0 disables it).
    pub lifter: f32,
    /// Replace the zeroth cepstral coefficient by the log frame energy.
    pub append_energy: bool,
    /// Context frames stacked on each side of a frame (zero-padded at the edges).
    pub context: usize,
    /// Keep every `stride`-th frame after stacking (1 keeps all).
    pub stride: usize,
    /// Normalise each coefficient to zero mean and unit variance per utterance.
    pub normalize: bool,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            sample_rate: 16_000,
            window_ms: 25.0,
            hop_ms: 10.0,
            preemphasis: 0.97,
            n_fft: 512,
            n_filters: 26,
            n_ceps: 26,
            low_hz: 0.0,
            high_hz: 8_000.0,
            lifter: 22.0,
            append_energy: true,
            context: 9,
            stride: 1,
            normalize: true,
        }
    }
}

impl FeatureConfig {
    /// Width of one stacked feature vector: `n_ceps * (2 * context + 1)`.
    pub fn input_width(&self) -> usize {
        self.n_ceps * (2 * self.context + 1)
    }
}
