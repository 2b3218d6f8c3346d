//! `zeroskip report --model M --out DIR`: the study's figures (see
//! [`crate::study::figures`]) — the non-zero map of the LSTM input weights, per-matrix non-zero
//! percentages, weight distributions before (`--dense D`) and after pruning, and the loss
//! across the dense run and the pruning rounds (`--runs`, run folders or pruning folders, in
//! order) — plus `model_stats.json` beside them with [`crate::study::ModelStats`].

use std::path::PathBuf;

use anyhow::{bail, Context};

use crate::study::figures::{self, Format};
use crate::study::{logs, ModelStats};

/// Arguments of `zeroskip report`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The (pruned) model: a folder with model.json and model.safetensors (or
    /// model.safetensors.gz), or a .json file.
    /// Without it, the compiled-in model.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// The dense model it was pruned from, for the "before pruning" distribution.
    #[arg(long, value_name = "PATH")]
    pub dense: Option<PathBuf>,
    /// Training runs whose log.jsonl to plot, in order: run folders, or pruning folders whose
    /// round-* sub-folders are the rounds (e.g. `--runs RUN/dense --runs RUN/prune`).
    #[arg(long, value_name = "DIR")]
    pub runs: Vec<PathBuf>,
    /// Folder for the figures (created).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Files to write.
    #[arg(long, value_enum, default_value_t = Format::Both)]
    pub format: Format,
    /// TrueType font for the text [default: the first of DejaVu Sans, Liberation Sans, Lato,
    /// FreeSans found under /usr/share/fonts].
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
}

/// Runs `zeroskip report`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (_, model) = super::inspect::load(args.model.as_deref())?;
    let dense = match &args.dense {
        Some(p) => Some(
            crate::model::Model::load(p)
                .with_context(|| format!("loading the dense model {}", p.display()))?,
        ),
        None => None,
    };
    if let Some(d) = &dense {
        if d.config != model.config {
            bail!(crate::study::StudyError::ShapeMismatch(format!(
                "dense FC {:?} / LSTM {} vs model FC {:?} / LSTM {}",
                d.config.fc_sizes,
                d.config.lstm_hidden,
                model.config.fc_sizes,
                model.config.lstm_hidden
            )));
        }
    }
    let logs = logs::read_sequence(&args.runs)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    figures::load_font(args.font.as_deref())?;
    let stats = ModelStats::of(&model);
    let mut files = Vec::new();
    files.extend(figures::lstm_input_nonzeros(
        &model,
        &args.out,
        args.format,
    )?);
    files.extend(figures::layer_nonzeros(&stats, &args.out, args.format)?);
    files.extend(figures::weight_distribution(
        &model,
        dense.as_ref(),
        &args.out,
        args.format,
    )?);
    if logs.is_empty() {
        eprintln!("no --runs given: pruning_loss left out");
    } else {
        files.extend(figures::pruning_loss(&logs, &args.out, args.format)?);
    }
    let json = args.out.join("model_stats.json");
    std::fs::write(&json, serde_json::to_string_pretty(&stats)? + "\n")
        .with_context(|| format!("writing {}", json.display()))?;
    files.push(json);
    for f in &files {
        println!("{}", f.display());
    }
    Ok(())
}
