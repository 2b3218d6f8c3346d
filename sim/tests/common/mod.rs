//! Shared helpers of the engine tests: a 15-line golden sparse product (the cursor semantics of
//! `zeroskip_arch::stream`), random matrices and vectors that hit the corners, and the build
//! options of the hand-written reference engine.
#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use zeroskip_arch::config::clog2;
use zeroskip_arch::fixed::{max_value, min_value, requantize};
use zeroskip_arch::{Entry, HwConfig, PackedMatrix};
use zeroskip_sim::{BuildOptions, EngineOptions};

/// The golden product: walk each PE's entries, accumulate, requantise on `last`.
pub fn golden(m: &PackedMatrix, x: &[i64], shift: u32) -> Vec<i64> {
    let mut y = vec![0i64; m.rows];
    for (pe, stream) in m.streams.iter().enumerate() {
        let (mut acc, mut cursor, mut j) = (0i64, 0usize, 0usize);
        for &word in stream {
            let e = Entry::decode(word, &m.cfg);
            cursor += e.skip as usize;
            acc += e.weight * x[cursor];
            cursor += 1;
            if e.last {
                y[m.rows_by_pe[pe][j]] = requantize(acc, shift, m.cfg.act_bits);
                (acc, cursor, j) = (0, 0, j + 1);
            }
        }
    }
    y
}

/// A value of `bits` bits, often an extreme.
pub fn value(rng: &mut ChaCha8Rng, bits: u32) -> i64 {
    match rng.gen_range(0..8) {
        0 => min_value(bits),
        1 => max_value(bits),
        2 => 0,
        3 => rng.gen_range(-3..=3),
        _ => rng.gen_range(min_value(bits)..=max_value(bits)),
    }
}

/// A random `rows x cols` case: the packed matrix, a vector and a shift. Densities include
/// all-zero and full rows; sizes sweep 1, 2^k and 2^k +- 1.
pub fn case(cfg: &HwConfig, seed: u64) -> (PackedMatrix, Vec<i64>, u32) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let sizes = [1usize, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33];
    let cols = sizes[rng.gen_range(0..sizes.len())].min(cfg.max_cols);
    let rows = sizes[rng.gen_range(0..sizes.len())];
    let density = [0.0, 0.05, 0.3, 0.7, 1.0][rng.gen_range(0..5)];
    let data: Vec<i64> = (0..rows * cols)
        .map(|_| {
            if rng.gen_bool(density) {
                value(&mut rng, cfg.weight_bits)
            } else {
                0
            }
        })
        .collect();
    let group = [1, 4][rng.gen_range(0..2)];
    let m = PackedMatrix::from_dense(cfg, rows, cols, &data, group).expect("case packs");
    let x = (0..cols).map(|_| value(&mut rng, cfg.act_bits)).collect();
    let shifts = [
        0,
        1,
        cfg.act_bits,
        cfg.act_bits + 4,
        cfg.weight_bits + cfg.act_bits,
        cfg.max_shift(),
    ];
    let shift = if rng.gen_bool(0.5) {
        shifts[rng.gen_range(0..shifts.len())]
    } else {
        rng.gen_range(0..=cfg.max_shift())
    };
    (m, x, shift)
}

/// A small configuration for the tests: `pes` PEs, 3-bit skips (padding is common).
pub fn small_cfg(pes: usize) -> HwConfig {
    let cfg = HwConfig {
        pes,
        index_bits: 3,
        max_cols: 64,
        stream_depth: 4096,
        max_rows_per_pe: 64,
        ..HwConfig::default()
    };
    cfg.validate().unwrap();
    cfg
}

/// Options that build the hand-written reference engine for `cfg`.
pub fn reference_options(cfg: &HwConfig) -> EngineOptions {
    let g = |k: &str, v: u64| format!("-G{k}={v}");
    EngineOptions {
        build: BuildOptions {
            extra_args: vec![
                g("PES", cfg.pes as u64),
                g("WB", cfg.weight_bits as u64),
                g("IB", cfg.index_bits as u64),
                g("AB", cfg.act_bits as u64),
                g("COLS", cfg.max_cols as u64),
                g("DEPTH", cfg.stream_depth as u64),
                g("ROWS", cfg.max_rows_per_pe as u64),
                g("PSB", cfg.pe_sel_bits() as u64),
                g("SAB", cfg.stream_addr_bits() as u64),
                g("CB", clog2(cfg.stream_depth + 1) as u64),
                g("XAB", cfg.col_addr_bits() as u64),
                g("RAB", cfg.row_addr_bits() as u64),
                g("SHB", cfg.shift_bits() as u64),
                g("LAT", zeroskip_arch::timing::PIPELINE_LATENCY),
            ],
            ..BuildOptions::default()
        },
        cycle_limit: None,
    }
}

/// The reference engine's Verilog.
pub const REFERENCE_ENGINE: &str = include_str!("../verilog/zs_ref_engine.v");
