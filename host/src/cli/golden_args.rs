//! The options that decide a device image, shared by `transcribe` and `eval` (with
//! `--backend golden`) and `image`: how many PEs it is packed for and where the activation
//! ranges come from — `--calibrate` WAV files if given, else the model's `calibration.json`
//! if it has one, else random features. Says which it used.

use crate::backend::{
    Calibration, GoldenOptions, RANDOM_CALIBRATION_FRAMES, RANDOM_CALIBRATION_UTTERANCES,
};
use crate::model::{Model, CALIBRATION_FILE};
use crate::quant::StoredCalibration;
use anyhow::Context;
use std::path::{Path, PathBuf};
use zeroskip_arch::HwConfig;

/// Packing and calibration options of the device image.
#[derive(clap::Args, Debug, Clone)]
pub struct GoldenArgs {
    /// Device image (`golden` backend, `image`): number of processing elements it is packed
    /// for.
    #[arg(long, default_value_t = HwConfig::default().pes)]
    pub pes: usize,
    /// Device image (`golden` backend, `image`): WAV files whose features calibrate the
    /// activation formats (a few utterances). Without any, the model's calibration.json if it
    /// has one (`zeroskip calibrate`), else random normalised features.
    #[arg(long, value_name = "WAV")]
    pub calibrate: Vec<PathBuf>,
}

/// The options chosen, with a sentence saying where the ranges came from.
#[derive(Clone, Debug)]
pub struct Chosen {
    /// For [`crate::backend::GoldenBackend`] or [`GoldenOptions::build_image`].
    pub options: GoldenOptions,
    /// e.g. `file m/calibration.json (manifest valid.tsv: 200 of 1000 utterances, 61234
    /// frames)`, `3 WAV files (--calibrate)`, `random features (…)`.
    pub calibration: String,
}

impl GoldenArgs {
    /// The hardware configuration and calibration for `model`, loaded from `model_path`
    /// (`None`: the compiled-in model).
    pub fn choose(&self, model_path: Option<&Path>, model: &Model) -> anyhow::Result<Chosen> {
        let hw = HwConfig::new(self.pes).with_context(|| format!("--pes {}", self.pes))?;
        let (calibration, label) = if !self.calibrate.is_empty() {
            (
                Calibration::Features(wav_features(&self.calibrate, model)?),
                format!("{} WAV files (--calibrate)", self.calibrate.len()),
            )
        } else if let Some(stored) = StoredCalibration::find(model_path, model)? {
            let label = format!(
                "file {} ({}, {} frames)",
                stored.path.display(),
                stored.file.source,
                stored.file.frames
            );
            (Calibration::Ranges(stored.ranges), label)
        } else {
            (
                Calibration::Random,
                format!(
                    "random features ({RANDOM_CALIBRATION_UTTERANCES} x {RANDOM_CALIBRATION_FRAMES} frames; the model has no {CALIBRATION_FILE} and no --calibrate was given)"
                ),
            )
        };
        Ok(Chosen {
            options: GoldenOptions {
                hw,
                calibration,
                ..GoldenOptions::default()
            },
            calibration: label,
        })
    }
}

/// The features of each WAV file, as the model's front end computes them.
pub fn wav_features(paths: &[PathBuf], model: &Model) -> anyhow::Result<Vec<ndarray::Array2<f32>>> {
    paths
        .iter()
        .map(|path| {
            let audio = crate::audio::read_wav(path, model.config.features.sample_rate)?;
            crate::features::features(&audio.samples, &model.config.features)
                .with_context(|| format!("{}: cannot compute features", path.display()))
        })
        .collect()
}
