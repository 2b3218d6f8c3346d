//! Where the golden backend's activation ranges come from: ranges stored with the model
//! (`calibration.json`), feature frames of a few utterances calibrated on when the backend
//! opens, or, with neither, random normalised features.

use crate::model::Model;
use crate::quant::{calibrate, random_features, QuantError, Ranges};
use ndarray::Array2;

/// Utterances of random features used for calibration when none are given.
pub const RANDOM_CALIBRATION_UTTERANCES: usize = 4;
/// Frames per random calibration utterance.
pub const RANDOM_CALIBRATION_FRAMES: usize = 200;

/// The activation ranges to quantise with, or what to measure them on.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Calibration {
    /// Random features ([`random_features`], seed 0) of [`RANDOM_CALIBRATION_UTTERANCES`] ×
    /// [`RANDOM_CALIBRATION_FRAMES`] frames: a stand-in when no audio is at hand.
    #[default]
    Random,
    /// Feature frames (`[frames, input_width]`) of a few utterances.
    Features(Vec<Array2<f32>>),
    /// Ranges measured before, e.g. read from a `calibration.json`
    /// ([`crate::quant::StoredCalibration`]).
    Ranges(Ranges),
}

impl Calibration {
    /// The ranges for `model`: measured now for [`Calibration::Random`] and
    /// [`Calibration::Features`], as given for [`Calibration::Ranges`].
    pub fn ranges(&self, model: &Model) -> Result<Ranges, QuantError> {
        match self {
            Calibration::Random => calibrate(
                model,
                &random_features(
                    &model.config,
                    RANDOM_CALIBRATION_UTTERANCES,
                    RANDOM_CALIBRATION_FRAMES,
                    0,
                ),
            ),
            Calibration::Features(utterances) => calibrate(model, utterances),
            Calibration::Ranges(r) => Ok(*r),
        }
    }
}
