//! `zeroskip features` (being built).

/// Arguments of `zeroskip features`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `zeroskip features`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`zeroskip features` is not built yet")
}
