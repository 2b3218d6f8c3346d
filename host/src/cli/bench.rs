//! `zeroskip bench`: benchmark figures (being built).

/// Benchmarks.
#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {}

/// Runs a benchmark.
pub fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {}
}
