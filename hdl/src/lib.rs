//! zeroskip-hdl: the hardware (in progress).
