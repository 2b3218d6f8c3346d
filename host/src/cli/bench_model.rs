//! `zeroskip bench model`: the speed of the whole network on one CPU core, in one run, for
//! the golden fixed-point sparse model, the float model and a dense f32 baseline of the same
//! network, beside the cycle model's figures for the accelerator. The model is random with the
//! default architecture, magnitude-pruned (90 % by default), and the dense baseline runs the same
//! network unpruned; or, with `--model`, a trained (pruned) model, and the dense baseline runs
//! its weights stored dense. The features are random either way: speed and cycles do not depend
//! on them.

use crate::backend::{Backend, Calibration, GoldenBackend, GoldenOptions};
use crate::dense_baseline::DenseBaseline;
use crate::golden_net::{frames_per_second, CycleReport};
use crate::model::{Model, ModelConfig};
use crate::quant::{
    prune_magnitude, random_features, weight_sparsity, QuantOptions, StoredCalibration,
};
use anyhow::{bail, Context};
use ndarray::Array2;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;
use zeroskip_arch::HwConfig;

/// Arguments of `zeroskip bench model`.
#[derive(clap::Args, Debug)]
pub struct ModelArgs {
    /// Number of processing elements the image is packed for (cycle model).
    #[arg(long, default_value_t = HwConfig::default().pes)]
    pub pes: usize,
    /// Fraction of weights pruned (by magnitude, per matrix) for the sparse models of the random
    /// model, 0..1 (not with --model: a trained model is benchmarked as it is).
    #[arg(long, default_value_t = 0.9, conflicts_with = "model")]
    pub sparsity: f64,
    /// A trained model instead of the random one: a folder holding model.json and
    /// model.safetensors (or model.safetensors.gz, and optionally calibration.json), e.g.
    /// host/models/default. Its weights are used as they are (already pruned); the dense
    /// baseline multiplies the same weights stored dense.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Feature frames per timed run, at the model's frame rate (one second of audio is 100
    /// frames at stride 1, 50 at stride 2).
    #[arg(long, default_value_t = 1000)]
    pub frames: usize,
    /// Timed runs per model; the median is reported.
    #[arg(long, default_value_t = 5)]
    pub repeat: usize,
    /// Clock of the accelerator for the real-time factor, in MHz.
    #[arg(long, default_value_t = 300.0)]
    pub clock_mhz: f64,
    /// Seed of the random model and features.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// One model's measured speed.
#[derive(Serialize)]
struct Speed {
    name: &'static str,
    median_seconds: f64,
    frames_per_second: f64,
    /// Seconds of computing per second of audio (below 1 is faster than real time).
    real_time_factor: f64,
}

#[derive(Serialize)]
struct Agreement {
    max_abs_logit_diff: f64,
    float_logit_range: f64,
    relative: f64,
    argmax_agreement: f64,
}

#[derive(Serialize)]
struct Report {
    /// `random (seed N)` or the trained model's path.
    model: String,
    fc_sizes: [usize; 3],
    lstm_hidden: usize,
    input_width: usize,
    weight_sparsity: f64,
    frames: usize,
    audio_seconds: f64,
    repeat: usize,
    threads: usize,
    image_bytes: usize,
    image_build_seconds: f64,
    speeds: Vec<Speed>,
    golden_speedup_over_dense: f64,
    goal_golden_faster_than_dense: bool,
    golden_vs_float: Agreement,
    pes: usize,
    clock_mhz: f64,
    cycles: CycleReport,
    cycles_per_audio_second: f64,
    accelerator_real_time_factor: f64,
    accelerator_pe_utilization: f64,
}

fn median_seconds(
    repeat: usize,
    mut run: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<f64> {
    run()?; // warm-up
    let mut times = Vec::with_capacity(repeat);
    for _ in 0..repeat {
        let t = Instant::now();
        run()?;
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

fn argmax(row: ndarray::ArrayView1<f32>) -> usize {
    row.iter()
        .enumerate()
        .fold(
            (0, f32::NEG_INFINITY),
            |b, (i, &v)| if v > b.1 { (i, v) } else { b },
        )
        .0
}

fn agreement(float: &Array2<f32>, golden: &Array2<f32>) -> Agreement {
    let diff = float
        .iter()
        .zip(golden.iter())
        .fold(0f64, |m, (a, b)| m.max(f64::from((a - b).abs())));
    let lo = float.iter().fold(f32::INFINITY, |a, &v| a.min(v));
    let hi = float.iter().fold(f32::NEG_INFINITY, |a, &v| a.max(v));
    let same = (0..float.nrows())
        .filter(|&t| argmax(float.row(t)) == argmax(golden.row(t)))
        .count();
    Agreement {
        max_abs_logit_diff: diff,
        float_logit_range: f64::from(hi - lo),
        relative: diff / f64::from(hi - lo),
        argmax_agreement: same as f64 / float.nrows().max(1) as f64,
    }
}

/// Runs `zeroskip bench model`.
pub fn run(a: ModelArgs) -> anyhow::Result<()> {
    if !(0.0..1.0).contains(&a.sparsity) {
        bail!("--sparsity {} is outside 0..1", a.sparsity);
    }
    if a.frames == 0 || a.repeat == 0 {
        bail!("--frames and --repeat must be at least 1");
    }
    if !(a.clock_mhz.is_finite() && a.clock_mhz > 0.0) {
        bail!("--clock-mhz {} must be a positive number", a.clock_mhz);
    }
    let hw = HwConfig::new(a.pes).context("invalid hardware configuration")?;
    let (label, dense_model, sparse_model, stored) = match &a.model {
        Some(path) => {
            let (label, model) = super::inspect::load(Some(path))?;
            let stored = StoredCalibration::find(Some(path), &model)?;
            (label, model.clone(), model, stored)
        }
        None => {
            let dense = Model::random(ModelConfig::default(), a.seed)?;
            let mut sparse = dense.clone();
            prune_magnitude(&mut sparse.weights, a.sparsity);
            (format!("random (seed {})", a.seed), dense, sparse, None)
        }
    };
    let features = random_features(&sparse_model.config, 1, a.frames, a.seed + 1)
        .pop()
        .context("no features")?;
    let fps = frames_per_second(&sparse_model.config.features);
    let audio_seconds = a.frames as f64 / fps;

    let calibration = match stored {
        Some(stored) => Calibration::Ranges(stored.ranges),
        None => Calibration::Features(random_features(&sparse_model.config, 4, 200, a.seed + 2)),
    };
    let options = GoldenOptions {
        hw,
        calibration,
        quant: QuantOptions::default(),
    };
    let t = Instant::now();
    let mut golden = GoldenBackend::new(&sparse_model, &options)
        .context("cannot build the golden model's device image")?;
    let image_build_seconds = t.elapsed().as_secs_f64();
    let baseline = DenseBaseline::new(&dense_model);

    let x = features.view();
    let speed = |name, seconds: f64| Speed {
        name,
        median_seconds: seconds,
        frames_per_second: a.frames as f64 / seconds,
        real_time_factor: seconds / audio_seconds,
    };
    let golden_s = median_seconds(a.repeat, || {
        golden.logits(x)?;
        Ok(())
    })?;
    let float_s = median_seconds(a.repeat, || {
        sparse_model.logits(x)?;
        Ok(())
    })?;
    let dense_s = median_seconds(a.repeat, || {
        baseline.logits(x)?;
        Ok(())
    })?;
    let golden_vs_float = agreement(&sparse_model.logits(x)?, &golden.logits(x)?);

    let cycles = golden.cycles();
    let clock_hz = a.clock_mhz * 1e6;
    let dense_name = if a.model.is_some() {
        "dense f32 baseline (same, dense)"
    } else {
        "dense f32 baseline (unpruned)"
    };
    let report = Report {
        model: label,
        fc_sizes: sparse_model.config.fc_sizes,
        lstm_hidden: sparse_model.config.lstm_hidden,
        input_width: sparse_model.config.input_width(),
        weight_sparsity: weight_sparsity(&sparse_model.weights),
        frames: a.frames,
        audio_seconds,
        repeat: a.repeat,
        threads: 1,
        image_bytes: golden.image_bytes(),
        image_build_seconds,
        speeds: vec![
            speed("golden fixed-point sparse", golden_s),
            speed("float model (pruned weights)", float_s),
            speed(dense_name, dense_s),
        ],
        golden_speedup_over_dense: dense_s / golden_s,
        goal_golden_faster_than_dense: golden_s < dense_s,
        golden_vs_float,
        pes: hw.pes,
        clock_mhz: a.clock_mhz,
        cycles_per_audio_second: cycles.cycles_per_audio_second(fps),
        accelerator_real_time_factor: cycles.real_time_factor(fps, clock_hz),
        accelerator_pe_utilization: cycles.pe_utilization(),
        cycles,
    };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_text(&report);
    }
    Ok(())
}

fn print_text(r: &Report) {
    println!(
        "model {}: Deep Speech, input {}, FC {:?}, BiLSTM {}x2, weight sparsity {:.2} %; {} frames = {:.1} s of audio; median of {} runs on 1 core",
        r.model,
        r.input_width,
        r.fc_sizes,
        r.lstm_hidden,
        100.0 * r.weight_sparsity,
        r.frames,
        r.audio_seconds,
        r.repeat
    );
    println!(
        "{:<32} {:>12} {:>12} {:>10}",
        "", "seconds", "frames/s", "RTF"
    );
    for s in &r.speeds {
        println!(
            "{:<32} {:>12.4} {:>12.0} {:>10.5}",
            s.name, s.median_seconds, s.frames_per_second, s.real_time_factor
        );
    }
    println!(
        "golden vs dense f32: {:.2}x ({})",
        r.golden_speedup_over_dense,
        if r.goal_golden_faster_than_dense {
            "goal met: the golden sparse model is faster"
        } else {
            "goal NOT met: the dense baseline is faster"
        }
    );
    let g = &r.golden_vs_float;
    println!(
        "golden vs float: max |logit diff| {:.4} over a logit range of {:.2} ({:.3} %), argmax agreement {:.2} %",
        g.max_abs_logit_diff,
        g.float_logit_range,
        100.0 * g.relative,
        100.0 * g.argmax_agreement
    );
    println!(
        "device image: {} bytes, built in {:.2} s",
        r.image_bytes, r.image_build_seconds
    );
    println!(
        "cycle model, P = {}: {} cycles per frame, {:.0} cycles per second of audio, RTF {:.5} at {} MHz, PE utilisation {:.3}",
        r.pes,
        r.cycles.cycles_per_frame,
        r.cycles_per_audio_second,
        r.accelerator_real_time_factor,
        r.clock_mhz,
        r.accelerator_pe_utilization
    );
    println!(
        "  {:<9} {:>6} {:>6} {:>8} {:>8} {:>8} {:>6}",
        "layer", "rows", "cols", "nnz", "entries", "cycles", "util"
    );
    for l in &r.cycles.layers {
        println!(
            "  {:<9} {:>6} {:>6} {:>8} {:>8} {:>8} {:>6.3}",
            l.name, l.rows, l.cols, l.nnz, l.entries, l.cycles, l.pe_utilization
        );
    }
}
