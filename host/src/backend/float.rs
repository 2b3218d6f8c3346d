//! The `float` backend: the float model of [`crate::model`] on the CPU.

use super::{Backend, BackendError};
use crate::model::Model;
use ndarray::{Array2, ArrayView2};

/// Runs [`Model::logits`].
#[derive(Clone, Debug)]
pub struct FloatBackend {
    model: Model,
}

impl FloatBackend {
    /// Wraps a model.
    pub fn new(model: Model) -> Self {
        FloatBackend { model }
    }

    /// The model it runs.
    pub fn model(&self) -> &Model {
        &self.model
    }
}

impl Backend for FloatBackend {
    fn name(&self) -> &'static str {
        "float"
    }

    fn logits(&mut self, features: ArrayView2<f32>) -> Result<Array2<f32>, BackendError> {
        Ok(self.model.logits(features)?)
    }
}
