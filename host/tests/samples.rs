//! The repository's `samples/` (held-out test utterances, docs/TRAINING.md) transcribed as a new
//! user would: `zeroskip transcribe samples/<file>.wav`, no flags, uses the compiled-in default
//! model and prints each sample's transcript; the bit-exact fixed-point `golden` backend prints
//! the same.

mod common;

use common::{text, zeroskip};
use std::path::PathBuf;
use zeroskip::model::DEFAULT_MODEL;

/// (WAV path, transcript) of every line of `samples/manifest.tsv`.
fn samples() -> Vec<(PathBuf, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv"))
        .expect("samples/manifest.tsv is committed");
    let rows: Vec<_> = manifest
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (file, transcript) = l.split_once('\t').expect("file<TAB>transcript");
            (dir.join(file), transcript.to_string())
        })
        .collect();
    assert!(rows.len() >= 5, "only {} samples", rows.len());
    rows
}

fn transcribe(extra: &[&str]) -> Vec<String> {
    let rows = samples();
    let mut args = vec!["transcribe"];
    args.extend_from_slice(extra);
    args.extend(rows.iter().map(|(p, _)| p.to_str().unwrap()));
    let out = zeroskip(&args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stdout.lines().map(str::to_string).collect()
}

#[test]
fn the_default_model_transcribes_every_sample_exactly() {
    assert!(
        DEFAULT_MODEL.is_some(),
        "the repository ships a default model in host/models/default"
    );
    let got = transcribe(&[]);
    let want: Vec<_> = samples().into_iter().map(|(_, t)| t).collect();
    assert_eq!(got, want);
}

#[test]
fn the_golden_fixed_point_backend_transcribes_every_sample_exactly() {
    let got = transcribe(&["--backend", "golden"]);
    let want: Vec<_> = samples().into_iter().map(|(_, t)| t).collect();
    assert_eq!(got, want);
}

#[test]
fn with_the_committed_language_model_every_sample_is_still_exact() {
    let lm = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/default/lm.arpa.gz");
    let want: Vec<_> = samples().into_iter().map(|(_, t)| t).collect();
    for backend in ["float", "golden"] {
        let got = transcribe(&["--lm", lm.to_str().unwrap(), "--backend", backend]);
        assert_eq!(got, want, "{backend}");
    }
}
