//! The top of the stand-alone sparse engine: `P` lanes (reader + PE) and the run controller
//! behind the port protocol of `zeroskip_arch::ports`. Field names are the Verilog port names
//! (checked against the constants of `zeroskip_arch::ports` by the tests); widths are the
//! containers of [`crate::widths`].

use super::{Controller, Lane};
use crate::error::HdlError;
use crate::widths::{
    ACT_BITS, COL_ADDR_BITS, COUNT_BITS, CYCLE_BITS, ENTRY_BITS, PE_SEL_BITS, ROW_ADDR_BITS,
    SHIFT_BITS, STREAM_ADDR_BITS,
};
use rust_hdl::prelude::*;
use zeroskip_arch::HwConfig;

/// The engine for one configuration.
#[derive(LogicBlock)]
pub struct Engine {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// PE addressed by the stream and count loads.
    pub load_pe: Signal<In, Bits<PE_SEL_BITS>>,
    /// Stream memory write enable.
    pub load_stream_we: Signal<In, Bit>,
    /// Entry address.
    pub load_stream_addr: Signal<In, Bits<STREAM_ADDR_BITS>>,
    /// Encoded entry.
    pub load_stream_data: Signal<In, Bits<ENTRY_BITS>>,
    /// Entry count write enable.
    pub load_count_we: Signal<In, Bit>,
    /// Entry count.
    pub load_count_data: Signal<In, Bits<COUNT_BITS>>,
    /// Activation write enable (broadcast to every PE).
    pub load_x_we: Signal<In, Bit>,
    /// Activation column.
    pub load_x_addr: Signal<In, Bits<COL_ADDR_BITS>>,
    /// Activation value.
    pub load_x_data: Signal<In, Bits<ACT_BITS>>,
    /// Requantising shift, sampled with `start`.
    pub shift: Signal<In, Bits<SHIFT_BITS>>,
    /// Start a run.
    pub start: Signal<In, Bit>,
    /// A run is in progress.
    pub busy: Signal<Out, Bit>,
    /// The last run has ended.
    pub done: Signal<Out, Bit>,
    /// Length of the last run in cycles.
    pub cycles: Signal<Out, Bits<CYCLE_BITS>>,
    /// PE to read a result from.
    pub result_pe: Signal<In, Bits<PE_SEL_BITS>>,
    /// Row to read.
    pub result_addr: Signal<In, Bits<ROW_ADDR_BITS>>,
    /// The result, one edge after `result_pe`/`result_addr`.
    pub result_data: Signal<Out, Bits<ACT_BITS>>,
    controller: Controller,
    lanes: Vec<Lane>,
    act_zero: Constant<Bits<ACT_BITS>>,
}

impl Logic for Engine {
    #[hdl_gen]
    fn update(&mut self) {
        self.controller.clock.next = self.clock.val();
        self.controller.reset.next = self.reset.val();
        self.controller.start.next = self.start.val();
        self.controller.shift.next = self.shift.val();
        self.busy.next = self.controller.busy.val();
        self.done.next = self.controller.done.val();
        self.cycles.next = self.controller.cycles.val();
        for i in 0..self.lanes.len() {
            self.lanes[i].clock.next = self.clock.val();
            self.lanes[i].clear.next = self.controller.clear.val();
            self.lanes[i].run.next = self.controller.busy.val();
            self.lanes[i].shift.next = self.controller.run_shift.val();
            self.lanes[i].bias.next = self.controller.run_bias.val();
            self.lanes[i].load_pe.next = self.load_pe.val();
            self.lanes[i].load_stream_we.next = self.load_stream_we.val();
            self.lanes[i].load_stream_addr.next = self.load_stream_addr.val();
            self.lanes[i].load_stream_data.next = self.load_stream_data.val();
            self.lanes[i].load_count_we.next = self.load_count_we.val();
            self.lanes[i].load_count_data.next = self.load_count_data.val();
            self.lanes[i].load_x_we.next = self.load_x_we.val();
            self.lanes[i].load_x_addr.next = self.load_x_addr.val();
            self.lanes[i].load_x_data.next = self.load_x_data.val();
            self.lanes[i].result_pe.next = self.result_pe.val();
            self.lanes[i].result_addr.next = self.result_addr.val();
        }
        // The two daisy chains: lane 0 starts them, the last lane ends them.
        self.lanes[0].result_in.next = self.act_zero.val();
        self.lanes[0].exhausted_in.next = true;
        for i in 1..self.lanes.len() {
            self.lanes[i].result_in.next = self.lanes[i - 1].result_out.val();
            self.lanes[i].exhausted_in.next = self.lanes[i - 1].exhausted_out.val();
        }
        for i in (self.lanes.len() - 1)..self.lanes.len() {
            self.result_data.next = self.lanes[i].result_out.val();
            self.controller.exhausted.next = self.lanes[i].exhausted_out.val();
        }
    }
}

impl Engine {
    /// The engine for `cfg` (validated by the caller, see [`crate::widths::check_config`]).
    pub fn new(cfg: &HwConfig) -> Result<Self, HdlError> {
        let lanes = (0..cfg.pes)
            .map(|i| Lane::new(cfg, i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Engine {
            clock: Default::default(),
            reset: Default::default(),
            load_pe: Default::default(),
            load_stream_we: Default::default(),
            load_stream_addr: Default::default(),
            load_stream_data: Default::default(),
            load_count_we: Default::default(),
            load_count_data: Default::default(),
            load_x_we: Default::default(),
            load_x_addr: Default::default(),
            load_x_data: Default::default(),
            shift: Default::default(),
            start: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            cycles: Default::default(),
            result_pe: Default::default(),
            result_addr: Default::default(),
            result_data: Default::default(),
            controller: Controller::new(cfg)?,
            lanes,
            act_zero: Constant::new(bits::<ACT_BITS>(0)),
        })
    }

    /// Marks every input port as driven from outside, as Rust-HDL's checks require of a top.
    pub fn drive_inputs_from_outside(&mut self) {
        self.clock.connect();
        self.reset.connect();
        self.load_pe.connect();
        self.load_stream_we.connect();
        self.load_stream_addr.connect();
        self.load_stream_data.connect();
        self.load_count_we.connect();
        self.load_count_data.connect();
        self.load_x_we.connect();
        self.load_x_addr.connect();
        self.load_x_data.connect();
        self.shift.connect();
        self.start.connect();
        self.result_pe.connect();
        self.result_addr.connect();
    }
}
