//! Per-call overhead of the generic layer on a tiny design: ticks driven one call at a time
//! (with a port read after each, as the engine driver does) against many ticks in one call.
//!
//! `cargo run -p zeroskip-sim --release --example tick_overhead`

use std::time::Instant;
use zeroskip_sim::{BuildOptions, Model};

fn main() -> anyhow::Result<()> {
    let v = include_str!("../tests/verilog/zs_test_counter.v");
    let mut m = Model::build(v, "zs_test_counter", &BuildOptions::default())?;
    let (inc, count) = (m.input("inc")?, m.port("count")?);
    m.set_port(inc, 1);
    let n = 5_000_000u64;
    let t = Instant::now();
    let mut sum = 0;
    for _ in 0..n {
        m.tick();
        sum += m.get_port(count);
    }
    let one = t.elapsed().as_secs_f64();
    let t = Instant::now();
    m.ticks_n(n);
    let many = t.elapsed().as_secs_f64();
    println!(
        "tick() + get_port(): {:.1} M cycles/s; ticks_n(): {:.1} M cycles/s (checksum {sum})",
        n as f64 / one / 1e6,
        n as f64 / many / 1e6
    );
    Ok(())
}
