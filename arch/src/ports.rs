//! The port protocol of the stand-alone sparse engine (`zeroskip_engine`), the contract between
//! the hardware generator (`zeroskip-hdl`) and its drivers (the Verilator co-simulation).
//! Names here are the Verilog port names of the generated top module; widths follow
//! [`crate::HwConfig`] (a port may be wider than the field it carries; upper bits are zero).
//! The generator gives every port one fixed width for all configurations, wide enough for the
//! largest value [`crate::HwConfig::validate`] accepts (`zeroskip_hdl::top_ports()` lists
//! them); drivers write fields zero-extended and read `act_bits` from the low bits.
//!
//! All inputs are sampled on the rising edge of [`CLOCK`]. The protocol:
//! 1. **Load** (engine idle): for each PE `p` and each entry `k` of its stream, drive
//!    [`LOAD_PE`] = p, [`LOAD_STREAM_ADDR`] = k, [`LOAD_STREAM_DATA`] = the encoded entry and
//!    [`LOAD_STREAM_WE`] = 1 for one edge. Then for each PE drive [`LOAD_PE`] = p,
//!    [`LOAD_COUNT_DATA`] = the number of entries of its stream (at most `stream_depth`) and
//!    [`LOAD_COUNT_WE`] = 1 for one edge. For each column `c` drive [`LOAD_X_ADDR`] = c,
//!    [`LOAD_X_DATA`] = x\[c\] (two's complement, `act_bits`) and [`LOAD_X_WE`] = 1 for one
//!    edge: the value is written into every PE's copy of the activation vector. Streams, counts
//!    and activations stay loaded across runs (and across reset). Loads while busy are not
//!    allowed.
//! 2. **Run**: drive [`SHIFT`] (at most `acc_bits - 1`; sampled on the start edge, need not be
//!    held) and [`START`] = 1 for one edge; a start while busy is ignored.
//!    [`BUSY`] is high from the edge after that until the run ends; [`DONE`] goes high when every
//!    PE has written its last result (on the same edge as [`BUSY`] falls) and stays high until
//!    the next start. [`CYCLES`] then holds the run's length as defined in [`crate::timing`].
//! 3. **Read**: drive [`RESULT_PE`] = p and [`RESULT_ADDR`] = j; after the next edge
//!    [`RESULT_DATA`] holds result `j` of PE `p` (`act_bits`, two's complement), i.e. the row
//!    `rows_by_pe[p][j]` of [`crate::PackedMatrix`]. It is registered: it keeps that value until
//!    the next edge whatever the address inputs do, so one read per edge is possible.
//!
//! [`RESET`] is synchronous and active high: one edge returns the controller to idle with
//! [`BUSY`], [`DONE`] and [`CYCLES`] at zero and aborts a run in progress (its results are then
//! incomplete); memory contents are kept.

/// Clock input; everything is synchronous to its rising edge.
pub const CLOCK: &str = "clock";
/// Synchronous active-high reset: returns the controller to idle, clears `busy`, `done` and
/// `cycles`; memories keep their contents.
pub const RESET: &str = "reset";
/// PE selected by the stream and count load ports.
pub const LOAD_PE: &str = "load_pe";
/// Write enable of the stream memory of PE [`LOAD_PE`].
pub const LOAD_STREAM_WE: &str = "load_stream_we";
/// Entry address within the stream memory.
pub const LOAD_STREAM_ADDR: &str = "load_stream_addr";
/// The encoded entry to write.
pub const LOAD_STREAM_DATA: &str = "load_stream_data";
/// Write enable of the entry count of PE [`LOAD_PE`].
pub const LOAD_COUNT_WE: &str = "load_count_we";
/// Number of entries in the stream of PE [`LOAD_PE`].
pub const LOAD_COUNT_DATA: &str = "load_count_data";
/// Write enable of the activation vector (broadcast to every PE).
pub const LOAD_X_WE: &str = "load_x_we";
/// Column address of the activation to write.
pub const LOAD_X_ADDR: &str = "load_x_addr";
/// Activation value to write.
pub const LOAD_X_DATA: &str = "load_x_data";
/// Requantising shift applied to every result of the run, sampled with [`START`].
pub const SHIFT: &str = "shift";
/// Pulse high for one edge to start a run (ignored while [`BUSY`]).
pub const START: &str = "start";
/// High while a run is in progress.
pub const BUSY: &str = "busy";
/// High from the end of a run until the next start.
pub const DONE: &str = "done";
/// Length in cycles of the last run.
pub const CYCLES: &str = "cycles";
/// PE selected for reading a result.
pub const RESULT_PE: &str = "result_pe";
/// Result address (row index within the PE).
pub const RESULT_ADDR: &str = "result_addr";
/// The selected result, valid one edge after the address.
pub const RESULT_DATA: &str = "result_data";
