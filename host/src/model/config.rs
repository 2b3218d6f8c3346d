//! The model's configuration, stored as JSON beside its weights: the front end it was trained
//! with, the layer sizes, the alphabet with its blank index, and the clipped-ReLU ceiling.

use crate::ctc::{Alphabet, AlphabetError};
use crate::features::{FeatureConfig, FeatureError};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Deep Speech's English characters; the blank follows them at label 28.
pub const ENGLISH_ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz '";

/// Why a configuration is unusable; each variant quotes the offending value.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConfigError {
    /// A fully connected layer has no units.
    #[error("fc_sizes[{index}] is 0: every fully connected layer needs at least one unit")]
    ZeroLayer {
        /// Which of the three hidden layers (0-based).
        index: usize,
    },
    /// The LSTM has no units.
    #[error("lstm_hidden is 0: the LSTM needs at least one unit")]
    ZeroLstm,
    /// The clipped-ReLU ceiling is not a positive finite number.
    #[error("relu_clip {0} must be a finite number above 0")]
    Clip(f32),
    /// The alphabet or blank index is unusable.
    #[error(transparent)]
    Alphabet(#[from] AlphabetError),
    /// A front-end parameter is out of range ([`FeatureConfig::validate`]).
    #[error(transparent)]
    Features(#[from] FeatureError),
}

/// Everything that fixes the model's shape. JSON, unknown fields refused:
///
/// ```json
/// { "features": { ... }, "fc_sizes": [512, 512, 512], "lstm_hidden": 256,
///   "alphabet": "abcdefghijklmnopqrstuvwxyz '", "blank_index": 28, "relu_clip": 20.0 }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    /// The front end the model was trained with; its `input_width()` is the width of FC1.
    pub features: FeatureConfig,
    /// Units of FC1, FC2 and FC3.
    pub fc_sizes: [usize; 3],
    /// Units of each direction of the LSTM (the layer outputs twice this).
    pub lstm_hidden: usize,
    /// The output characters in label order, without the blank.
    pub alphabet: String,
    /// Label index of the CTC blank (28 for [`ENGLISH_ALPHABET`], after the characters).
    pub blank_index: usize,
    /// Ceiling of the clipped ReLU after FC1–FC3: `min(max(x, 0), relu_clip)`.
    pub relu_clip: f32,
}

impl Default for ModelConfig {
    /// Deep Speech's shape at a size this machine trains: default features, three FC layers of
    /// 512, an LSTM of 256 per direction, the English alphabet, clip 20.
    fn default() -> Self {
        ModelConfig {
            features: FeatureConfig::default(),
            fc_sizes: [512, 512, 512],
            lstm_hidden: 256,
            alphabet: ENGLISH_ALPHABET.to_string(),
            blank_index: ENGLISH_ALPHABET.chars().count(),
            relu_clip: 20.0,
        }
    }
}

impl ModelConfig {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.features.validate()?;
        if let Some(index) = self.fc_sizes.iter().position(|&n| n == 0) {
            return Err(ConfigError::ZeroLayer { index });
        }
        if self.lstm_hidden == 0 {
            return Err(ConfigError::ZeroLstm);
        }
        if !(self.relu_clip.is_finite() && self.relu_clip > 0.0) {
            return Err(ConfigError::Clip(self.relu_clip));
        }
        self.alphabet()?;
        Ok(())
    }

    /// The output symbols.
    pub fn alphabet(&self) -> Result<Alphabet, AlphabetError> {
        Alphabet::new(&self.alphabet, self.blank_index)
    }

    /// Width of a feature frame, the input of FC1.
    pub fn input_width(&self) -> usize {
        self.features.input_width()
    }

    /// Width of the output layer: the characters plus the blank.
    pub fn output_width(&self) -> usize {
        self.alphabet.chars().count() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_english() {
        let c = ModelConfig::default();
        c.validate().unwrap();
        assert_eq!(c.output_width(), 29);
        assert_eq!(c.blank_index, 28);
        assert_eq!(c.input_width(), 26 * 19);
    }

    #[test]
    fn json_round_trip_and_unknown_fields() {
        let c = ModelConfig::default();
        let text = serde_json::to_string_pretty(&c).unwrap();
        assert_eq!(serde_json::from_str::<ModelConfig>(&text).unwrap(), c);
        let extra = text.replacen('{', "{\"dropout\": 0.1,", 1);
        let e = serde_json::from_str::<ModelConfig>(&extra).unwrap_err();
        assert!(e.to_string().contains("dropout"), "{e}");
    }

    #[test]
    fn errors_quote_values() {
        let mut c = ModelConfig::default();
        c.fc_sizes[1] = 0;
        assert_eq!(c.validate(), Err(ConfigError::ZeroLayer { index: 1 }));
        let c = ModelConfig {
            relu_clip: -1.0,
            ..Default::default()
        };
        assert!(c.validate().unwrap_err().to_string().contains("-1"));
        let c = ModelConfig {
            blank_index: 30,
            ..Default::default()
        };
        assert!(c.validate().unwrap_err().to_string().contains("30"));
        let mut c = ModelConfig::default();
        c.features.high_hz = 9000.0;
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("high_hz") && e.contains("9000"), "{e}");
        let mut c = ModelConfig::default();
        c.features.n_ceps = 40;
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("n_ceps = 40"));
    }
}
