//! Calibration: run the float model on a few utterances' features and record the largest
//! magnitude each activation tensor reaches, from which [`super::quantize`] chooses formats.

use super::QuantError;
use crate::features::stack_context;
use crate::model::layers::{bilstm, dense, dense_clipped_relu};
use crate::model::{InputWidth, Model, ModelConfig};
use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// Largest magnitudes seen at every activation tensor of the float model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ranges {
    /// The input features.
    pub input: f32,
    /// The outputs of FC1, FC2 and FC3 (after the clipped ReLU).
    pub fc: [f32; 3],
    /// The bidirectional LSTM's output (always below 1).
    pub lstm: f32,
    /// The logits.
    pub logits: f32,
    /// Frames seen.
    pub frames: usize,
}

impl Ranges {
    /// The ranges of two calibration sets together: the larger magnitude of each tensor, the
    /// frames added. Calibrating utterances one at a time and merging equals calibrating them
    /// at once.
    pub fn merge(&self, other: &Ranges) -> Ranges {
        let mut fc = self.fc;
        for (m, o) in fc.iter_mut().zip(other.fc) {
            *m = m.max(o);
        }
        Ranges {
            input: self.input.max(other.input),
            fc,
            lstm: self.lstm.max(other.lstm),
            logits: self.logits.max(other.logits),
            frames: self.frames + other.frames,
        }
    }
}

fn max_abs(a: ArrayView2<f32>) -> f32 {
    a.iter().fold(0.0f32, |m, &v| m.max(v.abs()))
}

/// Runs `model` on every utterance (`[frames, input_width]` each) and returns the ranges.
pub fn calibrate(model: &Model, utterances: &[Array2<f32>]) -> Result<Ranges, QuantError> {
    let w = &model.weights;
    let clip = model.config.relu_clip;
    let expected = model.config.input_width();
    let mut r = Ranges {
        input: 0.0,
        fc: [0.0; 3],
        lstm: 0.0,
        logits: 0.0,
        frames: 0,
    };
    for (index, x) in utterances.iter().enumerate() {
        if x.ncols() != expected {
            return Err(QuantError::CalibrationWidth {
                index,
                source: InputWidth {
                    found: x.ncols(),
                    expected,
                },
            });
        }
        if let Some(&value) = x.iter().find(|v| !v.is_finite()) {
            return Err(QuantError::NonFinite {
                what: format!("calibration utterance {index}"),
                value,
            });
        }
        if x.nrows() == 0 {
            continue;
        }
        let h1 = dense_clipped_relu(x.view(), &w.fc1, clip);
        let h2 = dense_clipped_relu(h1.view(), &w.fc2, clip);
        let h3 = dense_clipped_relu(h2.view(), &w.fc3, clip);
        let h4 = bilstm(h3.view(), &w.lstm_forward, &w.lstm_backward);
        let y = dense(h4.view(), &w.out);
        r.input = r.input.max(max_abs(x.view()));
        for (m, h) in r.fc.iter_mut().zip([&h1, &h2, &h3]) {
            *m = m.max(max_abs(h.view()));
        }
        r.lstm = r.lstm.max(max_abs(h4.view()));
        r.logits = r.logits.max(max_abs(y.view()));
        r.frames += x.nrows();
    }
    if r.frames == 0 {
        return Err(QuantError::NoCalibration {
            utterances: utterances.len(),
        });
    }
    Ok(r)
}

/// Stand-in features for a model with no audio at hand: per utterance, `frames` frames of
/// standard normal cepstra (what per-utterance normalisation produces), context-stacked as the
/// front end stacks them; reproducible from `seed`.
pub fn random_features(
    cfg: &ModelConfig,
    utterances: usize,
    frames: usize,
    seed: u64,
) -> Vec<Array2<f32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = cfg.features.n_ceps;
    (0..utterances)
        .map(|_| {
            let ceps = Array2::from_shape_simple_fn((frames, n), || standard_normal(&mut rng));
            stack_context(&ceps, cfg.features.context)
        })
        .collect()
}

/// One standard normal sample (Box–Muller).
fn standard_normal(rng: &mut impl Rng) -> f32 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    ((-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> ModelConfig {
        let mut c = ModelConfig::default();
        c.features.n_ceps = 4;
        c.features.context = 1;
        c.fc_sizes = [6, 5, 4];
        c.lstm_hidden = 3;
        c
    }

    #[test]
    fn ranges_cover_the_float_model() {
        let model = Model::random(tiny(), 3).unwrap();
        let feats = random_features(&model.config, 3, 20, 1);
        assert_eq!(feats[0].dim(), (20, 12));
        let r = calibrate(&model, &feats).unwrap();
        assert_eq!(r.frames, 60);
        assert!(r.input > 1.0 && r.input < 10.0, "{r:?}");
        assert!(r.fc.iter().all(|&m| (0.0..=20.0).contains(&m)), "{r:?}");
        assert!(r.lstm > 0.0 && r.lstm < 1.0, "{r:?}");
        let logits = model.logits(feats[1].view()).unwrap();
        assert!(logits.iter().all(|v| v.abs() <= r.logits));
    }

    #[test]
    fn merging_equals_calibrating_at_once() {
        let model = Model::random(tiny(), 4).unwrap();
        let feats = random_features(&model.config, 3, 15, 2);
        let all = calibrate(&model, &feats).unwrap();
        let merged = feats
            .iter()
            .map(|x| calibrate(&model, std::slice::from_ref(x)).unwrap())
            .reduce(|a, b| a.merge(&b))
            .unwrap();
        assert_eq!(merged, all);
    }

    #[test]
    fn bad_calibration_is_an_error() {
        let model = Model::random(tiny(), 3).unwrap();
        let e = calibrate(&model, &[]).unwrap_err();
        assert!(e.to_string().contains("at least one frame"), "{e}");
        let e = calibrate(&model, &[Array2::zeros((2, 5))]).unwrap_err();
        assert!(
            matches!(e, QuantError::CalibrationWidth { index: 0, .. }),
            "{e}"
        );
        let mut x = Array2::zeros((2, 12));
        x[[1, 3]] = f32::NAN;
        let e = calibrate(&model, &[x]).unwrap_err();
        assert!(
            e.to_string()
                .contains("calibration utterance 0 holds the non-finite value NaN"),
            "{e}"
        );
    }
}
