//! zeroskip-sim: Verilator co-simulation (in progress).
