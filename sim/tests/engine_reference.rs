//! The EngineSim driver against a hand-written behavioural engine that follows the port
//! protocol and timing of `zeroskip_arch`: results equal the golden product, the measured
//! cycles equal the cycle model, and bad inputs are typed errors.

mod common;

use common::*;
use zeroskip_arch::fixed::{max_value, min_value};
use zeroskip_arch::timing::engine_cycles;
use zeroskip_arch::{HwConfig, PackedMatrix};
use zeroskip_sim::{EngineOptions, EngineSim, SimError};

fn reference(cfg: &HwConfig) -> EngineSim {
    EngineSim::from_verilog(
        cfg,
        REFERENCE_ENGINE,
        "zs_ref_engine",
        &reference_options(cfg),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn random_matrices_match_golden_and_cycle_model() {
    let mut interesting = 0;
    for pes in [1usize, 3, 4] {
        let cfg = small_cfg(pes);
        let mut e = reference(&cfg);
        for seed in 0..60u64 {
            let (m, x, shift) = case(&cfg, seed * 7 + pes as u64);
            e.load(&m).unwrap();
            let run = e.run(&x, shift).unwrap();
            let want = golden(&m, &x, shift);
            if let Some(r) = (0..m.rows).find(|&r| run.results[r] != want[r]) {
                panic!(
                    "pes {pes} seed {seed}: row {r} is {} (rtl), {} (golden); {}x{}, shift {shift}",
                    run.results[r], want[r], m.rows, m.cols
                );
            }
            let model = engine_cycles(&m.entries_per_pe());
            assert_eq!(
                (run.cycles, run.driver_cycles),
                (model, model),
                "pes {pes} seed {seed}"
            );
            let sat = |v: i64| v == max_value(cfg.act_bits) || v == min_value(cfg.act_bits);
            interesting += want.iter().filter(|&&v| v != 0 && !sat(v)).count();
        }
    }
    // The cases are not all zeros and saturations.
    assert!(
        interesting > 300,
        "only {interesting} results neither zero nor saturated"
    );
}

#[test]
fn same_matrix_many_vectors() {
    let cfg = small_cfg(3);
    let mut e = reference(&cfg);
    let (m, _, _) = case(&cfg, 1234);
    e.load(&m).unwrap();
    for seed in 0..20 {
        let (_, x, shift) = case(&cfg, 1234);
        let x: Vec<i64> = x.iter().map(|v| v.wrapping_add(seed) % 30000).collect();
        assert_eq!(
            e.run(&x, shift).unwrap().results,
            golden(&m, &x, shift),
            "seed {seed}"
        );
    }
}

#[test]
fn bad_inputs_are_typed_errors() {
    let cfg = small_cfg(3);
    let mut e = reference(&cfg);
    assert!(matches!(e.run(&[1], 0), Err(SimError::NotLoaded)));
    let m = PackedMatrix::from_dense(&cfg, 2, 3, &[1, 2, 3, 4, 5, 6], 1).unwrap();
    let other = PackedMatrix::from_dense(&small_cfg(4), 2, 3, &[1, 2, 3, 4, 5, 6], 1).unwrap();
    assert!(matches!(
        e.load(&other),
        Err(SimError::ConfigMismatch { .. })
    ));
    e.load(&m).unwrap();
    let err = e.run(&[1, 2], 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "vector has 2 values, the loaded matrix has 3 columns"
    );
    let err = e.run(&[1, 40000, 2], 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "activation 40000 at column 1 does not fit in 16 bits"
    );
    let err = e.run(&[1, 2, 3], 48).unwrap_err();
    assert_eq!(
        err.to_string(),
        "shift 48 is larger than the configuration's maximum 47"
    );
    let mut bad = m.clone();
    bad.streams[0].push(1 << 40);
    assert!(matches!(
        e.load(&bad),
        Err(SimError::MatrixShape {
            what: "entry word",
            ..
        })
    ));
    // Still usable after the errors.
    assert_eq!(e.run(&[1, 2, 3], 0).unwrap().results, vec![14, 32]);
}

#[test]
fn a_hung_design_times_out() {
    let cfg = small_cfg(1);
    let mut opts = reference_options(&cfg);
    opts.cycle_limit = Some(3);
    let mut e = EngineSim::from_verilog(&cfg, REFERENCE_ENGINE, "zs_ref_engine", &opts).unwrap();
    let m = PackedMatrix::from_dense(&cfg, 1, 8, &[1; 8], 1).unwrap();
    e.load(&m).unwrap();
    let err = e.run(&[1; 8], 0).unwrap_err();
    assert!(
        matches!(
            err,
            SimError::Timeout {
                limit: 3,
                expected,
                busy: 1
            } if expected == engine_cycles(&[8])
        ),
        "{err}"
    );
}

#[test]
fn a_design_without_the_protocol_ports_is_refused() {
    let cfg = small_cfg(2);
    let v = include_str!("verilog/zs_test_counter.v");
    let err = EngineSim::from_verilog(&cfg, v, "zs_test_counter", &EngineOptions::default())
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "engine port `load_pe` is 0 bits wide, the configuration needs at least 1"
    );
    // A reference engine built with too narrow a data port.
    let mut opts = reference_options(&cfg);
    opts.build.extra_args.push("-GAB=8".into());
    let err = EngineSim::from_verilog(&cfg, REFERENCE_ENGINE, "zs_ref_engine", &opts)
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .starts_with("engine port `load_x_data` is 8 bits wide"),
        "{err}"
    );
}
