//! `zeroskip transcribe`: WAV files to text, one line per file in the order given (or one JSON
//! document with `--json`). A file that fails is reported on stderr (and in the JSON) and the
//! others go on; the exit code is 1 if any failed. With `--backend golden` it says on stderr
//! (or in the JSON) where the activation ranges came from. Also holds the model, backend and
//! decoder options that `zeroskip eval` shares.

use super::golden_args::GoldenArgs;
use crate::backend::{
    BackendKind, BackendOptions, Timing, TranscribeError, Transcriber, Transcript,
};
use crate::ctc::{Alphabet, Decoder};
use crate::lm::{LmWeights, WordScorer};
use crate::model::{default_model, Model};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Model, backend and decoder options, shared by `transcribe` and `eval`.
#[derive(clap::Args, Debug, Clone)]
pub struct ModelArgs {
    /// The model: a folder holding model.json and model.safetensors (or model.safetensors.gz,
    /// and optionally calibration.json), or a .json file whose weights are the .safetensors
    /// (.safetensors.gz) file of the same stem beside it. Without it, the model compiled into
    /// the binary, if any.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Where the model runs: `float` on the CPU, or `golden`, the bit-exact fixed-point model.
    #[arg(long, value_enum, default_value_t = BackendKind::Float)]
    pub backend: BackendKind,
    /// CTC prefix beam search keeping N prefixes; without it, greedy (best-path) decoding
    /// (or, with --lm, a beam of 256).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub beam: Option<u32>,
    /// A word language model (ARPA file, gzipped or not, as `zeroskip lm build` writes) to
    /// score the beam's prefixes with; words outside its vocabulary cannot be written. The
    /// repository's, for the default model: host/models/default/lm.arpa.gz.
    #[arg(long, value_name = "FILE")]
    pub lm: Option<PathBuf>,
    /// The language model's weight α against the acoustic model (with --lm; the default was
    /// tuned for the default model on the validation set, `zeroskip lm tune`).
    #[arg(long, value_name = "A", default_value_t = LmWeights::DEFAULT.alpha, requires = "lm",
          value_parser = finite)]
    pub lm_alpha: f64,
    /// The bonus β per word (with --lm).
    #[arg(long, value_name = "B", default_value_t = LmWeights::DEFAULT.beta, requires = "lm",
          value_parser = finite)]
    pub lm_beta: f64,
    #[command(flatten)]
    pub golden: GoldenArgs,
}

/// A transcriber with a sentence on its calibration (`None` for the float backend).
pub struct Opened {
    /// The model, backend and decoder.
    pub transcriber: Transcriber,
    /// Where the golden backend's activation ranges came from.
    pub calibration: Option<String>,
}

impl ModelArgs {
    /// The decoder these options ask for, for a model with `alphabet` (reads the language
    /// model, if any).
    pub fn decoder(&self, alphabet: &Alphabet) -> anyhow::Result<Decoder> {
        let Some(path) = &self.lm else {
            return Ok(match self.beam {
                Some(n) => Decoder::Beam(n as usize),
                None => Decoder::Greedy,
            });
        };
        let lm = crate::lm::arpa::load(path)?;
        let weights = LmWeights {
            alpha: self.lm_alpha,
            beta: self.lm_beta,
        };
        let scorer = WordScorer::new(Arc::new(lm), alphabet, weights)
            .with_context(|| format!("cannot decode with the language model {}", path.display()))?;
        Ok(Decoder::BeamLm {
            width: self.beam.map_or(DEFAULT_LM_BEAM, |n| n as usize),
            scorer: Arc::new(scorer),
        })
    }

    /// A short name of the model for reports: its path, or `<built-in>`.
    pub fn model_label(&self) -> String {
        match &self.model {
            Some(p) => p.display().to_string(),
            None => "<built-in>".to_string(),
        }
    }

    /// Loads the model and opens the backend.
    pub fn open(&self) -> anyhow::Result<Opened> {
        let model = match &self.model {
            Some(path) => Model::load(path)?,
            None => default_model()?,
        };
        let mut options = BackendOptions::default();
        let mut calibration = None;
        if self.backend == BackendKind::Golden {
            let chosen = self.golden.choose(self.model.as_deref(), &model)?;
            options.golden = chosen.options;
            calibration = Some(chosen.calibration);
        }
        let alphabet = model
            .config
            .alphabet()
            .with_context(|| format!("the model {} has no valid alphabet", self.model_label()))?;
        let decoder = self.decoder(&alphabet)?;
        let transcriber = Transcriber::with_options(model, self.backend, decoder, &options)
            .with_context(|| format!("cannot open the {} backend", self.backend))?;
        Ok(Opened {
            transcriber,
            calibration,
        })
    }
}

/// The beam's width with a language model when `--beam` is not given.
pub const DEFAULT_LM_BEAM: usize = 256;

/// A finite number (a language model weight): NaN and infinities are refused.
pub fn finite(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(format!("{s:?} is not a finite number")),
    }
}

/// Arguments of `zeroskip transcribe`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    model: ModelArgs,
    /// Print one JSON document (text, timing and error per file) instead of lines of text.
    #[arg(long)]
    json: bool,
    /// WAV files (any sample rate and channel count).
    #[arg(value_name = "WAV", required = true)]
    wavs: Vec<PathBuf>,
}

/// One file's line in the JSON output.
#[derive(Serialize)]
struct FileReport {
    path: String,
    /// The text, `null` if the file failed.
    text: Option<String>,
    /// The error with its causes, `null` if the file succeeded.
    error: Option<String>,
    audio_seconds: Option<f64>,
    frames: Option<usize>,
    timing: Option<Timing>,
    real_time_factor: Option<f64>,
}

#[derive(Serialize)]
struct Report {
    model: String,
    backend: BackendKind,
    /// Where the golden backend's activation ranges came from (`null` for float).
    calibration: Option<String>,
    decoder: String,
    files: Vec<FileReport>,
    failed: usize,
}

/// A progress bar over `len` items on stderr; drawn only when stderr is a terminal.
pub fn progress_bar(len: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// An error with its causes on one line: `a: b: c` (a cause already quoted is left out).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        // Some errors quote their source in their own message: do not repeat it.
        let text = c.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cause = c.source();
    }
    s
}

/// Seconds of processing per second of audio (`None` for no audio).
pub fn real_time_factor(seconds: f64, audio_seconds: f64) -> Option<f64> {
    (audio_seconds > 0.0).then(|| seconds / audio_seconds)
}

/// Runs `zeroskip transcribe`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let Opened {
        mut transcriber,
        calibration,
    } = args.model.open()?;
    if let (Some(c), false) = (&calibration, args.json) {
        // stderr: stdout keeps one line per file
        eprintln!("golden calibration: {c}");
    }
    let bar = progress_bar(args.wavs.len());
    let mut files = Vec::with_capacity(args.wavs.len());
    let mut failed = 0;
    for path in &args.wavs {
        bar.set_message(path.display().to_string());
        let result = transcriber.transcribe_file(path);
        let report = file_report(path, result, &bar, args.json);
        if report.error.is_some() {
            failed += 1;
        }
        files.push(report);
        bar.inc(1);
    }
    bar.finish_and_clear();
    if args.json {
        let report = Report {
            model: args.model.model_label(),
            backend: args.model.backend,
            calibration,
            decoder: transcriber.decoder().label(),
            files,
            failed,
        };
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} files failed", args.wavs.len());
    }
    Ok(())
}

/// Prints one file's text (or its error on stderr, with an empty line on stdout so line n is
/// always file n) unless the output is JSON, and returns its report.
fn file_report(
    path: &Path,
    result: Result<Transcript, TranscribeError>,
    bar: &ProgressBar,
    json: bool,
) -> FileReport {
    match result {
        Ok(t) => {
            if !json {
                bar.suspend(|| println!("{}", t.text));
            }
            FileReport {
                path: path.display().to_string(),
                error: None,
                audio_seconds: Some(t.audio_seconds),
                frames: Some(t.frames),
                timing: Some(t.timing),
                real_time_factor: real_time_factor(t.timing.total(), t.audio_seconds),
                text: Some(t.text),
            }
        }
        Err(e) => {
            let message = error_chain(&e);
            bar.suspend(|| {
                eprintln!("error: {message}");
                if !json {
                    println!();
                }
            });
            FileReport {
                path: path.display().to_string(),
                text: None,
                error: Some(message),
                audio_seconds: None,
                frames: None,
                timing: None,
                real_time_factor: None,
            }
        }
    }
}
