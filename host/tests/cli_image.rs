//! `zeroskip image` run as a user would, on a random model saved to a temporary folder: the
//! file decodes to the network the library builds with the same calibration (random, the
//! model's calibration.json, or `--calibrate` WAVs), and the printed figures are the image's.

mod common;

use common::{ok, s, setup, zeroskip};
use std::path::Path;
use zeroskip::backend::{Calibration, GoldenOptions};
use zeroskip::model::{Model, CALIBRATION_FILE};
use zeroskip::quant::StoredCalibration;
use zeroskip_arch::image::DeviceImage;
use zeroskip_arch::HwConfig;

/// The image the library builds for the saved model with `calibration`, packed for 4 PEs.
fn expected_image(model: &Path, calibration: Calibration) -> DeviceImage {
    let model = Model::load(model).unwrap();
    GoldenOptions {
        hw: HwConfig::new(4).unwrap(),
        calibration,
        ..GoldenOptions::default()
    }
    .build_image(&model)
    .unwrap()
}

#[test]
fn image_decodes_to_the_network_golden_runs() {
    let t = setup();
    let img = t.root.join("tiny.img");
    let run = |extra: &[&str]| {
        let mut args = vec!["image", "--model", s(&t.model), "--pes", "4"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", s(&img)]);
        let (stdout, _) = ok(&zeroskip(&args));
        let bytes = std::fs::read(&img).unwrap();
        (stdout, bytes)
    };

    // Random calibration (no calibration.json yet).
    let (stdout, bytes) = run(&[]);
    let image = DeviceImage::decode(&bytes).unwrap();
    assert_eq!(image, expected_image(&t.model, Calibration::Random));
    assert!(stdout.contains("random features"), "{stdout}");
    assert!(
        stdout.contains(&format!("{} bytes", bytes.len())),
        "{stdout}"
    );
    assert!(stdout.contains("bits per non-zero"), "{stdout}");
    for l in &image.layers {
        let line = stdout
            .lines()
            .find(|line| line.starts_with(&format!("{} ", l.name)))
            .unwrap_or_else(|| panic!("no line for {}: {stdout}", l.name));
        let nnz: usize = line.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert_eq!(nnz, l.matrix.nnz, "{line}");
    }
    assert!(stdout.contains(&format!("total non-zero {}", image.nnz())));

    // With a stored calibration: the file's ranges, not random ones.
    let cal = t.model.join(CALIBRATION_FILE);
    ok(&zeroskip(&[
        "calibrate",
        "--model",
        s(&t.model),
        "--out",
        s(&cal),
        s(&t.wavs[2]),
    ]));
    let model = Model::load(&t.model).unwrap();
    let stored = StoredCalibration::find(Some(&t.model), &model)
        .unwrap()
        .unwrap();
    let (stdout, bytes) = run(&[]);
    let from_file = DeviceImage::decode(&bytes).unwrap();
    assert_eq!(
        from_file,
        expected_image(&t.model, Calibration::Ranges(stored.ranges))
    );
    assert_ne!(
        from_file, image,
        "loud calibration audio changes the formats"
    );
    assert!(stdout.contains("calibration: file"), "{stdout}");

    // --calibrate wins over the file.
    let (stdout, bytes) = run(&["--calibrate", s(&t.wavs[0])]);
    let audio = zeroskip::audio::read_wav(&t.wavs[0], 16_000).unwrap();
    let feats = zeroskip::features::features(&audio.samples, &model.config.features).unwrap();
    assert_eq!(
        DeviceImage::decode(&bytes).unwrap(),
        expected_image(&t.model, Calibration::Features(vec![feats]))
    );
    assert!(stdout.contains("1 WAV files (--calibrate)"), "{stdout}");
}
