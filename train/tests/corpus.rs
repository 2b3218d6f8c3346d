//! The corpus end to end (synthesis included): determinism, splits, alphabet, resume.

mod common;

use std::collections::HashSet;
use zeroskip_train::corpus::{manifest, read_utterances, voices::Split};

fn all_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    common::tiny_corpus(a.path(), 12, 5);
    common::tiny_corpus(b.path(), 12, 5);
    common::tiny_corpus(c.path(), 12, 6);
    let fa = all_files(a.path());
    assert_eq!(
        fa.len(),
        3 + 1 + 1 + 20,
        "three manifests, corpus.json, utterances.jsonl, 20 WAVs"
    );
    assert!(fa == all_files(b.path()), "two corpora with seed 5 differ");
    assert!(
        fa != all_files(c.path()),
        "seeds 5 and 6 gave the same corpus"
    );
}

#[test]
fn no_sentence_or_voice_of_training_is_in_the_test_set_and_transcripts_use_the_alphabet() {
    let dir = tempfile::tempdir().unwrap();
    common::tiny_corpus(dir.path(), 40, 2);
    let utts = read_utterances(dir.path()).unwrap();
    let train: Vec<_> = utts.iter().filter(|u| u.split == Split::Train).collect();
    let texts: HashSet<_> = train.iter().map(|u| u.text.as_str()).collect();
    let voices: HashSet<_> = train.iter().map(|u| (u.engine, u.voice.as_str())).collect();
    for u in utts.iter().filter(|u| u.split != Split::Train) {
        assert!(
            !texts.contains(u.text.as_str()),
            "{} says {:?}, a training sentence",
            u.id,
            u.text
        );
        assert!(
            !voices.contains(&(u.engine, u.voice.as_str())),
            "{} is spoken by training voice {}",
            u.id,
            u.voice
        );
    }
    for split in Split::ALL {
        let m = manifest::read(&dir.path().join(format!("{}.tsv", split.name()))).unwrap();
        assert_eq!(m.len(), if split == Split::Train { 40 } else { 4 });
        for e in m {
            assert!(
                manifest::is_valid_transcript(&e.transcript),
                "{:?}",
                e.transcript
            );
            let r = hound::WavReader::open(&e.path).unwrap();
            assert_eq!(
                (
                    r.spec().sample_rate,
                    r.spec().channels,
                    r.spec().bits_per_sample
                ),
                (16_000, 1, 16)
            );
            assert!(
                r.duration() > 8_000,
                "{} is only {} samples",
                e.path.display(),
                r.duration()
            );
        }
    }
}

#[test]
fn an_interrupted_corpus_is_completed_to_the_same_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    common::tiny_corpus(a.path(), 8, 9);
    common::tiny_corpus(b.path(), 8, 9);
    std::fs::remove_file(b.path().join("wav/train/train-000003.wav")).unwrap();
    std::fs::remove_file(b.path().join("train.tsv")).unwrap();
    common::tiny_corpus(b.path(), 8, 9);
    assert!(all_files(a.path()) == all_files(b.path()));
}

#[test]
fn a_folder_holding_another_corpus_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::tiny_corpus(dir.path(), 4, 1);
    let err = zeroskip_train::corpus::generate(
        dir.path(),
        zeroskip_train::corpus::plan::Counts {
            train: 4,
            valid: 4,
            test: 4,
        },
        2,
        1,
        &indicatif::ProgressBar::hidden(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("corpus.json") && err.contains("seed 1") && err.contains("seed 2"),
        "{err}"
    );
}

#[test]
fn docs_corpus_md_lists_every_word_of_the_grammar() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/CORPUS.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let listed: HashSet<&str> = text
        .split(|c: char| !(c.is_ascii_lowercase() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let missing: Vec<_> = zeroskip_train::corpus::sentences::vocabulary()
        .into_iter()
        .filter(|w| !listed.contains(w.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} does not list {missing:?}",
        path.display()
    );
}
