//! The `zeroskip-hdl` binary: `generate` writes the file it names, bad values are errors that
//! quote them (exit 1) or argument errors (exit 2), never panics; `synth --json` prints one
//! JSON object with a DSP per PE.

use std::path::Path;
use std::process::{Command, Output};

fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zeroskip-hdl"))
        .args(args)
        .output()
        .expect("run zeroskip-hdl")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn generate_writes_the_top_module_file() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-generate");
    let _ = std::fs::remove_dir_all(&dir);
    let out = bin(&["generate", "--pes", "3", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let v = std::fs::read_to_string(dir.join("zeroskip_engine.v")).unwrap();
    assert!(v.contains("module zeroskip_engine("));
    assert!(v.contains("pes=3 "));
}

#[test]
fn bad_values_are_named_and_never_panic() {
    let cases: [(&[&str], i32, &str); 5] = [
        (
            &["generate", "--pes", "0", "--out", "x"],
            1,
            "number of PEs 0",
        ),
        (&["synth", "--max-cols", "1000"], 1, "max_cols 1000"),
        (
            &["generate", "--pes", "2", "--acc-bits", "20", "--out", "x"],
            1,
            "accumulator width 20",
        ),
        (
            &["generate", "--pes", "two", "--out", "x"],
            2,
            "invalid value 'two'",
        ),
        (&["generate", "--pes", "2"], 2, "--out"),
    ];
    for (args, code, want) in cases {
        let out = bin(args);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {t}");
        assert!(t.contains(want), "{args:?} should name {want}: {t}");
        assert!(!t.contains("panicked"), "{t}");
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-not-a-dir");
    std::fs::write(&dir, "a file").unwrap();
    let out = bin(&["generate", "--pes", "1", "--out", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains(dir.to_str().unwrap()), "{}", text(&out));
}

#[test]
fn help_teaches_the_commands() {
    let t = text(&bin(&["--help"]));
    for word in ["generate", "synth", "ports", "Examples", "Exit status"] {
        assert!(t.contains(word), "{word} missing from --help:\n{t}");
    }
    let t = text(&bin(&["synth", "--help"]));
    for word in ["--pes", "--json", "--stream-depth", "[default: 8192]"] {
        assert!(t.contains(word), "{word} missing from synth --help:\n{t}");
    }
}

#[test]
fn synth_json_counts_one_dsp_per_pe() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-synth");
    let out = bin(&[
        "synth",
        "--pes",
        "2",
        "--stream-depth",
        "512",
        "--max-cols",
        "64",
        "--max-rows-per-pe",
        "64",
        "--json",
        "--keep",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["top"], "zeroskip_engine");
    assert_eq!(v["dsp"], 2, "{v}");
    assert_eq!(v["config"]["pes"], 2);
    for key in ["lut", "ff", "bram18", "bram36", "lutram"] {
        assert!(v[key].is_u64(), "{key} in {v}");
    }
    assert!(v["ff"].as_u64().unwrap() > 0 && v["lut"].as_u64().unwrap() > 0);
    assert!(dir.join("yosys.log").exists());
}
