//! `zeroskip lm`: the word language model of the beam search. `build` estimates one from the
//! transcripts of manifests (a training set's) and checks it on others (out-of-vocabulary
//! words, perplexity); `tune` decodes a manifest once per (α, β) pair from the same acoustic
//! log probabilities and prints WER and CER for each, to choose the weights on a validation set.

use super::eval::read_manifest;
use super::transcribe::{error_chain, finite, progress_bar, ModelArgs};
use crate::ctc::Decoder;
use crate::lm::{arpa, build, LmWeights, NgramLm};
use crate::metrics::Corpus;
use anyhow::Context;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `zeroskip lm` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum LmCommand {
    /// Estimate a word n-gram model (interpolated Kneser–Ney) from manifests' transcripts and
    /// write it as an ARPA file.
    Build(BuildArgs),
    /// Decode a manifest with every (α, β) pair and print WER and CER of each.
    Tune(TuneArgs),
}

/// Arguments of `zeroskip lm build`.
#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    /// A manifest (`path<TAB>transcript` lines) whose transcripts are text to learn; may
    /// be given several times. Give the training set's only, never the test set's.
    #[arg(
        long = "text-from",
        value_name = "MANIFEST",
        required_unless_present = "text"
    )]
    text_from: Vec<PathBuf>,
    /// A plain text file, one sentence per line (blank lines skipped), to learn too, e.g. from
    /// `zeroskip-train text`; may be given several times.
    #[arg(long, value_name = "FILE")]
    text: Vec<PathBuf>,
    /// The order (words of context + 1), 1 to 6.
    #[arg(long, default_value_t = 3)]
    order: usize,
    /// The ARPA file to write (gzipped if it ends in .gz).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// A manifest to check the model on: its words outside the vocabulary and its
    /// perplexity. May be given several times.
    #[arg(long, value_name = "MANIFEST")]
    check: Vec<PathBuf>,
}

/// Arguments of `zeroskip lm tune`.
#[derive(clap::Args, Debug)]
pub struct TuneArgs {
    /// The manifest to decode (a validation set: tuning on the test set would tune to it).
    #[arg(long, value_name = "FILE")]
    manifest: PathBuf,
    #[command(flatten)]
    model: ModelArgs,
    /// Values of α to try, comma-separated (these grids replace --lm-alpha and --lm-beta).
    #[arg(long, value_delimiter = ',', default_value = "0.4,0.8,1.2,1.6,2.0", value_parser = finite)]
    alphas: Vec<f64>,
    /// Values of β to try, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0,1,2,3", value_parser = finite)]
    betas: Vec<f64>,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    json: bool,
}

/// Runs a `zeroskip lm` subcommand.
pub fn run(command: LmCommand) -> anyhow::Result<()> {
    match command {
        LmCommand::Build(a) => run_build(a),
        LmCommand::Tune(a) => run_tune(a),
    }
}

/// The transcripts of a manifest.
fn transcripts(manifest: &Path) -> anyhow::Result<Vec<String>> {
    Ok(read_manifest(manifest)?
        .into_iter()
        .map(|e| e.reference)
        .collect())
}

/// The sentences of a plain text file, one per line, blank lines skipped.
fn text_lines(path: &Path) -> anyhow::Result<Vec<String>> {
    let body = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the text {}", path.display()))?;
    let lines: Vec<String> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if lines.is_empty() {
        anyhow::bail!("{} holds no sentence", path.display());
    }
    Ok(lines)
}

/// Out-of-vocabulary words and perplexity of `sentences` under `lm`.
#[derive(Debug, Serialize, PartialEq)]
pub struct Check {
    /// Sentences.
    pub sentences: usize,
    /// Words (without `</s>`).
    pub words: usize,
    /// Words outside the vocabulary.
    pub oov: usize,
    /// Perplexity per word, `</s>` counted as a word.
    pub perplexity: f64,
}

/// Checks `lm` on `sentences`.
pub fn check(lm: &NgramLm, sentences: &[String]) -> Check {
    let mut words = 0;
    let mut oov = 0;
    let mut log10 = 0.0;
    for s in sentences {
        let ws: Vec<&str> = s.split_whitespace().collect();
        words += ws.len();
        oov += ws.iter().filter(|w| lm.id(w).is_none()).count();
        log10 += lm.sentence_log10_prob(ws.iter().copied());
    }
    let events = (words + sentences.len()).max(1) as f64;
    Check {
        sentences: sentences.len(),
        words,
        oov,
        perplexity: 10f64.powf(-log10 / events),
    }
}

fn run_build(args: BuildArgs) -> anyhow::Result<()> {
    let mut text = Vec::new();
    for m in &args.text_from {
        text.extend(transcripts(m)?);
    }
    for f in &args.text {
        text.extend(text_lines(f)?);
    }
    let (lm, report) = build(text.iter().map(String::as_str), args.order)?;
    arpa::save(&lm, &args.out)?;
    let counts: Vec<String> = lm
        .counts()
        .iter()
        .enumerate()
        .map(|(n, c)| format!("{c} {}-grams", n + 1))
        .collect();
    println!(
        "{}: order {} from {} sentences ({} words, {} in the vocabulary): {}",
        args.out.display(),
        args.order,
        report.sentences,
        report.tokens,
        lm.words().len() - 3,
        counts.join(", ")
    );
    for m in &args.check {
        let c = check(&lm, &transcripts(m)?);
        println!(
            "{}: {} sentences, {} words, {} outside the vocabulary ({:.2} %), perplexity {:.2}",
            m.display(),
            c.sentences,
            c.words,
            c.oov,
            100.0 * c.oov as f64 / c.words.max(1) as f64,
            c.perplexity
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct TuneRow {
    alpha: f64,
    beta: f64,
    wer: Option<f64>,
    cer: Option<f64>,
}

#[derive(Serialize)]
struct TuneReport {
    manifest: String,
    model: String,
    lm: String,
    beam: usize,
    utterances: usize,
    greedy_wer: Option<f64>,
    greedy_cer: Option<f64>,
    rows: Vec<TuneRow>,
    best: Option<(f64, f64)>,
}

fn run_tune(args: TuneArgs) -> anyhow::Result<()> {
    let Some(lm_path) = args.model.lm.clone() else {
        anyhow::bail!("give the language model to tune with --lm FILE");
    };
    if args.alphas.is_empty() || args.betas.is_empty() {
        anyhow::bail!("give at least one value to --alphas and to --betas");
    }
    let entries = read_manifest(&args.manifest)?;
    let mut transcriber = args.model.open()?.transcriber;
    let alphabet = transcriber.alphabet().clone();
    let blank = alphabet.blank();
    let Decoder::BeamLm { width, scorer } = transcriber.decoder().clone() else {
        anyhow::bail!("internal error: --lm did not make a language-model decoder");
    };
    let bar = progress_bar(entries.len());
    bar.set_message("acoustic model");
    let mut probs = Vec::with_capacity(entries.len());
    for e in &entries {
        let lp = transcriber
            .log_probs_file(&e.path)
            .map_err(|err| anyhow::anyhow!(error_chain(&err)))?
            .0;
        probs.push(lp);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut greedy = Corpus::default();
    for (e, lp) in entries.iter().zip(&probs) {
        greedy.add(
            &e.reference,
            &alphabet.text(&Decoder::Greedy.decode(lp.view(), blank).labels),
        );
    }
    let grid: Vec<(f64, f64)> = args
        .alphas
        .iter()
        .flat_map(|&a| args.betas.iter().map(move |&b| (a, b)))
        .collect();
    let bar = progress_bar(grid.len() * entries.len());
    let mut rows = Vec::with_capacity(grid.len());
    for &(alpha, beta) in &grid {
        bar.set_message(format!("α {alpha} β {beta}"));
        let decoder = Decoder::BeamLm {
            width,
            scorer: Arc::new(scorer.with_weights(LmWeights { alpha, beta })),
        };
        let mut corpus = Corpus::default();
        for (e, lp) in entries.iter().zip(&probs) {
            corpus.add(
                &e.reference,
                &alphabet.text(&decoder.decode(lp.view(), blank).labels),
            );
            bar.inc(1);
        }
        rows.push(TuneRow {
            alpha,
            beta,
            wer: corpus.wer(),
            cer: corpus.cer(),
        });
    }
    bar.finish_and_clear();
    let best = rows
        .iter()
        .filter_map(|r| Some((r.wer?, r.cer?, r.alpha, r.beta)))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, _, a, b)| (a, b));
    let report = TuneReport {
        manifest: args.manifest.display().to_string(),
        model: args.model.model_label(),
        lm: lm_path.display().to_string(),
        beam: width,
        utterances: entries.len(),
        greedy_wer: greedy.wer(),
        greedy_cer: greedy.cer(),
        rows,
        best,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.2}", 100.0 * x));
    println!(
        "model {} on {} ({} utterances), language model {}, beam {}",
        report.model, report.manifest, report.utterances, report.lm, report.beam
    );
    println!(
        "greedy: WER {} %, CER {} %",
        pct(report.greedy_wer),
        pct(report.greedy_cer)
    );
    println!("{:>6} {:>6} {:>8} {:>8}", "alpha", "beta", "WER %", "CER %");
    for r in &report.rows {
        let mark = if report.best == Some((r.alpha, r.beta)) {
            "  <- best"
        } else {
            ""
        };
        println!(
            "{:>6} {:>6} {:>8} {:>8}{mark}",
            r.alpha,
            r.beta,
            pct(r.wer),
            pct(r.cer)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_counts_unknown_words_and_perplexity() {
        let (lm, _) = build(["a b", "b a"], 2).unwrap();
        let c = check(&lm, &["a b".to_string(), "a z".to_string()]);
        assert_eq!((c.sentences, c.words, c.oov), (2, 4, 1));
        assert!(c.perplexity > 1.0 && c.perplexity.is_finite());
    }
}
