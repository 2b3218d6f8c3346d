//! `zeroskip-hdl`: the zero-skipping sparse matrix-vector engine in Rust-HDL, emitted as
//! Verilog for any [`HwConfig`](zeroskip_arch::HwConfig).
//!
//! * [`engine`]: the Rust-HDL blocks (stream reader, PE, lane, controller, top);
//! * [`leaf`]: Verilog leaves generated from the run-time configuration (memories, the signed
//!   MAC, the requantiser);
//! * [`widths`]: the fixed port widths ("containers") of the top module;
//! * [`generate_verilog`] and [`TOP_MODULE`]: what the simulator and the CLI use;
//! * [`synth`]: resource estimates with yosys.
//!
//! The port protocol is `zeroskip_arch::ports`; the cycle count of a run is
//! `zeroskip_arch::timing::engine_cycles`. See `docs/HARDWARE.md`.

pub mod engine;
pub mod error;
pub mod leaf;
pub mod synth;
pub mod verilog;
pub mod widths;

pub use error::HdlError;
pub use verilog::{generate_verilog, TOP_MODULE};
pub use widths::{top_ports, PortSpec};
