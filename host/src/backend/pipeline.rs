//! Audio to text through a backend: read the WAV, compute features, run the backend to
//! logits, log-softmax, CTC-decode. Times each stage, so callers can report a real-time factor.

use super::{open_with, Backend, BackendError, BackendKind, BackendOptions};
use crate::audio::{read_wav, AudioError};
use crate::ctc::{Alphabet, Decoder};
use crate::features::{features, FeatureConfig, FeatureError};
use crate::model::{log_softmax, Model};
use ndarray::Array2;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;
use thiserror::Error;

/// Why one file could not be transcribed; each names the file.
#[derive(Debug, Error)]
pub enum TranscribeError {
    /// The audio could not be read (the error names the file).
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The features could not be computed.
    #[error("{path}: cannot compute features")]
    Features {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: FeatureError,
    },
    /// The backend failed.
    #[error("{path}: the {backend} backend failed")]
    Backend {
        /// The file.
        path: PathBuf,
        /// The backend's name.
        backend: &'static str,
        /// Why.
        #[source]
        source: BackendError,
    },
}

/// Seconds spent in each stage of one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Timing {
    /// Reading, downmixing and resampling the WAV.
    pub read: f64,
    /// MFCC, normalisation, context stacking.
    pub features: f64,
    /// The backend: features to logits.
    pub backend: f64,
    /// Log-softmax and CTC decoding.
    pub decode: f64,
}

impl Timing {
    /// All stages together.
    pub fn total(&self) -> f64 {
        self.read + self.features + self.backend + self.decode
    }
}

/// The text of one file, with what it took.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transcript {
    /// The decoded text.
    pub text: String,
    /// Seconds of audio.
    pub audio_seconds: f64,
    /// Feature frames fed to the backend.
    pub frames: usize,
    /// The decoder's score (natural log), see [`crate::ctc::Decoded::log_prob`].
    pub log_prob: f64,
    /// Seconds per stage.
    pub timing: Timing,
}

/// A backend with the front end and decoder of its model.
pub struct Transcriber {
    backend: Box<dyn Backend>,
    features: FeatureConfig,
    alphabet: Alphabet,
    decoder: Decoder,
}

impl Transcriber {
    /// Opens backend `kind` on `model`, decoding with `decoder`.
    pub fn new(model: Model, kind: BackendKind, decoder: Decoder) -> Result<Self, BackendError> {
        Self::with_options(model, kind, decoder, &BackendOptions::default())
    }

    /// As [`Transcriber::new`], with backend options (the golden model's hardware
    /// configuration and calibration).
    pub fn with_options(
        model: Model,
        kind: BackendKind,
        decoder: Decoder,
        options: &BackendOptions,
    ) -> Result<Self, BackendError> {
        let features = model.config.features.clone();
        // Model::new / Model::load validated the alphabet; fall back to English otherwise.
        let alphabet = model
            .config
            .alphabet()
            .unwrap_or_else(|_| Alphabet::english());
        let backend = open_with(kind, model, options)?;
        Ok(Transcriber {
            backend,
            features,
            alphabet,
            decoder,
        })
    }

    /// The backend's name.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// The decoder in use.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// The model's alphabet (labels to text).
    pub fn alphabet(&self) -> &Alphabet {
        &self.alphabet
    }

    /// The per-frame log probabilities (frames × labels) of one WAV file, before decoding,
    /// with the seconds of audio: what [`Transcriber::transcribe_file`] decodes. For trying
    /// several decoders on the same audio.
    pub fn log_probs_file(&mut self, path: &Path) -> Result<(Array2<f32>, f64), TranscribeError> {
        let audio = read_wav(path, self.features.sample_rate)?;
        let mut timing = Timing::default();
        let (lp, _) = self.log_probs(&audio.samples, path, &mut timing)?;
        Ok((lp, audio.duration_s()))
    }

    fn log_probs(
        &mut self,
        samples: &[f32],
        path: &Path,
        timing: &mut Timing,
    ) -> Result<(Array2<f32>, usize), TranscribeError> {
        let start = Instant::now();
        let frames =
            features(samples, &self.features).map_err(|source| TranscribeError::Features {
                path: path.to_path_buf(),
                source,
            })?;
        timing.features = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let logits =
            self.backend
                .logits(frames.view())
                .map_err(|source| TranscribeError::Backend {
                    path: path.to_path_buf(),
                    backend: self.backend.name(),
                    source,
                })?;
        timing.backend = start.elapsed().as_secs_f64();
        Ok((log_softmax(logits.view()), frames.nrows()))
    }

    /// Transcribes one WAV file.
    pub fn transcribe_file(&mut self, path: &Path) -> Result<Transcript, TranscribeError> {
        let start = Instant::now();
        let audio = read_wav(path, self.features.sample_rate)?;
        let read = start.elapsed().as_secs_f64();
        let mut t = self.transcribe_samples(&audio.samples, path)?;
        t.timing.read = read;
        t.audio_seconds = audio.duration_s();
        Ok(t)
    }

    /// Transcribes mono samples at the model's sample rate; `path` only names them in errors.
    pub fn transcribe_samples(
        &mut self,
        samples: &[f32],
        path: &Path,
    ) -> Result<Transcript, TranscribeError> {
        let mut timing = Timing::default();
        let (log_probs, frames) = self.log_probs(samples, path, &mut timing)?;
        let start = Instant::now();
        let decoded = self.decoder.decode(log_probs.view(), self.alphabet.blank());
        let text = self.alphabet.text(&decoded.labels);
        timing.decode = start.elapsed().as_secs_f64();
        Ok(Transcript {
            text,
            audio_seconds: samples.len() as f64 / f64::from(self.features.sample_rate.max(1)),
            frames,
            log_prob: decoded.log_prob,
            timing,
        })
    }
}
