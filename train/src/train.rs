//! CTC training of [`DeepSpeech`](crate::model::DeepSpeech) with Adam on length-sorted
//! batches, resumable: a run folder holds its configuration, a JSONL log, and a checkpoint
//! (model in the host's format, optimizer state, step, epoch, position in the epoch) written
//! every N steps to a temporary folder and renamed into place. The batch order of an epoch is a
//! function of the seed and the epoch, so a resumed run takes the same batches it would have
//! taken without the interruption.
//!
//! Run folder:
//! - `config.json`: the [`TrainConfig`];
//! - `log.jsonl`: one JSON object per line, `"kind": "train"` every `log_every` steps (loss,
//!   learning rate, frames/s) and `"kind": "valid"` after every epoch (loss, greedy WER and CER);
//! - `checkpoint/`: `model.json` + `model.safetensors` (host format), `optimizer.bpk`,
//!   `state.json`;
//! - `best/`: the model with the lowest validation WER so far (host format); with gradual
//!   pruning, only models at the final sparsity compete;
//! - `epochs/NN/`: the model after epoch NN (1-based), for per-epoch evaluations;
//! - `final/`: the model after the last epoch.

use crate::data::{Batch, DataError, DataSet, SpecAugment};
use crate::model::DeepSpeech;
use crate::prune::{zhu_gupta, Masks, Scope};
use burn::module::Module;
use burn::nn::loss::CTCLossConfig;
use burn::optim::ModuleOptimizer;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::activation::log_softmax;
use burn::tensor::{Device, Int, Tensor, TensorData};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use thiserror::Error;
use zeroskip::model::{Model, ModelConfig};

/// Why training stopped with an error.
#[derive(Debug, Error)]
pub enum TrainError {
    /// Loading data failed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A file could not be read or written.
    #[error("{}: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The run folder was made with another configuration.
    #[error("{} holds a run with another configuration; resume it without options, or use a new folder", path.display())]
    ConfigMismatch {
        /// The run's `config.json`.
        path: PathBuf,
    },
    /// A configuration value is unusable.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The loss became NaN or infinite.
    #[error("the loss is {loss} at step {step}: lower the learning rate or check the data")]
    Diverged {
        /// The step.
        step: usize,
        /// The loss.
        loss: f32,
    },
}

fn file_err(path: &Path, e: impl std::fmt::Display) -> TrainError {
    TrainError::File {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Everything that defines a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// The model's shape and front end (the host's configuration).
    pub model: ModelConfig,
    /// Corpus folder holding `train.tsv` and `valid.tsv`.
    pub corpus: PathBuf,
    /// Utterances per batch.
    pub batch_size: usize,
    /// Epochs to train.
    pub epochs: usize,
    /// Adam's learning rate in the first epoch.
    pub learning_rate: f64,
    /// Factor applied to the learning rate after each epoch.
    pub lr_decay: f64,
    /// Per-parameter gradient norm clip (0 disables it).
    pub grad_clip: f32,
    /// Steps between checkpoints (and the last step of every epoch).
    pub checkpoint_every: usize,
    /// Steps between training log lines.
    pub log_every: usize,
    /// Seed of the initial weights and of the batch order.
    pub seed: u64,
    /// Use only the first N training utterances (smoke tests).
    pub train_limit: Option<usize>,
    /// Use only the first N validation utterances.
    pub valid_limit: Option<usize>,
    /// Start from this host-format model instead of random weights (fine-tuning).
    #[serde(default)]
    pub init_from: Option<PathBuf>,
    /// Prune gradually while training (Zhu & Gupta), masks recomputed every `dt` steps.
    #[serde(default)]
    pub gradual: Option<Gradual>,
    /// SpecAugment-style masks on the training batches (validation is never masked).
    #[serde(default)]
    pub spec_augment: Option<SpecAugment>,
    /// The run whose checkpoint this one started from (see [`branch`]), for the record.
    #[serde(default)]
    pub branched_from: Option<PathBuf>,
    /// Learn from a trained teacher's frame posteriors as well as from the transcripts
    /// (knowledge distillation); absent from `config.json` when off, so runs made before it
    /// existed resume unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distill: Option<Distill>,
}

/// Frame-level knowledge distillation (Hinton et al.): the training loss adds
/// `weight · T² · KL(softmax(teacher / T) ‖ softmax(student / T))`, summed over each
/// utterance's real frames and averaged over the batch as the CTC loss is, with the teacher's
/// logits computed on the same (augmented) batch without gradients.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distill {
    /// The teacher (host format, e.g. a dense run's `best/`): same features and labels as the
    /// student, any layer sizes.
    pub teacher: PathBuf,
    /// Weight of the distillation term against the CTC loss.
    pub weight: f64,
    /// Softmax temperature T (1: the posteriors as they are; above 1 softens them).
    pub temperature: f64,
}

/// The distillation term per utterance (`[batch]`): `T² · Σ_frames KL(softmax(teacher / T) ‖
/// softmax(student / T))` over each utterance's first `lengths[k]` frames. `teacher` carries no
/// gradient.
pub fn distill_loss(
    student: Tensor<3>,
    teacher: Tensor<3>,
    lengths: &[usize],
    temperature: f64,
) -> Tensor<1> {
    let [b, t, _] = student.dims();
    let device = student.device();
    // Without autodiff: combined with the student it is a constant.
    let teacher = teacher.inner() / temperature;
    let log_pt = log_softmax(teacher, 2);
    let log_ps = log_softmax(student / temperature, 2);
    let kl = (log_pt.clone().exp() * (log_pt - log_ps))
        .sum_dim(2)
        .reshape([b, t]);
    let mut mask = vec![0f32; b * t];
    for (k, &len) in lengths.iter().enumerate() {
        mask[k * t..k * t + len.min(t)].fill(1.0);
    }
    let mask = Tensor::<2>::from_data(TensorData::new(mask, [b, t]), &device);
    (kl * mask).sum_dim(1).reshape([b]) * (temperature * temperature)
}

/// Loads the teacher of `d` for a student of configuration `student` (on `device`, without
/// gradients).
fn load_teacher(
    d: &Distill,
    student: &ModelConfig,
    device: &Device,
) -> Result<DeepSpeech, TrainError> {
    if !(d.weight > 0.0 && d.weight.is_finite() && d.temperature > 0.0 && d.temperature.is_finite())
    {
        return Err(TrainError::Config(format!(
            "distillation needs a weight and a temperature above 0, got {} and {}",
            d.weight, d.temperature
        )));
    }
    let (tcfg, teacher) = import(&d.teacher, device)?;
    if tcfg.features != student.features
        || tcfg.alphabet != student.alphabet
        || tcfg.blank_index != student.blank_index
    {
        return Err(TrainError::Config(format!(
            "the teacher {} has other features or labels than the student (it needs the same front end, alphabet and blank)",
            d.teacher.display()
        )));
    }
    Ok(teacher)
}

/// Zhu & Gupta's gradual pruning inside one run: from sparsity `initial` at step `start` to
/// `target` after `rounds` mask updates `every` steps apart (see [`crate::prune::zhu_gupta`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gradual {
    /// How thresholds are chosen.
    pub scope: Scope,
    /// Sparsity at `start`.
    pub initial: f64,
    /// Final sparsity.
    pub target: f64,
    /// First step that prunes (t0).
    pub start: usize,
    /// Number of mask updates (n).
    pub rounds: usize,
    /// Steps between mask updates (Δt).
    pub every: usize,
}

/// Where a run stands; saved in every checkpoint.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainState {
    /// Optimizer steps taken.
    pub step: usize,
    /// Current epoch (0-based).
    pub epoch: usize,
    /// Next batch within the epoch's order.
    pub batch: usize,
    /// Lowest validation WER so far.
    pub best_wer: Option<f64>,
    /// Seconds spent training, over all sessions.
    pub elapsed_s: f64,
}

/// The result of a validation pass.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// Mean CTC loss per utterance.
    pub loss: f64,
    /// Greedy word error rate.
    pub wer: f64,
    /// Greedy character error rate.
    pub cer: f64,
    /// Utterances.
    pub utterances: usize,
}

/// Paths inside a run folder.
pub struct RunPaths {
    /// The folder.
    pub dir: PathBuf,
}

impl RunPaths {
    fn config(&self) -> PathBuf {
        self.dir.join("config.json")
    }
    fn log(&self) -> PathBuf {
        self.dir.join("log.jsonl")
    }
    /// The checkpoint folder.
    pub fn checkpoint(&self) -> PathBuf {
        self.dir.join("checkpoint")
    }
    /// The model after `epoch` (1-based).
    pub fn epoch_model(&self, epoch: usize) -> PathBuf {
        self.dir.join("epochs").join(format!("{epoch:02}"))
    }

    /// The best model so far.
    pub fn best(&self) -> PathBuf {
        self.dir.join("best")
    }
    /// The model after the last epoch.
    pub fn final_model(&self) -> PathBuf {
        self.dir.join("final")
    }
}

/// Saves `model` in the host's format (`dir/model.json`, `dir/model.safetensors`).
pub fn export(model: &DeepSpeech, cfg: &ModelConfig, dir: &Path) -> Result<(), TrainError> {
    let host = Model::new(cfg.clone(), model.to_host()).map_err(|e| file_err(dir, e))?;
    host.save(dir).map_err(|e| file_err(dir, e))?;
    Ok(())
}

/// Loads a host-format model into burn.
pub fn import(path: &Path, device: &Device) -> Result<(ModelConfig, DeepSpeech), TrainError> {
    let host = Model::load(path).map_err(|e| file_err(path, e))?;
    let m = DeepSpeech::from_host(&host.config, &host.weights, device);
    Ok((host.config, m))
}

fn adam(cfg: &TrainConfig) -> ModuleOptimizer {
    let mut a = AdamConfig::new().with_epsilon(1e-8);
    if cfg.grad_clip > 0.0 {
        a = a.with_grad_clipping(Some(burn::grad_clipping::GradientClippingConfig::Norm(
            cfg.grad_clip,
        )));
    }
    a.init()
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), TrainError> {
    let text = serde_json::to_string_pretty(value).expect("serialisable");
    std::fs::write(path, text).map_err(|e| file_err(path, e))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, TrainError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
    serde_json::from_str(&text).map_err(|e| file_err(path, e))
}

/// Writes a checkpoint: everything into `checkpoint.tmp/`, then the old checkpoint is moved to
/// `checkpoint.old/`, the new one renamed into place and the old one deleted. A crash at any
/// moment leaves `checkpoint/` or `checkpoint.old/` complete.
fn save_checkpoint(
    run: &RunPaths,
    cfg: &TrainConfig,
    model: &DeepSpeech,
    optim: &ModuleOptimizer,
    state: &TrainState,
    masks: Option<&Masks>,
) -> Result<(), TrainError> {
    let dir = run.checkpoint();
    let tmp = run.dir.join("checkpoint.tmp");
    let old = run.dir.join("checkpoint.old");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| file_err(&tmp, e))?;
    export(model, &cfg.model, &tmp)?;
    let opt_path = tmp.join("optimizer.bpk");
    optim
        .save(&opt_path)
        .map_err(|e| file_err(&opt_path, format!("{e:?}")))?;
    if let Some(m) = masks {
        m.save(&tmp.join("masks.json"))
            .map_err(|e| file_err(&tmp.join("masks.json"), e))?;
    }
    write_json(&tmp.join("state.json"), state)?;
    if dir.exists() {
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&dir, &old).map_err(|e| file_err(&dir, e))?;
    }
    std::fs::rename(&tmp, &dir).map_err(|e| file_err(&dir, e))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

struct Checkpoint {
    model: DeepSpeech,
    optim: ModuleOptimizer,
    state: TrainState,
    masks: Option<Masks>,
}

fn load_checkpoint(
    run: &RunPaths,
    cfg: &TrainConfig,
    device: &Device,
) -> Result<Option<Checkpoint>, TrainError> {
    let mut dir = run.checkpoint();
    if !dir.join("state.json").exists() {
        dir = run.dir.join("checkpoint.old");
        if !dir.join("state.json").exists() {
            return Ok(None);
        }
    }
    let (mcfg, model) = import(&dir, device)?;
    if mcfg != cfg.model {
        return Err(TrainError::Config(format!(
            "the checkpoint in {} has another model configuration than the run",
            dir.display()
        )));
    }
    let opt_path = dir.join("optimizer.bpk");
    let optim = adam(cfg)
        .load(&opt_path)
        .map_err(|e| file_err(&opt_path, format!("{e:?}")))?;
    let state = read_json(&dir.join("state.json"))?;
    let mask_path = dir.join("masks.json");
    let masks = if mask_path.exists() {
        Some(Masks::load(&mask_path).map_err(|e| file_err(&mask_path, e))?)
    } else {
        None
    };
    Ok(Some(Checkpoint {
        model,
        optim,
        state,
        masks,
    }))
}

/// Drops the lines of the log `path` written after the checkpoint of step `step` (by a run that
/// was stopped before its next checkpoint): the resumed run writes them again, and the log keeps
/// one line per step and kind.
fn cut_log(path: &Path, step: usize) -> Result<(), TrainError> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(()); // no log yet
    };
    let keep: Vec<&str> = text
        .lines()
        .filter(|line| {
            serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("step").and_then(|s| s.as_u64()))
                .is_none_or(|s| s as usize <= step)
        })
        .collect();
    if keep.len() == text.lines().count() {
        return Ok(());
    }
    let tmp = path.with_extension("jsonl.tmp");
    let mut out = keep.join("\n");
    out.push('\n');
    std::fs::write(&tmp, out).map_err(|e| file_err(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| file_err(path, e))
}

fn append_log(path: &Path, value: serde_json::Value) -> Result<(), TrainError> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| file_err(path, e))?;
    writeln!(f, "{value}").map_err(|e| file_err(path, e))
}

/// CTC loss per utterance (`[batch]`) of logits `[batch, frames, labels]`.
pub fn ctc_loss(logits: Tensor<3>, batch: &Batch, blank: usize) -> Tensor<1> {
    let device = logits.device();
    let log_probs = log_softmax(logits, 2).swap_dims(0, 1); // [T, B, C]
    let lens = |v: &[usize]| {
        Tensor::<1, Int>::from_data(
            TensorData::new(v.iter().map(|&x| x as i64).collect::<Vec<_>>(), [v.len()]),
            &device,
        )
    };
    CTCLossConfig::new()
        .with_blank(blank)
        .with_zero_infinity(true)
        .init()
        .forward(
            log_probs,
            batch.targets.clone(),
            lens(&batch.lengths),
            lens(&batch.target_lengths),
        )
}

/// Mean loss and greedy WER/CER of `model` on `set`, without gradients.
pub fn evaluate(
    model: &DeepSpeech,
    cfg: &ModelConfig,
    set: &DataSet,
    batch_size: usize,
    device: &Device,
) -> Evaluation {
    let model = model.valid();
    let device = device.clone().inner();
    let alphabet = cfg.alphabet().expect("validated configuration");
    let mut corpus = zeroskip::metrics::Corpus::default();
    let mut loss_sum = 0.0;
    for idx in set.batches(batch_size, None) {
        let batch = Batch::new(set, &idx, &device);
        let logits = model.forward(batch.features.clone(), &batch.lengths);
        let loss = ctc_loss(logits.clone(), &batch, cfg.blank_index);
        loss_sum += loss.sum().into_scalar::<f32>() as f64;
        let [b, t, c] = logits.dims();
        let lp = log_softmax(logits, 2)
            .into_data()
            .convert::<f32>()
            .try_into_vec::<f32>()
            .expect("f32");
        for k in 0..b {
            let len = batch.lengths[k];
            let rows =
                ndarray::ArrayView2::from_shape((len, c), &lp[k * t * c..k * t * c + len * c])
                    .expect("shape");
            let decoded = zeroskip::ctc::greedy(rows, cfg.blank_index);
            let text = alphabet.text(&decoded.labels);
            corpus.add(&set.utterances[idx[k]].transcript, &text);
        }
    }
    Evaluation {
        loss: loss_sum / set.utterances.len() as f64,
        wer: corpus.wer().unwrap_or(0.0),
        cer: corpus.cer().unwrap_or(0.0),
        utterances: set.utterances.len(),
    }
}

fn bar(len: u64, prefix: String) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}")
            .expect("template"),
    );
    pb.set_prefix(prefix);
    pb
}

fn say(pb: &ProgressBar, line: String) {
    if pb.is_hidden() {
        eprintln!("{line}");
    } else {
        pb.println(line);
    }
}

/// What a call to [`train`] ended with.
#[derive(Clone, Debug)]
pub struct TrainSummary {
    /// The state at the end.
    pub state: TrainState,
    /// The last validation, if an epoch ended.
    pub last_eval: Option<Evaluation>,
    /// Whether every epoch is done.
    pub finished: bool,
}

/// Options of one training session that do not define the run.
#[derive(Clone, Debug, Default)]
pub struct Session {
    /// Stop (after checkpointing) once this many steps in total are done.
    pub stop_at_step: Option<usize>,
    /// Hide progress bars (tests).
    pub quiet: bool,
    /// Pruning masks to hold through training (for fine-tuning); a resumed run keeps the
    /// checkpoint's.
    pub masks: Option<Masks>,
}

/// Starts the run in `dir` from the last checkpoint of the run in `from`: copies its model,
/// optimizer state, masks and position (step, epoch), forgets its best WER, and leaves the
/// new run's configuration to [`train`]. Does nothing when `dir` already holds a checkpoint, so
/// the same command resumes the branched run.
pub fn branch(from: &Path, dir: &Path) -> Result<(), TrainError> {
    let target = RunPaths {
        dir: dir.to_path_buf(),
    };
    if target.checkpoint().join("state.json").exists() {
        return Ok(());
    }
    let source = from.join("checkpoint");
    if !source.join("state.json").exists() {
        return Err(TrainError::Config(format!(
            "{} holds no checkpoint to branch from",
            from.display()
        )));
    }
    let tmp = dir.join("checkpoint.tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| file_err(&tmp, e))?;
    for entry in std::fs::read_dir(&source).map_err(|e| file_err(&source, e))? {
        let entry = entry.map_err(|e| file_err(&source, e))?;
        let to = tmp.join(entry.file_name());
        std::fs::copy(entry.path(), &to).map_err(|e| file_err(&entry.path(), e))?;
    }
    let mut state: TrainState = read_json(&tmp.join("state.json"))?;
    state.best_wer = None;
    write_json(&tmp.join("state.json"), &state)?;
    append_log(
        &target.log(),
        serde_json::json!({"kind": "branch", "from": from, "step": state.step, "epoch": state.epoch}),
    )?;
    std::fs::rename(&tmp, target.checkpoint()).map_err(|e| file_err(&target.checkpoint(), e))
}

/// Starts a run in `dir` with `cfg`, or resumes the one there (`cfg` `None`, or equal to the
/// saved one), and trains until all epochs are done or `session.stop_at_step`.
pub fn train(
    dir: &Path,
    cfg: Option<TrainConfig>,
    session: Session,
    device: &Device,
) -> Result<TrainSummary, TrainError> {
    let run = RunPaths {
        dir: dir.to_path_buf(),
    };
    std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
    let saved: Option<TrainConfig> = if run.config().exists() {
        Some(read_json(&run.config())?)
    } else {
        None
    };
    let cfg = match (cfg, saved) {
        (Some(c), Some(s)) if c != s => {
            return Err(TrainError::ConfigMismatch { path: run.config() })
        }
        (Some(c), _) => c,
        (None, Some(s)) => s,
        (None, None) => {
            return Err(TrainError::Config(format!(
                "{} holds no run to resume",
                dir.display()
            )))
        }
    };
    cfg.model
        .validate()
        .map_err(|e| TrainError::Config(e.to_string()))?;
    if cfg.batch_size == 0 || cfg.checkpoint_every == 0 || cfg.log_every == 0 {
        return Err(TrainError::Config(
            "batch_size, checkpoint_every and log_every must be above 0".into(),
        ));
    }
    write_json(&run.config(), &cfg)?;

    let load = |name: &str, limit| -> Result<DataSet, TrainError> {
        let path = cfg.corpus.join(name);
        let pb = if session.quiet {
            ProgressBar::hidden()
        } else {
            bar(0, format!("features {name}"))
        };
        let set = DataSet::load(&path, &cfg.model, limit, &pb)?;
        pb.finish_and_clear();
        Ok(set)
    };
    let teacher = match &cfg.distill {
        Some(d) => Some(load_teacher(d, &cfg.model, &device.clone().inner())?),
        None => None,
    };
    let train_set = load("train.tsv", cfg.train_limit)?;
    let valid_set = load("valid.tsv", cfg.valid_limit)?;
    eprintln!(
        "training on {} utterances ({} frames, {} too short left out), validating on {}",
        train_set.utterances.len(),
        train_set.frames(),
        train_set.skipped,
        valid_set.utterances.len()
    );

    let (mut model, mut optim, mut state, mut masks) = match load_checkpoint(&run, &cfg, device)? {
        Some(c) => {
            eprintln!(
                "resuming {} at step {} (epoch {}, batch {})",
                dir.display(),
                c.state.step,
                c.state.epoch,
                c.state.batch
            );
            cut_log(&run.log(), c.state.step)?;
            (c.model, c.optim, c.state, c.masks.or(session.masks.clone()))
        }
        None => {
            let model = match &cfg.init_from {
                Some(p) => {
                    let (mcfg, m) = import(p, device)?;
                    if mcfg != cfg.model {
                        return Err(TrainError::Config(format!(
                            "{} has another model configuration",
                            p.display()
                        )));
                    }
                    m
                }
                None => DeepSpeech::init(&cfg.model, cfg.seed, device),
            };
            (
                model,
                adam(&cfg),
                TrainState::default(),
                session.masks.clone(),
            )
        }
    };
    // A run that starts (branched) at or past the gradual schedule's first step has missed the
    // mask update of its starting step: make it now, as an uninterrupted run would have.
    if let Some(g) = &cfg.gradual {
        if masks.is_none() && state.step >= g.start {
            let s = zhu_gupta(state.step, g.start, g.rounds, g.every, g.initial, g.target);
            masks = Some(Masks::magnitude(&model, s, g.scope));
        }
    }
    if let Some(m) = &masks {
        model = m.apply(model);
    }
    let mut last_eval = None;
    while state.epoch < cfg.epochs {
        let batches = train_set.batches(cfg.batch_size, Some((cfg.seed, state.epoch)));
        let lr = cfg.learning_rate * cfg.lr_decay.powi(state.epoch as i32);
        let pb = if session.quiet {
            ProgressBar::hidden()
        } else {
            bar(
                batches.len() as u64,
                format!("epoch {}/{}", state.epoch + 1, cfg.epochs),
            )
        };
        pb.set_position(state.batch as u64);
        let (mut window_loss, mut window_frames, mut window_steps) = (0.0f64, 0usize, 0usize);
        let mut window_distill = 0.0f64;
        let mut window_start = Instant::now();
        while state.batch < batches.len() {
            if session.stop_at_step.is_some_and(|s| state.step >= s) {
                save_checkpoint(&run, &cfg, &model, &optim, &state, masks.as_ref())?;
                pb.abandon();
                return Ok(TrainSummary {
                    state,
                    last_eval,
                    finished: false,
                });
            }
            let t0 = Instant::now();
            let augment = cfg.spec_augment.as_ref().map(|a| {
                let seed = cfg.seed ^ (state.step as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                (a, &cfg.model.features, seed)
            });
            let batch = Batch::augmented(&train_set, &batches[state.batch], augment, device);
            let logits = model.forward(batch.features.clone(), &batch.lengths);
            let mut loss = ctc_loss(logits.clone(), &batch, cfg.model.blank_index).mean();
            let loss_value = loss.clone().into_scalar::<f32>();
            if let (Some(d), Some(teacher)) = (&cfg.distill, &teacher) {
                let t_logits = teacher.forward(batch.features.clone().inner(), &batch.lengths);
                let kd = distill_loss(logits, t_logits, &batch.lengths, d.temperature).mean();
                let kd_value = kd.clone().into_scalar::<f32>();
                if !kd_value.is_finite() {
                    return Err(TrainError::Diverged {
                        step: state.step,
                        loss: kd_value,
                    });
                }
                window_distill += kd_value as f64;
                loss = loss + kd * d.weight;
            }
            if !loss_value.is_finite() {
                return Err(TrainError::Diverged {
                    step: state.step,
                    loss: loss_value,
                });
            }
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(lr, model, grads);
            if let Some(m) = &masks {
                model = m.apply(model);
            }
            state.step += 1;
            state.batch += 1;
            if let Some(g) = &cfg.gradual {
                let t = state.step;
                if t >= g.start
                    && (t - g.start) % g.every.max(1) == 0
                    && t <= g.start + g.rounds * g.every
                {
                    let s = zhu_gupta(t, g.start, g.rounds, g.every, g.initial, g.target);
                    let m = Masks::magnitude(&model, s, g.scope);
                    model = m.apply(model);
                    masks = Some(m);
                }
            }
            state.elapsed_s += t0.elapsed().as_secs_f64();
            window_loss += loss_value as f64;
            window_frames += batch.frames;
            window_steps += 1;
            pb.inc(1);
            pb.set_message(format!("loss {loss_value:.3}"));
            if state.step % cfg.log_every == 0 {
                let secs = window_start.elapsed().as_secs_f64();
                let fps = window_frames as f64 / secs;
                let mean = window_loss / window_steps as f64;
                let mut line = serde_json::json!({"kind": "train", "step": state.step, "epoch": state.epoch,
                    "loss": mean, "lr": lr, "frames_per_s": fps, "s_per_step": secs / window_steps as f64,
                    "elapsed_s": state.elapsed_s});
                if cfg.distill.is_some() {
                    line["distill"] = serde_json::json!(window_distill / window_steps as f64);
                }
                append_log(&run.log(), line)?;
                say(
                    &pb,
                    format!(
                        "step {} epoch {} loss {mean:.3} lr {lr:.2e} {fps:.0} frames/s",
                        state.step,
                        state.epoch + 1
                    ),
                );
                (window_loss, window_frames, window_steps) = (0.0, 0, 0);
                window_distill = 0.0;
                window_start = Instant::now();
            }
            if state.step % cfg.checkpoint_every == 0 {
                save_checkpoint(&run, &cfg, &model, &optim, &state, masks.as_ref())?;
            }
        }
        pb.finish_and_clear();
        let eval = evaluate(&model, &cfg.model, &valid_set, cfg.batch_size, device);
        let sparsity = crate::prune::sparsity(&model);
        append_log(
            &run.log(),
            serde_json::json!({"kind": "valid", "step": state.step, "epoch": state.epoch,
                "sparsity": sparsity, "loss": eval.loss, "wer": eval.wer, "cer": eval.cer, "utterances": eval.utterances,
                "elapsed_s": state.elapsed_s}),
        )?;
        eprintln!(
            "epoch {} done at step {} ({:.2} % zeros): valid loss {:.3}, WER {:.2} %, CER {:.2} %",
            state.epoch + 1,
            state.step,
            100.0 * sparsity,
            eval.loss,
            100.0 * eval.wer,
            100.0 * eval.cer
        );
        let pruned_fully = cfg
            .gradual
            .is_none_or(|g| state.step >= g.start + g.rounds * g.every);
        export(&model, &cfg.model, &run.epoch_model(state.epoch + 1))?;
        if pruned_fully && state.best_wer.is_none_or(|b| eval.wer < b) {
            state.best_wer = Some(eval.wer);
            export(&model, &cfg.model, &run.best())?;
        }
        last_eval = Some(eval);
        state.epoch += 1;
        state.batch = 0;
        save_checkpoint(&run, &cfg, &model, &optim, &state, masks.as_ref())?;
    }
    export(&model, &cfg.model, &run.final_model())?;
    Ok(TrainSummary {
        state,
        last_eval,
        finished: true,
    })
}
