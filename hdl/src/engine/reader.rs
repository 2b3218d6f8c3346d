//! The stream reader of one PE: owns the PE's stream memory and, during a run, presents its
//! first `count` entries in order on a valid/ready stream, one per cycle while `entry_ready` is
//! high. Reads are issued one cycle ahead (the memory reads synchronously) and the memory's
//! output register holds an entry while the sink is not ready, so no entry is lost or repeated.
//!
//! Timing: `clear` (the start edge) rewinds it; with `run` high the entry `k` is valid from
//! edge `k + 2` after start (start is edge 1). `exhausted` is high once every read is issued,
//! i.e. after edge `count + 1`.

use crate::error::HdlError;
use crate::leaf::{EntryFields, SyncRam};
use crate::widths::{low_mask, COUNT_BITS, ENTRY_BITS, SKIP_BITS, STREAM_ADDR_BITS, WEIGHT_BITS};
use rust_hdl::prelude::*;
use zeroskip_arch::HwConfig;

/// Entry `k` of a run is on the output after edge `k + FIRST_ENTRY_EDGE` (start is edge 1), and
/// an always-ready sink takes it on the next edge.
pub const FIRST_ENTRY_EDGE: u64 = 2;

/// A stream memory of `stream_depth` entries and the cursor that reads it.
#[derive(LogicBlock)]
pub struct StreamReader {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start of a run or reset: rewind to entry 0 and drop the entry on the output.
    pub clear: Signal<In, Bit>,
    /// The engine is running: entries may be read.
    pub run: Signal<In, Bit>,
    /// Write the entry `load_data` at `load_addr`.
    pub load_we: Signal<In, Bit>,
    /// Entry address to write.
    pub load_addr: Signal<In, Bits<STREAM_ADDR_BITS>>,
    /// Encoded entry to write.
    pub load_data: Signal<In, Bits<ENTRY_BITS>>,
    /// Write `count_data` as the number of entries of a run.
    pub count_we: Signal<In, Bit>,
    /// Number of entries of a run (`0..=stream_depth`).
    pub count_data: Signal<In, Bits<COUNT_BITS>>,
    /// An entry is on the output.
    pub entry_valid: Signal<Out, Bit>,
    /// The sink takes the entry on the output at the next edge.
    pub entry_ready: Signal<In, Bit>,
    /// Its weight (low `weight_bits`).
    pub entry_weight: Signal<Out, Bits<WEIGHT_BITS>>,
    /// Its skip (low `index_bits`).
    pub entry_skip: Signal<Out, Bits<SKIP_BITS>>,
    /// Its end-of-row flag.
    pub entry_last: Signal<Out, Bit>,
    /// Every entry of the run has been read from the memory.
    pub exhausted: Signal<Out, Bit>,
    mem: SyncRam<STREAM_ADDR_BITS, ENTRY_BITS>,
    fields: EntryFields,
    addr: DFF<Bits<STREAM_ADDR_BITS>>,
    count: DFF<Bits<COUNT_BITS>>,
    valid: DFF<Bit>,
    issue: Signal<Local, Bit>,
    count_mask: Constant<Bits<COUNT_BITS>>,
    one: Constant<Bits<COUNT_BITS>>,
    zero: Constant<Bits<COUNT_BITS>>,
}

impl Logic for StreamReader {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, addr, count, valid);
        self.mem.clock.next = self.clock.val();
        self.mem.write_enable.next = self.load_we.val();
        self.mem.write_address.next = self.load_addr.val();
        self.mem.write_data.next = self.load_data.val();
        self.fields.entry.next = self.mem.read_data.val();
        self.entry_weight.next = self.fields.weight.val();
        self.entry_skip.next = self.fields.skip.val();
        self.entry_last.next = self.fields.last.val();
        self.entry_valid.next = self.valid.q.val();
        self.exhausted.next = self.addr.q.val() == self.count.q.val();
        // Read the next entry when the output slot is free or being taken.
        self.issue.next = self.run.val()
            & (self.addr.q.val() != self.count.q.val())
            & (!self.valid.q.val() | self.entry_ready.val());
        self.mem.read_enable.next = self.issue.val();
        self.mem.read_address.next = self.addr.q.val();
        if self.issue.val() {
            self.addr.d.next = (self.addr.q.val() + self.one.val()) & self.count_mask.val();
            self.valid.d.next = true;
        } else if self.entry_ready.val() {
            self.valid.d.next = false;
        }
        if self.count_we.val() {
            self.count.d.next = self.count_data.val() & self.count_mask.val();
        }
        if self.clear.val() {
            self.addr.d.next = self.zero.val();
            self.valid.d.next = false;
        }
    }
}

impl StreamReader {
    /// A reader of a `cfg.stream_depth`-entry memory of `cfg.entry_bits()`-bit entries.
    pub fn new(cfg: &HwConfig) -> Result<Self, HdlError> {
        // Counts go up to stream_depth itself: one bit more than the addresses.
        let count_mask = low_mask(cfg.stream_addr_bits() + 1);
        Ok(StreamReader {
            clock: Default::default(),
            clear: Default::default(),
            run: Default::default(),
            load_we: Default::default(),
            load_addr: Default::default(),
            load_data: Default::default(),
            count_we: Default::default(),
            count_data: Default::default(),
            entry_valid: Default::default(),
            entry_ready: Default::default(),
            entry_weight: Default::default(),
            entry_skip: Default::default(),
            entry_last: Default::default(),
            exhausted: Default::default(),
            mem: SyncRam::new(
                "stream_depth (address bits)",
                cfg.stream_addr_bits(),
                cfg.entry_bits(),
            )?,
            fields: EntryFields::new(cfg.weight_bits, cfg.index_bits)?,
            addr: Default::default(),
            count: Default::default(),
            valid: Default::default(),
            issue: Default::default(),
            count_mask: Constant::new(bits::<COUNT_BITS>(count_mask as _)),
            one: Constant::new(bits::<COUNT_BITS>(1)),
            zero: Constant::new(bits::<COUNT_BITS>(0)),
        })
    }
}
