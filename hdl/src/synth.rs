//! Resource estimates without vendor tools: runs yosys
//! (`read_verilog; synth_xilinx -flatten -top <top>; stat`) on the generated Verilog and parses
//! its cell statistics into LUT, FF, DSP, BRAM and LUTRAM counts (Xilinx 7-series cells).
//! `-flatten` matters: Rust-HDL puts each register in its own module, and without flattening
//! yosys cannot pack registers into the DSP48s.

use crate::error::HdlError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use thiserror::Error;
use zeroskip_tools::{ToolError, YOSYS};

/// Why a resource estimate failed; each variant names the file or the tool involved.
#[derive(Debug, Error)]
pub enum SynthError {
    /// The Verilog could not be generated.
    #[error(transparent)]
    Hdl(#[from] HdlError),
    /// yosys is missing or too old.
    #[error(transparent)]
    Tool(#[from] ToolError),
    /// A file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// yosys ran but failed.
    #[error("yosys failed on {path} (exit status {status}); last lines of its log:\n{tail}")]
    Yosys {
        /// The Verilog file.
        path: PathBuf,
        /// Its exit status.
        status: String,
        /// The end of its output.
        tail: String,
    },
    /// yosys succeeded but printed no statistics for the top module.
    #[error("no `stat` output for module {top} in the yosys log of {path}")]
    NoStat {
        /// The Verilog file.
        path: PathBuf,
        /// The top module looked for.
        top: String,
    },
}

/// Resource counts of one design, from yosys `stat` after `synth_xilinx`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Resources {
    /// LUT1..LUT6 cells.
    pub lut: u64,
    /// Flip-flops (FDRE, FDSE, FDCE, FDPE).
    pub ff: u64,
    /// DSP48E1 slices.
    pub dsp: u64,
    /// RAMB18E1 block RAMs.
    pub bram18: u64,
    /// RAMB36E1 block RAMs.
    pub bram36: u64,
    /// Distributed-RAM cells (RAM32M, RAM64X1D, ...).
    pub lutram: u64,
    /// Shift-register LUTs (SRL16E, SRLC32E).
    pub srl: u64,
    /// CARRY4 cells.
    pub carry: u64,
    /// Every cell type and its count, as yosys reported them.
    pub cells: BTreeMap<String, u64>,
}

impl Resources {
    /// Block RAM in 36 Kb units (a RAMB18 counts one half).
    pub fn bram36_equivalent(&self) -> f64 {
        self.bram36 as f64 + self.bram18 as f64 / 2.0
    }
}

/// Parses the last `stat` section for module `top` in a yosys log.
///
/// ```
/// let log = "=== top ===\n   Number of cells:  4\n     DSP48E1  1\n     FDRE  2\n     LUT6  1\n";
/// let r = zeroskip_hdl::synth::parse_stat(log, "top").unwrap();
/// assert_eq!((r.lut, r.ff, r.dsp), (1, 2, 1));
/// ```
pub fn parse_stat(log: &str, top: &str) -> Option<Resources> {
    let header = format!("=== {top} ===");
    let start = log.rfind(&header)?;
    let mut r = Resources::default();
    let mut in_cells = false;
    for line in log[start + header.len()..].lines() {
        let t = line.trim();
        if t.starts_with("Number of cells:") {
            in_cells = true;
            continue;
        }
        if !in_cells {
            continue;
        }
        let mut f = t.split_whitespace();
        let (Some(name), Some(n), None) = (f.next(), f.next(), f.next()) else {
            break;
        };
        let Ok(n) = n.parse::<u64>() else { break };
        r.cells.insert(name.to_string(), n);
        match name {
            "LUT1" | "LUT2" | "LUT3" | "LUT4" | "LUT5" | "LUT6" => r.lut += n,
            "FDRE" | "FDSE" | "FDCE" | "FDPE" => r.ff += n,
            "DSP48E1" | "DSP48E2" => r.dsp += n,
            "RAMB18E1" | "RAMB18E2" => r.bram18 += n,
            "RAMB36E1" | "RAMB36E2" => r.bram36 += n,
            "SRL16E" | "SRLC16E" | "SRLC32E" => r.srl += n,
            "CARRY4" | "CARRY8" => r.carry += n,
            _ if name.starts_with("RAM") && !name.starts_with("RAMB") => r.lutram += n,
            _ => {}
        }
    }
    in_cells.then_some(r)
}

/// Runs yosys on the Verilog file `path` with top module `top` and returns the counts and
/// the full log.
pub fn synthesise_file(path: &Path, top: &str) -> Result<(Resources, String), SynthError> {
    let yosys = YOSYS.find()?;
    let script = format!(
        "read_verilog {}; synth_xilinx -flatten -top {top}; stat",
        quote(path)
    );
    let out = Command::new(&yosys.path)
        .arg("-p")
        .arg(&script)
        .output()
        .map_err(|source| SynthError::Io {
            path: yosys.path.clone(),
            source,
        })?;
    let log =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(20)..].join("\n");
        return Err(SynthError::Yosys {
            path: path.to_path_buf(),
            status: out.status.to_string(),
            tail,
        });
    }
    let r = parse_stat(&log, top).ok_or_else(|| SynthError::NoStat {
        path: path.to_path_buf(),
        top: top.to_string(),
    })?;
    Ok((r, log))
}

/// A path quoted for a yosys command line.
fn quote(path: &Path) -> String {
    format!("\"{}\"", path.display().to_string().replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "
=== zeroskip_engine ===

   Number of wires:                890
   Number of cells:               1138
     BUFG                            1
     CARRY4                         37
     DSP48E1                         2
     FDRE                          252
     FDSE                            2
     LUT2                           36
     LUT6                          297
     RAM64M                          4
     RAMB18E1                        4
     RAMB36E1                       12
     SRLC32E                         3

Warnings: 88 unique messages, 88 total
";

    #[test]
    fn stat_is_summed_by_kind() {
        let r = parse_stat(LOG, "zeroskip_engine").unwrap();
        assert_eq!(r.lut, 333);
        assert_eq!(r.ff, 254);
        assert_eq!(r.dsp, 2);
        assert_eq!(
            (r.bram18, r.bram36, r.lutram, r.srl, r.carry),
            (4, 12, 4, 3, 37)
        );
        assert_eq!(r.bram36_equivalent(), 14.0);
        assert_eq!(r.cells["BUFG"], 1);
    }

    #[test]
    fn missing_module_is_none() {
        assert!(parse_stat(LOG, "other").is_none());
        assert!(parse_stat("nothing here", "zeroskip_engine").is_none());
    }
}
