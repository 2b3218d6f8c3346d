//! `zeroskip transcribe` (being built).

/// Arguments of `zeroskip transcribe`.
#[derive(clap::Args, Debug)]
pub struct Args {}

/// Runs `zeroskip transcribe`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`zeroskip transcribe` is not built yet")
}
