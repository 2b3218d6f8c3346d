//! `zeroskip transcribe` and `zeroskip eval` run as a user would, on a random model saved to a
//! temporary folder and WAV files written by the test: text per file, JSON, a bad file that
//! does not stop the others, the exit codes, the errors for a missing model, and the golden
//! backend with its options.

mod common;

use common::{s, write_wav, zeroskip};
use std::path::PathBuf;
use zeroskip::model::{Model, ModelConfig, DEFAULT_MODEL};

struct Setup {
    _dir: tempfile::TempDir,
    model: PathBuf,
    good: PathBuf,
    other: PathBuf,
    bad: PathBuf,
    root: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let cfg = ModelConfig {
        fc_sizes: [16, 16, 16],
        lstm_hidden: 8,
        ..Default::default()
    };
    let model = dir.path().join("tiny");
    Model::random(cfg, 11).unwrap().save(&model).unwrap();
    let good = dir.path().join("good.wav");
    write_wav(&good, 16_000, 0.5);
    let other = dir.path().join("other.wav");
    write_wav(&other, 8_000, 0.3);
    let bad = dir.path().join("bad.wav");
    std::fs::write(&bad, b"this is not audio").unwrap();
    Setup {
        root: dir.path().to_path_buf(),
        _dir: dir,
        model,
        good,
        other,
        bad,
    }
}

#[test]
fn transcribes_one_line_per_file() {
    let t = setup();
    let out = zeroskip(&[
        "transcribe",
        "--model",
        s(&t.model),
        s(&t.good),
        s(&t.other),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text:?}");
    // The .json convention gives the same result, and so does a beam of 1..N (not checked
    // equal to greedy: a random model's beam may differ).
    let json = t.model.join("model.json");
    let out2 = zeroskip(&["transcribe", "--model", s(&json), s(&t.good), s(&t.other)]);
    assert_eq!(String::from_utf8(out2.stdout).unwrap(), text);
    let out3 = zeroskip(&[
        "transcribe",
        "--model",
        s(&t.model),
        "--beam",
        "4",
        s(&t.good),
    ]);
    assert!(out3.status.success());
}

#[test]
fn bad_file_does_not_stop_the_others() {
    let t = setup();
    let out = zeroskip(&[
        "transcribe",
        "--model",
        s(&t.model),
        s(&t.good),
        s(&t.bad),
        s(&t.other),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stdout.lines().count(), 3, "line n is file n: {stdout:?}");
    assert!(stderr.contains("bad.wav"), "{stderr}");
    assert!(stderr.contains("1 of 3 files failed"), "{stderr}");
}

#[test]
fn json_has_text_timing_and_errors() {
    let t = setup();
    let out = zeroskip(&[
        "transcribe",
        "--json",
        "--model",
        s(&t.model),
        s(&t.good),
        s(&t.bad),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["failed"], 1);
    assert_eq!(v["backend"], "float");
    assert_eq!(v["decoder"], "greedy");
    let files = v["files"].as_array().unwrap();
    assert!(files[0]["text"].is_string());
    assert!(files[0]["error"].is_null());
    assert!(files[0]["timing"]["backend"].as_f64().unwrap() >= 0.0);
    assert!((files[0]["audio_seconds"].as_f64().unwrap() - 0.5).abs() < 0.01);
    assert!(files[1]["text"].is_null());
    assert!(files[1]["error"].as_str().unwrap().contains("bad.wav"));
}

#[test]
fn no_model_uses_the_compiled_in_one_or_says_there_is_none() {
    let t = setup();
    let out = zeroskip(&["transcribe", s(&t.good)]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    if DEFAULT_MODEL.is_none() {
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr.contains("no default model") && stderr.contains("--model"),
            "{stderr}"
        );
    } else {
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
    }
}

#[test]
fn missing_model_is_named() {
    let t = setup();
    let out = zeroskip(&["transcribe", "--model", "/no/such/model", s(&t.good)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("/no/such/model"));
}

#[test]
fn golden_backend_transcribes_like_float() {
    let t = setup();
    let run = |extra: &[&str]| {
        let mut args = vec!["transcribe", "--model", s(&t.model)];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[s(&t.good), s(&t.other)]);
        zeroskip(&args)
    };
    let float = run(&["--backend", "float"]);
    let golden = run(&[
        "--backend",
        "golden",
        "--pes",
        "4",
        "--calibrate",
        s(&t.good),
    ]);
    assert_eq!(golden.status.code(), Some(0), "{golden:?}");
    let lines = String::from_utf8(golden.stdout).unwrap();
    assert_eq!(lines.lines().count(), 2, "{lines}");
    assert_eq!(float.status.code(), Some(0));
    let bad = run(&["--backend", "golden", "--pes", "0"]);
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(
        stderr.contains("--pes 0") && stderr.contains("number of PEs 0"),
        "{stderr}"
    );
    let bad = run(&["--backend", "golden", "--calibrate", s(&t.bad)]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8(bad.stderr).unwrap().contains("bad.wav"));

    let manifest = t.root.join("list.tsv");
    std::fs::write(&manifest, "good.wav\thello world\nother.wav\tyes\n").unwrap();
    let out = zeroskip(&[
        "eval",
        "--json",
        "--manifest",
        s(&manifest),
        "--model",
        s(&t.model),
        "--backend",
        "golden",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["backend"], "golden");
    assert_eq!(v["utterances"], 2);
}

#[test]
fn beam_zero_is_bad_usage() {
    let t = setup();
    let out = zeroskip(&[
        "transcribe",
        "--model",
        s(&t.model),
        "--beam",
        "0",
        s(&t.good),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn eval_prints_wer_cer_and_rtf() {
    let t = setup();
    let manifest = t.root.join("list.tsv");
    std::fs::write(&manifest, "good.wav\thello world\nother.wav\tyes\n").unwrap();
    let out = zeroskip(&["eval", "--manifest", s(&manifest), "--model", s(&t.model)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("WER") && text.contains("CER") && text.contains("real-time factor"),
        "{text}"
    );

    let out = zeroskip(&[
        "eval",
        "--json",
        "--manifest",
        s(&manifest),
        "--model",
        s(&t.model),
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["utterances"], 2);
    assert_eq!(v["words"]["reference_len"], 3);
    assert!(v["wer"].as_f64().unwrap() >= 0.0);
    assert!(v["real_time_factor"].as_f64().unwrap() > 0.0);
}

#[test]
fn eval_reports_a_bad_file_and_goes_on() {
    let t = setup();
    let manifest = t.root.join("list.tsv");
    std::fs::write(&manifest, "bad.wav\tnothing\ngood.wav\thello\n").unwrap();
    let out = zeroskip(&[
        "eval",
        "--json",
        "--manifest",
        s(&manifest),
        "--model",
        s(&t.model),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["failed"], 1);
    // Only the good file counts towards WER.
    assert_eq!(v["words"]["reference_len"], 1);
}
