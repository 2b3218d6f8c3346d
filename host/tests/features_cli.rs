//! `zeroskip features` end to end: JSON and summary output, `--config`, and a bad file.

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn zeroskip(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zeroskip"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn json_holds_params_and_frames_equal_to_the_library() {
    let wav = fixture("seven.wav");
    let out = zeroskip(&["features".as_ref(), wav.as_os_str(), "--json".as_ref()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cfg: zeroskip::features::FeatureConfig =
        serde_json::from_value(v["params"].clone()).unwrap();
    assert_eq!(cfg, zeroskip::features::FeatureConfig::default());
    assert_eq!(v["source"]["sample_rate"], 16_000);
    let audio = zeroskip::audio::read_wav(&wav, 16_000).unwrap();
    let want = zeroskip::features::mfcc(&audio.samples, &cfg).unwrap();
    assert_eq!(v["frames"], want.nrows());
    assert_eq!(v["n_ceps"], 26);
    let rows = v["cepstra"].as_array().unwrap();
    assert_eq!(rows.len(), want.nrows());
    for (t, row) in rows.iter().enumerate() {
        for (k, c) in row.as_array().unwrap().iter().enumerate() {
            assert_eq!(c.as_f64().unwrap() as f32, want[[t, k]]);
        }
    }
}

#[test]
fn summary_and_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("fc.json");
    std::fs::write(&cfg, r#"{"n_ceps": 13, "context": 5}"#).unwrap();
    let wav = fixture("kitchen.wav");
    let out = zeroskip(&[
        "features".as_ref(),
        wav.as_os_str(),
        "--config".as_ref(),
        cfg.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("158 frames x 13 cepstra"), "{text}");
    assert!(text.contains("width 143"), "{text}");
}

#[test]
fn a_bad_file_exits_1_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.wav");
    std::fs::write(&bad, "not audio").unwrap();
    let out = zeroskip(&["features".as_ref(), bad.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notes.wav") && err.contains("not a WAV"),
        "{err}"
    );
}
