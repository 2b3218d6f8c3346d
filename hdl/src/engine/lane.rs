//! One lane of the engine: a [`StreamReader`] feeding a [`Pe`], the decode of the shared load
//! bus for this lane's index, and two daisy chains through all lanes: the result read-back
//! (each lane ORs in its result when it is the selected PE) and "every stream exhausted"
//! (each lane ANDs in its reader's flag).

use super::{Pe, StreamReader};
use crate::error::HdlError;
use crate::widths::{
    ACC_BITS, ACT_BITS, COL_ADDR_BITS, COUNT_BITS, ENTRY_BITS, PE_SEL_BITS, ROW_ADDR_BITS,
    SHIFT_BITS, STREAM_ADDR_BITS,
};
use rust_hdl::prelude::*;
use zeroskip_arch::HwConfig;

/// PE number `index` with its reader and its share of the load and result buses.
#[derive(LogicBlock)]
pub struct Lane {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start of a run or reset.
    pub clear: Signal<In, Bit>,
    /// The engine is running.
    pub run: Signal<In, Bit>,
    /// Requantising shift of the run.
    pub shift: Signal<In, Bits<SHIFT_BITS>>,
    /// Rounding bias of the run.
    pub bias: Signal<In, Bits<ACC_BITS>>,
    /// PE addressed by the stream and count loads.
    pub load_pe: Signal<In, Bits<PE_SEL_BITS>>,
    /// Stream memory write enable (for PE `load_pe`).
    pub load_stream_we: Signal<In, Bit>,
    /// Stream memory address.
    pub load_stream_addr: Signal<In, Bits<STREAM_ADDR_BITS>>,
    /// Encoded entry.
    pub load_stream_data: Signal<In, Bits<ENTRY_BITS>>,
    /// Entry count write enable (for PE `load_pe`).
    pub load_count_we: Signal<In, Bit>,
    /// Entry count.
    pub load_count_data: Signal<In, Bits<COUNT_BITS>>,
    /// Activation write enable (every lane).
    pub load_x_we: Signal<In, Bit>,
    /// Activation column.
    pub load_x_addr: Signal<In, Bits<COL_ADDR_BITS>>,
    /// Activation value.
    pub load_x_data: Signal<In, Bits<ACT_BITS>>,
    /// PE selected for reading a result.
    pub result_pe: Signal<In, Bits<PE_SEL_BITS>>,
    /// Row to read.
    pub result_addr: Signal<In, Bits<ROW_ADDR_BITS>>,
    /// Result chain from the previous lane (zero at the first).
    pub result_in: Signal<In, Bits<ACT_BITS>>,
    /// Result chain to the next lane: `result_in`, ORed with this lane's result if selected.
    pub result_out: Signal<Out, Bits<ACT_BITS>>,
    /// "Exhausted" chain from the previous lane (high at the first).
    pub exhausted_in: Signal<In, Bit>,
    /// `exhausted_in` and this lane's reader is exhausted.
    pub exhausted_out: Signal<Out, Bit>,
    reader: StreamReader,
    pe: Pe,
    id: Constant<Bits<PE_SEL_BITS>>,
    selected: DFF<Bit>,
    mine: Signal<Local, Bit>,
}

impl Logic for Lane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, selected);
        self.mine.next = self.load_pe.val() == self.id.val();
        self.reader.clock.next = self.clock.val();
        self.reader.clear.next = self.clear.val();
        self.reader.run.next = self.run.val();
        self.reader.load_we.next = self.load_stream_we.val() & self.mine.val();
        self.reader.load_addr.next = self.load_stream_addr.val();
        self.reader.load_data.next = self.load_stream_data.val();
        self.reader.count_we.next = self.load_count_we.val() & self.mine.val();
        self.reader.count_data.next = self.load_count_data.val();
        self.pe.clock.next = self.clock.val();
        self.pe.clear.next = self.clear.val();
        self.pe.shift.next = self.shift.val();
        self.pe.bias.next = self.bias.val();
        self.pe.entry_valid.next = self.reader.entry_valid.val();
        self.reader.entry_ready.next = self.pe.entry_ready.val();
        self.pe.entry_weight.next = self.reader.entry_weight.val();
        self.pe.entry_skip.next = self.reader.entry_skip.val();
        self.pe.entry_last.next = self.reader.entry_last.val();
        self.pe.x_we.next = self.load_x_we.val();
        self.pe.x_addr.next = self.load_x_addr.val();
        self.pe.x_data.next = self.load_x_data.val();
        self.pe.result_addr.next = self.result_addr.val();
        // The result memory answers one edge after the address: select on the same edge.
        self.selected.d.next = self.result_pe.val() == self.id.val();
        self.result_out.next = self.result_in.val();
        if self.selected.q.val() {
            self.result_out.next = self.result_in.val() | self.pe.result_data.val();
        }
        self.exhausted_out.next = self.exhausted_in.val() & self.reader.exhausted.val();
    }
}

impl Lane {
    /// Lane `index` of an engine for `cfg`.
    pub fn new(cfg: &HwConfig, index: usize) -> Result<Self, HdlError> {
        Ok(Lane {
            clock: Default::default(),
            clear: Default::default(),
            run: Default::default(),
            shift: Default::default(),
            bias: Default::default(),
            load_pe: Default::default(),
            load_stream_we: Default::default(),
            load_stream_addr: Default::default(),
            load_stream_data: Default::default(),
            load_count_we: Default::default(),
            load_count_data: Default::default(),
            load_x_we: Default::default(),
            load_x_addr: Default::default(),
            load_x_data: Default::default(),
            result_pe: Default::default(),
            result_addr: Default::default(),
            result_in: Default::default(),
            result_out: Default::default(),
            exhausted_in: Default::default(),
            exhausted_out: Default::default(),
            reader: StreamReader::new(cfg)?,
            pe: Pe::new(cfg)?,
            id: Constant::new(bits::<PE_SEL_BITS>(index as u64)),
            selected: Default::default(),
            mine: Default::default(),
        })
    }
}
