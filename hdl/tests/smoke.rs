//! Verilator smoke test of the generated engine against the software model in `arch`: random
//! sparse matrices (empty rows, full rows, long zero runs bridged by padding, extreme values
//! that saturate) are packed, loaded through the ports of `zeroskip_arch::ports`, run, and
//! every result and the cycle count are compared with `fixed::requantize` and
//! `timing::engine_cycles`. The full co-simulation lives in `zeroskip-sim`; this only checks
//! that the RTL handed to it works.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use zeroskip_arch::fixed::{max_value, min_value, requantize, sign_extend, to_bits};
use zeroskip_arch::timing::engine_cycles;
use zeroskip_arch::{HwConfig, PackedMatrix};

/// Builds the Verilator testbench for `cfg` in its own directory and returns the binary.
fn build(name: &str, cfg: &HwConfig) -> PathBuf {
    let verilator = zeroskip_tools::VERILATOR.find().expect("verilator");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("smoke-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let v = zeroskip_hdl::generate_verilog(cfg).unwrap();
    std::fs::write(dir.join("zeroskip_engine.v"), v).unwrap();
    let tb = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smoke/tb.cpp");
    let out = Command::new(&verilator.path)
        .current_dir(&dir)
        .args(["--cc", "--exe", "--build", "-j", "2", "-Wall", "-Wno-fatal"])
        .args(["--top-module", zeroskip_hdl::TOP_MODULE, "-CFLAGS", "-Os"])
        .args(["-o", "tb", "zeroskip_engine.v"])
        .arg(&tb)
        .output()
        .expect("run verilator");
    let log = String::from_utf8_lossy(&out.stderr);
    for line in log.lines().filter(|l| l.starts_with("%Warning")) {
        eprintln!("verilator: {line}");
    }
    assert!(out.status.success(), "verilator build failed:\n{log}");
    let warnings = log.lines().filter(|l| l.starts_with("%Warning")).count();
    assert_eq!(warnings, 0, "verilator -Wall warnings on the engine");
    dir.join("obj_dir/tb")
}

/// Runs the testbench on a command script and returns its output lines.
fn run_tb(tb: &Path, script: &str) -> Vec<String> {
    let mut child = Command::new(tb)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "testbench failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// One run: a packed matrix, its dense form, an activation vector and a shift; `hold` edges of
/// start (more than one must be ignored), and optionally a run aborted by reset after `abort`
/// edges before it.
struct Case {
    packed: PackedMatrix,
    dense: Vec<i64>,
    x: Vec<i64>,
    shift: u32,
    hold: u64,
    abort: Option<u64>,
}

/// A random case that fits the configuration's memories.
fn random_case(rng: &mut ChaCha8Rng, cfg: &HwConfig, shift: u32) -> Case {
    loop {
        if let Some(case) = try_random_case(rng, cfg, shift) {
            return case;
        }
    }
}

fn try_random_case(rng: &mut ChaCha8Rng, cfg: &HwConfig, shift: u32) -> Option<Case> {
    let rows = rng.gen_range(1..=cfg.max_rows_per_pe * cfg.pes);
    let cols = rng.gen_range(1..=cfg.max_cols);
    let density: f64 = [0.0, 0.02, 0.1, 0.5, 1.0][rng.gen_range(0..5)];
    let extreme = rng.gen_bool(0.3);
    let (wmin, wmax) = (min_value(cfg.weight_bits), max_value(cfg.weight_bits));
    let (amin, amax) = (min_value(cfg.act_bits), max_value(cfg.act_bits));
    let mut dense: Vec<i64> = (0..rows * cols)
        .map(|_| {
            if !rng.gen_bool(density) {
                0
            } else if extreme {
                [wmin, wmax][rng.gen_range(0..2)]
            } else {
                rng.gen_range(wmin..=wmax)
            }
        })
        .collect();
    // A full row and an empty row whenever there is room.
    if rows > 2 {
        for c in 0..cols {
            dense[c] = rng.gen_range(wmin..=wmax);
            dense[cols + c] = 0;
        }
    }
    let x: Vec<i64> = (0..cols)
        .map(|_| {
            if extreme {
                [amin, amax][rng.gen_range(0..2)]
            } else {
                rng.gen_range(amin..=amax)
            }
        })
        .collect();
    let group = [1, 4][rng.gen_range(0..2)];
    let packed = match PackedMatrix::from_dense(cfg, rows, cols, &dense, group) {
        Ok(p) => p,
        Err(zeroskip_arch::PackError::TooManyEntries { .. })
        | Err(zeroskip_arch::PackError::TooManyRows { .. }) => return None,
        Err(e) => panic!("{e}"),
    };
    let hold = [1, 1, 3][rng.gen_range(0..3)];
    let abort = rng.gen_bool(0.2).then(|| rng.gen_range(1..20));
    Some(Case {
        packed,
        dense,
        x,
        shift,
        hold,
        abort,
    })
}

/// Loads and runs each case in turn on a fresh testbench; checks results and cycles.
fn check(tb: &Path, cfg: &HwConfig, cases: &[Case]) {
    let mut script = String::new();
    for case in cases {
        let p = &case.packed;
        for (pe, stream) in p.streams.iter().enumerate() {
            for (k, word) in stream.iter().enumerate() {
                script += &format!("S {pe} {k} {word}\n");
            }
            script += &format!("C {pe} {}\n", stream.len());
        }
        for (c, v) in case.x.iter().enumerate() {
            script += &format!("X {c} {}\n", to_bits(*v, cfg.act_bits));
        }
        if let Some(n) = case.abort {
            script += &format!("A {} {n}\n", case.shift);
        }
        script += &format!("R {} {}\n", case.shift, case.hold);
        for (pe, rows) in p.rows_by_pe.iter().enumerate() {
            for j in 0..rows.len() {
                script += &format!("Q {pe} {j}\n");
            }
        }
    }
    std::fs::write(tb.with_file_name("script.txt"), &script).unwrap();
    let out = run_tb(tb, &script);
    let mut lines = out.iter();
    for (n, case) in cases.iter().enumerate() {
        let p = &case.packed;
        let line = lines.next().expect("cycles line");
        let f: Vec<&str> = line.split_whitespace().collect();
        let want = engine_cycles(&p.entries_per_pe());
        assert_eq!(f[0], "cycles", "case {n}: {line}");
        assert_eq!(
            f[1].parse::<u64>().unwrap(),
            want,
            "case {n}: counted edges"
        );
        assert_eq!(f[2].parse::<u64>().unwrap(), want, "case {n}: cycles port");
        assert_eq!(f[4], "1", "case {n}: busy after start");
        assert_eq!(f[6], "0", "case {n}: busy at done");
        for (pe, rows) in p.rows_by_pe.iter().enumerate() {
            for (j, &r) in rows.iter().enumerate() {
                let acc: i64 = (0..p.cols)
                    .map(|c| case.dense[r * p.cols + c] * case.x[c])
                    .sum();
                let want = requantize(acc, case.shift, cfg.act_bits);
                let line = lines.next().expect("result line");
                let raw: u64 = line.strip_prefix("result ").unwrap().parse().unwrap();
                assert!(
                    raw >> cfg.act_bits == 0,
                    "case {n}: upper bits set in {raw:#x}"
                );
                let got = sign_extend(raw, cfg.act_bits);
                assert_eq!(
                    got, want,
                    "case {n}: PE {pe} result {j} (row {r}), acc {acc}"
                );
            }
        }
    }
}

#[test]
fn engine_matches_golden_model_p3_with_padding() {
    let cfg = HwConfig {
        pes: 3,
        index_bits: 2,
        max_cols: 64,
        stream_depth: 1024,
        max_rows_per_pe: 16,
        ..HwConfig::default()
    };
    let tb = build("p3", &cfg);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let shifts = [0, 1, 7, 15, 20, cfg.max_shift()];
    let cases: Vec<Case> = (0..24)
        .map(|i| random_case(&mut rng, &cfg, shifts[i % shifts.len()]))
        .collect();
    check(&tb, &cfg, &cases);
}

#[test]
fn engine_matches_golden_model_smallest_memories_p2() {
    // Every memory at its smallest depth: one column, one entry and one row per PE, so every
    // stream fills its memory and every cursor wraps.
    let cfg = HwConfig {
        pes: 2,
        index_bits: 1,
        max_cols: 1,
        stream_depth: 1,
        max_rows_per_pe: 1,
        ..HwConfig::default()
    };
    let tb = build("tiny", &cfg);
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let cases: Vec<Case> = (0..16)
        .map(|i| random_case(&mut rng, &cfg, [0, 3, cfg.max_shift()][i % 3]))
        .collect();
    check(&tb, &cfg, &cases);
}

#[test]
fn engine_matches_golden_model_narrow_widths_p1() {
    let mut cfg = HwConfig {
        pes: 1,
        weight_bits: 8,
        act_bits: 6,
        index_bits: 3,
        max_cols: 32,
        stream_depth: 2048,
        max_rows_per_pe: 32,
        ..HwConfig::default()
    };
    cfg.acc_bits = cfg.min_acc_bits();
    let tb = build("narrow", &cfg);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let cases: Vec<Case> = (0..12)
        .map(|i| random_case(&mut rng, &cfg, [0, 2, 5, cfg.max_shift()][i % 4]))
        .collect();
    check(&tb, &cfg, &cases);
}
