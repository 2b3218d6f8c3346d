//! zeroskip's MFCCs against `python_speech_features` on real speech (espeak-ng WAVs in
//! `tests/fixtures/`; the reference JSON is written by `scripts/mfcc_reference.py`).
//!
//! Tolerance, on every coefficient of every frame: `|ours − ref| ≤ 1e-3 · max(|ref|, 1)`,
//! i.e. 1e-3 relative, with coefficients smaller than 1 in magnitude held to 1e-3 absolute
//! (a relative bound on a coefficient that crosses zero would be meaningless; cepstra here
//! range over roughly ±80).

use std::path::PathBuf;

use serde::Deserialize;
use zeroskip::audio::{read_wav, TARGET_RATE};
use zeroskip::features::{mfcc, FeatureConfig};

/// The relative tolerance.
const REL_TOL: f64 = 1e-3;
/// Magnitude below which the tolerance is absolute.
const ABS_SCALE: f64 = 1.0;

#[derive(Deserialize)]
struct Reference {
    params: FeatureConfig,
    files: Vec<RefFile>,
}

#[derive(Deserialize)]
struct RefFile {
    file: String,
    samples: usize,
    frames: usize,
    cepstra: Vec<Vec<f64>>,
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn mfcc_matches_python_speech_features() {
    let text = std::fs::read_to_string(fixtures().join("mfcc_reference.json")).unwrap();
    let reference: Reference = serde_json::from_str(&text).unwrap();
    assert_eq!(
        reference.params,
        FeatureConfig::default(),
        "fixture made with other params"
    );
    assert!(reference.files.len() >= 2);
    let mut worst_rel = 0f64;
    let mut worst_abs = 0f64;
    for f in &reference.files {
        let audio = read_wav(&fixtures().join(&f.file), TARGET_RATE).unwrap();
        assert_eq!(
            audio.source.sample_rate, TARGET_RATE,
            "{}: fixture must be 16 kHz",
            f.file
        );
        assert_eq!(audio.samples.len(), f.samples, "{}", f.file);
        let ours = mfcc(&audio.samples, &reference.params).unwrap();
        assert_eq!(ours.nrows(), f.frames, "{}: frame count", f.file);
        assert_eq!(ours.ncols(), reference.params.n_ceps, "{}", f.file);
        for (t, want_row) in f.cepstra.iter().enumerate() {
            for (k, &want) in want_row.iter().enumerate() {
                let got = ours[[t, k]] as f64;
                let diff = (got - want).abs();
                let bound = REL_TOL * want.abs().max(ABS_SCALE);
                assert!(
                    diff <= bound,
                    "{} frame {t} coefficient {k}: ours {got}, python_speech_features {want}",
                    f.file
                );
                worst_abs = worst_abs.max(diff);
                worst_rel = worst_rel.max(diff / want.abs().max(ABS_SCALE));
            }
        }
    }
    eprintln!("max |diff| = {worst_abs:e}, max diff / max(|ref|, 1) = {worst_rel:e}");
}
