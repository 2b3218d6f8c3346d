//! Helpers shared by the integration tests: a tiny corpus and tiny model configurations.

#![allow(dead_code)]

use indicatif::ProgressBar;
use std::path::Path;
use zeroskip::features::FeatureConfig;
use zeroskip::model::ModelConfig;
use zeroskip_train::corpus::{self, plan::Counts};

/// Synthesises a small corpus into `dir`.
pub fn tiny_corpus(dir: &Path, train: usize, seed: u64) {
    corpus::generate(
        dir,
        Counts {
            train,
            valid: 4,
            test: 4,
        },
        seed,
        2,
        &ProgressBar::hidden(),
    )
    .expect("espeak-ng, flite and sox are installed (scripts/install-deps.sh)");
}

/// A small model: context 2, stride 2, FC 24, LSTM 12.
pub fn tiny_model() -> ModelConfig {
    ModelConfig {
        features: FeatureConfig {
            context: 2,
            stride: 2,
            ..FeatureConfig::default()
        },
        fc_sizes: [24, 20, 16],
        lstm_hidden: 12,
        ..ModelConfig::default()
    }
}
