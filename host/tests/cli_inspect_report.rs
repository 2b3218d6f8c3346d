//! `zeroskip inspect` and `zeroskip report` run as a user would: on a random model saved to a
//! temporary folder, dense and with most weights zeroed, with a fake training log and a fake
//! pruning folder; the JSON's counts, the figure files, and the errors for bad input.

use std::path::Path;
use std::process::{Command, Output};
use zeroskip::model::{Model, ModelConfig};

fn zeroskip(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zeroskip"))
        .args(args)
        .output()
        .expect("the zeroskip binary runs")
}

fn small() -> ModelConfig {
    ModelConfig {
        fc_sizes: [32, 24, 16],
        lstm_hidden: 12,
        ..ModelConfig::default()
    }
}

/// Saves a random model and a copy with all but every tenth weight of each matrix zeroed.
fn models(dir: &Path) -> (String, String) {
    let dense = Model::random(small(), 7).unwrap();
    dense.save(&dir.join("dense")).unwrap();
    let mut pruned = dense.clone();
    let w = &mut pruned.weights;
    for m in [
        &mut w.fc1.weight,
        &mut w.fc2.weight,
        &mut w.fc3.weight,
        &mut w.lstm_forward.weight_ih,
        &mut w.lstm_forward.weight_hh,
        &mut w.lstm_backward.weight_ih,
        &mut w.lstm_backward.weight_hh,
        &mut w.out.weight,
    ] {
        for (k, v) in m.iter_mut().enumerate() {
            if k % 10 != 0 {
                *v = 0.0;
            }
        }
    }
    pruned.save(&dir.join("pruned")).unwrap();
    (
        dir.join("dense").display().to_string(),
        dir.join("pruned").display().to_string(),
    )
}

fn write_log(dir: &Path, steps: &[usize]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut text = String::new();
    for (i, s) in steps.iter().enumerate() {
        text += &format!(
            "{{\"kind\":\"train\",\"step\":{s},\"epoch\":0,\"loss\":{}}}\n",
            50.0 / (i + 1) as f64
        );
    }
    let last = steps.last().unwrap();
    text += &format!(
        "{{\"kind\":\"valid\",\"step\":{last},\"epoch\":0,\"loss\":20.0,\"wer\":0.4,\"cer\":0.1}}\n"
    );
    std::fs::write(dir.join("log.jsonl"), text).unwrap();
}

#[test]
fn inspect_json_counts_each_layer_and_the_overall_sparsity() {
    let d = tempfile::tempdir().unwrap();
    let (dense, pruned) = models(d.path());
    let out = zeroskip(&["inspect", &pruned, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let layers = j["layers"].as_array().unwrap();
    let names: Vec<_> = layers.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["fc1", "fc2", "fc3", "lstm_forward", "lstm_backward", "out"]
    );
    assert_eq!(layers[1]["shape"], serde_json::json!([32, 24]));
    let fc2 = j["tensors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "fc2.weight")
        .unwrap();
    assert_eq!(fc2["shape"], serde_json::json!([24, 32]));
    assert_eq!(fc2["nonzeros"], 24 * 32 / 10 + 1);
    let sparsity = j["sparsity"].as_f64().unwrap();
    assert!((0.89..0.91).contains(&sparsity), "{sparsity}");
    assert_eq!(j["config"]["lstm_hidden"], 12);

    let out = zeroskip(&["inspect", &dense]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("lstm.weight_ih_l0_reverse"), "{text}");
    assert!(text.contains("sparsity 0.00 %"), "{text}");
}

#[test]
fn inspect_errors_name_the_missing_model_and_the_missing_default() {
    let out = zeroskip(&["inspect", "/nonexistent/model"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/model"));
    let out = zeroskip(&["inspect"]);
    if !out.status.success() {
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--model"));
    }
}

#[test]
fn report_draws_every_figure_as_svg_and_png() {
    let d = tempfile::tempdir().unwrap();
    let (dense, pruned) = models(d.path());
    write_log(&d.path().join("runs/dense"), &[50, 100, 150]);
    write_log(&d.path().join("runs/prune/round-01-50"), &[50, 100]);
    write_log(&d.path().join("runs/prune/round-02-90"), &[50, 100]);
    let figs = d.path().join("figs");
    let has_font = zeroskip::study::figures::FONT_CANDIDATES
        .iter()
        .any(|p| Path::new(p).is_file());
    let format = if has_font { "both" } else { "svg" };
    let out = zeroskip(&[
        "report",
        "--model",
        &pruned,
        "--dense",
        &dense,
        "--runs",
        &d.path().join("runs/dense").display().to_string(),
        "--runs",
        &d.path().join("runs/prune").display().to_string(),
        "--out",
        &figs.display().to_string(),
        "--format",
        format,
    ]);
    if !has_font {
        // no font on this machine: the error says how to get one
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--font"));
        return;
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for stem in [
        "lstm_input_nonzeros",
        "layer_nonzeros",
        "weight_distribution",
        "pruning_loss",
    ] {
        for ext in ["png", "svg"] {
            let f = figs.join(format!("{stem}.{ext}"));
            let bytes = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert!(
                bytes.len() > 1000,
                "{} is {} bytes",
                f.display(),
                bytes.len()
            );
            if ext == "png" {
                assert_eq!(&bytes[1..4], b"PNG");
            } else {
                assert!(String::from_utf8_lossy(&bytes).contains("<svg"));
            }
        }
    }
    let svg = std::fs::read_to_string(figs.join("pruning_loss.svg")).unwrap();
    assert!(svg.contains("round-02-90"), "the rounds are named");
    let stats: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(figs.join("model_stats.json")).unwrap())
            .unwrap();
    assert!(stats["sparsity"].as_f64().unwrap() > 0.89);
}

#[test]
fn report_refuses_a_dense_model_of_another_shape_and_a_folder_without_logs() {
    let d = tempfile::tempdir().unwrap();
    let (_, pruned) = models(d.path());
    let other = Model::random(
        ModelConfig {
            lstm_hidden: 8,
            ..small()
        },
        1,
    )
    .unwrap();
    other.save(&d.path().join("other")).unwrap();
    let figs = d.path().join("figs").display().to_string();
    let other = d.path().join("other").display().to_string();
    let out = zeroskip(&[
        "report", "--model", &pruned, "--dense", &other, "--out", &figs,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("differ in shape"));
    let empty = d.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = zeroskip(&[
        "report",
        "--model",
        &pruned,
        "--runs",
        &empty.display().to_string(),
        "--out",
        &figs,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no log.jsonl"));
}
