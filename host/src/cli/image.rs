//! `zeroskip image --model M [--pes P] [--calibrate WAV...] --out FILE`: builds the device
//! image of a model (calibration as for the golden backend: `--calibrate` WAVs, else the
//! model's `calibration.json`, else random features), writes its encoded bytes
//! (`docs/FORMAT.md`, "Device image") to FILE and prints its size, the bits it spends per
//! non-zero weight and every layer's non-zeros. This file is what a card is loaded with.

use super::golden_args::GoldenArgs;
use anyhow::Context;
use std::path::PathBuf;
use zeroskip_arch::image::DeviceImage;

/// Arguments of `zeroskip image`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model: a folder holding model.json and model.safetensors (or
    /// model.safetensors.gz, and optionally calibration.json), or a .json file with its
    /// weights beside it. Without it, the compiled-in model.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub golden: GoldenArgs,
    /// Where to write the image.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Runs `zeroskip image`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (label, model) = super::inspect::load(args.model.as_deref())?;
    let chosen = args.golden.choose(args.model.as_deref(), &model)?;
    let image = chosen
        .options
        .build_image(&model)
        .with_context(|| format!("model {label}"))?;
    let bytes = image.encode().context("cannot encode the device image")?;
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "model {label}, {} PEs, calibration: {}",
        image.cfg.pes, chosen.calibration
    );
    print!("{}", layer_table(&image));
    println!(
        "wrote {}: {} bytes, {:.2} bits per non-zero weight",
        args.out.display(),
        bytes.len(),
        per_nnz(8 * bytes.len() as u64, image.nnz())
    );
    Ok(())
}

/// `bits / nnz`, or infinity for no non-zeros.
fn per_nnz(bits: u64, nnz: usize) -> f64 {
    bits as f64 / nnz as f64
}

/// One line per layer (shape, non-zeros, stream entries and bits per non-zero) and a total.
pub fn layer_table(image: &DeviceImage) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<10} {:>11} {:>10} {:>9} {:>9} {:>13}",
        "layer", "rows x cols", "non-zero", "density", "entries", "stream b/nnz"
    );
    for l in &image.layers {
        let m = &l.matrix;
        let _ = writeln!(
            s,
            "{:<10} {:>11} {:>10} {:>8.2}% {:>9} {:>13.2}",
            l.name,
            format!("{}x{}", m.rows, m.cols),
            m.nnz,
            100.0 * m.nnz as f64 / (m.rows * m.cols).max(1) as f64,
            m.total_entries(),
            m.bits_per_nnz()
        );
    }
    let stored: u64 = image.layers.iter().map(|l| l.matrix.stored_bits()).sum();
    let _ = writeln!(
        s,
        "total non-zero {}, streams {:.2} bits per non-zero",
        image.nnz(),
        per_nnz(stored, image.nnz())
    );
    s
}
