//! The front end shared by training and inference: MFCC features and their parameters.
//! One implementation; a model's configuration carries the [`FeatureConfig`] it was trained
//! with, so it always gets the same features.

mod config;

pub use config::FeatureConfig;
