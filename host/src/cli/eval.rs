//! `zeroskip eval` (being built).

/// Arguments of `zeroskip eval`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `zeroskip eval`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`zeroskip eval` is not built yet")
}
