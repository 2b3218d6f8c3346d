//! The golden fixed-point network against the float model (bounded differences on random
//! models, pruned and dense, of several sizes), against a direct dense integer computation of
//! the quantised network (bit-exact), and its fast path against the stream walk (bit-exact);
//! quantisation edge cases; the image round trip.

use ndarray::{Array2, ArrayView2};
use zeroskip::golden_net::GoldenNet;
use zeroskip::model::{Model, ModelConfig};
use zeroskip::quant::{
    build_image, calibrate, pack, prune_magnitude, quantize, random_features, QuantError,
    QuantNetwork, QuantOptions,
};
use zeroskip_arch::cell::{lstm_cell, CellTables};
use zeroskip_arch::fixed::requantize;
use zeroskip_arch::image::{DeviceImage, LayerKind};
use zeroskip_arch::HwConfig;

/// Largest |golden − float| allowed, relative to the float logits' range (max − min) over the
/// test frames.
const MAX_RELATIVE_LOGIT_ERROR: f64 = 0.05;
/// Fewest frames on which golden and float must pick the same symbol.
const MIN_ARGMAX_AGREEMENT: f64 = 0.90;

fn config(n_ceps: usize, context: usize, fc: [usize; 3], hidden: usize) -> ModelConfig {
    let mut c = ModelConfig::default();
    c.features.n_ceps = n_ceps;
    c.features.context = context;
    c.fc_sizes = fc;
    c.lstm_hidden = hidden;
    c
}

fn hw(pes: usize) -> HwConfig {
    HwConfig {
        pes,
        stream_depth: 1 << 16,
        ..HwConfig::default()
    }
}

fn argmax(row: ndarray::ArrayView1<f32>) -> usize {
    row.iter()
        .enumerate()
        .fold(
            (0, f32::NEG_INFINITY),
            |b, (i, &v)| if v > b.1 { (i, v) } else { b },
        )
        .0
}

/// Float vs golden on fresh random features: (max relative error, argmax agreement).
fn compare(model: &Model, net: &GoldenNet, seed: u64) -> (f64, f64) {
    let feats = random_features(&model.config, 3, 60, seed);
    let (mut worst, mut range_max, mut agree, mut frames) = (0f64, 0f64, 0usize, 0usize);
    for x in &feats {
        let f = model.logits(x.view()).unwrap();
        let g = net.logits(x.view()).unwrap();
        let lo = f.iter().fold(f32::INFINITY, |a, &v| a.min(v));
        let hi = f.iter().fold(f32::NEG_INFINITY, |a, &v| a.max(v));
        range_max = range_max.max(f64::from(hi - lo));
        for (a, b) in f.iter().zip(g.iter()) {
            worst = worst.max(f64::from((a - b).abs()));
        }
        for t in 0..f.nrows() {
            agree += usize::from(argmax(f.row(t)) == argmax(g.row(t)));
        }
        frames += f.nrows();
    }
    (worst / range_max, agree as f64 / frames as f64)
}

#[test]
fn golden_tracks_float_on_random_models() {
    let cases = [
        (config(4, 1, [6, 5, 4], 3), 0.0, 1usize, 1u64),
        (config(6, 2, [16, 12, 10], 8), 0.0, 4, 2),
        (config(13, 4, [64, 48, 32], 24), 0.5, 16, 3),
        (config(26, 9, [128, 128, 128], 64), 0.9, 16, 4),
        (config(26, 9, [128, 96, 80], 40), 0.9, 3, 5),
        (ModelConfig::default(), 0.9, 16, 6),
    ];
    for (cfg, sparsity, pes, seed) in cases {
        let mut model = Model::random(cfg, seed).unwrap();
        prune_magnitude(&mut model.weights, sparsity);
        let calib = random_features(&model.config, 4, 100, seed + 100);
        let image = build_image(&model, &calib, &hw(pes), &QuantOptions::default()).unwrap();
        let bytes = image.encode().unwrap();
        let net = GoldenNet::from_bytes(&bytes, &hw(pes)).unwrap();
        let (rel, agree) = compare(&model, &net, seed + 200);
        println!(
            "fc {:?} H {} sparsity {sparsity} P {pes}: max |logit diff| / range = {rel:.5}, argmax agreement {:.2} %",
            model.config.fc_sizes,
            model.config.lstm_hidden,
            100.0 * agree
        );
        assert!(rel <= MAX_RELATIVE_LOGIT_ERROR, "relative error {rel}");
        assert!(agree >= MIN_ARGMAX_AGREEMENT, "argmax agreement {agree}");
    }
}

#[test]
fn fast_path_equals_the_stream_walk_bit_for_bit() {
    for (k, pes) in [1usize, 2, 3, 7, 16, 64].into_iter().enumerate() {
        let cfg = config(5, 2, [11 + k, 9, 7 + k], 3 + k);
        let mut model = Model::random(cfg, 30 + k as u64).unwrap();
        prune_magnitude(&mut model.weights, [0.0, 0.5, 0.9][k % 3]);
        let calib = random_features(&model.config, 2, 30, 7);
        let image = build_image(&model, &calib, &hw(pes), &QuantOptions::default()).unwrap();
        let net = GoldenNet::new(image).unwrap();
        for frames in [0usize, 1, 7, 8, 9, 23] {
            let x = &random_features(&model.config, 1, frames, 40 + frames as u64)[0];
            let q = net.quantize_input(x.view()).unwrap();
            let fast = net.run_quantized(q.view()).unwrap();
            let slow = net.run_reference(q.view()).unwrap();
            assert_eq!(fast, slow, "P {pes}, {frames} frames");
        }
    }
}

/// The quantised network computed directly from its dense integer weights, with no streams.
fn dense_integer_network(net: &QuantNetwork, hwc: &HwConfig, input: &Array2<i32>) -> Array2<i32> {
    let tables = CellTables::new();
    let frames = input.nrows();
    let mut tensors: Vec<Array2<i64>> = net
        .tensors
        .iter()
        .map(|t| Array2::zeros((frames, t.width)))
        .collect();
    tensors[0] = input.mapv(i64::from);
    for l in &net.layers {
        let x = tensors[l.input].clone();
        let dot = |r: usize, v: &[i64]| -> i64 {
            l.bias[r]
                + (0..l.cols)
                    .map(|c| l.weights[r * l.cols + c] * v[c])
                    .sum::<i64>()
        };
        if !l.kind.is_lstm() {
            for t in 0..frames {
                let v: Vec<i64> = x.row(t).to_vec();
                for r in 0..l.rows {
                    let mut y = requantize(dot(r, &v), l.shift, hwc.act_bits);
                    if l.kind == LayerKind::FcClippedRelu {
                        y = y.clamp(0, l.clip);
                    }
                    tensors[l.output][[t, l.out_offset + r]] = y;
                }
            }
            continue;
        }
        let hidden = l.rows / 4;
        let h_frac = net.tensors[l.output].frac;
        let (mut h, mut c) = (vec![0i64; hidden], vec![0i64; hidden]);
        let order: Vec<usize> = if l.kind == LayerKind::LstmBackward {
            (0..frames).rev().collect()
        } else {
            (0..frames).collect()
        };
        for t in order {
            let v: Vec<i64> = x.row(t).iter().copied().chain(h.iter().copied()).collect();
            for u in 0..hidden {
                let g = [0, 1, 2, 3].map(|k| requantize(dot(4 * u + k, &v), l.shift, hwc.act_bits));
                (c[u], h[u]) = lstm_cell(&tables, g, c[u], h_frac, hwc.act_bits);
            }
            for u in 0..hidden {
                tensors[l.output][[t, l.out_offset + u]] = h[u];
            }
        }
    }
    tensors[net.output].mapv(|v| v as i32)
}

#[test]
fn golden_equals_a_direct_dense_integer_computation() {
    for (k, pes) in [1usize, 4, 16].into_iter().enumerate() {
        let mut model = Model::random(config(7, 2, [20, 17, 13], 6 + k), 50 + k as u64).unwrap();
        prune_magnitude(&mut model.weights, 0.3 * k as f64);
        let calib = random_features(&model.config, 2, 40, 8);
        let ranges = calibrate(&model, &calib).unwrap();
        let qnet = quantize(&model, &ranges, &hw(pes), &QuantOptions::default()).unwrap();
        let net = GoldenNet::new(pack(&qnet, &hw(pes)).unwrap()).unwrap();
        let x = &random_features(&model.config, 1, 33, 60)[0];
        let q = net.quantize_input(x.view()).unwrap();
        assert_eq!(
            net.run_quantized(q.view()).unwrap(),
            dense_integer_network(&qnet, &hw(pes), &q),
            "P {pes}"
        );
    }
}

#[test]
fn one_fc_layer_equals_the_integer_formula() {
    let model = Model::random(config(3, 1, [5, 4, 3], 2), 9).unwrap();
    let calib = random_features(&model.config, 1, 10, 1);
    let ranges = calibrate(&model, &calib).unwrap();
    let qnet = quantize(&model, &ranges, &hw(2), &QuantOptions::default()).unwrap();
    let mut image = pack(&qnet, &hw(2)).unwrap();
    // Keep only FC1: its output becomes the network's output.
    image.layers.truncate(1);
    image.output = 1;
    let net = GoldenNet::new(image).unwrap();
    let l = &qnet.layers[0];
    let x: Array2<i32> = Array2::from_shape_fn((4, 9), |(t, c)| {
        [-32768, 32767, 0, 1, -1, 1234][(t * 9 + c) % 6]
    });
    let y = net.run_quantized(x.view()).unwrap();
    for t in 0..4 {
        for r in 0..5 {
            let acc: i64 = l.bias[r]
                + (0..9)
                    .map(|c| l.weights[r * 9 + c] * i64::from(x[[t, c]]))
                    .sum::<i64>();
            let want = requantize(acc, l.shift, 16).clamp(0, l.clip);
            assert_eq!(i64::from(y[[t, r]]), want, "frame {t}, row {r}");
        }
    }
}

#[test]
fn image_survives_encoding() {
    let model = Model::random(config(4, 1, [8, 8, 8], 4), 2).unwrap();
    let calib = random_features(&model.config, 1, 10, 1);
    let image = build_image(&model, &calib, &hw(3), &QuantOptions::default()).unwrap();
    let bytes = image.encode().unwrap();
    assert_eq!(DeviceImage::decode_for(&bytes, &hw(3)).unwrap(), image);
    let e = GoldenNet::from_bytes(&bytes, &hw(4)).unwrap_err();
    assert!(format!("{:?}", e).contains("ConfigMismatch"), "{e:?}");
    let mut bad = bytes.clone();
    let n = bad.len();
    bad[n - 3] ^= 1;
    assert!(GoldenNet::from_bytes(&bad, &hw(3)).is_err());
}

#[test]
fn all_zero_layer_gives_its_bias() {
    let mut model = Model::random(config(4, 1, [6, 5, 4], 3), 4).unwrap();
    model.weights.fc2.weight.fill(0.0);
    let calib = random_features(&model.config, 2, 20, 1);
    let image = build_image(&model, &calib, &hw(2), &QuantOptions::default()).unwrap();
    assert_eq!(image.layers[1].matrix.nnz, 0);
    assert_eq!(image.layers[1].w_frac, 15);
    let net = GoldenNet::new(image).unwrap();
    let (rel, _) = compare(&model, &net, 5);
    assert!(rel <= MAX_RELATIVE_LOGIT_ERROR, "{rel}");
}

#[test]
fn huge_bias_is_refused_naming_the_layer() {
    let mut model = Model::random(config(4, 1, [6, 5, 4], 3), 4).unwrap();
    model.weights.fc3.bias[2] = 1e9;
    let calib = random_features(&model.config, 1, 20, 1);
    let e = build_image(&model, &calib, &hw(2), &QuantOptions::default()).unwrap_err();
    assert!(
        matches!(
            e,
            QuantError::BiasRange {
                layer: "fc3",
                row: 2,
                ..
            }
        ),
        "{e}"
    );
    let text = e.to_string();
    assert!(
        text.contains("layer fc3, row 2: bias 1000000000") && text.contains("48-bit accumulator"),
        "{text}"
    );

    let mut model = Model::random(config(4, 1, [6, 5, 4], 3), 4).unwrap();
    model.weights.lstm_backward.bias_hh[3 * 3 + 1] = 1e9; // gate o of unit 1
    let e = build_image(&model, &calib, &hw(2), &QuantOptions::default()).unwrap_err();
    assert!(
        matches!(
            e,
            QuantError::BiasRange {
                layer: "lstm_bwd",
                row: 10,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn too_wide_layer_is_refused_naming_the_layer() {
    let model = Model::random(config(4, 1, [6, 5, 1000], 40), 4).unwrap();
    let calib = random_features(&model.config, 1, 5, 1);
    let e = build_image(&model, &calib, &hw(2), &QuantOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "layer lstm_fwd has 1040 columns, the hardware holds at most 1024 (max_cols); use a configuration with max_cols >= 1040"
    );
    let small = HwConfig {
        max_cols: 8,
        ..hw(2)
    };
    let e = build_image(&model, &calib, &small, &QuantOptions::default()).unwrap_err();
    assert!(e.to_string().starts_with("layer fc1 has 12 columns"), "{e}");
}

#[test]
fn streams_too_long_for_the_pes_name_the_layer() {
    let model = Model::random(config(8, 2, [64, 64, 64], 16), 4).unwrap();
    let calib = random_features(&model.config, 1, 5, 1);
    let shallow = HwConfig {
        stream_depth: 256,
        ..hw(2)
    };
    let e = build_image(&model, &calib, &shallow, &QuantOptions::default()).unwrap_err();
    assert!(matches!(e, QuantError::Pack { layer: "fc1", .. }), "{e}");
    let chain = format!("{e}: {}", std::error::Error::source(&e).unwrap());
    assert!(
        chain.starts_with("cannot pack layer fc1 for the hardware configuration"),
        "{chain}"
    );
    assert!(
        chain
            .ends_with("PE 0 would hold 1280 entries, the configuration allows 256 (stream_depth)"),
        "{chain}"
    );
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let model = Model::random(config(4, 1, [6, 5, 4], 3), 4).unwrap();
    let calib = random_features(&model.config, 1, 5, 1);
    let net =
        GoldenNet::new(build_image(&model, &calib, &hw(2), &QuantOptions::default()).unwrap())
            .unwrap();
    let e = net.logits(Array2::zeros((2, 7)).view()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "input frames are 7 wide, the image's input is 12 wide"
    );
    let mut x = Array2::<i32>::zeros((2, 12));
    x[[1, 4]] = 40000;
    let e = net.run_quantized(x.view()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "input value 40000 at frame 1, column 4 does not fit in 16 bits"
    );
    // Huge and non-finite features saturate rather than fail.
    let mut f = Array2::<f32>::zeros((2, 12));
    f[[0, 0]] = f32::INFINITY;
    f[[1, 1]] = f32::NAN;
    f[[1, 2]] = -1e30;
    assert!(net.logits(f.view()).unwrap().iter().all(|v| v.is_finite()));
    let _: ArrayView2<f32> = f.view();
}
