//! Model files: a save → load round trip, and every way a model file can be wrong giving an
//! error that names the file and the tensor.

use safetensors::{tensor::TensorView, Dtype};
use std::path::Path;
use zeroskip::model::{
    tensor_specs, Model, ModelConfig, ModelError, ModelPaths, CONFIG_FILE, WEIGHTS_FILE,
};

fn tiny_config() -> ModelConfig {
    let mut c = ModelConfig::default();
    c.features.n_ceps = 5;
    c.features.n_filters = 8;
    c.features.context = 1;
    c.fc_sizes = [7, 6, 5];
    c.lstm_hidden = 3;
    c
}

/// Writes a safetensors file from (name, dtype, shape, bytes).
fn write_tensors(path: &Path, tensors: &[(String, Dtype, Vec<usize>, Vec<u8>)]) {
    let views: Vec<(String, TensorView)> = tensors
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    std::fs::write(path, safetensors::serialize(views, &None).unwrap()).unwrap();
}

/// The tensors of a random tiny model as (name, F32, shape, bytes).
fn good_tensors(cfg: &ModelConfig) -> Vec<(String, Dtype, Vec<usize>, Vec<u8>)> {
    let m = Model::random(cfg.clone(), 7).unwrap();
    m.weights
        .tensors()
        .iter()
        .map(|t| {
            (
                t.name.to_string(),
                Dtype::F32,
                t.view.shape().to_vec(),
                t.view.iter().flat_map(|v| v.to_le_bytes()).collect(),
            )
        })
        .collect()
}

/// A folder with a valid config and the given tensors; returns the folder.
fn model_dir(tensors: &[(String, Dtype, Vec<usize>, Vec<u8>)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let cfg = serde_json::to_string_pretty(&tiny_config()).unwrap();
    std::fs::write(dir.path().join(CONFIG_FILE), cfg).unwrap();
    write_tensors(&dir.path().join(WEIGHTS_FILE), tensors);
    dir
}

fn load_err(dir: &Path) -> (ModelError, String) {
    let e = Model::load(dir).unwrap_err();
    let s = e.to_string();
    (e, s)
}

#[test]
fn save_then_load_round_trips_exactly() {
    let m = Model::random(tiny_config(), 3).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("tiny");
    let paths = m.save(&folder).unwrap();
    assert_eq!(paths.config, folder.join("model.json"));
    assert_eq!(paths.weights, folder.join("model.safetensors"));
    assert_eq!(Model::load(&folder).unwrap(), m);

    // The .json convention: weights beside it with the same stem.
    let json = dir.path().join("other.json");
    let paths = m.save(&json).unwrap();
    assert_eq!(paths.weights, dir.path().join("other.safetensors"));
    assert_eq!(Model::load(&json).unwrap(), m);
}

#[test]
fn model_paths_resolve_both_conventions() {
    let dir = tempfile::tempdir().unwrap();
    let p = ModelPaths::resolve(dir.path());
    assert_eq!(p.config, dir.path().join("model.json"));
    let p = ModelPaths::resolve(Path::new("/x/ds.json"));
    assert_eq!(p.weights, Path::new("/x/ds.safetensors"));
}

#[test]
fn tensor_order_in_the_file_does_not_matter() {
    // PyTorch writes tensors in its own order, with metadata; both are accepted.
    let mut t = good_tensors(&tiny_config());
    t.reverse();
    let dir = model_dir(&t);
    let views: Vec<(String, TensorView)> = t
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    let meta = Some([("format".to_string(), "pt".to_string())].into());
    std::fs::write(
        dir.path().join(WEIGHTS_FILE),
        safetensors::serialize(views, &meta).unwrap(),
    )
    .unwrap();
    Model::load(dir.path()).unwrap();
}

#[test]
fn missing_model_path() {
    let (e, s) = load_err(Path::new("/nonexistent/zeroskip-model"));
    assert!(matches!(e, ModelError::NotFound { .. }));
    assert!(s.contains("/nonexistent/zeroskip-model"), "{s}");
}

#[test]
fn missing_weights_file() {
    let dir = model_dir(&good_tensors(&tiny_config()));
    std::fs::remove_file(dir.path().join(WEIGHTS_FILE)).unwrap();
    let (e, s) = load_err(dir.path());
    assert!(matches!(e, ModelError::Read { .. }));
    assert!(s.contains("model.safetensors"), "{s}");
}

#[test]
fn missing_tensor_is_named() {
    let mut t = good_tensors(&tiny_config());
    t.retain(|(n, ..)| n != "lstm.weight_hh_l0_reverse");
    let dir = model_dir(&t);
    let (e, s) = load_err(dir.path());
    assert!(matches!(e, ModelError::MissingTensor { .. }), "{e:?}");
    assert!(s.contains("lstm.weight_hh_l0_reverse"), "{s}");
    assert!(s.contains("model.safetensors"), "{s}");
    assert!(s.contains("[12, 3]"), "{s}");
}

#[test]
fn renamed_tensor_shows_as_missing_with_the_stray_name() {
    let mut t = good_tensors(&tiny_config());
    for x in &mut t {
        if x.0 == "out.weight" {
            x.0 = "fc4.weight".into();
        }
    }
    let (_, s) = load_err(model_dir(&t).path());
    assert!(s.contains("out.weight") && s.contains("fc4.weight"), "{s}");
}

#[test]
fn wrong_shape_is_named_with_both_shapes() {
    let mut t = good_tensors(&tiny_config());
    let fc2 = t.iter_mut().find(|x| x.0 == "fc2.weight").unwrap();
    fc2.2 = vec![7, 6]; // transposed: [in, out] instead of [out, in]
    let (e, s) = load_err(model_dir(&t).path());
    assert!(matches!(e, ModelError::Shape { .. }), "{e:?}");
    assert!(
        s.contains("fc2.weight") && s.contains("[7, 6]") && s.contains("[6, 7]"),
        "{s}"
    );
}

#[test]
fn wrong_dtype_is_named() {
    let mut t = good_tensors(&tiny_config());
    let b = t.iter_mut().find(|x| x.0 == "fc1.bias").unwrap();
    b.1 = Dtype::F64;
    b.3 = vec![0u8; 7 * 8];
    let (e, s) = load_err(model_dir(&t).path());
    assert!(matches!(e, ModelError::Dtype { .. }), "{e:?}");
    assert!(s.contains("fc1.bias") && s.contains("F64"), "{s}");
}

#[test]
fn extra_tensors_are_listed() {
    let mut t = good_tensors(&tiny_config());
    t.push(("bn.running_mean".into(), Dtype::F32, vec![1], vec![0; 4]));
    let (e, s) = load_err(model_dir(&t).path());
    assert!(matches!(e, ModelError::ExtraTensors { .. }), "{e:?}");
    assert!(s.contains("bn.running_mean"), "{s}");
}

#[test]
fn non_finite_weight_is_named() {
    let mut t = good_tensors(&tiny_config());
    let b = t.iter_mut().find(|x| x.0 == "out.bias").unwrap();
    b.3[8..12].copy_from_slice(&f32::NAN.to_le_bytes());
    let (e, s) = load_err(model_dir(&t).path());
    assert!(matches!(e, ModelError::NonFinite { index: 2, .. }), "{e:?}");
    assert!(s.contains("out.bias"), "{s}");
}

#[test]
fn garbage_weights_file() {
    let dir = model_dir(&good_tensors(&tiny_config()));
    std::fs::write(dir.path().join(WEIGHTS_FILE), b"not a safetensors file").unwrap();
    let (e, s) = load_err(dir.path());
    assert!(matches!(e, ModelError::Safetensors { .. }), "{e:?}");
    assert!(s.contains("model.safetensors"), "{s}");
}

#[test]
fn bad_json_names_the_file() {
    let dir = model_dir(&good_tensors(&tiny_config()));
    std::fs::write(dir.path().join(CONFIG_FILE), "{ \"fc_sizes\": [1, 2").unwrap();
    let (e, s) = load_err(dir.path());
    assert!(matches!(e, ModelError::Json { .. }), "{e:?}");
    assert!(s.contains("model.json"), "{s}");
}

#[test]
fn unknown_config_field_is_refused() {
    let dir = model_dir(&good_tensors(&tiny_config()));
    let mut v = serde_json::to_value(tiny_config()).unwrap();
    v["num_layers"] = 2.into();
    std::fs::write(dir.path().join(CONFIG_FILE), v.to_string()).unwrap();
    let e = Model::load(dir.path()).unwrap_err();
    let chain = format!("{e}: {}", std::error::Error::source(&e).unwrap());
    assert!(chain.contains("num_layers"), "{chain}");
}

#[test]
fn invalid_config_values_are_quoted() {
    let dir = model_dir(&good_tensors(&tiny_config()));
    let mut c = tiny_config();
    c.alphabet = "abca".into();
    std::fs::write(
        dir.path().join(CONFIG_FILE),
        serde_json::to_string(&c).unwrap(),
    )
    .unwrap();
    let e = Model::load(dir.path()).unwrap_err();
    assert!(matches!(e, ModelError::Config { .. }), "{e:?}");
    let cause = std::error::Error::source(&e).unwrap().to_string();
    assert!(
        cause.contains("\"abca\"") && cause.contains("'a'"),
        "{cause}"
    );
}

#[test]
fn specs_follow_the_pytorch_layout() {
    let specs = tensor_specs(&tiny_config());
    let get = |n: &str| specs.iter().find(|s| s.name == n).unwrap().shape.clone();
    assert_eq!(get("fc1.weight"), vec![7, 15]);
    assert_eq!(get("lstm.weight_ih_l0"), vec![12, 5]);
    assert_eq!(get("lstm.weight_hh_l0_reverse"), vec![12, 3]);
    assert_eq!(get("lstm.bias_hh_l0"), vec![12]);
    assert_eq!(get("out.weight"), vec![29, 6]);
    assert_eq!(specs.len(), 16);
}
