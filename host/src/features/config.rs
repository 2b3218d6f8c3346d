//! Parameters of the MFCC front end; part of every model's configuration.

use serde::{Deserialize, Serialize};

use super::FeatureError;

/// Every parameter of the front end. Defaults follow Mozilla's Deep Speech (26 cepstra,
/// 9 context frames each side) and the conventions of `python_speech_features`.
/// In JSON every field is optional; a missing field takes its default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
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

    /// Window length in samples: `round(window_ms · sample_rate / 1000)`, halves rounded up
    /// as `python_speech_features` does.
    pub fn window_len(&self) -> usize {
        samples_for_ms(self.window_ms, self.sample_rate)
    }

    /// Hop length in samples, rounded like [`FeatureConfig::window_len`].
    pub fn hop_len(&self) -> usize {
        samples_for_ms(self.hop_ms, self.sample_rate)
    }

    /// Checks every parameter; the error names the field and quotes its value.
    pub fn validate(&self) -> Result<(), FeatureError> {
        let bad = |field: &'static str, value: String, reason: &'static str| {
            Err(FeatureError::InvalidConfig {
                field,
                value,
                reason,
            })
        };
        let nyquist = self.sample_rate as f32 / 2.0;
        if self.sample_rate == 0 {
            return bad("sample_rate", "0".into(), "must be positive");
        }
        if !(self.window_ms.is_finite() && self.window_ms > 0.0) || self.window_len() == 0 {
            return bad(
                "window_ms",
                self.window_ms.to_string(),
                "must give at least one sample",
            );
        }
        if !(self.hop_ms.is_finite() && self.hop_ms > 0.0) || self.hop_len() == 0 {
            return bad(
                "hop_ms",
                self.hop_ms.to_string(),
                "must give at least one sample",
            );
        }
        if !self.preemphasis.is_finite() {
            return bad(
                "preemphasis",
                self.preemphasis.to_string(),
                "must be finite",
            );
        }
        if self.n_fft < self.window_len() || self.n_fft > 1 << 20 {
            return bad(
                "n_fft",
                self.n_fft.to_string(),
                "must be at least the window length in samples (and at most 2^20)",
            );
        }
        if self.n_filters == 0 || self.n_filters > self.n_fft / 2 + 1 {
            return bad(
                "n_filters",
                self.n_filters.to_string(),
                "must be 1 to n_fft/2 + 1",
            );
        }
        if self.n_ceps == 0 || self.n_ceps > self.n_filters {
            return bad("n_ceps", self.n_ceps.to_string(), "must be 1 to n_filters");
        }
        if !(self.low_hz.is_finite() && self.low_hz >= 0.0) {
            return bad("low_hz", self.low_hz.to_string(), "must be 0 or more");
        }
        if !(self.high_hz > self.low_hz && self.high_hz <= nyquist) {
            return bad(
                "high_hz",
                self.high_hz.to_string(),
                "must be above low_hz and at most half the sample rate",
            );
        }
        if !(self.lifter.is_finite() && self.lifter >= 0.0) {
            return bad("lifter", self.lifter.to_string(), "must be 0 or more");
        }
        if self.context > 1000 {
            return bad("context", self.context.to_string(), "must be at most 1000");
        }
        if self.stride == 0 {
            return bad("stride", "0".into(), "must be at least 1");
        }
        Ok(())
    }
}

/// `ms` milliseconds at `rate` Hz in whole samples, halves rounded up (like
/// `python_speech_features`' `round_half_up`).
fn samples_for_ms(ms: f32, rate: u32) -> usize {
    let n = (ms as f64 * rate as f64 / 1000.0).round();
    if (0.0..1e9).contains(&n) {
        n as usize
    } else {
        0
    }
}
