//! `zeroskip lm build` and `zeroskip lm tune` as a user runs them, and `--lm` errors of
//! `transcribe`: the model written is an ARPA file that reads back; a check manifest's
//! unknown words are counted; tune prints a row per (α, β) and marks one; bad input is named.

mod common;

use common::{s, text, write_wav, zeroskip};
use std::path::Path;
use zeroskip::lm::arpa;

fn write(path: &Path, body: &str) {
    std::fs::write(path, body).unwrap();
}

/// `zeroskip lm build --text-from TRAIN --order 2 --out OUT` and more arguments.
fn build_order_2(train: &Path, out: &Path, more: &[&str]) -> std::process::Output {
    let mut args = vec![
        "lm",
        "build",
        "--text-from",
        s(train),
        "--order",
        "2",
        "--out",
        s(out),
    ];
    args.extend_from_slice(more);
    zeroskip(&args)
}

#[test]
fn build_writes_an_arpa_model_and_checks_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.tsv");
    let valid = dir.path().join("valid.tsv");
    write(
        &train,
        "a.wav\tturn on the light\nb.wav\tturn off the light\nc.wav\tset a timer\n",
    );
    write(&valid, "d.wav\tturn on the kettle\n");
    let out_file = dir.path().join("lm.arpa.gz");
    let out = build_order_2(&train, &out_file, &["--check", s(&valid)]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("order 2 from 3 sentences"), "{stdout}");
    assert!(stdout.contains("1 outside the vocabulary"), "{stdout}");
    let lm = arpa::load(&out_file).unwrap();
    assert_eq!(lm.order(), 2);
    assert!(lm.id("timer").is_some() && lm.id("kettle").is_none());
    // The same command writes the same bytes.
    let again = dir.path().join("again.arpa.gz");
    let out = build_order_2(&train, &again, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read(&out_file).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn build_learns_plain_text_with_its_repeats_alone_or_beside_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let text_file = dir.path().join("text.txt");
    // blank lines skipped; a repeated sentence counts each time
    write(
        &text_file,
        "turn on the light\n\nturn on the light\n  set a timer  \n",
    );
    let out_file = dir.path().join("lm.arpa");
    let out = zeroskip(&[
        "lm",
        "build",
        "--text",
        s(&text_file),
        "--order",
        "2",
        "--out",
        s(&out_file),
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("order 2 from 3 sentences"), "{stdout}");
    let lm = arpa::load(&out_file).unwrap();
    assert!(lm.id("timer").is_some());
    // twice "turn on the light" against once "set a timer": the repeat weighs
    let p = |w: &[&str]| lm.sentence_log10_prob(w.iter().copied());
    assert!(p(&["turn", "on", "the", "light"]) > p(&["set", "a", "timer"]));
    // beside a manifest: both texts are learnt
    let train = dir.path().join("train.tsv");
    write(&train, "a.wav\tcall mum\n");
    let out = build_order_2(&train, &out_file, &["--text", s(&text_file)]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("order 2 from 4 sentences"), "{stdout}");
    let lm = arpa::load(&out_file).unwrap();
    assert!(lm.id("mum").is_some() && lm.id("timer").is_some());
    // a text without a sentence, and no text at all, are refused
    let empty = dir.path().join("empty.txt");
    write(&empty, "\n  \n");
    let out = zeroskip(&["lm", "build", "--text", s(&empty), "--out", s(&out_file)]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("empty.txt holds no sentence"), "{stderr}");
    let missing = dir.path().join("missing.txt");
    let out = zeroskip(&["lm", "build", "--text", s(&missing), "--out", s(&out_file)]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot read the text") && stderr.contains("missing.txt"),
        "{stderr}"
    );
    let out = zeroskip(&["lm", "build", "--out", s(&out_file)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
}

#[test]
fn build_names_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let train = dir.path().join("train.tsv");
    write(&train, "a.wav\tturn on\n");
    let out_file = dir.path().join("lm.arpa");
    let cases: [(Vec<&str>, &str); 3] = [
        (
            vec!["--text-from", "/no/such/train.tsv", "--out", s(&out_file)],
            "/no/such/train.tsv",
        ),
        (
            vec![
                "--text-from",
                s(&train),
                "--order",
                "9",
                "--out",
                s(&out_file),
            ],
            "order must be 1 to 6",
        ),
        (
            vec!["--text-from", s(&train), "--out", "/no/such/dir/lm.arpa"],
            "/no/such/dir/lm.arpa",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["lm", "build"];
        all.extend(args);
        let out = zeroskip(&all);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(want), "{want}: {stderr}");
    }
}

#[test]
fn tune_prints_a_row_per_pair_and_marks_the_best() {
    let dir = tempfile::tempdir().unwrap();
    // The compiled-in model on a tone: the text is whatever it is; the table's shape is
    // what is checked.
    assert!(zeroskip::model::DEFAULT_MODEL.is_some());
    let wav = dir.path().join("a.wav");
    write_wav(&wav, 16_000, 1.0);
    let manifest = dir.path().join("valid.tsv");
    write(&manifest, "a.wav\tturn on the light\n");
    let lm_file = dir.path().join("lm.arpa");
    write(&dir.path().join("train.tsv"), "x.wav\tturn on the light\n");
    let out = zeroskip(&[
        "lm",
        "build",
        "--text-from",
        s(&dir.path().join("train.tsv")),
        "--out",
        s(&lm_file),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let out = zeroskip(&[
        "lm",
        "tune",
        "--manifest",
        s(&manifest),
        "--lm",
        s(&lm_file),
        "--alphas",
        "0.5,1",
        "--betas",
        "0,2",
        "--beam",
        "8",
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.parse::<f64>().is_ok())
        })
        .collect();
    assert_eq!(rows.len(), 4, "{stdout}");
    assert_eq!(stdout.matches("<- best").count(), 1, "{stdout}");
    assert!(stdout.contains("greedy: WER"), "{stdout}");
    // Without --lm there is nothing to tune.
    let out = zeroskip(&["lm", "tune", "--manifest", s(&manifest)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("--lm FILE"), "{}", text(&out).1);
}

#[test]
fn transcribe_names_a_missing_or_broken_language_model() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("a.wav");
    write_wav(&wav, 16_000, 0.5);
    let out = zeroskip(&["transcribe", "--lm", "/no/such/lm.arpa", s(&wav)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("/no/such/lm.arpa"),
        "{}",
        text(&out).1
    );
    let broken = dir.path().join("broken.arpa");
    write(&broken, "\\data\\\nngram 1=2\n\n\\1-grams:\n-1\t<s>\n");
    let out = zeroskip(&["transcribe", "--lm", s(&broken), s(&wav)]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("broken.arpa") && stderr.contains("\\end\\"),
        "{stderr}"
    );
    // --lm-alpha without --lm is a usage error.
    let out = zeroskip(&["transcribe", "--lm-alpha", "1", s(&wav)]);
    assert_eq!(out.status.code(), Some(2));
}
