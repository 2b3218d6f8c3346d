//! `ModelWeights::mean`, the checkpoint averaging of `zeroskip-train average`: element-wise,
//! shared zeros kept exactly, mismatched models refused.

use zeroskip::model::{Model, ModelConfig, ModelWeights};

fn tiny_config(fc: usize) -> ModelConfig {
    let mut c = ModelConfig::default();
    c.features.n_ceps = 5;
    c.features.n_filters = 8;
    c.features.context = 1;
    c.fc_sizes = [fc, 6, 5];
    c.lstm_hidden = 3;
    c
}

fn random(cfg: &ModelConfig, seed: u64) -> ModelWeights {
    Model::random(cfg.clone(), seed).unwrap().weights
}

#[test]
fn the_mean_is_element_wise_for_every_tensor() {
    let cfg = tiny_config(7);
    let models: Vec<ModelWeights> = (1..=3).map(|s| random(&cfg, s)).collect();
    let mean = ModelWeights::mean(&models).unwrap();
    let all: Vec<_> = models.iter().map(ModelWeights::tensors).collect();
    let got = mean.tensors();
    assert_eq!(got.len(), all[0].len());
    for (i, t) in got.iter().enumerate() {
        assert_eq!(t.name, all[0][i].name);
        assert_eq!(t.view.shape(), all[0][i].view.shape());
        for (k, &g) in t.view.iter().enumerate() {
            let want = all
                .iter()
                .map(|m| f64::from(*m[i].view.iter().nth(k).unwrap()))
                .sum::<f64>()
                / 3.0;
            assert!(
                (f64::from(g) - want).abs() <= 1e-7,
                "{} element {k}: {g} against {want}",
                t.name
            );
        }
    }
}

#[test]
fn a_weight_zero_in_every_model_stays_exactly_zero() {
    let cfg = tiny_config(7);
    let mut a = random(&cfg, 1);
    let mut b = random(&cfg, 2);
    // The same mask on both (every other weight of fc2), and one weight zero in `a` only.
    for m in [&mut a, &mut b] {
        for (k, w) in m.fc2.weight.iter_mut().enumerate() {
            if k % 2 == 0 {
                *w = 0.0;
            }
        }
    }
    a.fc3.weight[[0, 0]] = 0.0;
    let mean = ModelWeights::mean(&[a, b.clone()]).unwrap();
    for (k, &w) in mean.fc2.weight.iter().enumerate() {
        assert_eq!(w == 0.0, k % 2 == 0, "fc2 element {k} is {w}");
    }
    assert_eq!(mean.fc3.weight[[0, 0]], b.fc3.weight[[0, 0]] / 2.0);
}

#[test]
fn models_of_other_shapes_or_none_at_all_are_refused() {
    let a = random(&tiny_config(7), 1);
    let b = random(&tiny_config(8), 2);
    assert!(ModelWeights::mean(&[a.clone(), b]).is_none());
    assert!(ModelWeights::mean(&[]).is_none());
    assert_eq!(ModelWeights::mean(std::slice::from_ref(&a)).unwrap(), a);
}
