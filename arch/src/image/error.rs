//! Why an image cannot be encoded or decoded; every variant quotes the offending values.

use crate::config::{ConfigError, HwConfig};
use crate::stream::DecodeError;
use thiserror::Error;

/// Why a device image is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImageError {
    /// The bytes end before a part of the image.
    #[error("image is truncated: the {what} needs {needed} bytes, only {available} are there")]
    Truncated {
        /// The part that does not fit.
        what: &'static str,
        /// Bytes it needs (from the start of the image, or of the payload for a section).
        needed: usize,
        /// Bytes there are.
        available: usize,
    },
    /// A section of the payload extends past its end.
    #[error("the {what} ends at payload byte {end}, past the {payload}-byte payload")]
    Section {
        /// The section.
        what: String,
        /// Its end.
        end: usize,
        /// Payload length.
        payload: usize,
    },
    /// The image decodes but is not in canonical form (reserved bits, padding or name bytes
    /// that the encoder would write differently).
    #[error("image is not canonical: byte {offset} differs from what the encoder writes")]
    NotCanonical {
        /// First differing byte, from the start of the image.
        offset: usize,
    },
    /// The first eight bytes are not [`super::IMAGE_MAGIC`].
    #[error("not a zeroskip device image: magic is {found:02x?}, expected \"ZSKIMAGE\"")]
    BadMagic {
        /// The first eight bytes.
        found: [u8; 8],
    },
    /// The image layout version is not the one this build reads.
    #[error("image format version {found} is not supported: this build reads version {expected}")]
    ImageVersion {
        /// Version in the header.
        found: u32,
        /// [`super::IMAGE_VERSION`].
        expected: u32,
    },
    /// The streams were encoded in another stream format version.
    #[error("image holds streams of format version {found}, this build reads version {expected}")]
    StreamVersion {
        /// Version in the header.
        found: u32,
        /// [`crate::stream::FORMAT_VERSION`].
        expected: u32,
    },
    /// The header's length field is not [`super::HEADER_BYTES`].
    #[error("image header declares {found} bytes, version 1 headers are {expected} bytes")]
    HeaderSize {
        /// Length in the header.
        found: u32,
        /// [`super::HEADER_BYTES`].
        expected: usize,
    },
    /// The header's CRC-32 does not match its bytes.
    #[error("image header checksum mismatch: stored {stored:#010x}, computed {computed:#010x}")]
    HeaderChecksum {
        /// CRC in the header.
        stored: u32,
        /// CRC of the header's bytes.
        computed: u32,
    },
    /// The payload's CRC-32 does not match its bytes.
    #[error("image payload checksum mismatch: stored {stored:#010x}, computed {computed:#010x} over {len} bytes")]
    PayloadChecksum {
        /// CRC in the header.
        stored: u32,
        /// CRC of the payload's bytes.
        computed: u32,
        /// Payload bytes.
        len: usize,
    },
    /// Bytes follow the payload.
    #[error("image has {extra} bytes after its {payload}-byte payload")]
    TrailingBytes {
        /// Bytes after the payload.
        extra: usize,
        /// Payload length in the header.
        payload: usize,
    },
    /// The header's hardware configuration is invalid.
    #[error("image header holds an invalid hardware configuration")]
    Config(#[source] ConfigError),
    /// The image was packed for another hardware configuration.
    #[error("image was packed for {image:?}, but the hardware is {expected:?}")]
    ConfigMismatch {
        /// The image's configuration.
        image: Box<HwConfig>,
        /// The configuration asked for.
        expected: Box<HwConfig>,
    },
    /// A count in the network block is out of range.
    #[error("image declares {value} {what}, at most {max} are allowed")]
    Count {
        /// What is counted.
        what: &'static str,
        /// The count.
        value: usize,
        /// The largest allowed.
        max: usize,
    },
    /// A stored offset is not where the canonical layout puts that section.
    #[error("{what} is at payload offset {found}, the layout puts it at {expected}")]
    Offset {
        /// The section.
        what: String,
        /// Offset stored.
        found: usize,
        /// Offset expected.
        expected: usize,
    },
    /// A tensor's format is out of range.
    #[error("tensor {index}: width {width} must be at least 1 and frac {frac} at most {max_frac}")]
    Tensor {
        /// The tensor.
        index: usize,
        /// Its width.
        width: usize,
        /// Its fractional bits.
        frac: u32,
        /// [`super::MAX_FRAC`].
        max_frac: u32,
    },
    /// The output tensor does not exist or no layer writes it.
    #[error("output tensor {index} does not exist or no layer writes it ({tensors} tensors)")]
    Output {
        /// The output tensor index.
        index: usize,
        /// Tensors declared.
        tensors: usize,
    },
    /// The program has no layers.
    #[error("the layer program is empty")]
    NoLayers,
    /// A layer is inconsistent.
    #[error("layer {index} ({name:?}): {problem}")]
    Layer {
        /// The layer's position in the program.
        index: usize,
        /// Its name.
        name: String,
        /// What is wrong.
        problem: LayerProblem,
    },
    /// An activation table is unusable.
    #[error("activation table {index}: {problem}")]
    Table {
        /// The table's position.
        index: usize,
        /// What is wrong.
        problem: String,
    },
    /// The program has an LSTM but the image lacks a table it needs.
    #[error("the program has an LSTM layer but the image has no {0} table")]
    MissingTable(&'static str),
    /// A quantity does not fit its 32-bit field.
    #[error("{what} is {value}, which does not fit a 32-bit field")]
    TooLarge {
        /// The quantity.
        what: String,
        /// Its value.
        value: u64,
    },
}

/// What is wrong with one layer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LayerProblem {
    /// The name is empty, too long or not ASCII.
    #[error("name must be 1 to 8 ASCII characters without NUL")]
    Name,
    /// Unknown layer-kind code.
    #[error("unknown layer kind {0}")]
    Kind(u32),
    /// A tensor index is out of range.
    #[error("{which} tensor {index} does not exist ({tensors} tensors)")]
    TensorIndex {
        /// "input" or "output".
        which: &'static str,
        /// The index.
        index: usize,
        /// Tensors declared.
        tensors: usize,
    },
    /// The input tensor is not computed before this layer.
    #[error("input tensor {0} is neither the network input (0) nor written by an earlier layer")]
    NotYetComputed(usize),
    /// A layer writes the tensor it reads.
    #[error("reads and writes tensor {0}")]
    InPlace(usize),
    /// The matrix's columns do not match the input.
    #[error("the matrix has {cols} columns, the input needs {expected}")]
    Cols {
        /// Columns of the matrix.
        cols: usize,
        /// Columns the input tensor (and, for an LSTM, its hidden state) needs.
        expected: usize,
    },
    /// An LSTM whose rows are not whole units dealt in groups of 4.
    #[error(
        "an LSTM needs rows in units of 4 dealt with group 4, got {rows} rows and group {group}"
    )]
    LstmShape {
        /// Rows.
        rows: usize,
        /// Row group.
        group: usize,
    },
    /// An LSTM whose hidden state is not in its input's format.
    #[error("an LSTM's output format (frac {output_frac}) must equal its input's (frac {input_frac}), and at most 28")]
    LstmFormat {
        /// Input tensor's fractional bits.
        input_frac: u32,
        /// Output tensor's fractional bits.
        output_frac: u32,
    },
    /// The written columns leave the output tensor.
    #[error("writes columns {offset}..{end} of a {width}-wide output tensor", end = offset + count)]
    OutputRange {
        /// First column.
        offset: usize,
        /// Columns written.
        count: usize,
        /// Width of the output tensor.
        width: usize,
    },
    /// The weight format is out of range.
    #[error("w_frac {0} is larger than {max}", max = super::MAX_FRAC)]
    WFrac(u32),
    /// The formats need a negative shift.
    #[error("w_frac {w_frac} + input frac {in_frac} is below the output frac {out_frac}: the shift would be negative")]
    Scale {
        /// Weight fractional bits.
        w_frac: u32,
        /// Input fractional bits.
        in_frac: u32,
        /// Output fractional bits (Q4.11's 11 for an LSTM).
        out_frac: u32,
    },
    /// The stored shift disagrees with the formats.
    #[error("shift {shift} disagrees with the formats, which give {expected}")]
    Shift {
        /// Shift stored.
        shift: u32,
        /// Shift the formats give.
        expected: u32,
    },
    /// The shift exceeds what the hardware accepts.
    #[error("shift {shift} is larger than the hardware's maximum {max}")]
    ShiftTooLarge {
        /// Shift stored.
        shift: u32,
        /// `acc_bits - 1`.
        max: u32,
    },
    /// A bad clip value.
    #[error("clip {clip} must be in 0..={max} for a clipped ReLU and 0 otherwise")]
    Clip {
        /// Clip stored.
        clip: i64,
        /// Largest activation.
        max: i64,
    },
    /// Not one bias per row.
    #[error("{found} biases for {rows} rows")]
    BiasCount {
        /// Biases given.
        found: usize,
        /// Rows.
        rows: usize,
    },
    /// A bias that, with the row's largest possible sum, could overflow the accumulator.
    #[error("bias {value} of row {row} could overflow the {bits}-bit accumulator: its magnitude plus the row's largest sum {row_max} exceeds {limit}")]
    BiasRange {
        /// Row.
        row: usize,
        /// The bias at the accumulator's scale.
        value: i64,
        /// Largest magnitude of the row's sum of products plus the rounding increment.
        row_max: i128,
        /// `2^(acc_bits−1) − 1`.
        limit: i128,
        /// Accumulator width.
        bits: u32,
    },
    /// The matrix was packed for another configuration.
    #[error("the matrix was packed for {0:?}, not the image's configuration")]
    MatrixConfig(Box<HwConfig>),
    /// The rows are not dealt as `deal_rows_to_pes(rows, group, pes)` deals them.
    #[error("rows are not dealt to the {pes} PEs in groups of {group}")]
    Dealing {
        /// PEs.
        pes: usize,
        /// Row group.
        group: usize,
    },
    /// A memory of the configuration is too small.
    #[error("{what} is {value}, the configuration allows {max}")]
    Limit {
        /// What overflows.
        what: String,
        /// Its size.
        value: usize,
        /// The memory's size.
        max: usize,
    },
    /// The streams are malformed.
    #[error(transparent)]
    Streams(#[from] DecodeError),
    /// The stored non-zero count disagrees with the streams.
    #[error("record says {stored} non-zero weights, the streams hold {found}")]
    Nnz {
        /// Count stored.
        stored: usize,
        /// Count found.
        found: usize,
    },
    /// An entry word has bits set above `entry_bits`.
    #[error("PE {pe}, entry {entry}: word {word:#x} has bits set above the {bits}-bit entry")]
    EntryBits {
        /// The PE.
        pe: usize,
        /// Entry index in its stream.
        entry: usize,
        /// The word.
        word: u64,
        /// `entry_bits`.
        bits: u32,
    },
    /// The matrix has no rows or columns.
    #[error("the matrix is {rows}x{cols}")]
    Empty {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
    },
}
