//! Helpers shared by the CLI tests: run the binary and check its exit code, write a WAV file
//! by hand, a random model in a temporary folder with a few WAV files.
// Each test file uses its own subset.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zeroskip::model::{Model, ModelConfig};

/// Runs the `zeroskip` binary with `args`.
pub fn zeroskip(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zeroskip"))
        .args(args)
        .output()
        .expect("the zeroskip binary runs")
}

/// stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A path as `&str` for an argument list.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Writes a 16-bit mono PCM WAV of a chirp (200 Hz rising 800 Hz per second, amplitude
/// `0.3 · gain`, clipped), by hand.
pub fn write_wav_gain(path: &Path, rate: u32, seconds: f32, gain: f32) {
    let n = (rate as f32 * seconds) as u32;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + 2 * n).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&1u16.to_le_bytes()); // mono
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&(2 * rate).to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(2 * n).to_le_bytes());
    for i in 0..n {
        let t = i as f32 / rate as f32;
        let x = 0.3 * gain * (2.0 * std::f32::consts::PI * (200.0 + 800.0 * t) * t).sin();
        let v = (x.clamp(-1.0, 1.0) * 32767.0) as i16;
        b.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}

/// [`write_wav_gain`] at gain 1.
pub fn write_wav(path: &Path, rate: u32, seconds: f32) {
    write_wav_gain(path, rate, seconds, 1.0);
}

/// A random model saved as `root/tiny`, three chirps `w0..w2.wav` (louder and longer in
/// turn) and a `bad.wav` that is not audio.
pub struct Setup {
    _dir: tempfile::TempDir,
    /// The temporary folder.
    pub root: PathBuf,
    /// The model folder.
    pub model: PathBuf,
    /// Three good WAV files.
    pub wavs: Vec<PathBuf>,
    /// A file that is not audio.
    pub bad: PathBuf,
}

pub fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let cfg = ModelConfig {
        fc_sizes: [16, 16, 16],
        lstm_hidden: 8,
        ..Default::default()
    };
    let model = root.join("tiny");
    Model::random(cfg, 11).unwrap().save(&model).unwrap();
    let wavs: Vec<PathBuf> = (0..3)
        .map(|i| {
            let p = root.join(format!("w{i}.wav"));
            write_wav_gain(&p, 16_000, 0.3 + 0.1 * i as f32, 1.0 + 2.0 * i as f32);
            p
        })
        .collect();
    let bad = root.join("bad.wav");
    std::fs::write(&bad, b"this is not audio").unwrap();
    Setup {
        _dir: dir,
        root,
        model,
        wavs,
        bad,
    }
}

/// Expects exit code 0; returns stdout and stderr.
pub fn ok(out: &std::process::Output) -> (String, String) {
    let (o, e) = text(out);
    assert_eq!(out.status.code(), Some(0), "stdout: {o}\nstderr: {e}");
    (o, e)
}

/// Runs `args`, expects exit code `code` and `needle` in stderr, and no panic.
pub fn fails(args: &[&str], code: i32, needle: &str) -> String {
    let out = zeroskip(args);
    let (_, e) = text(&out);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {e}");
    assert!(
        e.contains(needle),
        "{args:?}: stderr lacks {needle:?}:\n{e}"
    );
    assert!(!e.contains("panicked"), "{args:?}: {e}");
    e
}
