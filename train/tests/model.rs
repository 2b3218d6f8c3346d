//! The burn model against the host's float forward pass, and export/import round trips.

mod common;

use burn::tensor::{Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zeroskip::model::Model;
use zeroskip_train::model::DeepSpeech;

/// Largest difference allowed between burn's and the host's logits (f32, same math, other order
/// of summation).
const LOGIT_TOLERANCE: f32 = 1e-4;

#[test]
fn exported_model_gives_the_hosts_logits_for_every_utterance_of_a_padded_batch() {
    let cfg = common::tiny_model();
    let device = Device::flex();
    let model = DeepSpeech::init(&cfg, 7, &device);
    let dir = tempfile::tempdir().unwrap();
    zeroskip_train::train::export(&model, &cfg, dir.path()).unwrap();
    let host = Model::load(dir.path()).unwrap();
    assert_eq!(host.config, cfg);

    let lengths = [13usize, 9, 1, 13];
    let (t, w) = (13, cfg.input_width());
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut x = vec![0f32; lengths.len() * t * w];
    for (b, &len) in lengths.iter().enumerate() {
        for v in &mut x[b * t * w..(b * t + len) * w] {
            *v = rng.gen_range(-3.0..3.0);
        }
    }
    let logits = model.forward(
        Tensor::<3>::from_data(TensorData::new(x.clone(), [lengths.len(), t, w]), &device),
        &lengths,
    );
    let o = cfg.output_width();
    let got: Vec<f32> = logits
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap();
    for (b, &len) in lengths.iter().enumerate() {
        let frames =
            ndarray::Array2::from_shape_vec((len, w), x[b * t * w..(b * t + len) * w].to_vec())
                .unwrap();
        let want = host.logits(frames.view()).unwrap();
        for f in 0..len {
            for k in 0..o {
                let g = got[(b * t + f) * o + k];
                let d = (g - want[[f, k]]).abs();
                assert!(
                    d < LOGIT_TOLERANCE,
                    "utterance {b} frame {f} label {k}: burn {g}, host {}",
                    want[[f, k]]
                );
            }
        }
    }
}

#[test]
fn import_of_an_export_is_the_same_model() {
    let cfg = common::tiny_model();
    let device = Device::flex();
    let model = DeepSpeech::init(&cfg, 1, &device);
    let dir = tempfile::tempdir().unwrap();
    zeroskip_train::train::export(&model, &cfg, dir.path()).unwrap();
    let (cfg2, back) = zeroskip_train::train::import(dir.path(), &device).unwrap();
    assert_eq!(cfg2, cfg);
    assert_eq!(back.to_host(), model.to_host());
}

#[test]
fn matrix_weight_count_matches_the_host_tensors() {
    let cfg = common::tiny_model();
    let m = DeepSpeech::init(&cfg, 1, &Device::flex());
    let counted: usize = zeroskip_train::prune::matrices(&m)
        .iter()
        .map(|(r, c, _)| r * c)
        .sum();
    assert_eq!(counted, DeepSpeech::matrix_weights(&cfg));
}

#[test]
fn average_saves_the_mean_of_its_models_and_refuses_another_architecture() {
    let cfg = common::tiny_model();
    let dir = tempfile::tempdir().unwrap();
    let (a, b, other) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("other"),
    );
    let ma = Model::random(cfg.clone(), 1).unwrap();
    let mb = Model::random(cfg.clone(), 2).unwrap();
    ma.save(&a).unwrap();
    mb.save(&b).unwrap();
    let mut wider = cfg.clone();
    wider.lstm_hidden += 1;
    Model::random(wider, 3).unwrap().save(&other).unwrap();
    let bin = env!("CARGO_BIN_EXE_zeroskip-train");
    let run = |models: &[&std::path::Path], out: &str| {
        let mut c = std::process::Command::new(bin);
        c.arg("average");
        for m in models {
            c.arg("--model").arg(m);
        }
        c.arg("--out").arg(dir.path().join(out)).output().unwrap()
    };

    let ok = run(&[&a, &b], "mean");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let mean = Model::load(&dir.path().join("mean")).unwrap();
    assert_eq!(mean.config, cfg);
    let want = zeroskip::model::ModelWeights::mean(&[ma.weights, mb.weights]).unwrap();
    assert_eq!(mean.weights, want);

    let mixed = run(&[&a, &other], "mixed");
    assert_eq!(mixed.status.code(), Some(1));
    let err = String::from_utf8_lossy(&mixed.stderr);
    assert!(
        err.contains("another configuration") && err.contains(other.to_str().unwrap()),
        "{err}"
    );
    assert!(!dir.path().join("mixed").exists());

    let again = run(&[&a, &b], "mean");
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a model"));
}
