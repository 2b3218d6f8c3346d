//! The `zeroskip-train` binary: parses the command line and dispatches to the library.
//!
//! Exit codes: 0 success, 1 any error (the message names the file or value at fault), 2 bad
//! command-line usage (clap).

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use zeroskip::features::FeatureConfig;
use zeroskip::model::ModelConfig;
use zeroskip_train::corpus::{self, plan::Counts, voices::Split};
use zeroskip_train::data::SpecAugment;
use zeroskip_train::iterative::{self, Rounds};
use zeroskip_train::prune::Scope;
use zeroskip_train::train::{self as trainer, Distill, Gradual, Session, TrainConfig};

#[derive(Parser)]
#[command(
    name = "zeroskip-train",
    about = "Train and prune zeroskip's speech model",
    version
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Synthesise the speech corpus (resumes an interrupted run in the same folder).
    Corpus {
        /// Output folder (created).
        #[arg(long)]
        out: PathBuf,
        /// Training utterances.
        #[arg(long)]
        utterances: usize,
        /// Validation utterances [default: utterances / 10, at least 1].
        #[arg(long)]
        valid: Option<usize>,
        /// Test utterances [default: utterances / 10, at least 1].
        #[arg(long)]
        test: Option<usize>,
        /// Seed of everything random in the corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Synthesis workers, each running one program at a time (at most 2).
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// More training utterances, spoken by festival voices, after the others (ids continue
        /// the training ids); 0 leaves the corpus as it is without. A folder holding the same
        /// corpus with fewer is extended: only the new utterances are synthesised.
        #[arg(long, default_value_t = 0)]
        festival: usize,
        /// More training utterances after the festival ones, spoken by 13 voices made from
        /// recordings (RHVoice, MBROLA, SVOX Pico, festival; Debian's contrib and non-free
        /// sections, installed by `bash scripts/install-deps.sh`); 0 leaves the corpus as it is
        /// without. A folder holding the same corpus with fewer is extended.
        #[arg(long, default_value_t = 0)]
        more_voices: usize,
    },
    /// Print every word the sentence grammar can produce (docs/CORPUS.md lists them).
    Vocab,
    /// Write text for the word language model: sentences of the grammar on the training side
    /// of the corpus's split rule (never a validation or test sentence of the corpus of the
    /// same seed), one per line, repeats kept; `zeroskip lm build --text FILE` learns from it.
    Text {
        /// Output file (one sentence per line).
        #[arg(long)]
        out: PathBuf,
        /// Sentences to write.
        #[arg(long)]
        sentences: usize,
        /// The corpus seed whose split rule the text must respect.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Copy a few held-out utterances (one per speaker of a split, picked by a seed) and a
    /// manifest into a folder: how the repository's `samples/` is made.
    Samples {
        /// Corpus folder (utterances.jsonl, wav/).
        #[arg(long)]
        corpus: PathBuf,
        /// Output folder (created; WAVs named SPEAKER-ID.wav, and manifest.tsv).
        #[arg(long)]
        out: PathBuf,
        /// Which split to draw from.
        #[arg(long, value_enum, default_value_t = SplitArg::Test)]
        split: SplitArg,
        /// Utterances per speaker.
        #[arg(long, default_value_t = 1)]
        per_speaker: usize,
        /// Seed of the pick.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Keep only utterances this model (host format, greedy) transcribes exactly, both as
        /// the float model and on the golden fixed-point backend (with the folder's
        /// calibration.json), trying them in the seeded order: samples that demonstrate the
        /// model. Without it, the seeded pick as it is.
        #[arg(long)]
        recognised_by: Option<PathBuf>,
        /// With --recognised-by: utterances tried per speaker at most.
        #[arg(long, default_value_t = 20)]
        max_tries: usize,
    },
    /// Start a training run (or resume it: the same options, or `resume`).
    Train {
        /// Corpus folder (train.tsv, valid.tsv).
        #[arg(long)]
        corpus: PathBuf,
        /// Run folder: config, log, checkpoints, best and final models.
        #[arg(long)]
        run: PathBuf,
        /// Units of each of FC1, FC2, FC3.
        #[arg(long, default_value_t = 128)]
        fc: usize,
        /// Units of each LSTM direction.
        #[arg(long, default_value_t = 128)]
        lstm: usize,
        /// Context frames on each side of a feature frame.
        #[arg(long, default_value_t = 4)]
        context: usize,
        /// Keep every n-th feature frame.
        #[arg(long, default_value_t = 2)]
        stride: usize,
        /// Utterances per batch.
        #[arg(long, default_value_t = 16)]
        batch: usize,
        /// Epochs.
        #[arg(long, default_value_t = 25)]
        epochs: usize,
        /// Adam learning rate of the first epoch.
        #[arg(long, default_value_t = 1e-3)]
        lr: f64,
        /// Learning-rate factor per epoch.
        #[arg(long, default_value_t = 0.92)]
        lr_decay: f64,
        /// Per-parameter gradient norm clip (0: none).
        #[arg(long, default_value_t = 5.0)]
        grad_clip: f32,
        /// Steps between checkpoints.
        #[arg(long, default_value_t = 200)]
        checkpoint_every: usize,
        /// Steps between log lines.
        #[arg(long, default_value_t = 20)]
        log_every: usize,
        /// Seed of the initial weights and the batch order.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Use only the first N training utterances.
        #[arg(long)]
        train_limit: Option<usize>,
        /// Use only the first N validation utterances.
        #[arg(long)]
        valid_limit: Option<usize>,
        /// Stop (with a checkpoint) after this many steps in total; resume later.
        #[arg(long)]
        stop_at_step: Option<usize>,
        /// SpecAugment masks on training batches: FREQ_MASKS,MAX_FREQ_WIDTH,TIME_MASKS,MAX_TIME_WIDTH
        /// (widths in cepstral coefficients and in 10 ms frames), e.g. `2,4,2,8`.
        #[arg(long, value_delimiter = ',')]
        spec_augment: Option<Vec<usize>>,
        /// Prune gradually while training (Zhu & Gupta) to this final sparsity (fraction of the
        /// weight matrices' entries that are zero, e.g. 0.9); the other `--prune-*` options shape
        /// the schedule s_t = s_f + (s_i - s_f)(1 - (t - t0)/(n dt))^3.
        #[arg(long)]
        prune_to: Option<f64>,
        /// Sparsity s_i at the first mask update.
        #[arg(long, default_value_t = 0.0, requires = "prune_to")]
        prune_from: f64,
        /// Step t0 of the first mask update.
        #[arg(long, default_value_t = 0, requires = "prune_to")]
        prune_start: usize,
        /// Number n of mask updates after the first.
        #[arg(long, default_value_t = 40, requires = "prune_to")]
        prune_updates: usize,
        /// Steps dt between mask updates.
        #[arg(long, default_value_t = 250, requires = "prune_to")]
        prune_every: usize,
        /// How the gradual pruning thresholds are chosen.
        #[arg(long, value_enum, default_value_t = ScopeArg::PerLayer, requires = "prune_to")]
        prune_scope: ScopeArg,
        /// PEs for `--prune-scope balanced` [default: zeroskip_arch::HwConfig::default().pes].
        #[arg(long, requires = "prune_to")]
        pes: Option<usize>,
        /// Start from another run's last checkpoint (weights, optimizer state, step and epoch)
        /// instead of step 0: the new run continues that one with these options, e.g. with
        /// `--prune-to` from the step where the checkpoint was taken. The model options must
        /// match. Ignored when RUN already holds a checkpoint (it resumes).
        #[arg(long)]
        branch_from: Option<PathBuf>,
        /// Knowledge distillation: also learn this trained model's frame posteriors (host
        /// format, e.g. a dense run's `best/`; same features and labels, any layer sizes). The
        /// loss adds WEIGHT * T^2 * KL(teacher || student) per utterance, T the temperature.
        #[arg(long)]
        distill_from: Option<PathBuf>,
        /// Weight of the distillation term against the CTC loss.
        #[arg(long, default_value_t = 1.0, requires = "distill_from")]
        distill_weight: f64,
        /// Softmax temperature of the distillation term.
        #[arg(long, default_value_t = 1.0, requires = "distill_from")]
        distill_temperature: f64,
    },
    /// Resume the run in a folder where its last checkpoint left it.
    Resume {
        /// Run folder.
        #[arg(long)]
        run: PathBuf,
        /// Stop (with a checkpoint) after this many steps in total.
        #[arg(long)]
        stop_at_step: Option<usize>,
    },
    /// Iterative magnitude pruning with fine-tuning, from a trained dense model (resumable).
    Prune {
        /// The dense model (host format, e.g. RUN/best).
        #[arg(long)]
        dense: PathBuf,
        /// Corpus folder (train.tsv, valid.tsv).
        #[arg(long)]
        corpus: PathBuf,
        /// Folder of the pruning run (one sub-folder per round, rounds.jsonl).
        #[arg(long)]
        run: PathBuf,
        /// Sparsity after each round, increasing.
        #[arg(long, value_delimiter = ',', default_value = "0.5,0.7,0.8,0.85,0.9")]
        targets: Vec<f64>,
        /// How thresholds are chosen.
        #[arg(long, value_enum, default_value_t = ScopeArg::PerLayer)]
        scope: ScopeArg,
        /// PEs for `--scope balanced` [default: zeroskip_arch::HwConfig::default().pes].
        #[arg(long)]
        pes: Option<usize>,
        /// Fine-tuning epochs per round.
        #[arg(long, default_value_t = 2)]
        epochs_per_round: usize,
        /// Fine-tuning learning rate.
        #[arg(long, default_value_t = 3e-4)]
        lr: f64,
        /// Utterances per batch.
        #[arg(long, default_value_t = 16)]
        batch: usize,
        /// Seed of the batch order.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Use only the first N training utterances.
        #[arg(long)]
        train_limit: Option<usize>,
        /// Use only the first N validation utterances.
        #[arg(long)]
        valid_limit: Option<usize>,
    },
    /// Average models of one configuration, weight by weight (checkpoint averaging).
    ///
    /// For a run's last epochs (`RUN/epochs/NN`), whose mean is often a little better than any
    /// one of them. A weight zero in every model stays zero: models of one pruning mask average
    /// to a model with that mask.
    Average {
        /// A model folder (model.json, model.safetensors); give two or more.
        #[arg(long = "model", value_name = "MODEL", required = true, num_args = 1..)]
        models: Vec<PathBuf>,
        /// Output folder (created; must not hold a model already).
        #[arg(long)]
        out: PathBuf,
    },
    /// Greedy WER/CER and loss of a host-format model on a manifest.
    Eval {
        /// Model folder (model.json, model.safetensors).
        #[arg(long)]
        model: PathBuf,
        /// Manifest (path<TAB>transcript).
        #[arg(long)]
        manifest: PathBuf,
        /// Utterances per batch.
        #[arg(long, default_value_t = 16)]
        batch: usize,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum SplitArg {
    Train,
    Valid,
    Test,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ScopeArg {
    /// Each matrix to the target on its own.
    PerLayer,
    /// One threshold over all matrices.
    Global,
    /// Each (matrix, PE) share to the target: equal non-zeros per PE.
    Balanced,
    /// One threshold over all matrices sets each matrix's share; equal non-zeros per PE within
    /// a matrix.
    GlobalBalanced,
    /// As global-balanced, with the threshold over LAMP scores (scale-free across matrices;
    /// no matrix is emptied).
    LampBalanced,
}

impl ScopeArg {
    /// The library's scope; `pes` (for `balanced`) defaults to the hardware's.
    fn scope(self, pes: Option<usize>) -> Scope {
        let pes = pes.unwrap_or(zeroskip_arch::HwConfig::default().pes);
        match self {
            ScopeArg::PerLayer => Scope::PerLayer,
            ScopeArg::Global => Scope::Global,
            ScopeArg::Balanced => Scope::Balanced { pes },
            ScopeArg::GlobalBalanced => Scope::GlobalBalanced { pes },
            ScopeArg::LampBalanced => Scope::LampBalanced { pes },
        }
    }
}

/// A progress bar on a terminal; elsewhere (nohup, CI) a line every 10 s instead.
fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(&format!(
            "{what} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} ({{per_sec}}, eta {{eta}})"
        ))
        .expect("valid template"),
    );
    if !std::io::stderr().is_terminal() {
        let (ticker, what) = (pb.clone(), what.to_string());
        std::thread::spawn(move || loop {
            std::thread::sleep(std::time::Duration::from_secs(10));
            if ticker.is_finished() {
                return;
            }
            eprintln!(
                "{what}: {}/{}",
                ticker.position(),
                ticker.length().unwrap_or(0)
            );
        });
    }
    pb
}

/// `model` on `backend` (`float` or `golden`, greedy decoding), opened as
/// `zeroskip transcribe --model MODEL --backend BACKEND` opens it (for golden: the model
/// folder's calibration.json, P = 16).
fn transcriber_like_cli(model: &Path, backend: &str) -> Result<zeroskip::backend::Transcriber> {
    #[derive(Parser)]
    struct Transcribe {
        #[command(flatten)]
        model: zeroskip::cli::transcribe::ModelArgs,
    }
    let path = model.to_str().context("the model path is not UTF-8")?;
    let args = Transcribe::try_parse_from(["transcribe", "--model", path, "--backend", backend])?;
    Ok(args
        .model
        .open()
        .with_context(|| format!("opening {} on the {backend} backend", model.display()))?
        .transcriber)
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Corpus {
            out,
            utterances,
            valid,
            test,
            seed,
            jobs,
            festival,
            more_voices,
        } => {
            if !(1..=2).contains(&jobs) {
                bail!("--jobs {jobs}: use 1 or 2 (synthesis shares the machine with training and builds)");
            }
            let counts = Counts {
                train: utterances,
                valid: valid.unwrap_or((utterances / 10).max(1)),
                test: test.unwrap_or((utterances / 10).max(1)),
            };
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let extras = corpus::plan::Extras {
                festival,
                more_voices,
            };
            let pb = bar((counts.total() + festival + more_voices) as u64, "corpus");
            let report = corpus::generate_with_extras(&out, counts, seed, extras, jobs, &pb)
                .with_context(|| format!("generating the corpus in {}", out.display()))?;
            pb.finish();
            eprintln!(
                "corpus in {}: {} utterances synthesised, {} kept from an earlier run; manifests train.tsv, valid.tsv, test.tsv",
                out.display(),
                report.made,
                report.kept
            );
        }
        Command::Samples {
            corpus,
            out,
            split,
            per_speaker,
            seed,
            recognised_by,
            max_tries,
        } => {
            let split = match split {
                SplitArg::Train => Split::Train,
                SplitArg::Valid => Split::Valid,
                SplitArg::Test => Split::Test,
            };
            let utterances = corpus::read_utterances(&corpus)
                .with_context(|| format!("reading the plan of {}", corpus.display()))?;
            let picks = match &recognised_by {
                None => corpus::samples::pick_checked(
                    &utterances,
                    split,
                    per_speaker,
                    seed,
                    usize::MAX,
                    |_| Ok::<_, anyhow::Error>(true),
                )?,
                Some(model) => {
                    let mut float = transcriber_like_cli(model, "float")?;
                    let mut golden = transcriber_like_cli(model, "golden")?;
                    corpus::samples::pick_checked(
                        &utterances,
                        split,
                        per_speaker,
                        seed,
                        max_tries,
                        |u| {
                            let wav = corpus.join(u.wav_path());
                            for t in [&mut float, &mut golden] {
                                let got = t
                                    .transcribe_file(&wav)
                                    .with_context(|| format!("transcribing {}", wav.display()))?;
                                if got.text != u.text {
                                    return Ok::<_, anyhow::Error>(false);
                                }
                            }
                            Ok(true)
                        },
                    )?
                }
            };
            for p in &picks {
                eprintln!(
                    "{}: {} of {} tried{}",
                    p.voice,
                    p.picked.len(),
                    p.tried,
                    if recognised_by.is_some() {
                        " transcribed exactly"
                    } else {
                        ""
                    }
                );
            }
            let picked: Vec<_> = picks
                .iter()
                .flat_map(|p| p.picked.iter().copied())
                .collect();
            let rows = corpus::samples::export(&corpus, &out, &picked)
                .with_context(|| format!("copying samples from {}", corpus.display()))?;
            for (file, text) in &rows {
                println!("{file}\t{text}");
            }
            eprintln!(
                "{} samples and manifest.tsv in {}",
                rows.len(),
                out.display()
            );
        }
        Command::Text {
            out,
            sentences,
            seed,
        } => {
            if sentences == 0 {
                bail!("--sentences 0: ask for at least one sentence");
            }
            let text = corpus::plan::training_text(seed, sentences);
            let mut body = text.join("\n");
            body.push('\n');
            std::fs::write(&out, body).with_context(|| format!("writing {}", out.display()))?;
            let distinct: std::collections::HashSet<&String> = text.iter().collect();
            eprintln!(
                "{}: {} sentences ({} distinct) of seed {seed}'s training side",
                out.display(),
                text.len(),
                distinct.len()
            );
        }
        Command::Vocab => {
            for w in corpus::sentences::vocabulary() {
                println!("{w}");
            }
        }
        Command::Train {
            corpus,
            run,
            fc,
            lstm,
            context,
            stride,
            batch,
            epochs,
            lr,
            lr_decay,
            grad_clip,
            checkpoint_every,
            log_every,
            seed,
            train_limit,
            valid_limit,
            stop_at_step,
            spec_augment,
            prune_to,
            prune_from,
            prune_start,
            prune_updates,
            prune_every,
            prune_scope,
            pes,
            branch_from,
            distill_from,
            distill_weight,
            distill_temperature,
        } => {
            let gradual = prune_to.map(|target| Gradual {
                scope: prune_scope.scope(pes),
                initial: prune_from,
                target,
                start: prune_start,
                rounds: prune_updates,
                every: prune_every,
            });
            let spec_augment = match spec_augment.as_deref() {
                None => None,
                Some(&[freq_masks, max_freq_width, time_masks, max_time_width]) => {
                    Some(SpecAugment {
                        freq_masks,
                        max_freq_width,
                        time_masks,
                        max_time_width,
                    })
                }
                Some(v) => bail!(
                    "--spec-augment takes four numbers (FREQ_MASKS,MAX_FREQ_WIDTH,TIME_MASKS,MAX_TIME_WIDTH), got {v:?}"
                ),
            };
            let model = ModelConfig {
                features: FeatureConfig {
                    context,
                    stride,
                    ..FeatureConfig::default()
                },
                fc_sizes: [fc; 3],
                lstm_hidden: lstm,
                ..ModelConfig::default()
            };
            let cfg = TrainConfig {
                model,
                corpus,
                batch_size: batch,
                epochs,
                learning_rate: lr,
                lr_decay,
                grad_clip,
                checkpoint_every,
                log_every,
                seed,
                train_limit,
                valid_limit,
                init_from: None,
                gradual,
                spec_augment,
                branched_from: branch_from.clone(),
                distill: distill_from.map(|teacher| Distill {
                    teacher,
                    weight: distill_weight,
                    temperature: distill_temperature,
                }),
            };
            if let Some(from) = &branch_from {
                trainer::branch(from, &run).with_context(|| {
                    format!("branching {} from {}", run.display(), from.display())
                })?;
            }
            let summary = trainer::train(
                &run,
                Some(cfg),
                Session {
                    stop_at_step,
                    ..Session::default()
                },
                &device(),
            )
            .with_context(|| format!("training in {}", run.display()))?;
            report(&run, &summary);
        }
        Command::Resume { run, stop_at_step } => {
            let summary = trainer::train(
                &run,
                None,
                Session {
                    stop_at_step,
                    ..Session::default()
                },
                &device(),
            )
            .with_context(|| format!("resuming {}", run.display()))?;
            report(&run, &summary);
        }
        Command::Prune {
            dense,
            corpus,
            run,
            targets,
            scope,
            pes,
            epochs_per_round,
            lr,
            batch,
            seed,
            train_limit,
            valid_limit,
        } => {
            let scope = scope.scope(pes);
            let (model, _) = trainer::import(&dense, &burn::tensor::Device::flex())?;
            let rounds = Rounds {
                dense,
                targets,
                scope,
                fine_tune: TrainConfig {
                    model,
                    corpus,
                    batch_size: batch,
                    epochs: epochs_per_round,
                    learning_rate: lr,
                    lr_decay: 0.7,
                    grad_clip: 5.0,
                    checkpoint_every: 250,
                    log_every: 50,
                    seed,
                    train_limit,
                    valid_limit,
                    init_from: None,
                    gradual: None,
                    spec_augment: None,
                    branched_from: None,
                    distill: None,
                },
            };
            let results = iterative::run(&run, &rounds, &device(), false)
                .with_context(|| format!("pruning in {}", run.display()))?;
            for r in results {
                println!(
                    "round {}: {:.2} % zeros, valid WER {:.2} %, CER {:.2} % ({})",
                    r.round,
                    100.0 * r.sparsity,
                    100.0 * r.eval.wer,
                    100.0 * r.eval.cer,
                    r.model.display()
                );
            }
        }
        Command::Average { models, out } => average(&models, &out)?,
        Command::Eval {
            model,
            manifest,
            batch,
        } => {
            let dev = device();
            let (cfg, m) = trainer::import(&model, &dev)?;
            let pb = bar(0, "features");
            let set = zeroskip_train::data::DataSet::load(&manifest, &cfg, None, &pb)?;
            pb.finish_and_clear();
            let e = trainer::evaluate(&m, &cfg, &set, batch, &dev);
            println!("{}", serde_json::to_string_pretty(&e)?);
        }
    }
    Ok(())
}

/// `zeroskip-train average`: the mean of `models` saved in `out`, with its sparsity printed.
fn average(models: &[PathBuf], out: &Path) -> Result<()> {
    if models.len() < 2 {
        bail!("average needs two or more models (--model A --model B …)");
    }
    let paths = zeroskip::model::ModelPaths::resolve(out);
    if paths.config.exists() {
        bail!(
            "{} already holds a model ({}); give a new folder",
            out.display(),
            paths.config.display()
        );
    }
    let loaded = models
        .iter()
        .map(|path| {
            zeroskip::model::Model::load(path)
                .with_context(|| format!("loading {}", path.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let config = loaded[0].config.clone();
    for (m, path) in loaded.iter().zip(models).skip(1) {
        if m.config != config {
            bail!(
                "{} has another configuration (model.json) than {}: only models of one architecture and front end can be averaged",
                path.display(),
                models[0].display()
            );
        }
    }
    let inputs: Vec<f64> = loaded
        .iter()
        .map(|m| zeroskip::study::ModelStats::of(m).sparsity)
        .collect();
    let weights: Vec<_> = loaded.into_iter().map(|m| m.weights).collect();
    let mean = zeroskip::model::ModelWeights::mean(&weights)
        .context("the models' tensors have different shapes")?;
    let model = zeroskip::model::Model::new(config, mean)?;
    model
        .save(out)
        .with_context(|| format!("saving the averaged model in {}", out.display()))?;
    let stats = zeroskip::study::ModelStats::of(&model);
    eprintln!(
        "averaged {} models into {}: {} of {} matrix weights non-zero ({:.2} % zeros; the inputs: {})",
        models.len(),
        out.display(),
        stats.nonzero_weights,
        stats.weights,
        100.0 * stats.sparsity,
        inputs
            .iter()
            .map(|s| format!("{:.2} %", 100.0 * s))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

/// The training device: burn's pure-Rust CPU backend with autodiff (one thread).
fn device() -> burn::tensor::Device {
    burn::tensor::Device::flex().autodiff()
}

fn report(run: &std::path::Path, s: &trainer::TrainSummary) {
    if s.finished {
        eprintln!(
            "run {} finished at step {}; best validation WER {:.2} %; models in best/ and final/",
            run.display(),
            s.state.step,
            100.0 * s.state.best_wer.unwrap_or(f64::NAN)
        );
    } else {
        eprintln!(
            "run {} stopped at step {} (epoch {}, batch {}); continue with `zeroskip-train resume --run {}`",
            run.display(),
            s.state.step,
            s.state.epoch,
            s.state.batch,
            run.display()
        );
    }
}
