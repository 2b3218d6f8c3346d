//! `zeroskip features WAV`: the MFCC frames of a WAV file before normalisation, and the
//! parameters that made them — a short summary, or everything as JSON with `--json`.
//! The parameters are the defaults of [`FeatureConfig`], or a FeatureConfig JSON file given
//! with `--config` (any field left out takes its default).

use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;

use crate::audio::{read_wav, WavInfo};
use crate::features::{mfcc, FeatureConfig, Frames};

/// Arguments of `zeroskip features`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// WAV file: integer PCM (8/16/24/32-bit) or 32-bit float, any rate and channel count.
    pub wav: PathBuf,
    /// Print one JSON document (source, parameters, frames) instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// FeatureConfig JSON file; fields left out take their defaults.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// What `--json` prints.
#[derive(Serialize)]
struct Report<'a> {
    file: &'a std::path::Path,
    source: WavInfo,
    params: &'a FeatureConfig,
    frames: usize,
    n_ceps: usize,
    /// One row per frame; cepstra before normalisation.
    cepstra: Vec<Vec<f32>>,
}

/// Runs `zeroskip features`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let cfg = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}: cannot read the feature config", path.display()))?;
            serde_json::from_str::<FeatureConfig>(&text)
                .with_context(|| format!("{}: not a valid FeatureConfig", path.display()))?
        }
        None => FeatureConfig::default(),
    };
    cfg.validate()?;
    let audio = read_wav(&args.wav, cfg.sample_rate)?;
    let frames = mfcc(&audio.samples, &cfg)?;
    if args.json {
        let report = Report {
            file: &args.wav,
            source: audio.source,
            params: &cfg,
            frames: frames.nrows(),
            n_ceps: frames.ncols(),
            cepstra: frames.rows().into_iter().map(|r| r.to_vec()).collect(),
        };
        serde_json::to_writer(std::io::stdout().lock(), &report)?;
        println!();
    } else {
        print_summary(&args.wav, &audio.source, audio.duration_s(), &cfg, &frames);
    }
    Ok(())
}

fn print_summary(
    path: &std::path::Path,
    src: &WavInfo,
    seconds: f64,
    cfg: &FeatureConfig,
    frames: &Frames,
) {
    let kind = if src.float { "float" } else { "int" };
    println!(
        "{}: {} Hz, {} ch, {}-bit {kind}, {} frames ({seconds:.2} s at {} Hz mono)",
        path.display(),
        src.sample_rate,
        src.channels,
        src.bits_per_sample,
        src.frames,
        cfg.sample_rate
    );
    println!(
        "mfcc: {} ms Hamming window, {} ms hop, pre-emphasis {}, {}-point FFT, {} mel filters \
         {}-{} Hz, {} cepstra, lifter {}, energy as c0: {}",
        cfg.window_ms,
        cfg.hop_ms,
        cfg.preemphasis,
        cfg.n_fft,
        cfg.n_filters,
        cfg.low_hz,
        cfg.high_hz,
        cfg.n_ceps,
        cfg.lifter,
        cfg.append_energy
    );
    println!(
        "{} frames x {} cepstra (before normalisation); model input: context {}, stride {}, \
         normalise {} -> width {}",
        frames.nrows(),
        frames.ncols(),
        cfg.context,
        cfg.stride,
        cfg.normalize,
        cfg.input_width()
    );
    let show = frames.ncols().min(6);
    let axis = ndarray::Axis(0);
    let mean = frames.mean_axis(axis).unwrap_or_default();
    let std = frames.std_axis(axis, 0.0);
    for (label, row) in [("mean", mean), ("std ", std)] {
        let head: Vec<String> = row.iter().take(show).map(|v| format!("{v:.2}")).collect();
        println!("{label} of c0..c{}: {}", show - 1, head.join(" "));
    }
}
