//! Co-simulation of the generated engine (`zeroskip_hdl::generate_verilog`) against the golden
//! product on small random matrices: every result word equal, and the measured cycles equal to
//! the cycle model of `zeroskip_arch::timing`. The lead's randomised suite in `tests/` goes
//! much further; this keeps the crate honest on its own.

mod common;

use common::*;
use zeroskip_arch::timing::engine_cycles;
use zeroskip_arch::PackedMatrix;
use zeroskip_sim::EngineSim;

#[test]
fn generated_engine_matches_golden_and_cycle_model() {
    for pes in [1usize, 3, 4] {
        let cfg = small_cfg(pes);
        let mut e = EngineSim::new(&cfg).unwrap_or_else(|err| panic!("pes {pes}: {err}"));
        let t0 = std::time::Instant::now();
        let ticks0 = e.model().ticks();
        for seed in 0..40u64 {
            let (m, x, shift) = case(&cfg, seed * 11 + pes as u64);
            e.load(&m).unwrap();
            let run = e.run(&x, shift).unwrap();
            let want = golden(&m, &x, shift);
            if let Some(r) = (0..m.rows).find(|&r| run.results[r] != want[r]) {
                panic!(
                    "pes {pes} seed {seed}: row {r} is {} (rtl), {} (golden); {}x{}, group {}, shift {shift}",
                    run.results[r], want[r], m.rows, m.cols, m.group
                );
            }
            let model = engine_cycles(&m.entries_per_pe());
            assert_eq!(
                run.cycles, model,
                "pes {pes} seed {seed}: cycles port vs cycle model"
            );
            assert_eq!(
                run.driver_cycles, model,
                "pes {pes} seed {seed}: driver count vs cycle model"
            );
        }
        let ticks = e.model().ticks() - ticks0;
        eprintln!(
            "pes {pes}: {ticks} cycles in {:?} ({:.2} M cycles/s, load and read-back included)",
            t0.elapsed(),
            ticks as f64 / t0.elapsed().as_secs_f64() / 1e6
        );
    }
}

#[test]
fn generated_engine_extremes_saturate() {
    let cfg = small_cfg(2);
    let mut e = EngineSim::new(&cfg).unwrap_or_else(|err| panic!("{err}"));
    let min = zeroskip_arch::fixed::min_value(16);
    let max = zeroskip_arch::fixed::max_value(16);
    // Full rows of the most negative weight against the most negative / largest activation.
    let cols = cfg.max_cols;
    let data: Vec<i64> = (0..4 * cols)
        .map(|i| {
            if (i / cols).is_multiple_of(2) {
                min
            } else {
                max
            }
        })
        .collect();
    let m = PackedMatrix::from_dense(&cfg, 4, cols, &data, 1).unwrap();
    e.load(&m).unwrap();
    for x in [
        vec![min; cols],
        vec![max; cols],
        (0..cols as i64)
            .map(|c| if c % 2 == 0 { min } else { max })
            .collect(),
    ] {
        for shift in [0, 1, 15, 16, 31, 32, cfg.max_shift()] {
            let run = e.run(&x, shift).unwrap();
            assert_eq!(run.results, golden(&m, &x, shift), "shift {shift}");
        }
    }
}
