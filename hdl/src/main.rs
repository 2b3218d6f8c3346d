//! `zeroskip-hdl`: writes the sparse engine's Verilog for a configuration and estimates its
//! resources with yosys. Thin: parses, builds a validated `HwConfig`, calls the library.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use zeroskip_arch::HwConfig;
use zeroskip_hdl::{generate_verilog, synth, top_ports, TOP_MODULE};

const AFTER_HELP: &str = "\
Examples:
  zeroskip-hdl generate --pes 16 --out build/rtl      # writes build/rtl/zeroskip_engine.v
  zeroskip-hdl synth --pes 16                         # LUT/FF/DSP/BRAM table (yosys)
  zeroskip-hdl synth --pes 4 --stream-depth 2048 --json
  zeroskip-hdl ports                                  # the top module's ports and widths

The port protocol is documented in arch/src/ports.rs, the hardware in docs/HARDWARE.md.
yosys is found on PATH or through $ZEROSKIP_YOSYS.
Exit status: 0 success, 1 error (bad configuration, I/O, yosys failure), 2 bad arguments.";

#[derive(Parser)]
#[command(
    name = "zeroskip-hdl",
    version,
    about = "Generate the zeroskip sparse engine as Verilog and estimate its FPGA resources",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write the engine's Verilog to DIR/zeroskip_engine.v (DIR is created if missing).
    Generate {
        #[command(flatten)]
        cfg: ConfigArgs,
        /// Output directory.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Generate the Verilog, run `yosys synth_xilinx -flatten` and print LUT, FF, DSP, BRAM.
    Synth {
        #[command(flatten)]
        cfg: ConfigArgs,
        /// Print one JSON object instead of a table.
        #[arg(long)]
        json: bool,
        /// Keep the Verilog and the yosys log in DIR (default: a temporary directory).
        #[arg(long, value_name = "DIR")]
        keep: Option<PathBuf>,
    },
    /// Print the top module's ports: name, direction, width (the same for every configuration).
    Ports,
}

/// The hardware configuration; every default is `HwConfig::default()`'s.
#[derive(Args)]
struct ConfigArgs {
    /// Number of processing elements.
    #[arg(long, value_name = "P", default_value_t = HwConfig::default().pes)]
    pes: usize,
    /// Weight width in bits (two's complement).
    #[arg(long, default_value_t = HwConfig::default().weight_bits)]
    weight_bits: u32,
    /// Activation width in bits (two's complement).
    #[arg(long, default_value_t = HwConfig::default().act_bits)]
    act_bits: u32,
    /// Accumulator width in bits.
    #[arg(long, default_value_t = HwConfig::default().acc_bits)]
    acc_bits: u32,
    /// Relative column index (skip) width in bits.
    #[arg(long, default_value_t = HwConfig::default().index_bits)]
    index_bits: u32,
    /// Activation vector length (a power of two).
    #[arg(long, default_value_t = HwConfig::default().max_cols)]
    max_cols: usize,
    /// Entries per PE stream memory (a power of two).
    #[arg(long, default_value_t = HwConfig::default().stream_depth)]
    stream_depth: usize,
    /// Result rows per PE (a power of two).
    #[arg(long, default_value_t = HwConfig::default().max_rows_per_pe)]
    max_rows_per_pe: usize,
}

impl ConfigArgs {
    fn config(&self) -> Result<HwConfig> {
        let cfg = HwConfig {
            pes: self.pes,
            weight_bits: self.weight_bits,
            act_bits: self.act_bits,
            acc_bits: self.acc_bits,
            index_bits: self.index_bits,
            max_cols: self.max_cols,
            stream_depth: self.stream_depth,
            max_rows_per_pe: self.max_rows_per_pe,
        };
        cfg.validate().context("invalid configuration")?;
        Ok(cfg)
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zeroskip-hdl: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Cmd::Generate { cfg, out } => {
            let path = write_verilog(&cfg.config()?, &out)?;
            println!("wrote {}", path.display());
        }
        Cmd::Synth { cfg, json, keep } => synth_cmd(&cfg.config()?, json, keep)?,
        Cmd::Ports => {
            println!("{:<18} {:<6} {:>4}", "port", "dir", "bits");
            for p in top_ports() {
                println!("{:<18} {:<6} {:>4}", p.name, format!("{:?}", p.dir), p.bits);
            }
        }
    }
    Ok(())
}

fn write_verilog(cfg: &HwConfig, dir: &std::path::Path) -> Result<PathBuf> {
    let text = generate_verilog(cfg)?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{TOP_MODULE}.v"));
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

fn synth_cmd(cfg: &HwConfig, json: bool, keep: Option<PathBuf>) -> Result<()> {
    let temp = keep.is_none();
    let dir = keep.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("zeroskip-hdl-synth-{}", std::process::id()))
    });
    let path = write_verilog(cfg, &dir)?;
    let result = synth::synthesise_file(&path, TOP_MODULE);
    if temp {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let (r, log) = result?;
    let log_path = dir.join("yosys.log");
    if !temp {
        std::fs::write(&log_path, &log)
            .with_context(|| format!("cannot write {}", log_path.display()))?;
    }
    if json {
        let v = serde_json::json!({
            "top": TOP_MODULE,
            "config": cfg,
            "lut": r.lut, "ff": r.ff, "dsp": r.dsp,
            "bram36": r.bram36, "bram18": r.bram18, "bram36_equivalent": r.bram36_equivalent(),
            "lutram": r.lutram, "srl": r.srl, "carry": r.carry,
            "cells": r.cells,
        });
        println!("{v}");
    } else {
        println!(
            "{TOP_MODULE}: {} PEs, weight {} / act {} / acc {} / index {} bits, \
             {} cols, {} entries and {} rows per PE (yosys synth_xilinx -flatten)",
            cfg.pes,
            cfg.weight_bits,
            cfg.act_bits,
            cfg.acc_bits,
            cfg.index_bits,
            cfg.max_cols,
            cfg.stream_depth,
            cfg.max_rows_per_pe
        );
        let rows = [
            ("LUT", r.lut.to_string(), "LUT1..LUT6"),
            ("FF", r.ff.to_string(), "FDRE/FDSE/FDCE/FDPE"),
            ("DSP", r.dsp.to_string(), "DSP48E1"),
            ("BRAM36", r.bram36.to_string(), "RAMB36E1"),
            ("BRAM18", r.bram18.to_string(), "RAMB18E1"),
            (
                "BRAM",
                format!("{}", r.bram36_equivalent()),
                "36 Kb equivalents",
            ),
            (
                "LUTRAM",
                r.lutram.to_string(),
                "RAM32M/RAM64M/RAMxxX1y cells",
            ),
            ("SRL", r.srl.to_string(), "SRL16E/SRLC32E"),
            ("CARRY4", r.carry.to_string(), "carry chains"),
        ];
        println!("{:<8} {:>8}  {}", "resource", "count", "cells");
        for (name, n, what) in rows {
            println!("{name:<8} {n:>8}  {what}");
        }
        if !temp {
            println!("kept {} and {}", path.display(), log_path.display());
        }
    }
    Ok(())
}
