//! `zeroskip bench model --model M` run as a user would, on a random model saved to a temporary
//! folder: it benchmarks that model as it is (no pruning of its own), and its cycle figures are
//! those of the device image the library builds for it; `--sparsity` belongs to the random model
//! only and is refused beside `--model`.

mod common;

use common::{fails, ok, s, setup, zeroskip};
use zeroskip::backend::GoldenOptions;
use zeroskip::golden_net::CycleReport;
use zeroskip::model::Model;
use zeroskip::quant::weight_sparsity;
use zeroskip_arch::HwConfig;

#[test]
fn a_saved_model_is_benchmarked_as_it_is() {
    let t = setup();
    let (stdout, _) = ok(&zeroskip(&[
        "bench",
        "model",
        "--model",
        s(&t.model),
        "--pes",
        "4",
        "--frames",
        "40",
        "--repeat",
        "1",
        "--json",
    ]));
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let model = Model::load(&t.model).unwrap();
    assert_eq!(r["model"], s(&t.model));
    let sparsity = r["weight_sparsity"].as_f64().unwrap();
    assert!(
        (sparsity - weight_sparsity(&model.weights)).abs() < 1e-12,
        "{sparsity}"
    );
    // the cycle model of the image built for this model (cycles do not depend on calibration)
    let image = GoldenOptions {
        hw: HwConfig::new(4).unwrap(),
        ..GoldenOptions::default()
    }
    .build_image(&model)
    .unwrap();
    let cycles = CycleReport::of(&image);
    assert_eq!(r["pes"], 4);
    assert_eq!(
        r["cycles"]["cycles_per_frame"].as_u64().unwrap(),
        cycles.cycles_per_frame
    );
    assert_eq!(
        r["cycles"]["macs_per_frame"].as_u64().unwrap(),
        cycles.macs_per_frame
    );
    let names: Vec<&str> = r["speeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"dense f32 baseline (same, dense)"),
        "{names:?}"
    );
}

#[test]
fn sparsity_is_refused_beside_a_model() {
    let t = setup();
    let args = [
        "bench",
        "model",
        "--model",
        s(&t.model),
        "--sparsity",
        "0.5",
    ];
    fails(&args, 2, "--sparsity");
}

#[test]
fn a_missing_model_is_named() {
    fails(
        &["bench", "model", "--model", "/nonexistent/model"],
        1,
        "loading the model /nonexistent/model",
    );
}
