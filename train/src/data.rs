//! Training data: a manifest's utterances turned into the host's features (one call to
//! `zeroskip::features::features`, the same the host makes at inference), label sequences in
//! the model's alphabet, and padded, length-sorted batches.

use crate::corpus::manifest;
use crate::corpus::CorpusError;
use burn::tensor::{Device, Int, Tensor, TensorData};
use indicatif::ProgressBar;
use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use thiserror::Error;
use zeroskip::model::ModelConfig;

/// Why a data set cannot be loaded.
#[derive(Debug, Error)]
pub enum DataError {
    /// The manifest is unreadable or malformed.
    #[error(transparent)]
    Manifest(#[from] CorpusError),
    /// A WAV cannot be read.
    #[error("{}: {message}", path.display())]
    Audio {
        /// The WAV.
        path: PathBuf,
        /// What the host's reader said.
        message: String,
    },
    /// The features cannot be computed.
    #[error("{}: features: {message}", path.display())]
    Features {
        /// The WAV.
        path: PathBuf,
        /// What the front end said.
        message: String,
    },
    /// A transcript holds a character outside the model's alphabet.
    #[error("{}: transcript {text:?}: {message}", path.display())]
    Transcript {
        /// The WAV.
        path: PathBuf,
        /// The transcript.
        text: String,
        /// What is wrong.
        message: String,
    },
    /// Nothing usable in a manifest.
    #[error("{}: no usable utterances ({skipped} too short for their transcripts)", path.display())]
    Empty {
        /// The manifest.
        path: PathBuf,
        /// Skipped utterances.
        skipped: usize,
    },
}

/// One utterance, ready to batch.
#[derive(Clone, Debug)]
pub struct Utterance {
    /// The WAV it came from.
    pub path: PathBuf,
    /// Features, frames × input width.
    pub features: Array2<f32>,
    /// Labels of the transcript (never the blank).
    pub labels: Vec<usize>,
    /// The transcript.
    pub transcript: String,
}

impl Utterance {
    /// Frames of features.
    pub fn frames(&self) -> usize {
        self.features.nrows()
    }
}

/// Frames CTC needs for `labels`: one per label plus one blank between each repeated pair.
pub fn min_frames(labels: &[usize]) -> usize {
    labels.len() + labels.windows(2).filter(|w| w[0] == w[1]).count()
}

/// A loaded manifest.
#[derive(Debug)]
pub struct DataSet {
    /// Usable utterances, in manifest order.
    pub utterances: Vec<Utterance>,
    /// Utterances left out because they have fewer frames than their transcript needs.
    pub skipped: usize,
}

impl DataSet {
    /// Reads the manifest at `path` (at most `limit` utterances if given) and computes every
    /// utterance's features with `cfg.features`; `progress` counts utterances.
    pub fn load(
        path: &Path,
        cfg: &ModelConfig,
        limit: Option<usize>,
        progress: &ProgressBar,
    ) -> Result<DataSet, DataError> {
        let mut entries = manifest::read(path)?;
        if let Some(n) = limit {
            entries.truncate(n);
        }
        let alphabet = cfg.alphabet().map_err(|e| DataError::Transcript {
            path: path.to_path_buf(),
            text: cfg.alphabet.clone(),
            message: e.to_string(),
        })?;
        progress.set_length(entries.len() as u64);
        let mut utterances = Vec::with_capacity(entries.len());
        let mut skipped = 0;
        for e in entries {
            let audio =
                zeroskip::audio::read_wav(&e.path, cfg.features.sample_rate).map_err(|err| {
                    DataError::Audio {
                        path: e.path.clone(),
                        message: err.to_string(),
                    }
                })?;
            let features =
                zeroskip::features::features(&audio.samples, &cfg.features).map_err(|err| {
                    DataError::Features {
                        path: e.path.clone(),
                        message: err.to_string(),
                    }
                })?;
            let labels = alphabet
                .labels(&e.transcript)
                .map_err(|err| DataError::Transcript {
                    path: e.path.clone(),
                    text: e.transcript.clone(),
                    message: err.to_string(),
                })?;
            progress.inc(1);
            if features.nrows() < min_frames(&labels) {
                skipped += 1;
                continue;
            }
            utterances.push(Utterance {
                path: e.path,
                features,
                labels,
                transcript: e.transcript,
            });
        }
        if utterances.is_empty() {
            return Err(DataError::Empty {
                path: path.to_path_buf(),
                skipped,
            });
        }
        Ok(DataSet {
            utterances,
            skipped,
        })
    }

    /// Total frames.
    pub fn frames(&self) -> usize {
        self.utterances.iter().map(Utterance::frames).sum()
    }

    /// Batches of utterance indices: sorted by length, cut into groups of `batch_size`
    /// neighbours (little padding), the groups in an order drawn from `seed` and `epoch`
    /// (`None` keeps them shortest first, for evaluation).
    pub fn batches(&self, batch_size: usize, shuffle: Option<(u64, usize)>) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..self.utterances.len()).collect();
        order.sort_by_key(|&i| (self.utterances[i].frames(), i));
        let mut batches: Vec<Vec<usize>> = order
            .chunks(batch_size.max(1))
            .map(<[usize]>::to_vec)
            .collect();
        if let Some((seed, epoch)) = shuffle {
            let mut rng = ChaCha8Rng::seed_from_u64(
                seed ^ (epoch as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            );
            batches.shuffle(&mut rng);
        }
        batches
    }
}

/// A padded batch as tensors.
pub struct Batch {
    /// `[batch, frames, width]`, zero-padded.
    pub features: Tensor<3>,
    /// Real frames of each utterance.
    pub lengths: Vec<usize>,
    /// `[batch, max_labels]`, padded with label 0 (ignored past each length).
    pub targets: Tensor<2, Int>,
    /// Labels of each utterance.
    pub target_lengths: Vec<usize>,
    /// Real frames in total (padding excluded).
    pub frames: usize,
}

impl Batch {
    /// Pads the utterances `indices` of `set` into one batch on `device`.
    pub fn new(set: &DataSet, indices: &[usize], device: &Device) -> Batch {
        let utts: Vec<&Utterance> = indices.iter().map(|&i| &set.utterances[i]).collect();
        let b = utts.len();
        let t = utts.iter().map(|u| u.frames()).max().unwrap_or(0);
        let w = utts.first().map(|u| u.features.ncols()).unwrap_or(0);
        let l = utts.iter().map(|u| u.labels.len()).max().unwrap_or(0);
        let mut x = vec![0f32; b * t * w];
        let mut y = vec![0i64; b * l];
        for (k, u) in utts.iter().enumerate() {
            let dst = &mut x[k * t * w..k * t * w + u.frames() * w];
            for (d, s) in dst.iter_mut().zip(u.features.iter()) {
                *d = *s;
            }
            for (j, &lab) in u.labels.iter().enumerate() {
                y[k * l + j] = lab as i64;
            }
        }
        Batch {
            features: Tensor::from_data(TensorData::new(x, [b, t, w]), device),
            lengths: utts.iter().map(|u| u.frames()).collect(),
            targets: Tensor::from_data(TensorData::new(y, [b, l]), device),
            target_lengths: utts.iter().map(|u| u.labels.len()).collect(),
            frames: utts.iter().map(|u| u.frames()).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_frames_counts_repeats() {
        assert_eq!(min_frames(&[1, 2, 3]), 3);
        assert_eq!(min_frames(&[1, 1, 2, 2, 2]), 8);
        assert_eq!(min_frames(&[]), 0);
    }
}
