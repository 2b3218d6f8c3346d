//! `zeroskip eval`: transcribes every file of a manifest and prints corpus WER, CER and the
//! real-time factor.
//!
//! The manifest has one `path<TAB>reference` line per utterance; relative paths are taken
//! from the manifest's folder; empty lines and lines starting with `#` are skipped. A line
//! without a tab stops the run before any audio is read, naming the line. A file that cannot
//! be transcribed is reported and left out of WER and CER, the others go on, and the exit code
//! is 1. The real-time factor is the wall time of the whole pipeline (reading, features,
//! backend, decoding) divided by the seconds of audio. With `--backend golden` the summary
//! says where the activation ranges came from.

use super::transcribe::{error_chain, progress_bar, real_time_factor, ModelArgs, Opened};
use crate::backend::BackendKind;
use crate::metrics::{char_errors, word_errors, Corpus, ErrorCounts};
use anyhow::Context;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Arguments of `zeroskip eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The manifest: one `path<TAB>reference` line per utterance, paths relative to its folder.
    #[arg(long, value_name = "FILE")]
    manifest: PathBuf,
    #[command(flatten)]
    model: ModelArgs,
    /// Print one JSON document (totals and every utterance) instead of a summary.
    #[arg(long)]
    json: bool,
}

/// One manifest line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The audio file, resolved against the manifest's folder.
    pub path: PathBuf,
    /// The reference transcript.
    pub reference: String,
}

/// Reads and parses the manifest `path`; a manifest that lists no files is an error (naming
/// it), as is one that cannot be read.
pub fn read_manifest(path: &Path) -> anyhow::Result<Vec<Entry>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the manifest {}", path.display()))?;
    let entries = parse_manifest(&text, path)?;
    if entries.is_empty() {
        anyhow::bail!("the manifest {} lists no files", path.display());
    }
    Ok(entries)
}

/// Parses a manifest's text; `manifest` names it in errors and gives the folder relative paths
/// start from.
pub fn parse_manifest(text: &str, manifest: &Path) -> anyhow::Result<Vec<Entry>> {
    let folder = manifest.parent().unwrap_or(Path::new(""));
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((path, reference)) = line.split_once('\t') else {
            anyhow::bail!(
                "{}:{}: expected `path<TAB>reference`, found {line:?}",
                manifest.display(),
                i + 1
            );
        };
        if path.is_empty() {
            anyhow::bail!("{}:{}: empty path", manifest.display(), i + 1);
        }
        entries.push(Entry {
            path: folder.join(path),
            reference: reference.to_string(),
        });
    }
    Ok(entries)
}

#[derive(Serialize)]
struct Utterance {
    path: String,
    reference: String,
    hypothesis: Option<String>,
    error: Option<String>,
    words: Option<ErrorCounts>,
    chars: Option<ErrorCounts>,
    audio_seconds: Option<f64>,
    seconds: Option<f64>,
}

#[derive(Serialize)]
struct Report {
    manifest: String,
    model: String,
    backend: BackendKind,
    /// Where the golden backend's activation ranges came from (`null` for float).
    calibration: Option<String>,
    decoder: String,
    utterances: usize,
    failed: usize,
    wer: Option<f64>,
    cer: Option<f64>,
    words: ErrorCounts,
    chars: ErrorCounts,
    audio_seconds: f64,
    seconds: f64,
    real_time_factor: Option<f64>,
    files: Vec<Utterance>,
}

/// Runs `zeroskip eval`.
pub fn run(args: Args) -> anyhow::Result<()> {
    let entries = read_manifest(&args.manifest)?;
    let Opened {
        mut transcriber,
        calibration,
    } = args.model.open()?;
    let bar = progress_bar(entries.len());
    let mut corpus = Corpus::default();
    let (mut audio_seconds, mut seconds, mut failed) = (0.0, 0.0, 0);
    let mut files = Vec::with_capacity(entries.len());
    for entry in &entries {
        bar.set_message(entry.path.display().to_string());
        let mut u = Utterance {
            path: entry.path.display().to_string(),
            reference: entry.reference.clone(),
            hypothesis: None,
            error: None,
            words: None,
            chars: None,
            audio_seconds: None,
            seconds: None,
        };
        match transcriber.transcribe_file(&entry.path) {
            Ok(t) => {
                corpus.add(&entry.reference, &t.text);
                audio_seconds += t.audio_seconds;
                seconds += t.timing.total();
                u.words = Some(word_errors(&entry.reference, &t.text));
                u.chars = Some(char_errors(&entry.reference, &t.text));
                u.audio_seconds = Some(t.audio_seconds);
                u.seconds = Some(t.timing.total());
                u.hypothesis = Some(t.text);
            }
            Err(e) => {
                failed += 1;
                let message = error_chain(&e);
                bar.suspend(|| eprintln!("error: {message}"));
                u.error = Some(message);
            }
        }
        files.push(u);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let report = Report {
        manifest: args.manifest.display().to_string(),
        model: args.model.model_label(),
        backend: args.model.backend,
        calibration,
        decoder: transcriber.decoder().label(),
        utterances: entries.len(),
        failed,
        wer: corpus.wer(),
        cer: corpus.cer(),
        words: corpus.words,
        chars: corpus.chars,
        audio_seconds,
        seconds,
        real_time_factor: real_time_factor(seconds, audio_seconds),
        files,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_summary(&report);
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} files failed", entries.len());
    }
    Ok(())
}

fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{:.2} %", 100.0 * r),
        None => "undefined (no reference tokens)".to_string(),
    }
}

fn print_summary(r: &Report) {
    let counts = |c: &ErrorCounts, unit: &str| {
        format!(
            "({} substitutions, {} deletions, {} insertions over {} reference {unit})",
            c.substitutions, c.deletions, c.insertions, c.reference_len
        )
    };
    println!("model {} on {} ({})", r.model, r.backend, r.decoder);
    if let Some(c) = &r.calibration {
        println!("calibration {c}");
    }
    println!("utterances {} ({} failed)", r.utterances, r.failed);
    println!("WER {} {}", percent(r.wer), counts(&r.words, "words"));
    println!("CER {} {}", percent(r.cer), counts(&r.chars, "characters"));
    let rtf = r
        .real_time_factor
        .map_or("undefined (no audio)".to_string(), |x| format!("{x:.4}"));
    println!(
        "real-time factor {rtf} ({:.2} s of processing for {:.2} s of audio)",
        r.seconds, r.audio_seconds
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_are_relative_to_its_folder() {
        let text = "# comment\n\na.wav\thello world\n/abs/b.wav\tit's\r\n";
        let e = parse_manifest(text, Path::new("/data/set/list.tsv")).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].path, Path::new("/data/set/a.wav"));
        assert_eq!(e[0].reference, "hello world");
        assert_eq!(e[1].path, Path::new("/abs/b.wav"));
        assert_eq!(e[1].reference, "it's");
    }

    #[test]
    fn line_without_tab_is_named() {
        let e = parse_manifest("a.wav\tok\nb.wav no tab\n", Path::new("m.tsv")).unwrap_err();
        assert!(e.to_string().contains("m.tsv:2"), "{e}");
    }
}
