//! Gzipped weights (`model.safetensors.gz`): they load to exactly the model the plain file
//! gives, under both path conventions and from bytes; a pruned model shrinks several times;
//! a corrupt or truncated stream, and a folder holding both files, are errors naming the files.

use std::path::Path;
use zeroskip::model::{
    gzip, Model, ModelConfig, ModelError, ModelPaths, WEIGHTS_FILE, WEIGHTS_GZ_FILE,
};
use zeroskip::quant::prune_magnitude;

fn tiny() -> ModelConfig {
    ModelConfig {
        fc_sizes: [24, 20, 16],
        lstm_hidden: 8,
        ..ModelConfig::default()
    }
}

/// Replaces `dir/model.safetensors` by `dir/model.safetensors.gz`; returns (plain, gz) sizes.
fn gzip_in_place(weights: &Path) -> (usize, usize) {
    let plain = std::fs::read(weights).unwrap();
    let z = gzip(&plain);
    let mut gz = weights.as_os_str().to_owned();
    gz.push(".gz");
    std::fs::write(&gz, &z).unwrap();
    std::fs::remove_file(weights).unwrap();
    (plain.len(), z.len())
}

#[test]
fn gzipped_weights_load_exactly_like_plain() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = Model::random(tiny(), 5).unwrap();
    prune_magnitude(&mut m.weights, 0.9);
    let folder = dir.path().join("m");
    m.save(&folder).unwrap();
    let plain = Model::load(&folder).unwrap();
    assert_eq!(plain, m);
    let (plain_bytes, gz_bytes) = gzip_in_place(&folder.join(WEIGHTS_FILE));
    assert!(!folder.join(WEIGHTS_FILE).exists());
    assert_eq!(Model::load(&folder).unwrap(), plain);
    // 90 % zeros: the zeros compress to nearly nothing, the random non-zeros do not.
    assert!(
        gz_bytes * 5 < plain_bytes,
        "{plain_bytes} bytes gzip to {gz_bytes}"
    );

    // The .json convention finds `tiny.safetensors.gz`.
    let json = dir.path().join("tiny.json");
    let paths = m.save(&json).unwrap();
    gzip_in_place(&paths.weights);
    assert_eq!(Model::load(&json).unwrap(), m);

    // From bytes, as the compiled-in model is loaded.
    let (config, weights) = m.to_bytes().unwrap();
    let loaded = Model::from_bytes(
        &config,
        Path::new("c.json"),
        &gzip(&weights),
        Path::new("w.gz"),
    )
    .unwrap();
    assert_eq!(loaded, m);
}

#[test]
fn corrupt_gzip_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("m");
    Model::random(tiny(), 6).unwrap().save(&folder).unwrap();
    gzip_in_place(&folder.join(WEIGHTS_FILE));
    let gz = folder.join(WEIGHTS_GZ_FILE);
    let good = std::fs::read(&gz).unwrap();
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    for (what, bytes) in [
        ("truncated", good[..good.len() / 2].to_vec()),
        ("no trailer", good[..good.len() - 8].to_vec()),
        ("flipped byte", flipped),
    ] {
        std::fs::write(&gz, &bytes).unwrap();
        let e = Model::load(&folder).unwrap_err();
        assert!(matches!(e, ModelError::Gzip { .. }), "{what}: {e:?}");
        let msg = e.to_string();
        assert!(
            msg.contains(gz.to_str().unwrap()) && msg.contains("gzip"),
            "{what}: {msg}"
        );
    }
    // A valid gzip stream of something that is not safetensors names the .gz file too.
    std::fs::write(&gz, gzip(b"not a safetensors file at all")).unwrap();
    let e = Model::load(&folder).unwrap_err();
    assert!(matches!(e, ModelError::Safetensors { .. }), "{e:?}");
    assert!(e.to_string().contains(WEIGHTS_GZ_FILE), "{e}");
}

#[test]
fn plain_and_gzipped_weights_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("m");
    let m = Model::random(tiny(), 7).unwrap();
    m.save(&folder).unwrap();
    let plain = std::fs::read(folder.join(WEIGHTS_FILE)).unwrap();
    std::fs::write(folder.join(WEIGHTS_GZ_FILE), gzip(&plain)).unwrap();
    let e = Model::load(&folder).unwrap_err();
    assert!(matches!(e, ModelError::TwoWeightFiles { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains(WEIGHTS_GZ_FILE) && msg.contains("model.safetensors and"),
        "{msg}"
    );
    let paths = ModelPaths::resolve(&folder);
    assert_eq!(paths.weights_gz(), folder.join(WEIGHTS_GZ_FILE));
}
