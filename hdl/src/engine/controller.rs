//! The run controller: accepts `start` when idle, latches `shift`, pulses `clear` to every lane,
//! holds `busy` while the lanes stream, and raises `done` a fixed number of edges after the last
//! stream is exhausted, so that a run takes exactly `zeroskip_arch::timing::engine_cycles`
//! edges; `cycles` counts them. Reset is synchronous and active high.
//!
//! Timing (start sampled on edge 1): the longest stream, `M` entries, is exhausted after edge
//! `M + 1`; its last result is written on edge `M + PIPELINE_LATENCY`, and `done` rises on that
//! same edge. So `done` follows the first exhausted edge by `PIPELINE_LATENCY - 1` edges, and
//! a run with no entries at all still takes `PIPELINE_LATENCY` edges.

use super::{pe, reader};
use crate::error::HdlError;
use crate::leaf::RoundingBias;
use crate::widths::{ACC_BITS, CYCLE_BITS, SHIFT_BITS};
use rust_hdl::prelude::*;
use zeroskip_arch::timing::PIPELINE_LATENCY;
use zeroskip_arch::HwConfig;

// The contract's latency is what the reader and the PE pipeline really take: the last entry of
// an `M`-entry stream is accepted on edge `M - 1 + FIRST_ENTRY_EDGE + 1`, its result written
// `ACCEPT_TO_WRITE` edges later.
const _: () = assert!(reader::FIRST_ENTRY_EDGE + pe::ACCEPT_TO_WRITE == PIPELINE_LATENCY);

/// Width of the drain counter (counts up to `PIPELINE_LATENCY - 2`).
const DRAIN_BITS: usize = 4;
const _: () = assert!(PIPELINE_LATENCY >= 2 && PIPELINE_LATENCY - 2 < (1 << DRAIN_BITS));

/// The controller of a run.
#[derive(LogicBlock)]
pub struct Controller {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high.
    pub reset: Signal<In, Bit>,
    /// Start a run (ignored while busy).
    pub start: Signal<In, Bit>,
    /// Requantising shift, latched at start.
    pub shift: Signal<In, Bits<SHIFT_BITS>>,
    /// Every lane's stream is exhausted.
    pub exhausted: Signal<In, Bit>,
    /// A run is in progress.
    pub busy: Signal<Out, Bit>,
    /// The last run has ended (until the next start).
    pub done: Signal<Out, Bit>,
    /// Length of the last run, or of the current one so far.
    pub cycles: Signal<Out, Bits<CYCLE_BITS>>,
    /// Pulse to the lanes: a run starts (or reset).
    pub clear: Signal<Out, Bit>,
    /// The shift latched at start.
    pub run_shift: Signal<Out, Bits<SHIFT_BITS>>,
    /// The rounding bias `2^(run_shift-1)` (from the edge after start).
    pub run_bias: Signal<Out, Bits<ACC_BITS>>,
    bias_gen: RoundingBias,
    running: DFF<Bit>,
    finished: DFF<Bit>,
    count: DFF<Bits<CYCLE_BITS>>,
    drain: DFF<Bits<DRAIN_BITS>>,
    shift_q: DFF<Bits<SHIFT_BITS>>,
    drain_end: Constant<Bits<DRAIN_BITS>>,
    drain_one: Constant<Bits<DRAIN_BITS>>,
    drain_zero: Constant<Bits<DRAIN_BITS>>,
    cycle_one: Constant<Bits<CYCLE_BITS>>,
    cycle_zero: Constant<Bits<CYCLE_BITS>>,
}

impl Logic for Controller {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, running, finished, count, drain, shift_q);
        self.busy.next = self.running.q.val();
        self.done.next = self.finished.q.val();
        self.cycles.next = self.count.q.val();
        self.run_shift.next = self.shift_q.q.val();
        self.bias_gen.clock.next = self.clock.val();
        self.bias_gen.shift.next = self.shift_q.q.val();
        self.run_bias.next = self.bias_gen.bias.val();
        self.clear.next = self.reset.val() | (self.start.val() & !self.running.q.val());
        if self.running.q.val() {
            self.count.d.next = self.count.q.val() + self.cycle_one.val();
            if self.exhausted.val() {
                if self.drain.q.val() == self.drain_end.val() {
                    self.running.d.next = false;
                    self.finished.d.next = true;
                } else {
                    self.drain.d.next = self.drain.q.val() + self.drain_one.val();
                }
            }
        } else if self.start.val() {
            self.running.d.next = true;
            self.finished.d.next = false;
            self.count.d.next = self.cycle_one.val();
            self.drain.d.next = self.drain_zero.val();
            self.shift_q.d.next = self.shift.val();
        }
        if self.reset.val() {
            self.running.d.next = false;
            self.finished.d.next = false;
            self.count.d.next = self.cycle_zero.val();
            self.drain.d.next = self.drain_zero.val();
        }
    }
}

impl Controller {
    /// The controller of an engine for `cfg`.
    pub fn new(cfg: &HwConfig) -> Result<Self, HdlError> {
        Ok(Controller {
            clock: Default::default(),
            reset: Default::default(),
            start: Default::default(),
            shift: Default::default(),
            exhausted: Default::default(),
            busy: Default::default(),
            done: Default::default(),
            cycles: Default::default(),
            clear: Default::default(),
            run_shift: Default::default(),
            run_bias: Default::default(),
            bias_gen: RoundingBias::new(cfg.acc_bits)?,
            running: Default::default(),
            finished: Default::default(),
            count: Default::default(),
            drain: Default::default(),
            shift_q: Default::default(),
            drain_end: Constant::new(bits::<DRAIN_BITS>(PIPELINE_LATENCY - 2)),
            drain_one: Constant::new(bits::<DRAIN_BITS>(1)),
            drain_zero: Constant::new(bits::<DRAIN_BITS>(0)),
            cycle_one: Constant::new(bits::<CYCLE_BITS>(1)),
            cycle_zero: Constant::new(bits::<CYCLE_BITS>(0)),
        })
    }
}
