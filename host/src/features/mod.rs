//! The front end shared by training and inference: MFCC features and their parameters.
//! One implementation; a model's configuration carries the [`FeatureConfig`] it was trained
//! with, so it always gets the same features.
//!
//! The pipeline, in [`features`]: [`mfcc`] (cepstra matching `python_speech_features` with a
//! Hamming window) → [`normalize`] per utterance (if `cfg.normalize`) → [`stack_context`]
//! (`cfg.context` frames each side, zero-padded) → every `cfg.stride`-th frame. Samples are
//! mono at `cfg.sample_rate`, nominally in `[-1, 1]`, as [`crate::audio`] produces them.

mod config;
mod context;
mod error;
pub mod mel;
mod mfcc;

pub use config::FeatureConfig;
pub use context::{apply_stride, normalize, stack_context, STD_FLOOR};
pub use error::FeatureError;
pub use mfcc::{mfcc, Frames, Mfcc};

use ndarray::Array2;

/// The model's input for an utterance: frames × `cfg.input_width()`. Training and inference
/// both call this, so both see the same features.
pub fn features(samples: &[f32], cfg: &FeatureConfig) -> Result<Array2<f32>, FeatureError> {
    let mut frames = mfcc(samples, cfg)?;
    if cfg.normalize {
        normalize(&mut frames);
    }
    let stacked = stack_context(&frames, cfg.context);
    Ok(apply_stride(stacked, cfg.stride))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_have_the_input_width() {
        let cfg = FeatureConfig::default();
        let x: Vec<f32> = (0..16_000).map(|i| (i as f32 * 0.07).sin() * 0.3).collect();
        let f = features(&x, &cfg).unwrap();
        assert_eq!(
            f.dim(),
            (1 + (16_000 - 400usize).div_ceil(160), cfg.input_width())
        );
        let strided = features(
            &x,
            &FeatureConfig {
                stride: 2,
                ..cfg.clone()
            },
        )
        .unwrap();
        assert_eq!(strided.nrows(), f.nrows().div_ceil(2));
    }

    #[test]
    fn short_and_empty_input_give_one_frame() {
        let cfg = FeatureConfig::default();
        assert_eq!(mfcc(&[], &cfg).unwrap().dim(), (1, 26));
        assert_eq!(mfcc(&[0.5; 400], &cfg).unwrap().nrows(), 1);
        assert_eq!(mfcc(&[0.5; 401], &cfg).unwrap().nrows(), 2);
        let silent = mfcc(&[0.0; 1000], &cfg).unwrap();
        assert!(silent.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn bad_config_is_an_error_naming_the_field() {
        let cfg = FeatureConfig {
            n_fft: 256,
            ..FeatureConfig::default()
        };
        let e = mfcc(&[0.0; 10], &cfg).unwrap_err().to_string();
        assert!(e.contains("n_fft = 256"), "{e}");
        let cfg = FeatureConfig {
            high_hz: 9000.0,
            ..FeatureConfig::default()
        };
        assert!(features(&[0.0; 10], &cfg).is_err());
        let cfg = FeatureConfig {
            stride: 0,
            ..FeatureConfig::default()
        };
        assert!(features(&[0.0; 10], &cfg).is_err());
    }

    #[test]
    fn config_json_round_trips_and_rejects_unknown_fields() {
        let cfg = FeatureConfig::default();
        let json = serde_json::to_string(&cfg).unwrap();
        assert_eq!(serde_json::from_str::<FeatureConfig>(&json).unwrap(), cfg);
        let partial: FeatureConfig = serde_json::from_str(r#"{"context": 5}"#).unwrap();
        assert_eq!(partial, FeatureConfig { context: 5, ..cfg });
        assert!(serde_json::from_str::<FeatureConfig>(r#"{"contxt": 5}"#).is_err());
    }
}
