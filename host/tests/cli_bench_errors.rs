//! Bad input to `zeroskip bench spmv` is a clear error naming the problem, with exit code 1,
//! never a panic.

use std::process::Command;

fn bench(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zeroskip"))
        .arg("bench")
        .arg("spmv")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_error(args: &[&str], needle: &str) {
    let (code, _, err) = bench(args);
    assert_eq!(code, 1, "{args:?}: exit code {code}, stderr: {err}");
    assert!(
        err.contains(needle),
        "{args:?}: stderr lacks {needle:?}:\n{err}"
    );
    assert!(!err.contains("panicked"), "{args:?} panicked:\n{err}");
}

#[test]
fn matrix_wider_than_the_configuration() {
    assert_error(
        &["--cols", "2000", "--rows", "4"],
        "matrix has 2000 columns, the configuration allows at most 1024",
    );
}

#[test]
fn widths_out_of_range() {
    assert_error(&["--weight-bits", "40"], "weight width 40 is out of range");
    assert_error(&["--index-bits", "0"], "index width 0 is out of range");
    assert_error(&["--pes", "0"], "number of PEs 0 is out of range");
    assert_error(
        &["--stream-depth", "1000"],
        "stream_depth 1000 must be a power of two",
    );
}

#[test]
fn missing_and_malformed_matrix_files() {
    assert_error(
        &["--matrix", "/nonexistent/weights.txt"],
        "cannot read matrix file /nonexistent/weights.txt",
    );
    let dir = std::env::temp_dir().join(format!("zeroskip-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "1 2 3\n4 five 6\n").unwrap();
    assert_error(
        &["--matrix", bad.to_str().unwrap()],
        "bad.txt:2: \"five\" is not an integer",
    );
    let big = dir.join("big.txt");
    std::fs::write(&big, "70000 0\n").unwrap();
    assert_error(
        &["--matrix", big.to_str().unwrap()],
        "weight 70000 at row 0, column 0 does not fit in 16 bits",
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_density_and_shift() {
    assert_error(&["--density", "1.5"], "--density 1.5 is outside 0..=1");
    assert_error(
        &["--shift", "60", "--rows", "2", "--cols", "2"],
        "shift 60 is larger than the maximum 47",
    );
}

#[test]
fn golden_bench_reports_the_figures() {
    let (code, out, err) = bench(&[
        "--pes",
        "4",
        "--rows",
        "64",
        "--cols",
        "128",
        "--density",
        "0.2",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["mismatches"], 0);
    assert_eq!(v["cycles"], v["cycles_model"]);
    let util = v["pe_utilization"].as_f64().unwrap();
    assert!(util > 0.5 && util <= 1.0, "{util}");
    assert!(v["bits_per_nnz"].as_f64().unwrap() >= 23.0);
}
