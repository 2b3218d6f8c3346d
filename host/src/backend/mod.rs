//! Backends: whatever turns feature frames into logits. `float` runs the float model on the
//! CPU; `golden` (the bit-exact fixed-point model), `sim` (the RTL in Verilator) and `xrt` (an
//! Alveo card) plug in behind the same [`Backend`] trait. A backend that is not built (yet, or
//! in this build) answers with [`BackendError::NotAvailable`], never a panic.

mod calibration;
mod float;
mod golden;
mod pipeline;

pub use calibration::{Calibration, RANDOM_CALIBRATION_FRAMES, RANDOM_CALIBRATION_UTTERANCES};
pub use float::FloatBackend;
pub use golden::{GoldenBackend, GoldenOptions};
pub use pipeline::{Timing, TranscribeError, Transcriber, Transcript};

use crate::model::{InputWidth, Model};
use ndarray::{Array2, ArrayView2};
use thiserror::Error;

/// Feature frames (`[frames, input_width]`) to logits (`[frames, output_width]`).
pub trait Backend {
    /// The backend's name, as given to `--backend`.
    fn name(&self) -> &'static str;
    /// Logits (before softmax) for every frame.
    fn logits(&mut self, features: ArrayView2<f32>) -> Result<Array2<f32>, BackendError>;
}

/// The backends the CLI can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// The float model on the CPU.
    Float,
    /// The bit-exact fixed-point model of the hardware, on the CPU.
    Golden,
}

impl BackendKind {
    /// The name given to `--backend`.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Float => "float",
            BackendKind::Golden => "golden",
        }
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a backend cannot be opened or cannot run.
#[derive(Debug, Error)]
pub enum BackendError {
    /// The backend is not available in this build.
    #[error("backend `{backend}` is not available: {reason}")]
    NotAvailable {
        /// Its name.
        backend: &'static str,
        /// Why, and what to use instead.
        reason: &'static str,
    },
    /// The frames do not fit the model.
    #[error(transparent)]
    Input(#[from] InputWidth),
    /// The model cannot be quantised or packed for the hardware configuration.
    #[error("cannot build the device image")]
    Quant(#[source] Box<crate::quant::QuantError>),
    /// The golden model refused the image or the frames.
    #[error(transparent)]
    Golden(Box<crate::golden_net::GoldenNetError>),
}

impl From<crate::quant::QuantError> for BackendError {
    fn from(e: crate::quant::QuantError) -> Self {
        BackendError::Quant(Box::new(e))
    }
}

impl From<crate::golden_net::GoldenNetError> for BackendError {
    fn from(e: crate::golden_net::GoldenNetError) -> Self {
        BackendError::Golden(Box::new(e))
    }
}

/// Options of the backends that need more than the model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BackendOptions {
    /// How `golden` builds its device image.
    pub golden: GoldenOptions,
}

/// Opens the backend `kind` for `model` with default options.
pub fn open(kind: BackendKind, model: Model) -> Result<Box<dyn Backend>, BackendError> {
    open_with(kind, model, &BackendOptions::default())
}

/// Opens the backend `kind` for `model`.
pub fn open_with(
    kind: BackendKind,
    model: Model,
    options: &BackendOptions,
) -> Result<Box<dyn Backend>, BackendError> {
    match kind {
        BackendKind::Float => Ok(Box::new(FloatBackend::new(model))),
        BackendKind::Golden => Ok(Box::new(GoldenBackend::new(&model, &options.golden)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelConfig;

    #[test]
    fn golden_opens_and_checks_the_width() {
        let model = Model::random(tiny(), 1).unwrap();
        let mut b = open(BackendKind::Golden, model).unwrap();
        assert_eq!(b.name(), "golden");
        assert_eq!(
            b.logits(Array2::zeros((3, 12)).view()).unwrap().dim(),
            (3, 29)
        );
        let e = b.logits(Array2::zeros((3, 5)).view()).unwrap_err();
        assert!(e.to_string().contains("5 wide"), "{e}");
    }

    #[test]
    fn float_checks_the_width() {
        let model = Model::random(tiny(), 1).unwrap();
        let mut b = open(BackendKind::Float, model).unwrap();
        assert_eq!(b.name(), "float");
        let e = b.logits(Array2::zeros((3, 5)).view()).unwrap_err();
        assert!(e.to_string().contains("5 wide"), "{e}");
    }

    fn tiny() -> ModelConfig {
        let mut c = ModelConfig::default();
        c.features.n_ceps = 4;
        c.features.context = 1;
        c.fc_sizes = [6, 5, 4];
        c.lstm_hidden = 3;
        c
    }
}
