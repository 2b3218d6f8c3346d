//! The byte layout of the device image: sizes of its records and the canonical placement of
//! its sections, shared by the encoder and the decoder so the two cannot disagree.

use crate::act::ActFn;
use crate::config::HwConfig;

/// The first eight bytes of every image.
pub const IMAGE_MAGIC: [u8; 8] = *b"ZSKIMAGE";
/// Version of the image layout described here.
pub const IMAGE_VERSION: u32 = 1;
/// Bytes of the header (16 words).
pub const HEADER_BYTES: usize = 64;
/// Every section of the payload starts at a multiple of this many bytes.
pub const SECTION_ALIGN: usize = 8;
/// Words of the network block at the start of the payload.
pub const NETWORK_WORDS: usize = 8;
/// Words of one tensor record.
pub const TENSOR_WORDS: usize = 2;
/// Words of one layer record.
pub const LAYER_WORDS: usize = 16;
/// Words of one activation-table record.
pub const TABLE_WORDS: usize = 6;
/// Words of one PE's entry in a layer's stream directory (entry count, offset).
pub const PE_DIR_WORDS: usize = 2;
/// Bytes of a layer's name field (ASCII, NUL-padded).
pub const NAME_BYTES: usize = 8;
/// Bytes of one bias (a little-endian `i64`).
pub const BIAS_BYTES: usize = 8;
/// Bytes of one activation-table value (a little-endian `i16`).
pub const TABLE_VALUE_BYTES: usize = 2;
/// Most tensors an image may declare (a guard against absurd counts).
pub const MAX_TENSORS: usize = 1024;
/// Most layers an image may declare.
pub const MAX_LAYERS: usize = 1024;
/// Most activation tables an image may declare.
pub const MAX_TABLES: usize = 16;
/// Largest fractional-bit count of a tensor or a weight format.
pub const MAX_FRAC: u32 = 62;

/// Word indices of the header (each a little-endian `u32`).
pub mod header {
    /// Words 0–1: [`super::IMAGE_MAGIC`].
    pub const MAGIC: usize = 0;
    /// The image layout version.
    pub const IMAGE_VERSION: usize = 2;
    /// The stream format version.
    pub const STREAM_VERSION: usize = 3;
    /// The header's length in bytes.
    pub const HEADER_BYTES: usize = 4;
    /// The eight fields of the hardware configuration, in declaration order: `pes`,
    /// `weight_bits`, `act_bits`, `acc_bits`, `index_bits`, `max_cols`, `stream_depth`,
    /// `max_rows_per_pe`.
    pub const CONFIG: usize = 5;
    /// The payload's length in bytes.
    pub const PAYLOAD_BYTES: usize = 13;
    /// CRC-32 of the payload.
    pub const PAYLOAD_CRC: usize = 14;
    /// CRC-32 of header bytes `0..60`.
    pub const HEADER_CRC: usize = 15;
}

/// Word indices of a layer record.
pub mod layer {
    /// [`super::super::LayerKind::code`].
    pub const KIND: usize = 0;
    /// Input tensor index.
    pub const INPUT: usize = 1;
    /// Output tensor index.
    pub const OUTPUT: usize = 2;
    /// First output column written.
    pub const OUT_OFFSET: usize = 3;
    /// Matrix rows.
    pub const ROWS: usize = 4;
    /// Matrix columns.
    pub const COLS: usize = 5;
    /// Row group used when dealing rows to PEs.
    pub const GROUP: usize = 6;
    /// Fractional bits of the weights.
    pub const W_FRAC: usize = 7;
    /// Requantising shift.
    pub const SHIFT: usize = 8;
    /// Clip value (two's complement).
    pub const CLIP: usize = 9;
    /// Payload offset of the stream section.
    pub const STREAMS_OFFSET: usize = 10;
    /// Bytes of the stream section.
    pub const STREAMS_BYTES: usize = 11;
    /// Payload offset of the bias section (`rows` × 8 bytes).
    pub const BIAS_OFFSET: usize = 12;
    /// True non-zero weights stored.
    pub const NNZ: usize = 13;
    /// Words 14–15: the name, ASCII, NUL-padded.
    pub const NAME: usize = 14;
}

/// Word indices of an activation-table record.
pub mod table {
    /// [`super::act_fn_code`].
    pub const FUNC: usize = 0;
    /// Number of values.
    pub const ENTRIES: usize = 1;
    /// Fractional bits of the input.
    pub const IN_FRAC: usize = 2;
    /// Fractional bits of the output.
    pub const OUT_FRAC: usize = 3;
    /// Payload offset of the values (`entries` little-endian `i16`).
    pub const VALUES_OFFSET: usize = 4;
}

/// Bytes of one stream entry: 4 when `entry_bits ≤ 32` (the default 23-bit entry), else 8.
pub fn entry_bytes(cfg: &HwConfig) -> usize {
    if cfg.entry_bits() <= 32 {
        4
    } else {
        8
    }
}

/// The code of an activation function in a table record: 0 sigmoid, 1 tanh.
pub fn act_fn_code(f: ActFn) -> u32 {
    match f {
        ActFn::Sigmoid => 0,
        ActFn::Tanh => 1,
    }
}

/// The activation function with `code`, if any.
pub fn act_fn_from_code(code: u32) -> Option<ActFn> {
    match code {
        0 => Some(ActFn::Sigmoid),
        1 => Some(ActFn::Tanh),
        _ => None,
    }
}

/// Rounds `n` up to a multiple of [`SECTION_ALIGN`].
pub fn align(n: usize) -> usize {
    n.div_ceil(SECTION_ALIGN) * SECTION_ALIGN
}

/// Places sections one after another in the payload, each aligned; the encoder and the
/// decoder both walk the sections in the same order with one of these.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Placer {
    next: usize,
}

impl Placer {
    /// The offset of the next section of `bytes` bytes; advances past it.
    pub fn place(&mut self, bytes: usize) -> usize {
        let at = self.next;
        self.next = align(at + bytes);
        at
    }

    /// The offset the next section will get, without placing it.
    pub fn peek(&self) -> usize {
        self.next
    }

    /// Bytes placed so far (the payload's length once every section is placed).
    pub fn len(&self) -> usize {
        self.next
    }

    /// True when nothing is placed yet.
    pub fn is_empty(&self) -> bool {
        self.next == 0
    }
}

/// Bytes of a layer's stream section: the PE directory, then every PE's entries.
pub fn streams_bytes(cfg: &HwConfig, entries_per_pe: &[usize]) -> usize {
    cfg.pes * PE_DIR_WORDS * 4 + entries_per_pe.iter().sum::<usize>() * entry_bytes(cfg)
}
