//! `calibration.json`: a save → load round trip gives the measured ranges exactly; the golden
//! backend given the file's ranges computes what it computes when it measures them itself
//! (and not what random calibration gives); every way a file can be wrong or belong to another
//! model is an error naming the file.

use ndarray::Array2;
use std::path::Path;
use zeroskip::backend::{Backend, Calibration, GoldenBackend, GoldenOptions};
use zeroskip::model::{Model, ModelConfig, ModelPaths, CALIBRATION_FILE};
use zeroskip::quant::{
    calibrate, random_features, CalibrationFile, CalibrationFileError, StoredCalibration,
    CALIBRATION_VERSION,
};
use zeroskip_arch::HwConfig;

fn config(fc: [usize; 3], hidden: usize) -> ModelConfig {
    let mut c = ModelConfig::default();
    c.features.n_ceps = 6;
    c.features.context = 2;
    c.fc_sizes = fc;
    c.lstm_hidden = hidden;
    c
}

/// A saved random model, and features four times larger than random calibration's (so the
/// formats they imply differ from the random ones).
fn setup(dir: &Path) -> (Model, std::path::PathBuf, Vec<Array2<f32>>) {
    let model = Model::random(config([16, 12, 10], 6), 21).unwrap();
    let folder = dir.join("m");
    model.save(&folder).unwrap();
    let feats = random_features(&model.config, 3, 40, 9)
        .into_iter()
        .map(|x| x * 4.0)
        .collect();
    (model, folder, feats)
}

fn golden(model: &Model, calibration: Calibration) -> GoldenBackend {
    let options = GoldenOptions {
        hw: HwConfig::new(4).unwrap(),
        calibration,
        ..GoldenOptions::default()
    };
    GoldenBackend::new(model, &options).unwrap()
}

#[test]
fn round_trip_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let (model, folder, feats) = setup(dir.path());
    let ranges = calibrate(&model, &feats).unwrap();
    let file = CalibrationFile::measured(&model, &ranges, "test features".into(), feats.len());
    assert_eq!(file.version, CALIBRATION_VERSION);
    assert_eq!(file.frames, 120);
    let path = folder.join(CALIBRATION_FILE);
    file.save(&path).unwrap();
    let back = CalibrationFile::load(&path).unwrap();
    assert_eq!(back, file);
    assert_eq!(back.ranges_for(&model, &path).unwrap(), ranges);
    let stored = StoredCalibration::find(Some(&folder), &model)
        .unwrap()
        .unwrap();
    assert_eq!(stored.path, path);
    assert_eq!(stored.ranges, ranges);
    // Also found through the .json path of the model.
    let via_json = StoredCalibration::find(Some(&folder.join("model.json")), &model).unwrap();
    assert_eq!(via_json.unwrap().ranges, ranges);
}

#[test]
fn golden_with_the_file_equals_golden_measuring_itself() {
    let dir = tempfile::tempdir().unwrap();
    let (model, folder, feats) = setup(dir.path());
    let ranges = calibrate(&model, &feats).unwrap();
    CalibrationFile::measured(&model, &ranges, "x".into(), 3)
        .save(&folder.join(CALIBRATION_FILE))
        .unwrap();
    let stored = StoredCalibration::find(Some(&folder), &model)
        .unwrap()
        .unwrap();
    let mut from_file = golden(&model, Calibration::Ranges(stored.ranges));
    let mut measured = golden(&model, Calibration::Features(feats));
    let mut random = golden(&model, Calibration::Random);
    assert_eq!(from_file.net().image(), measured.net().image());
    assert_ne!(
        from_file.net().image(),
        random.net().image(),
        "the test needs ranges that differ from random calibration's"
    );
    for x in random_features(&model.config, 2, 25, 77) {
        let a = from_file.logits(x.view()).unwrap();
        assert_eq!(a, measured.logits(x.view()).unwrap());
        assert_ne!(a, random.logits(x.view()).unwrap());
    }
}

/// Writes `json` as the folder's calibration and returns the error finding it gives.
fn find_err(folder: &Path, model: &Model, json: &str) -> (CalibrationFileError, String) {
    std::fs::write(folder.join(CALIBRATION_FILE), json).unwrap();
    let e = StoredCalibration::find(Some(folder), model).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(CALIBRATION_FILE), "{msg}");
    (e, msg)
}

#[test]
fn mismatched_or_broken_calibration_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (model, folder, feats) = setup(dir.path());
    assert_eq!(
        StoredCalibration::find(Some(&folder), &model).unwrap(),
        None
    );
    let ranges = calibrate(&model, &feats).unwrap();
    let good = CalibrationFile::measured(&model, &ranges, "x".into(), 3);
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = serde_json::to_value(&good).unwrap();
        f(&mut v);
        v.to_string()
    };

    let (e, msg) = find_err(
        &folder,
        &model,
        &edit(&|v| {
            v["tensors"].as_array_mut().unwrap().pop();
        }),
    );
    assert!(
        matches!(
            e,
            CalibrationFileError::TensorCount {
                found: 5,
                expected: 6,
                ..
            }
        ),
        "{msg}"
    );
    let (e, msg) = find_err(&folder, &model, &edit(&|v| v["version"] = 2.into()));
    assert!(matches!(e, CalibrationFileError::Version { .. }), "{msg}");
    assert!(
        msg.contains("version 2") && msg.contains("version 1"),
        "{msg}"
    );
    let (e, _) = find_err(
        &folder,
        &model,
        &edit(&|v| {
            v.as_object_mut().unwrap().remove("version");
        }),
    );
    assert!(matches!(e, CalibrationFileError::Version { .. }));
    let (e, _) = find_err(
        &folder,
        &model,
        &edit(&|v| v["tensors"][1]["name"] = "fc9".into()),
    );
    assert!(matches!(
        e,
        CalibrationFileError::TensorName { index: 1, .. }
    ));
    let (e, msg) = find_err(
        &folder,
        &model,
        &edit(&|v| v["tensors"][4]["max_abs"] = (-1.0).into()),
    );
    assert!(matches!(e, CalibrationFileError::Range { .. }), "{msg}");
    let (e, _) = find_err(&folder, &model, &edit(&|v| v["frames"] = 0.into()));
    assert!(matches!(e, CalibrationFileError::NoFrames { .. }));
    let (e, _) = find_err(&folder, &model, &edit(&|v| v["extra"] = 1.into()));
    assert!(matches!(e, CalibrationFileError::Json { .. }));
    let (e, _) = find_err(&folder, &model, "{ not json");
    assert!(matches!(e, CalibrationFileError::Json { .. }));

    // Measured on a model of another shape, or on other weights of the same shape.
    let other = Model::random(config([16, 14, 10], 6), 21).unwrap();
    let r = calibrate(&other, &random_features(&other.config, 1, 10, 1)).unwrap();
    let json = CalibrationFile::measured(&other, &r, "x".into(), 1).to_json();
    let (e, msg) = find_err(&folder, &model, &json);
    assert!(
        matches!(
            e,
            CalibrationFileError::Width {
                tensor: "fc2",
                found: 14,
                expected: 12,
                ..
            }
        ),
        "{msg}"
    );
    let retrained = Model::random(model.config.clone(), 22).unwrap();
    let json = CalibrationFile::measured(&retrained, &ranges, "x".into(), 1).to_json();
    let (e, msg) = find_err(&folder, &model, &json);
    assert!(matches!(e, CalibrationFileError::Weights { .. }), "{msg}");
    assert!(msg.contains("zeroskip calibrate"), "{msg}");
}

#[test]
fn calibration_path_follows_the_model_path() {
    let dir = tempfile::tempdir().unwrap();
    let p = ModelPaths::resolve(dir.path());
    assert_eq!(p.calibration(), dir.path().join("calibration.json"));
    let p = ModelPaths::resolve(Path::new("/x/tiny.json"));
    assert_eq!(p.calibration(), Path::new("/x/tiny.calibration.json"));
}
