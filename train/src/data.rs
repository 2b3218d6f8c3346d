//! Training data: a manifest's utterances turned into the host's features (one call to
//! `zeroskip::features::features`, the same the host makes at inference), label sequences in
//! the model's alphabet, and padded, length-sorted batches, optionally with SpecAugment-style
//! time and frequency masks on the training batches ([`SpecAugment`]).

use crate::corpus::manifest;
use crate::corpus::CorpusError;
use burn::tensor::{Device, Int, Tensor, TensorData};
use indicatif::ProgressBar;
use ndarray::Array2;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;
use zeroskip::features::FeatureConfig;
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

/// SpecAugment (Park et al. 2019) on the stacked features, without time warping: a frequency
/// mask zeroes a band of cepstral coefficients in every context position of every frame; a time
/// mask zeroes a run of the front end's 10 ms frames wherever they appear in the context
/// windows. Features are normalised per utterance, so zero is the utterance's mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecAugment {
    /// Frequency masks per utterance.
    pub freq_masks: usize,
    /// Widest frequency mask, in cepstral coefficients (each mask's width is drawn from
    /// `0..=max`).
    pub max_freq_width: usize,
    /// Time masks per utterance.
    pub time_masks: usize,
    /// Longest time mask, in the front end's frames (before the stride).
    pub max_time_width: usize,
}

impl SpecAugment {
    /// Masks one utterance's stacked features in place: `x` is `rows × (n_ceps·(2·context+1))`
    /// row-major, laid out as `zeroskip::features` lays it out (row `r` holds frames
    /// `r·stride − context ..= r·stride + context`, oldest first). The shape never changes;
    /// the masks are a function of `rng`'s state. A width that does not fit the layout (`x`'s
    /// length not a multiple of the row width) leaves `x` as it is.
    pub fn apply<R: Rng>(&self, x: &mut [f32], features: &FeatureConfig, rng: &mut R) {
        let n = features.n_ceps;
        let span = 2 * features.context + 1;
        let width = n * span;
        if n == 0 || width == 0 || x.len() % width != 0 {
            return;
        }
        let rows = x.len() / width;
        let stride = features.stride.max(1);
        for _ in 0..self.freq_masks {
            let f = rng.gen_range(0..=self.max_freq_width.min(n));
            let f0 = rng.gen_range(0..=n - f);
            for row in x.chunks_exact_mut(width) {
                for p in 0..span {
                    row[p * n + f0..p * n + f0 + f].fill(0.0);
                }
            }
        }
        let frames = rows * stride;
        for _ in 0..self.time_masks {
            let t = rng.gen_range(0..=self.max_time_width.min(frames));
            let t0 = rng.gen_range(0..=frames - t) as isize;
            let (t0, t1) = (t0, t0 + t as isize);
            for (r, row) in x.chunks_exact_mut(width).enumerate() {
                for p in 0..span {
                    let frame = (r * stride) as isize + p as isize - features.context as isize;
                    if frame >= t0 && frame < t1 {
                        row[p * n..(p + 1) * n].fill(0.0);
                    }
                }
            }
        }
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
        Self::augmented(set, indices, None, device)
    }

    /// Like [`Batch::new`], and with `augment` = `(masks, front end, seed)` masks every
    /// utterance's features ([`SpecAugment::apply`]), drawn from `seed` in batch order, so the
    /// same seed gives the same batch (a resumed run repeats them).
    pub fn augmented(
        set: &DataSet,
        indices: &[usize],
        augment: Option<(&SpecAugment, &FeatureConfig, u64)>,
        device: &Device,
    ) -> Batch {
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
            if let Some((aug, fcfg, seed)) = augment {
                let mut rng = ChaCha8Rng::seed_from_u64(
                    seed ^ (k as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03),
                );
                aug.apply(dst, fcfg, &mut rng);
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

    fn fcfg(n_ceps: usize, context: usize, stride: usize) -> FeatureConfig {
        FeatureConfig {
            n_ceps,
            n_filters: n_ceps.max(26),
            context,
            stride,
            ..FeatureConfig::default()
        }
    }

    fn ones(rows: usize, cfg: &FeatureConfig) -> Vec<f32> {
        vec![1.0; rows * cfg.n_ceps * (2 * cfg.context + 1)]
    }

    #[test]
    fn spec_augment_keeps_the_shape_and_is_a_function_of_the_seed() {
        let cfg = fcfg(26, 4, 2);
        let aug = SpecAugment {
            freq_masks: 2,
            max_freq_width: 4,
            time_masks: 2,
            max_time_width: 8,
        };
        let run = |seed| {
            let mut x = ones(40, &cfg);
            aug.apply(&mut x, &cfg, &mut ChaCha8Rng::seed_from_u64(seed));
            x
        };
        let (a, b, c) = (run(7), run(7), run(8));
        assert_eq!(a.len(), ones(40, &cfg).len());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.contains(&0.0) && a.contains(&1.0));
    }

    #[test]
    fn a_frequency_mask_covers_its_coefficients_in_every_context_position() {
        let cfg = fcfg(26, 2, 1);
        let aug = SpecAugment {
            freq_masks: 1,
            max_freq_width: 26,
            time_masks: 0,
            max_time_width: 0,
        };
        for seed in 0..20 {
            let mut x = ones(5, &cfg);
            aug.apply(&mut x, &cfg, &mut ChaCha8Rng::seed_from_u64(seed));
            let width = 26 * 5;
            // the masked columns are the same coefficients in each of the 5 positions
            let first: Vec<bool> = x[..26].iter().map(|v| *v == 0.0).collect();
            for row in x.chunks(width) {
                for p in 0..5 {
                    let m: Vec<bool> = row[p * 26..(p + 1) * 26]
                        .iter()
                        .map(|v| *v == 0.0)
                        .collect();
                    assert_eq!(m, first, "seed {seed}");
                }
            }
        }
    }

    #[test]
    fn a_time_mask_zeroes_one_frame_wherever_the_context_windows_hold_it() {
        // context 1, stride 1: frame u appears in row u-1 (position 2), u (1), u+1 (0)
        let cfg = fcfg(3, 1, 1);
        let aug = SpecAugment {
            freq_masks: 0,
            max_freq_width: 0,
            time_masks: 1,
            max_time_width: 1,
        };
        let mut seen_one = false;
        for seed in 0..50 {
            let mut x = ones(6, &cfg);
            aug.apply(&mut x, &cfg, &mut ChaCha8Rng::seed_from_u64(seed));
            let zeros = x.iter().filter(|v| **v == 0.0).count();
            assert!(zeros == 0 || (3..=9).contains(&zeros), "{zeros}");
            if zeros > 0 {
                seen_one = true;
                let masked_blocks: Vec<(usize, usize)> = (0..6)
                    .flat_map(|r| (0..3).map(move |p| (r, p)))
                    .filter(|(r, p)| x[r * 9 + p * 3] == 0.0)
                    .collect();
                let frames: Vec<isize> = masked_blocks
                    .iter()
                    .map(|(r, p)| *r as isize + *p as isize - 1)
                    .collect();
                assert!(frames.windows(2).all(|w| w[0] == w[1]), "{masked_blocks:?}");
            }
        }
        assert!(seen_one);
    }

    #[test]
    fn spec_augment_leaves_a_misshapen_slice_alone() {
        let cfg = fcfg(26, 4, 2);
        let aug = SpecAugment {
            freq_masks: 3,
            max_freq_width: 10,
            time_masks: 3,
            max_time_width: 10,
        };
        let mut x = vec![1.0; 7];
        aug.apply(&mut x, &cfg, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(x, vec![1.0; 7]);
        let mut empty: Vec<f32> = vec![];
        aug.apply(&mut empty, &cfg, &mut ChaCha8Rng::seed_from_u64(1));
    }

    #[test]
    fn min_frames_counts_repeats() {
        assert_eq!(min_frames(&[1, 2, 3]), 3);
        assert_eq!(min_frames(&[1, 1, 2, 2, 2]), 8);
        assert_eq!(min_frames(&[]), 0);
    }
}
