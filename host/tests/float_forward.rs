//! The float forward pass against an independent, deliberately plain implementation (nested
//! loops over `Vec`s in f64, written from the equations in docs/MODEL.md), on tiny random
//! models of several sizes; then decoding the result end to end.

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zeroskip::backend::{open, BackendKind};
use zeroskip::ctc::{beam_search, greedy, sequence_log_prob, Decoder};
use zeroskip::model::{log_softmax, Dense, LstmWeights, Model, ModelConfig};

/// Largest difference allowed between the f32 model and the f64 reference.
const TOLERANCE: f64 = 1e-4;

fn config(n_ceps: usize, context: usize, fc: [usize; 3], hidden: usize) -> ModelConfig {
    let mut c = ModelConfig::default();
    c.features.n_ceps = n_ceps;
    c.features.context = context;
    c.fc_sizes = fc;
    c.lstm_hidden = hidden;
    c
}

fn to_rows(a: &Array2<f32>) -> Vec<Vec<f64>> {
    a.rows()
        .into_iter()
        .map(|r| r.iter().map(|&v| f64::from(v)).collect())
        .collect()
}

fn linear(x: &[f64], d: &Dense) -> Vec<f64> {
    let w = to_rows(&d.weight);
    (0..w.len())
        .map(|o| f64::from(d.bias[o]) + (0..x.len()).map(|i| w[o][i] * x[i]).sum::<f64>())
        .collect()
}

fn sig(v: f64) -> f64 {
    1.0 / (1.0 + (-v).exp())
}

fn lstm(xs: &[Vec<f64>], w: &LstmWeights, reverse: bool) -> Vec<Vec<f64>> {
    let h_n = w.weight_hh.ncols();
    let wih = to_rows(&w.weight_ih);
    let whh = to_rows(&w.weight_hh);
    let mut h = vec![0.0; h_n];
    let mut c = vec![0.0; h_n];
    let mut out = vec![vec![0.0; h_n]; xs.len()];
    let order: Vec<usize> = if reverse {
        (0..xs.len()).rev().collect()
    } else {
        (0..xs.len()).collect()
    };
    for t in order {
        let pre = |row: usize| -> f64 {
            f64::from(w.bias_ih[row])
                + f64::from(w.bias_hh[row])
                + (0..xs[t].len())
                    .map(|i| wih[row][i] * xs[t][i])
                    .sum::<f64>()
                + (0..h_n).map(|j| whh[row][j] * h[j]).sum::<f64>()
        };
        let (mut nh, mut nc) = (vec![0.0; h_n], vec![0.0; h_n]);
        for k in 0..h_n {
            let i = sig(pre(k));
            let f = sig(pre(h_n + k));
            let g = pre(2 * h_n + k).tanh();
            let o = sig(pre(3 * h_n + k));
            nc[k] = f * c[k] + i * g;
            nh[k] = o * nc[k].tanh();
        }
        h = nh;
        c = nc;
        out[t] = h.clone();
    }
    out
}

fn reference_logits(m: &Model, x: &Array2<f32>) -> Vec<Vec<f64>> {
    let clip = f64::from(m.config.relu_clip);
    let relu = |v: Vec<f64>| {
        v.into_iter()
            .map(|x| x.max(0.0).min(clip))
            .collect::<Vec<_>>()
    };
    let w = &m.weights;
    let h3: Vec<Vec<f64>> = to_rows(x)
        .iter()
        .map(|r| {
            relu(linear(
                &relu(linear(&relu(linear(r, &w.fc1)), &w.fc2)),
                &w.fc3,
            ))
        })
        .collect();
    let f = lstm(&h3, &w.lstm_forward, false);
    let b = lstm(&h3, &w.lstm_backward, true);
    (0..h3.len())
        .map(|t| {
            let cat: Vec<f64> = f[t].iter().chain(b[t].iter()).copied().collect();
            linear(&cat, &w.out)
        })
        .collect()
}

fn random_frames(frames: usize, width: usize, seed: u64, scale: f32) -> Array2<f32> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_simple_fn((frames, width), || rng.gen_range(-scale..=scale))
}

#[test]
fn matches_plain_reference_over_sizes() {
    let cases = [
        (config(1, 0, [1, 1, 1], 1), 1),
        (config(2, 1, [2, 3, 4], 2), 5),
        (config(4, 1, [8, 7, 9], 4), 17),
        (config(3, 2, [16, 15, 17], 5), 33),
    ];
    for (seed, (cfg, frames)) in cases.into_iter().enumerate() {
        let m = Model::random(cfg, seed as u64).unwrap();
        // Large inputs so the clip at 20 and the negative side of the ReLU both happen.
        let x = random_frames(frames, m.config.input_width(), 100 + seed as u64, 40.0);
        let got = m.logits(x.view()).unwrap();
        let want = reference_logits(&m, &x);
        assert_eq!(got.shape(), &[frames, 29]);
        for t in 0..frames {
            for k in 0..29 {
                let d = (f64::from(got[[t, k]]) - want[t][k]).abs();
                assert!(
                    d < TOLERANCE,
                    "case {seed} frame {t} logit {k}: {} vs {}",
                    got[[t, k]],
                    want[t][k]
                );
            }
        }
    }
}

#[test]
fn clip_is_reached() {
    // With a huge clip nothing saturates; the default 20 must change the output on big inputs.
    let mut cfg = config(2, 0, [4, 4, 4], 2);
    let m20 = Model::random(cfg.clone(), 9).unwrap();
    cfg.relu_clip = 1e6;
    let mut big = m20.clone();
    big.config = cfg;
    let x = random_frames(4, 2, 1, 1000.0);
    assert_ne!(m20.logits(x.view()).unwrap(), big.logits(x.view()).unwrap());
}

#[test]
fn zero_frames_give_zero_rows() {
    let m = Model::random(config(2, 0, [3, 3, 3], 2), 1).unwrap();
    let y = m.logits(Array2::zeros((0, 2)).view()).unwrap();
    assert_eq!(y.shape(), &[0, 29]);
    assert!(greedy(log_softmax(y.view()).view(), 28).labels.is_empty());
}

#[test]
fn backend_and_decoders_end_to_end() {
    let m = Model::random(config(4, 1, [8, 8, 8], 4), 5).unwrap();
    let blank = m.config.blank_index;
    let alphabet = m.config.alphabet().unwrap();
    let x = random_frames(40, m.config.input_width(), 2, 3.0);
    let want = m.logits(x.view()).unwrap();
    let mut b = open(BackendKind::Float, m).unwrap();
    let logits = b.logits(x.view()).unwrap();
    assert_eq!(logits, want);
    let lp = log_softmax(logits.view());
    let g = Decoder::Greedy.decode(lp.view(), blank);
    let bs = beam_search(lp.view(), blank, 16);
    // The beam's answer is at least as probable as greedy's, scored exactly.
    assert!(
        sequence_log_prob(lp.view(), &bs.labels, blank)
            >= sequence_log_prob(lp.view(), &g.labels, blank) - 1e-9
    );
    let text = alphabet.text(&g.labels);
    assert!(text
        .chars()
        .all(|c| "abcdefghijklmnopqrstuvwxyz '".contains(c)));
}

#[test]
fn known_strings_from_constructed_logits() {
    // "hello world" spelled one character per frame with blanks between repeats.
    let alphabet = zeroskip::ctc::Alphabet::english();
    let mut path = Vec::new();
    for ch in "hello world".chars() {
        let l = alphabet.label_of(ch).unwrap();
        if path.last() == Some(&l) {
            path.push(28);
        }
        path.push(l);
        path.push(l); // repeats collapse
    }
    let mut logits = Array2::<f32>::from_elem((path.len(), 29), -5.0);
    for (t, &l) in path.iter().enumerate() {
        logits[[t, l]] = 5.0;
    }
    let lp = log_softmax(logits.view());
    assert_eq!(alphabet.text(&greedy(lp.view(), 28).labels), "hello world");
    assert_eq!(
        alphabet.text(&Decoder::Beam(8).decode(lp.view(), 28).labels),
        "hello world"
    );
}
