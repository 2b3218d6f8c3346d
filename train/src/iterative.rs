//! Iterative magnitude pruning with fine-tuning, the study's method: starting from a trained
//! dense model, each round prunes the smallest-magnitude weights to the round's sparsity and
//! fine-tunes with the mask held (every round is an ordinary resumable run in its own folder,
//! starting from the previous round's model). Rounds already finished are skipped, so an
//! interrupted prune resumes too. `rounds.jsonl` records each round's sparsity and validation
//! figures.

use crate::data::DataSet;
use crate::prune::{Masks, Scope};
use crate::train::{evaluate, import, train, Evaluation, Session, TrainConfig, TrainError};
use burn::tensor::Device;
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A pruning schedule over rounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rounds {
    /// The trained dense model (host format).
    pub dense: PathBuf,
    /// Sparsity after each round, increasing (e.g. 0.5, 0.7, 0.8, 0.9).
    pub targets: Vec<f64>,
    /// How thresholds are chosen.
    pub scope: Scope,
    /// Fine-tuning of every round: corpus, batch size, epochs, learning rate … (`model` and
    /// `init_from` are filled in per round).
    pub fine_tune: TrainConfig,
}

/// One finished round.
#[derive(Clone, Debug, Serialize)]
pub struct RoundResult {
    /// Round number (0 is the dense model).
    pub round: usize,
    /// Sparsity of the weight matrices.
    pub sparsity: f64,
    /// Where the round's model is.
    pub model: PathBuf,
    /// Validation after fine-tuning.
    pub eval: Evaluation,
}

fn round_dir(dir: &Path, round: usize, target: f64) -> PathBuf {
    dir.join(format!("round-{round:02}-{:02.0}", 100.0 * target))
}

/// Runs (or resumes) every round in `dir`; returns the dense figures followed by each round's.
pub fn run(
    dir: &Path,
    rounds: &Rounds,
    device: &Device,
    quiet: bool,
) -> Result<Vec<RoundResult>, TrainError> {
    if rounds.targets.windows(2).any(|w| w[1] <= w[0])
        || rounds.targets.iter().any(|t| !(0.0..1.0).contains(t))
    {
        return Err(TrainError::Config(format!(
            "targets {:?} must increase within [0, 1)",
            rounds.targets
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| TrainError::File {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    let (model_cfg, dense) = import(&rounds.dense, &device.clone().inner())?;
    let valid_path = rounds.fine_tune.corpus.join("valid.tsv");
    let valid = DataSet::load(
        &valid_path,
        &model_cfg,
        rounds.fine_tune.valid_limit,
        &ProgressBar::hidden(),
    )?;
    let log_path = dir.join("rounds.jsonl");
    let _ = std::fs::remove_file(&log_path);
    let mut results = Vec::new();
    let log = |r: &RoundResult| -> Result<(), TrainError> {
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|e| TrainError::File {
                path: log_path.clone(),
                message: e.to_string(),
            })?;
        writeln!(f, "{}", serde_json::to_string(r).expect("serialisable")).map_err(|e| {
            TrainError::File {
                path: log_path.clone(),
                message: e.to_string(),
            }
        })
    };
    let dense_eval = evaluate(
        &dense,
        &model_cfg,
        &valid,
        rounds.fine_tune.batch_size,
        &device.clone().inner(),
    );
    let r0 = RoundResult {
        round: 0,
        sparsity: Masks::magnitude(&dense, 0.0, rounds.scope).sparsity(),
        model: rounds.dense.clone(),
        eval: dense_eval,
    };
    log(&r0)?;
    results.push(r0);
    let mut current = rounds.dense.clone();
    for (k, &target) in rounds.targets.iter().enumerate() {
        let rd = round_dir(dir, k + 1, target);
        let (_, start) = import(&current, &device.clone().inner())?;
        let masks = Masks::magnitude(&start, target, rounds.scope);
        let cfg = TrainConfig {
            model: model_cfg.clone(),
            init_from: Some(current.clone()),
            ..rounds.fine_tune.clone()
        };
        if !rd.join("final").join("model.json").exists() {
            eprintln!(
                "round {}: prune to {:.1} % zeros, fine-tune in {}",
                k + 1,
                100.0 * target,
                rd.display()
            );
            train(
                &rd,
                Some(cfg),
                Session {
                    stop_at_step: None,
                    quiet,
                    masks: Some(masks.clone()),
                },
                device,
            )?;
        }
        current = rd.join("final");
        let (_, tuned) = import(&current, &device.clone().inner())?;
        let eval = evaluate(
            &tuned,
            &model_cfg,
            &valid,
            rounds.fine_tune.batch_size,
            &device.clone().inner(),
        );
        let r = RoundResult {
            round: k + 1,
            sparsity: masks.sparsity(),
            model: current.clone(),
            eval,
        };
        eprintln!(
            "round {}: {:.2} % zeros, valid WER {:.2} %, CER {:.2} %",
            k + 1,
            100.0 * r.sparsity,
            100.0 * eval.wer,
            100.0 * eval.cer
        );
        log(&r)?;
        results.push(r);
    }
    Ok(results)
}
