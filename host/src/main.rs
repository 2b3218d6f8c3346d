//! The `zeroskip` command: parses arguments and dispatches to `zeroskip::cli`.
//! Exit codes: 0 success, 1 an error (printed to stderr with its causes), 2 bad usage (clap).

use clap::{Parser, Subcommand};
use zeroskip::cli;

/// zeroskip: a pruned Deep Speech model on a zero-skipping sparse FPGA engine.
///
/// Transcribe audio on the CPU, in float or on the bit-exact fixed-point model of the hardware;
/// run the sparse engine's RTL in Verilator against that model; calibrate a model and write its
/// device image; benchmark; print features.
/// (The whole-network kernel in simulation and on an Alveo card through XRT come next.)
#[derive(Parser)]
#[command(name = "zeroskip", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print benchmark figures as text or JSON (sparse engine, model speed).
    #[command(subcommand)]
    Bench(cli::bench::BenchCommand),
    /// Transcribe WAV files to text.
    Transcribe(cli::transcribe::Args),
    /// Compute WER, CER and real-time factor over a manifest of `path<TAB>reference` lines.
    Eval(cli::eval::Args),
    /// Print the MFCC frames of a WAV file (before normalisation) and their parameters.
    Features(cli::features::Args),
    /// Print each layer's shape and non-zeros and the model's sparsity (text or JSON).
    Inspect(cli::inspect::Args),
    /// Draw the study's figures (non-zero map, per-layer non-zeros, weight histograms, loss).
    Report(cli::report::Args),
    /// Measure activation ranges on audio and write them as a model's calibration.json.
    Calibrate(cli::calibrate::Args),
    /// Write a model's device image (what the card loads) and print its size and non-zeros.
    Image(cli::image::Args),
    /// Build a word language model from transcripts, or tune its weights on a manifest.
    #[command(subcommand)]
    Lm(cli::lm::LmCommand),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Bench(c) => cli::bench::run(c),
        Command::Transcribe(a) => cli::transcribe::run(a),
        Command::Eval(a) => cli::eval::run(a),
        Command::Features(a) => cli::features::run(a),
        Command::Inspect(a) => cli::inspect::run(a),
        Command::Report(a) => cli::report::run(a),
        Command::Calibrate(a) => cli::calibrate::run(a),
        Command::Image(a) => cli::image::run(a),
        Command::Lm(c) => cli::lm::run(c),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        for cause in e.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
        std::process::exit(1);
    }
}
