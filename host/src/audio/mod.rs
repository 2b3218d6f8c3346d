//! Audio in: any PCM (8/16/24/32-bit integer) or 32-bit float WAV file, any sample rate and
//! channel count, read as a stream and turned into mono `f32` samples at the rate the front end
//! wants (16 kHz for every model so far). Channels are averaged; the rate is changed by a
//! band-limited windowed-sinc resampler ([`resample`]). Anything else — not a WAV, a truncated
//! or empty file, an absurd header, an unsupported encoding, more than [`MAX_DURATION_S`] of
//! audio — is an [`AudioError`] that names the file and the problem; nothing here panics.

mod error;
pub mod resample;
mod wav;

pub use error::AudioError;
pub use resample::Resampler;
pub use wav::{read_wav, read_wav_from, WavInfo};

/// The sample rate of the front end, in Hz (see `FeatureConfig::sample_rate`).
pub const TARGET_RATE: u32 = 16_000;

/// Longest input accepted, in seconds (30 minutes). Longer recordings should be split before
/// transcription: the model sees a whole utterance at once, and 30 min at 16 kHz is already
/// 115 MB of `f32` samples.
pub const MAX_DURATION_S: u32 = 30 * 60;

/// Lowest input sample rate accepted, in Hz; anything lower is an absurd header.
pub const MIN_RATE: u32 = 1_000;

/// Highest input sample rate accepted, in Hz (768 kHz, the fastest rate audio hardware uses).
pub const MAX_RATE: u32 = 768_000;

/// Most channels accepted in one file.
pub const MAX_CHANNELS: u16 = 256;

/// Mono audio at a known sample rate, with a description of the file it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Audio {
    /// Mono samples, nominally in `[-1, 1]` (integer PCM is scaled by `2^-(bits-1)`; float
    /// samples are kept as they are, so they may exceed 1).
    pub samples: Vec<f32>,
    /// Sample rate of `samples`, in Hz.
    pub sample_rate: u32,
    /// What the file held before downmixing and resampling.
    pub source: WavInfo,
}

impl Audio {
    /// Duration of `samples` in seconds.
    pub fn duration_s(&self) -> f64 {
        self.samples.len() as f64 / self.sample_rate as f64
    }
}
