//! `zeroskip inspect [MODEL]`: each layer's shape and non-zeros and the model's overall
//! sparsity (zeros among the weight matrices; biases are listed, never pruned) — a table, or
//! one JSON document with `--json`. Without MODEL, the model compiled into the binary.

use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;

use crate::model::{default_model, Model, ModelConfig};
use crate::study::ModelStats;

/// Arguments of `zeroskip inspect`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model: a folder holding model.json and model.safetensors (or model.safetensors.gz),
    /// or a .json file whose weights are the .safetensors (.safetensors.gz) file of the same
    /// stem. Without it, the compiled-in model.
    #[arg(value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Print one JSON document (configuration, layers, tensors, totals) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// What `--json` prints.
#[derive(Serialize)]
struct Report<'a> {
    model: String,
    config: &'a ModelConfig,
    input_width: usize,
    output_width: usize,
    #[serde(flatten)]
    stats: &'a ModelStats,
}

/// Loads the model `args` names (or the default one).
pub fn load(model: Option<&std::path::Path>) -> anyhow::Result<(String, Model)> {
    Ok(match model {
        Some(p) => (
            p.display().to_string(),
            Model::load(p).with_context(|| format!("loading the model {}", p.display()))?,
        ),
        None => ("<built-in>".to_string(), default_model()?),
    })
}

/// Runs `zeroskip inspect`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (label, model) = load(args.model.as_deref())?;
    let stats = ModelStats::of(&model);
    let text = if args.json {
        let report = Report {
            model: label,
            config: &model.config,
            input_width: model.config.input_width(),
            output_width: model.config.output_width(),
            stats: &stats,
        };
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        table(&label, &model, &stats)
    };
    // an error, not a panic, when the reader has gone (`| head`)
    std::io::Write::write_all(&mut std::io::stdout().lock(), text.as_bytes())
        .context("writing to standard output")?;
    Ok(())
}

/// The text report.
pub fn table(label: &str, model: &Model, stats: &ModelStats) -> String {
    use std::fmt::Write;
    let c = &model.config;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "model {label}: input {} ({} MFCC x {} frames, stride {}), FC {:?}, BiLSTM {}, output {}",
        c.input_width(),
        c.features.n_ceps,
        2 * c.features.context + 1,
        c.features.stride,
        c.fc_sizes,
        c.lstm_hidden,
        c.output_width()
    );
    let _ = writeln!(
        out,
        "{:<28} {:>12} {:>10} {:>10} {:>9}",
        "tensor", "shape", "params", "non-zero", "zeros %"
    );
    for t in &stats.tensors {
        let shape = t
            .shape
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("x");
        let _ = writeln!(
            out,
            "{:<28} {:>12} {:>10} {:>10} {:>9.2}",
            t.name,
            shape,
            t.params,
            t.nonzeros,
            100.0 * t.sparsity
        );
    }
    let _ = writeln!(
        out,
        "{:<28} {:>12} {:>10} {:>10} {:>9}",
        "layer", "in->out", "weights", "non-zero", "zeros %"
    );
    for l in &stats.layers {
        let _ = writeln!(
            out,
            "{:<28} {:>12} {:>10} {:>10} {:>9.2}",
            l.name,
            format!("{}->{}", l.shape[0], l.shape[1]),
            l.weights,
            l.nonzeros,
            100.0 * l.sparsity
        );
    }
    let _ = writeln!(
        out,
        "weights (matrices): {} non-zero of {}: sparsity {:.2} %; with biases {} non-zero of {}",
        stats.nonzero_weights,
        stats.weights,
        100.0 * stats.sparsity,
        stats.nonzero_params,
        stats.params
    );
    out
}
