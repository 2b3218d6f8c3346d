//! A processing element: consumes a valid/ready stream of entries (format v1) and computes one
//! requantised dot product per row against its own copy of the activation vector, writing each
//! result into its result memory at the next row index. It is always ready: one entry per
//! cycle, no bubbles, no cycle spent on a zero weight that is not in the stream.
//!
//! The column cursor follows `zeroskip_arch::stream`: `c += skip`, accumulate `w * x[c]`,
//! `c += 1`; on `last` the row ends and `c` returns to 0. Pipeline, an entry accepted on edge t:
//!
//! | edge | stage |
//! | --- | --- |
//! | t     | cursor update; activation memory reads `x[c + skip]` |
//! | t + 1 | product `w * x` registered (MAC) |
//! | t + 2 | added to the row sum (MAC); a finished row is flagged |
//! | t + 3 | row sum shifted right (requantiser) |
//! | t + 4 | saturated result written to the result memory |

use crate::error::HdlError;
use crate::leaf::{Mac, Requantize, SyncRam};
use crate::widths::{
    low_mask, ACC_BITS, ACT_BITS, COL_ADDR_BITS, ROW_ADDR_BITS, SHIFT_BITS, SKIP_BITS, WEIGHT_BITS,
};
use rust_hdl::prelude::*;
use zeroskip_arch::HwConfig;

/// Edges from the one that accepts a row's last entry to the one that writes its result
/// (`t` to `t + 4` in the table above).
pub const ACCEPT_TO_WRITE: u64 = 4;

/// One PE with its activation memory, MAC, requantiser and result memory.
#[derive(LogicBlock)]
pub struct Pe {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Start of a run or reset: cursor and row index to 0, pipeline emptied.
    pub clear: Signal<In, Bit>,
    /// Requantising shift of the run.
    pub shift: Signal<In, Bits<SHIFT_BITS>>,
    /// Rounding bias of the run, `2^(shift-1)` or 0.
    pub bias: Signal<In, Bits<ACC_BITS>>,
    /// An entry is offered.
    pub entry_valid: Signal<In, Bit>,
    /// Always high: the PE takes an entry every cycle.
    pub entry_ready: Signal<Out, Bit>,
    /// The entry's weight (low `weight_bits`).
    pub entry_weight: Signal<In, Bits<WEIGHT_BITS>>,
    /// The entry's skip (low `index_bits`).
    pub entry_skip: Signal<In, Bits<SKIP_BITS>>,
    /// The entry ends a row.
    pub entry_last: Signal<In, Bit>,
    /// Write `x_data` into the activation memory at `x_addr`.
    pub x_we: Signal<In, Bit>,
    /// Column to write.
    pub x_addr: Signal<In, Bits<COL_ADDR_BITS>>,
    /// Activation to write (low `act_bits`).
    pub x_data: Signal<In, Bits<ACT_BITS>>,
    /// Row to read from the result memory.
    pub result_addr: Signal<In, Bits<ROW_ADDR_BITS>>,
    /// The result at the row sampled on the last edge (low `act_bits`).
    pub result_data: Signal<Out, Bits<ACT_BITS>>,
    xmem: SyncRam<COL_ADDR_BITS, ACT_BITS>,
    mac: Mac,
    requant: Requantize,
    rmem: SyncRam<ROW_ADDR_BITS, ACT_BITS>,
    cursor: DFF<Bits<COL_ADDR_BITS>>,
    col: Signal<Local, Bits<COL_ADDR_BITS>>,
    weight_q: DFF<Bits<WEIGHT_BITS>>,
    valid_q: DFF<Bit>,
    last_q: DFF<Bit>,
    row: DFF<Bits<ROW_ADDR_BITS>>,
    col_mask: Constant<Bits<COL_ADDR_BITS>>,
    col_one: Constant<Bits<COL_ADDR_BITS>>,
    col_zero: Constant<Bits<COL_ADDR_BITS>>,
    row_mask: Constant<Bits<ROW_ADDR_BITS>>,
    row_one: Constant<Bits<ROW_ADDR_BITS>>,
    row_zero: Constant<Bits<ROW_ADDR_BITS>>,
}

impl Logic for Pe {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, cursor, weight_q, valid_q, last_q, row);
        self.xmem.clock.next = self.clock.val();
        self.mac.clock.next = self.clock.val();
        self.requant.clock.next = self.clock.val();
        self.rmem.clock.next = self.clock.val();
        self.entry_ready.next = true;
        // Stage 1: the cursor and the activation read.
        self.col.next = (self.cursor.q.val() + self.entry_skip.val()) & self.col_mask.val();
        self.xmem.write_enable.next = self.x_we.val();
        self.xmem.write_address.next = self.x_addr.val();
        self.xmem.write_data.next = self.x_data.val();
        self.xmem.read_enable.next = true;
        self.xmem.read_address.next = self.col.val();
        self.weight_q.d.next = self.entry_weight.val();
        self.valid_q.d.next = self.entry_valid.val();
        self.last_q.d.next = self.entry_last.val();
        if self.entry_valid.val() {
            if self.entry_last.val() {
                self.cursor.d.next = self.col_zero.val();
            } else {
                self.cursor.d.next = (self.col.val() + self.col_one.val()) & self.col_mask.val();
            }
        }
        if self.clear.val() {
            self.cursor.d.next = self.col_zero.val();
            self.valid_q.d.next = false;
        }
        // Stages 2 and 3: multiply and accumulate.
        self.mac.clear.next = self.clear.val();
        self.mac.bias.next = self.bias.val();
        self.mac.in_valid.next = self.valid_q.q.val();
        self.mac.in_last.next = self.last_q.q.val();
        self.mac.weight.next = self.weight_q.q.val();
        self.mac.act.next = self.xmem.read_data.val();
        // Stages 4 and 5: requantise and write.
        self.requant.clear.next = self.clear.val();
        self.requant.shift.next = self.shift.val();
        self.requant.acc.next = self.mac.acc.val();
        self.requant.in_valid.next = self.mac.row_valid.val();
        self.rmem.write_enable.next = self.requant.out_valid.val();
        self.rmem.write_address.next = self.row.q.val();
        self.rmem.write_data.next = self.requant.result.val();
        if self.requant.out_valid.val() {
            self.row.d.next = (self.row.q.val() + self.row_one.val()) & self.row_mask.val();
        }
        if self.clear.val() {
            self.row.d.next = self.row_zero.val();
        }
        // Reading results back.
        self.rmem.read_enable.next = true;
        self.rmem.read_address.next = self.result_addr.val();
        self.result_data.next = self.rmem.read_data.val();
    }
}

impl Pe {
    /// A PE for the widths and memory depths of `cfg`.
    pub fn new(cfg: &HwConfig) -> Result<Self, HdlError> {
        let col_mask = low_mask(cfg.col_addr_bits());
        let row_mask = low_mask(cfg.row_addr_bits());
        Ok(Pe {
            clock: Default::default(),
            clear: Default::default(),
            shift: Default::default(),
            bias: Default::default(),
            entry_valid: Default::default(),
            entry_ready: Default::default(),
            entry_weight: Default::default(),
            entry_skip: Default::default(),
            entry_last: Default::default(),
            x_we: Default::default(),
            x_addr: Default::default(),
            x_data: Default::default(),
            result_addr: Default::default(),
            result_data: Default::default(),
            xmem: SyncRam::new("max_cols (address bits)", cfg.col_addr_bits(), cfg.act_bits)?,
            mac: Mac::new(cfg.weight_bits, cfg.act_bits, cfg.acc_bits)?,
            requant: Requantize::new(cfg.acc_bits, cfg.act_bits)?,
            rmem: SyncRam::new(
                "max_rows_per_pe (address bits)",
                cfg.row_addr_bits(),
                cfg.act_bits,
            )?,
            cursor: Default::default(),
            col: Default::default(),
            weight_q: Default::default(),
            valid_q: Default::default(),
            last_q: Default::default(),
            row: Default::default(),
            col_mask: Constant::new(bits::<COL_ADDR_BITS>(col_mask)),
            col_one: Constant::new(bits::<COL_ADDR_BITS>(1)),
            col_zero: Constant::new(bits::<COL_ADDR_BITS>(0)),
            row_mask: Constant::new(bits::<ROW_ADDR_BITS>(row_mask)),
            row_one: Constant::new(bits::<ROW_ADDR_BITS>(1)),
            row_zero: Constant::new(bits::<ROW_ADDR_BITS>(0)),
        })
    }
}
