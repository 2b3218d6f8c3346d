//! `zeroskip calibrate --model M (--manifest FILE [--limit N] | WAV...) --out FILE`: runs the
//! float model on the audio, measures the largest magnitude of every activation tensor and
//! writes them as a `calibration.json` ([`crate::quant::CalibrationFile`]); saved as
//! `M/calibration.json`, the golden backend and `zeroskip image` use it whenever no
//! `--calibrate` WAVs are given. Prints what it measured. A file that cannot be read stops the
//! run, naming it, before anything is written.

use super::eval::read_manifest;
use super::golden_args::wav_features;
use super::transcribe::progress_bar;
use crate::model::Model;
use crate::quant::{calibrate, CalibrationFile, Ranges};
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Arguments of `zeroskip calibrate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The model: a folder holding model.json and model.safetensors (or
    /// model.safetensors.gz), or a .json file with its weights beside it. Without it, the
    /// compiled-in model.
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// A manifest of `path<TAB>reference` lines (as for `eval`; references are ignored)
    /// whose audio to calibrate on.
    #[arg(long, value_name = "FILE", conflicts_with = "wavs")]
    pub manifest: Option<PathBuf>,
    /// With --manifest: calibrate on N of its utterances spread evenly over it (the 1st,
    /// the (1 + k)th, the (1 + 2k)th, ... for k = utterances / N) instead of all of them.
    #[arg(long, value_name = "N", requires = "manifest", conflicts_with = "wavs", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
    /// Where to write the calibration; `MODEL/calibration.json` makes it the model's.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// WAV files to calibrate on (instead of --manifest).
    #[arg(value_name = "WAV", required_unless_present = "manifest")]
    pub wavs: Vec<PathBuf>,
}

/// `n` indices spread evenly over `0..len` (all of them when `n >= len`), first one 0.
pub fn evenly_spaced(len: usize, n: usize) -> Vec<usize> {
    let n = n.min(len);
    (0..n).map(|i| i * len / n).collect()
}

/// The audio files to calibrate on and a sentence saying where they come from.
fn inputs(args: &Args) -> anyhow::Result<(Vec<PathBuf>, String)> {
    let Some(manifest) = &args.manifest else {
        let names: Vec<String> = args.wavs.iter().map(|p| p.display().to_string()).collect();
        let source = match names.len() {
            1 => format!("WAV file {}", names[0]),
            n if n <= 3 => format!("{n} WAV files: {}", names.join(", ")),
            n => format!("{n} WAV files: {}, ...", names[..3].join(", ")),
        };
        return Ok((args.wavs.clone(), source));
    };
    let entries = read_manifest(manifest)?;
    let n = args
        .limit
        .map_or(entries.len(), |l| usize::try_from(l).unwrap_or(usize::MAX));
    let picked: Vec<PathBuf> = evenly_spaced(entries.len(), n)
        .into_iter()
        .map(|i| entries[i].path.clone())
        .collect();
    let source = if picked.len() == entries.len() {
        format!(
            "manifest {}: all {} utterances",
            manifest.display(),
            entries.len()
        )
    } else {
        format!(
            "manifest {}: {} of {} utterances, evenly spaced",
            manifest.display(),
            picked.len(),
            entries.len()
        )
    };
    Ok((picked, source))
}

/// The ranges over every file, calibrated one utterance at a time (so only one utterance's
/// features are in memory) and merged.
fn measure(model: &Model, files: &[PathBuf]) -> anyhow::Result<Ranges> {
    let bar = progress_bar(files.len());
    let mut total: Option<Ranges> = None;
    for path in files {
        bar.set_message(path.display().to_string());
        let feats = wav_features(std::slice::from_ref(path), model)?;
        let r = calibrate(model, &feats)
            .with_context(|| format!("{}: cannot calibrate", path.display()))?;
        total = Some(total.map_or(r, |t| t.merge(&r)));
        bar.inc(1);
    }
    bar.finish_and_clear();
    total.context("no audio files to calibrate on")
}

/// Runs `zeroskip calibrate`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (label, model) = super::inspect::load(args.model.as_deref())?;
    let (files, source) = inputs(&args)?;
    let ranges = measure(&model, &files)?;
    let file = CalibrationFile::measured(&model, &ranges, source, files.len());
    file.save(&args.out)?;
    print!("{}", summary(&label, &file, &args.out));
    Ok(())
}

/// What `calibrate` prints: the source, then one line per tensor.
pub fn summary(label: &str, file: &CalibrationFile, out: &Path) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "model {label} calibrated on {} utterances, {} frames ({})",
        file.utterances, file.frames, file.source
    );
    let _ = writeln!(s, "{:<8} {:>6} {:>12}", "tensor", "width", "max |x|");
    for t in &file.tensors {
        let _ = writeln!(s, "{:<8} {:>6} {:>12.6}", t.name, t.width, t.max_abs);
    }
    let _ = writeln!(
        s,
        "weights CRC-32 {:08x}; wrote {}",
        file.weights_crc32,
        out.display()
    );
    s
}

#[cfg(test)]
mod tests {
    use super::evenly_spaced;

    #[test]
    fn spread_covers_the_manifest() {
        assert_eq!(evenly_spaced(10, 3), vec![0, 3, 6]);
        assert_eq!(evenly_spaced(3, 10), vec![0, 1, 2]);
        assert_eq!(evenly_spaced(1000, 200)[199], 995);
        assert_eq!(evenly_spaced(5, 5), vec![0, 1, 2, 3, 4]);
        assert!(evenly_spaced(0, 4).is_empty());
    }
}
