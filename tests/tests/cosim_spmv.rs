//! Randomised co-simulation of the sparse engine: the generated RTL, run in Verilator, against
//! the golden model, word for word and cycle for cycle, over more than 1,000 matrices per run of
//! the suite across P ∈ {1, 2, 4, 16}.
//!
//! Each P has its own test (they run in parallel) and its own Verilator build. Cases are first a
//! fixed list of corner cases (1×1, all zeros, full rows, empty rows, extremes that saturate,
//! gaps longer than the index range, 1024×1024), then random shapes, densities and shifts.
//! A failure prints the seed and case; replay one with
//! `ZEROSKIP_COSIM_SEED=<seed> ZEROSKIP_COSIM_ONLY=<case> cargo test -p zeroskip-tests --test cosim_spmv pes_<P>`.
//! `ZEROSKIP_COSIM_CASES=<n>` changes the number of random cases per P.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zeroskip::golden;
use zeroskip::random_matrix::{random_sparse, random_vector};
use zeroskip::spmv::{self, SpmvBackendKind};
use zeroskip_arch::{fixed, HwConfig, PackedMatrix};

/// Random cases per P on top of the corner cases (4 × (corner + random) ≥ 1,000).
const RANDOM_CASES: usize = 240;
const DEFAULT_SEED: u64 = 0x5eed_2026;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
    })
}

/// Configuration under test: every PE's stream memory holds 2^20 / P entries, so even a full
/// 1024×1024 matrix fits.
fn config(pes: usize) -> HwConfig {
    HwConfig {
        pes,
        stream_depth: (1 << 20) / pes,
        ..HwConfig::default()
    }
}

/// One matrix to check: shape, data and the vectors/shifts to run through it.
struct Case {
    name: String,
    rows: usize,
    cols: usize,
    data: Vec<i64>,
    group: usize,
    runs: Vec<(Vec<i64>, u32)>,
}

fn extreme_vector(cols: usize, v: i64) -> Vec<i64> {
    vec![v; cols]
}

/// The corner cases, the same for every P.
fn corner_cases(rng: &mut ChaCha8Rng, cfg: &HwConfig) -> Vec<Case> {
    let (wmin, wmax) = (
        fixed::min_value(cfg.weight_bits),
        fixed::max_value(cfg.weight_bits),
    );
    let (amin, amax) = (
        fixed::min_value(cfg.act_bits),
        fixed::max_value(cfg.act_bits),
    );
    let gap = cfg.max_skip() as usize;
    let mut cases = Vec::new();
    let mut push =
        |name: &str, rows: usize, cols: usize, data: Vec<i64>, runs: Vec<(Vec<i64>, u32)>| {
            cases.push(Case {
                name: name.into(),
                rows,
                cols,
                data,
                group: 1,
                runs,
            });
        };
    push("1x1 zero", 1, 1, vec![0], vec![(vec![amax], 0)]);
    push(
        "1x1 most negative squared",
        1,
        1,
        vec![wmin],
        vec![(vec![amin], 0), (vec![amin], 30), (vec![amin], 47)],
    );
    push(
        "1x1 max times min",
        1,
        1,
        vec![wmax],
        vec![(vec![amin], 15), (vec![amax], 16)],
    );
    for (rows, cols) in [(1, 1024), (1024, 1), (17, 33), (64, 1024)] {
        push(
            &format!("{rows}x{cols} all zero"),
            rows,
            cols,
            vec![0; rows * cols],
            vec![(random_vector(rng, cols, cfg.act_bits), 3)],
        );
    }
    // Full rows of the most negative weight against the most negative activation: the
    // accumulator's largest magnitude; saturates at small shifts.
    push(
        "full rows at the extremes",
        8,
        1024,
        vec![wmin; 8 * 1024],
        vec![
            (extreme_vector(1024, amin), 0),
            (extreme_vector(1024, amin), 40),
            (extreme_vector(1024, amax), 41),
            (extreme_vector(1024, amin), 47),
        ],
    );
    // Empty rows between full ones.
    let mut data = vec![0i64; 9 * 100];
    for r in (0..9).step_by(2) {
        data[r * 100..(r + 1) * 100]
            .iter_mut()
            .for_each(|w| *w = rng.gen_range(wmin..=wmax));
    }
    push(
        "alternate empty and full rows",
        9,
        100,
        data,
        vec![(random_vector(rng, 100, cfg.act_bits), 20)],
    );
    // Gaps longer than the index range: one non-zero at the far end, and gaps of exactly
    // 2^I - 1, 2^I and 2^I + 1 zeros.
    let cols = 1024;
    let mut data = vec![0i64; 4 * cols];
    data[cols - 1] = wmax;
    data[cols + gap] = -7;
    data[2 * cols + gap + 1] = 9;
    data[3 * cols + gap + 2] = wmin;
    data[3 * cols + 2 * gap + 4] = 3;
    push(
        "gaps at and past the index range",
        4,
        cols,
        data,
        vec![
            (random_vector(rng, cols, cfg.act_bits), 0),
            (extreme_vector(cols, amin), 2),
        ],
    );
    // The largest shapes.
    for density in [0.01, 0.1, 1.0] {
        let m = random_sparse(rng, 1024, 1024, density, cfg.weight_bits);
        push(
            &format!("1024x1024 at density {density}"),
            1024,
            1024,
            m.data,
            vec![(random_vector(rng, 1024, cfg.act_bits), 30)],
        );
    }
    // LSTM-style dealing in groups of four rows.
    let m = random_sparse(rng, 4 * 37, 200, 0.2, cfg.weight_bits);
    cases.push(Case {
        name: "groups of 4 rows".into(),
        rows: 4 * 37,
        cols: 200,
        data: m.data,
        group: 4,
        runs: vec![(random_vector(rng, 200, cfg.act_bits), 22)],
    });
    cases
}

/// A random case: shapes mostly small, sometimes large, densities across 0..1, weights either
/// uniform or at the extremes.
fn random_case(rng: &mut ChaCha8Rng, cfg: &HwConfig, k: usize) -> Case {
    let size = |rng: &mut ChaCha8Rng| match rng.gen_range(0..10) {
        0..=5 => rng.gen_range(1..=40),
        6..=8 => rng.gen_range(1..=300),
        _ => rng.gen_range(1..=1024),
    };
    let (rows, cols) = (size(rng), size(rng));
    let density = match rng.gen_range(0..6) {
        0 => 0.0,
        1 => 1.0,
        2 => rng.gen_range(0.0..0.02),
        _ => rng.gen::<f64>(),
    };
    let mut m = random_sparse(rng, rows, cols, density, cfg.weight_bits);
    if rng.gen_bool(0.15) {
        let (lo, hi) = (
            fixed::min_value(cfg.weight_bits),
            fixed::max_value(cfg.weight_bits),
        );
        m.data
            .iter_mut()
            .filter(|w| **w != 0)
            .for_each(|w| *w = if rng.gen() { lo } else { hi });
    }
    let runs = (0..rng.gen_range(1..=2))
        .map(|_| {
            let x = random_vector(rng, cols, cfg.act_bits);
            let shift = if rng.gen_bool(0.1) {
                rng.gen_range(0..=cfg.max_shift())
            } else {
                rng.gen_range(8..=32)
            };
            (x, shift)
        })
        .collect();
    Case {
        name: format!("random {k}: {rows}x{cols} at density {density:.3}"),
        rows,
        cols,
        data: m.data,
        group: [1, 1, 1, 4][k % 4],
        runs,
    }
}

fn cosim(pes: usize) {
    let cfg = config(pes);
    let seed = env_u64("ZEROSKIP_COSIM_SEED").unwrap_or(DEFAULT_SEED) ^ pes as u64;
    let only = env_u64("ZEROSKIP_COSIM_ONLY").map(|v| v as usize);
    let random = env_u64("ZEROSKIP_COSIM_CASES")
        .map(|v| v as usize)
        .unwrap_or(RANDOM_CASES);
    let mut backend = spmv::open(SpmvBackendKind::Sim, &cfg)
        .unwrap_or_else(|e| panic!("cannot build the RTL for P={pes}: {e}"));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut cases = corner_cases(&mut rng, &cfg);
    let corner = cases.len();
    cases.extend((0..random).map(|k| random_case(&mut rng, &cfg, k)));
    let (mut words, mut cycles_total) = (0usize, 0u64);
    for (i, case) in cases.iter().enumerate() {
        if only.is_some_and(|o| o != i) {
            continue;
        }
        let ctx = format!("P={pes}, case {i} ({}), seed {seed:#x}: replay with ZEROSKIP_COSIM_SEED={} ZEROSKIP_COSIM_ONLY={i}", case.name, seed ^ pes as u64);
        let m = PackedMatrix::from_dense(&cfg, case.rows, case.cols, &case.data, case.group)
            .unwrap_or_else(|e| panic!("{ctx}: pack: {e}"));
        backend
            .load(&m)
            .unwrap_or_else(|e| panic!("{ctx}: load: {e}"));
        for (r, (x, shift)) in case.runs.iter().enumerate() {
            let expect =
                golden::spmv(&m, x, *shift).unwrap_or_else(|e| panic!("{ctx}: golden: {e}"));
            let got = backend
                .run(x, *shift)
                .unwrap_or_else(|e| panic!("{ctx}: run {r}: {e}"));
            if let Some(row) = (0..m.rows).find(|&row| got.y[row] != expect[row]) {
                panic!(
                    "{ctx}: run {r} (shift {shift}): row {row}: RTL {} != golden {}",
                    got.y[row], expect[row]
                );
            }
            assert_eq!(
                got.cycles,
                golden::cycles(&m),
                "{ctx}: run {r}: RTL cycles != cycle model"
            );
            words += expect.len();
            cycles_total += got.cycles;
        }
    }
    eprintln!("P={pes}: {} matrices ({corner} corner, {random} random), {words} words equal, {cycles_total} cycles equal to the model", cases.len());
    assert!(
        only.is_some() || cases.len() >= 250,
        "P={pes}: only {} matrices",
        cases.len()
    );
}

#[test]
fn pes_1() {
    cosim(1);
}

#[test]
fn pes_2() {
    cosim(2);
}

#[test]
fn pes_4() {
    cosim(4);
}

#[test]
fn pes_16() {
    cosim(16);
}
