//! Simulator speed on the generated engine: build time (cold or cached), load time, and clock
//! cycles per second while the engine runs, for a few configurations.
//!
//! `cargo run -p zeroskip-sim --release --example engine_speed [PES...]` (default 16 64).

use rand::{Rng, SeedableRng};
use std::time::Instant;
use zeroskip_arch::{HwConfig, PackedMatrix};
use zeroskip_sim::EngineSim;

fn main() -> anyhow::Result<()> {
    let pes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    let pes = if pes.is_empty() { vec![16, 64] } else { pes };
    for p in pes {
        let cfg = HwConfig::new(p)?;
        let t = Instant::now();
        let mut e = EngineSim::new(&cfg)?;
        let info = e.model().build_info().clone();
        println!(
            "pes {p}: build {:.2?} ({}), {} warning(s)",
            t.elapsed(),
            if info.cached { "cached" } else { "built" },
            info.warnings.len()
        );
        // 30 % dense, all columns: about 300 entries per row.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let (rows, cols) = (p * 16, cfg.max_cols);
        let data: Vec<i64> = (0..rows * cols)
            .map(|_| {
                if rng.gen_bool(0.3) {
                    rng.gen_range(-32768..32768)
                } else {
                    0
                }
            })
            .collect();
        let m = PackedMatrix::from_dense(&cfg, rows, cols, &data, 1)?;
        let t = Instant::now();
        let t0 = e.model().ticks();
        e.load(&m)?;
        let load_ticks = e.model().ticks() - t0;
        println!(
            "  load {} entries: {load_ticks} cycles in {:.2?}",
            m.total_entries(),
            t.elapsed()
        );
        let x: Vec<i64> = (0..cols).map(|_| rng.gen_range(-32768..32768)).collect();
        let t = Instant::now();
        let t0 = e.model().ticks();
        let runs = 5;
        let mut run_cycles = 0;
        for _ in 0..runs {
            run_cycles += e.run(&x, 16)?.driver_cycles;
        }
        let secs = t.elapsed().as_secs_f64();
        let ticks = e.model().ticks() - t0;
        println!(
            "  {runs} runs: {ticks} cycles ({run_cycles} in the engine, the rest loading x and reading \
             results) in {secs:.2} s = {:.2} M cycles/s",
            ticks as f64 / secs / 1e6
        );
    }
    Ok(())
}
