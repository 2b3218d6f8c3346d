//! Embeds the default model when there is one: if `models/default/model.json` exists, sets
//! the cfg `zeroskip_default_model` (and `zeroskip_default_calibration` when
//! `calibration.json` is there too) and `ZEROSKIP_DEFAULT_MODEL_DIR`, the folder that
//! `src/model/default.rs` includes the files from. `ZEROSKIP_DEFAULT_MODEL=<folder>` in the
//! build's environment embeds another folder instead (to try a model without copying it into
//! the tree). See `models/default/README.md`.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(zeroskip_default_model)");
    println!("cargo::rustc-check-cfg=cfg(zeroskip_default_calibration)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=ZEROSKIP_DEFAULT_MODEL");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dir = match std::env::var_os("ZEROSKIP_DEFAULT_MODEL") {
        Some(d) if !d.is_empty() => manifest.join(d),
        _ => manifest.join("models").join("default"),
    };
    // A folder: cargo looks at every file in it, so adding or replacing one reruns this.
    println!("cargo::rerun-if-changed={}", dir.display());
    if !dir.join("model.json").is_file() {
        return;
    }
    if !dir.join("model.safetensors.gz").is_file() {
        let hint = if dir.join("model.safetensors").is_file() {
            "; compress the weights with `gzip -9 -n model.safetensors`"
        } else {
            ""
        };
        println!(
            "cargo::error={} holds model.json but no model.safetensors.gz{hint}",
            dir.display()
        );
        return;
    }
    println!("cargo::rustc-cfg=zeroskip_default_model");
    println!(
        "cargo::rustc-env=ZEROSKIP_DEFAULT_MODEL_DIR={}",
        dir.display()
    );
    if dir.join("calibration.json").is_file() {
        println!("cargo::rustc-cfg=zeroskip_default_calibration");
    }
}
