//! The float forward pass: feature frames (`[frames, input_width]`) to logits
//! (`[frames, output_width]`), composed from [`super::layers`].

use super::layers::{bilstm, dense, dense_clipped_relu};
use super::Model;
use ndarray::{Array2, ArrayView2};
use thiserror::Error;

/// Feature frames of the wrong width for the model.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("feature frames are {found} wide, the model's input is {expected} wide")]
pub struct InputWidth {
    /// Width given.
    pub found: usize,
    /// The model's `input_width()`.
    pub expected: usize,
}

impl Model {
    /// Logits (before softmax) for every frame. No frames give no rows.
    pub fn logits(&self, features: ArrayView2<f32>) -> Result<Array2<f32>, InputWidth> {
        let expected = self.config.input_width();
        if features.ncols() != expected {
            return Err(InputWidth {
                found: features.ncols(),
                expected,
            });
        }
        let w = &self.weights;
        let clip = self.config.relu_clip;
        let h1 = dense_clipped_relu(features, &w.fc1, clip);
        let h2 = dense_clipped_relu(h1.view(), &w.fc2, clip);
        let h3 = dense_clipped_relu(h2.view(), &w.fc3, clip);
        let h4 = bilstm(h3.view(), &w.lstm_forward, &w.lstm_backward);
        Ok(dense(h4.view(), &w.out))
    }
}
