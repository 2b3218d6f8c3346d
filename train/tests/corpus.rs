//! The corpus end to end (synthesis included): determinism, splits, alphabet, resume, and the
//! festival and more-voices utterances appended to a corpus.

mod common;

use indicatif::ProgressBar;
use std::collections::HashSet;
use std::path::Path;
use zeroskip_train::corpus::plan::Extras;
use zeroskip_train::corpus::plan::{Counts, Effects, Utterance};
use zeroskip_train::corpus::synth::{Synthesizers, SAMPLE_RATE};
use zeroskip_train::corpus::voices::{Engine, FESTIVAL_SPEAKERS, MORE_SPEAKERS};
use zeroskip_train::corpus::{
    generate_with_extras, generate_with_festival, manifest, read_utterances, voices::Split,
    GenerateReport,
};

/// Synthesises a small corpus (4 validation and 4 test utterances) with `festival` festival
/// utterances into `dir`.
fn festival_corpus(dir: &Path, train: usize, seed: u64, festival: usize) -> GenerateReport {
    let counts = Counts {
        train,
        valid: 4,
        test: 4,
    };
    generate_with_festival(dir, counts, seed, festival, 2, &ProgressBar::hidden()).expect(
        "espeak-ng, flite, festival (with its voices) and sox are installed (scripts/install-deps.sh)",
    )
}

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
    // without festival utterances corpus.json is generator version 3's, with no new field
    let spec = std::fs::read_to_string(a.path().join("corpus.json")).unwrap();
    assert!(!spec.contains("festival"), "{spec}");
    assert!(fa == all_files(b.path()), "two corpora with seed 5 differ");
    assert!(
        fa != all_files(c.path()),
        "seeds 5 and 6 gave the same corpus"
    );
}

#[test]
fn no_sentence_or_voice_of_training_is_in_the_test_set_and_transcripts_use_the_alphabet() {
    // with festival utterances: their voices train and must not be heard in validation or test
    let dir = tempfile::tempdir().unwrap();
    festival_corpus(dir.path(), 40, 2, 6);
    let utts = read_utterances(dir.path()).unwrap();
    let train: Vec<_> = utts.iter().filter(|u| u.split == Split::Train).collect();
    assert_eq!(
        train
            .iter()
            .filter(|u| u.engine == Engine::Festival)
            .count(),
        6
    );
    for u in utts.iter().filter(|u| u.split != Split::Train) {
        assert!(
            FESTIVAL_SPEAKERS.iter().all(|s| s.name != u.voice),
            "{} is spoken by festival voice {}",
            u.id,
            u.voice
        );
    }
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
        assert_eq!(m.len(), if split == Split::Train { 46 } else { 4 });
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

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn festival_utterances_follow_the_training_set_and_leave_the_rest_as_it_was() {
    let (plain, a, b) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    festival_corpus(plain.path(), 6, 7, 0);
    let report = festival_corpus(a.path(), 6, 7, 6);
    assert_eq!((report.made, report.kept), (20, 0));
    festival_corpus(b.path(), 6, 7, 6);
    assert!(
        all_files(a.path()) == all_files(b.path()),
        "two corpora with seed 7 and 6 festival utterances differ"
    );
    for m in ["valid.tsv", "test.tsv"] {
        assert_eq!(read(a.path(), m), read(plain.path(), m), "{m} changed");
    }
    let (train, plain_train) = (read(a.path(), "train.tsv"), read(plain.path(), "train.tsv"));
    let extra = train
        .strip_prefix(plain_train.as_str())
        .expect("train.tsv begins with the corpus without festival");
    let ids: Vec<_> = extra
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        (6..12)
            .map(|k| format!("wav/train/train-{k:06}.wav"))
            .collect::<Vec<_>>()
    );
    // every WAV of the corpus without festival is there, byte for byte
    let with: std::collections::HashMap<_, _> = all_files(a.path()).into_iter().collect();
    for (path, bytes) in all_files(plain.path()) {
        if path.starts_with("wav/") {
            assert!(with.get(&path) == Some(&bytes), "{path} differs");
        }
    }
    let spec = read(a.path(), "corpus.json");
    assert!(
        spec.contains("\"festival\": 6") && spec.contains("festival:ked_diphone"),
        "{spec}"
    );
    let utts = read_utterances(a.path()).unwrap();
    let festival: Vec<_> = utts
        .iter()
        .filter(|u| u.engine == Engine::Festival)
        .collect();
    assert_eq!(festival.len(), 6);
    let jsonl = read(a.path(), "utterances.jsonl");
    assert!(jsonl.contains("\"engine\":\"festival\""), "{jsonl}");
    for u in festival {
        assert_eq!(u.split, Split::Train);
        let r = hound::WavReader::open(a.path().join(u.wav_path())).unwrap();
        let spec = r.spec();
        assert_eq!(
            (spec.sample_rate, spec.channels, spec.bits_per_sample),
            (16_000, 1, 16)
        );
        let samples: Vec<i16> = r.into_samples().map(|s| s.unwrap()).collect();
        let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap();
        let peak_db = 20.0 * (peak as f32 / 32768.0).log10();
        assert!(
            (u.level_db - 1.0..u.level_db + 1.0).contains(&peak_db) && peak < 32767,
            "{} peaks at {peak_db:.1} dBFS, planned {:.1}",
            u.id,
            u.level_db
        );
        assert!(
            samples.len() > SAMPLE_RATE as usize,
            "{} ({}) lasts only {} samples",
            u.id,
            u.voice,
            samples.len()
        );
    }
}

/// (inode, modification time) of a file.
fn identity(path: &Path) -> (u64, std::time::SystemTime) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).unwrap();
    (m.ino(), m.modified().unwrap())
}

#[test]
fn a_corpus_copied_with_hard_links_is_extended_by_its_festival_utterances_only() {
    let (plain, copy, fresh) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    festival_corpus(plain.path(), 6, 8, 0);
    let before = all_files(plain.path());
    // `cp -al plain copy`
    let mut wavs = Vec::new();
    for (rel, _) in &before {
        let to = copy.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::hard_link(plain.path().join(rel), &to).unwrap();
        if rel.starts_with("wav/") {
            wavs.push((rel.clone(), identity(&to)));
        }
    }
    assert_eq!(wavs.len(), 14);
    let report = festival_corpus(copy.path(), 6, 8, 4);
    assert_eq!((report.made, report.kept), (4, 14));
    for (rel, id) in &wavs {
        assert_eq!(identity(&copy.path().join(rel)), *id, "{rel} was rewritten");
    }
    assert!(
        all_files(plain.path()) == before,
        "extending the copy changed the original"
    );
    festival_corpus(fresh.path(), 6, 8, 4);
    assert!(
        all_files(copy.path()) == all_files(fresh.path()),
        "the extended copy differs from a corpus made with 4 festival utterances at once"
    );
    // more again, then fewer: refused
    let report = festival_corpus(copy.path(), 6, 8, 5);
    assert_eq!((report.made, report.kept), (1, 18));
    let err = generate_with_festival(
        copy.path(),
        Counts {
            train: 6,
            valid: 4,
            test: 4,
        },
        8,
        4,
        1,
        &ProgressBar::hidden(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("corpus.json") && err.contains("+ 5 festival") && err.contains("+ 4 festival"),
        "{err}"
    );
}

/// Median F0 (Hz) of the voiced 40 ms frames of 16 kHz speech, by autocorrelation.
fn median_f0(samples: &[i16]) -> f32 {
    let x: Vec<f32> = samples.iter().map(|&s| s as f32).collect();
    let rms_all = (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt();
    let (n, hop, sr) = (640, 160, SAMPLE_RATE as f32);
    let (lo, hi) = ((sr / 400.0) as usize, (sr / 60.0) as usize);
    let mut f0s = Vec::new();
    for start in (0..x.len().saturating_sub(n)).step_by(hop) {
        let frame = &x[start..start + n];
        let mean = frame.iter().sum::<f32>() / n as f32;
        let f: Vec<f32> = frame.iter().map(|v| v - mean).collect();
        let e: f32 = f.iter().map(|v| v * v).sum();
        if (e / n as f32).sqrt() < 0.5 * rms_all {
            continue;
        }
        let ac = |lag: usize| {
            f[..n - lag]
                .iter()
                .zip(&f[lag..])
                .map(|(a, b)| a * b)
                .sum::<f32>()
        };
        let (lag, best) = (lo..hi)
            .map(|l| (l, ac(l)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        if best / e > 0.5 {
            f0s.push(sr / lag as f32);
        }
    }
    assert!(f0s.len() > 10, "only {} voiced frames", f0s.len());
    f0s.sort_by(f32::total_cmp);
    f0s[f0s.len() / 2]
}

/// A clean training utterance of one sentence by `voice` at `rate` and `pitch`.
fn timer_utterance(engine: Engine, voice: &str, rate: f32, pitch: f32) -> Utterance {
    Utterance {
        id: format!("{voice}-{rate}-{pitch}"),
        split: Split::Train,
        text: "set a timer for twelve minutes for the pasta".into(),
        engine,
        voice: voice.into(),
        accent: String::new(),
        rate,
        pitch,
        level_db: -6.0,
        snr_db: None,
        lead_ms: 30,
        trail_ms: 30,
        seed: 1,
        word_gap: 0,
        effects: Effects::default(),
    }
}

#[test]
fn festival_speed_and_pitch_change_the_voice() {
    let synths = Synthesizers::find()
        .and_then(Synthesizers::with_festival)
        .expect("festival and its voices are installed (scripts/install-deps.sh)");
    let scratch = tempfile::tempdir().unwrap();
    let say = |voice: &str, rate: f32, pitch: f32| {
        let utt = timer_utterance(Engine::Festival, voice, rate, pitch);
        synths.render(&utt, &scratch.path().join("w")).unwrap()
    };
    for voice in ["ked_diphone", "kal_diphone"] {
        let (low, high) = (say(voice, 1.0, 84.0), say(voice, 1.0, 131.0));
        let (f_low, f_high) = (median_f0(&low), median_f0(&high));
        assert!(
            (75.0..95.0).contains(&f_low) && (115.0..140.0).contains(&f_high),
            "{voice}: F0 {f_low} Hz for a target of 84, {f_high} Hz for 131"
        );
    }
    for (voice, pitch) in [("ked_diphone", 105.0), ("cmu_us_slt_arctic_hts", 0.0)] {
        let (fast, slow) = (say(voice, 0.8, pitch), say(voice, 1.25, pitch));
        let ratio = slow.len() as f32 / fast.len() as f32;
        assert!(
            ratio > 1.3,
            "{voice}: stretch 1.25 gives {} samples, 0.8 {}",
            slow.len(),
            fast.len()
        );
    }
    let slt = median_f0(&say("cmu_us_slt_arctic_hts", 1.0, 0.0));
    assert!((150.0..210.0).contains(&slt), "slt's own F0 is {slt} Hz");
}

#[test]
fn more_voices_utterances_extend_a_festival_corpus_to_what_one_run_makes() {
    let (copy, fresh) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let counts = Counts {
        train: 6,
        valid: 4,
        test: 4,
    };
    let make = |dir: &Path, more_voices| {
        let extras = Extras {
            festival: 2,
            more_voices,
        };
        generate_with_extras(dir, counts, 9, extras, 2, &ProgressBar::hidden()).expect(
            "the synthesisers and voices of scripts/install-deps.sh are installed (RHVoice, MBROLA, Pico included)",
        )
    };
    festival_corpus(copy.path(), 6, 9, 2);
    let report = make(copy.path(), 10);
    assert_eq!((report.made, report.kept), (10, 16));
    make(fresh.path(), 10);
    assert!(
        all_files(copy.path()) == all_files(fresh.path()),
        "the extended corpus differs from one made with 10 more-voices utterances at once"
    );
    let spec = read(copy.path(), "corpus.json");
    assert!(
        spec.contains("\"more_voices\": 10") && spec.contains("rhvoice:bdl"),
        "{spec}"
    );
    let utts = read_utterances(copy.path()).unwrap();
    let more = &utts[utts.len() - 10..];
    for (i, u) in more.iter().enumerate() {
        assert_eq!(u.id, format!("train-{:06}", 8 + i));
        assert!(MORE_SPEAKERS
            .iter()
            .any(|s| (s.engine, s.name) == (u.engine, u.voice.as_str())));
        let samples: Vec<i16> = hound::WavReader::open(copy.path().join(u.wav_path()))
            .unwrap()
            .into_samples()
            .map(|s| s.unwrap())
            .collect();
        assert!(
            samples.len() > SAMPLE_RATE as usize,
            "{} ({:?} {}) lasts only {} samples",
            u.id,
            u.engine,
            u.voice,
            samples.len()
        );
    }
    // fewer than there are: refused, naming both
    let err = generate_with_extras(
        copy.path(),
        counts,
        9,
        Extras {
            festival: 2,
            more_voices: 3,
        },
        1,
        &ProgressBar::hidden(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("+ 10 more-voices") && err.contains("+ 3 more-voices"),
        "{err}"
    );
}

#[test]
fn every_more_voice_speaks_and_follows_its_speed_and_pitch() {
    let scratch = tempfile::tempdir().unwrap();
    // renders a word with each of the 13 voices, or names the missing one
    let synths = Synthesizers::find()
        .and_then(|s| s.with_more_voices(scratch.path()))
        .unwrap_or_else(|e| panic!("{e}"));
    let say = |engine: Engine, voice: &str, rate: f32, pitch: f32| {
        let utt = timer_utterance(engine, voice, rate, pitch);
        synths.render(&utt, &scratch.path().join("w")).unwrap()
    };
    // (engine, voice, slow and fast rate, low and high pitch at the default speed)
    let cases = [
        (Engine::Rhvoice, "bdl", (1.25, 0.8), (85.0, 115.0), 1.0),
        (Engine::Pico, "en-US", (1.25, 0.8), (85.0, 115.0), 1.0),
        (Engine::Mbrola, "us2", (130.0, 210.0), (20.0, 80.0), 175.0),
    ];
    for (engine, voice, (slow, fast), (low, high), rate) in cases {
        let (s, f) = (
            say(engine, voice, slow, 100.0),
            say(engine, voice, fast, 100.0),
        );
        assert!(
            s.len() as f32 > 1.3 * f.len() as f32,
            "{engine:?} {voice}: rate {slow} gives {} samples, {fast} {}",
            s.len(),
            f.len()
        );
        let (f_low, f_high) = (
            median_f0(&say(engine, voice, rate, low)),
            median_f0(&say(engine, voice, rate, high)),
        );
        assert!(
            f_high > 1.12 * f_low,
            "{engine:?} {voice}: F0 {f_low} Hz at pitch {low}, {f_high} Hz at {high}"
        );
    }
}
