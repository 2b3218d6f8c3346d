//! The device image, version [`IMAGE_VERSION`]: everything the accelerator needs to run a whole
//! network, in one versioned, checksummed, little-endian binary that a loader can DMA section by
//! section into on-chip memories. The golden model, the simulator and the card all run from the
//! *decoded* image, so what is tested is what is shipped.
//!
//! An image is a fixed 64-byte header followed by the payload:
//!
//! * **header**: magic `ZSKIMAGE`, [`IMAGE_VERSION`], the stream format version
//!   ([`crate::stream::FORMAT_VERSION`]), the [`HwConfig`] it was packed for, the payload's
//!   length and CRC-32 ([`crate::checksum`]), and the header's own CRC-32;
//! * **network block**: counts and offsets of the tables below;
//! * **tensor table**: every activation tensor's width and format (fractional bits);
//! * **layer program**: per layer its kind (FC, FC + clipped ReLU, LSTM forward or backward),
//!   input and output tensors, shape, row group, weight format, requantising shift, clip value,
//!   and the offsets of its streams and biases;
//! * **activation tables**: sigmoid and tanh ([`crate::act`]);
//! * per layer, the **streams** (a directory of per-PE entry counts and offsets, then each PE's
//!   entries in [`crate::stream`] format) and the **biases** at the accumulator's scale, as
//!   64-bit integers in the order each PE emits its rows.
//!
//! All words are little-endian, every section starts on an 8-byte boundary, and the layout is
//! canonical: offsets are stored (so a loader needs no arithmetic) but must equal the ones the
//! encoder computes, so `encode(decode(bytes)) == bytes`. `docs/FORMAT.md` ("Device image")
//! gives the byte layout; the arithmetic each layer kind implies is its "Network arithmetic".

mod decode;
mod encode;
mod error;
mod layout;
#[cfg(test)]
mod tests;
mod validate;

pub use decode::read_header;
pub use error::{ImageError, LayerProblem};
pub use layout::*;

use crate::act::{self, ActFn};
use crate::config::HwConfig;
use crate::stream::PackedMatrix;

/// What a layer of the program computes (see `docs/FORMAT.md`, "Network arithmetic").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayerKind {
    /// `y = requantize(b + W x, shift)`.
    Fc,
    /// A fully connected layer followed by the clipped ReLU `min(max(y, 0), clip)`.
    FcClippedRelu,
    /// One LSTM direction run over the frames in order.
    LstmForward,
    /// One LSTM direction run over the frames in reverse.
    LstmBackward,
}

impl LayerKind {
    /// Every kind, in code order.
    pub const ALL: [LayerKind; 4] = [
        LayerKind::Fc,
        LayerKind::FcClippedRelu,
        LayerKind::LstmForward,
        LayerKind::LstmBackward,
    ];

    /// The kind's code in the layer record.
    pub fn code(self) -> u32 {
        match self {
            LayerKind::Fc => 0,
            LayerKind::FcClippedRelu => 1,
            LayerKind::LstmForward => 2,
            LayerKind::LstmBackward => 3,
        }
    }

    /// The kind with `code`, if any.
    pub fn from_code(code: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// True for both LSTM directions.
    pub fn is_lstm(self) -> bool {
        matches!(self, LayerKind::LstmForward | LayerKind::LstmBackward)
    }
}

/// An activation tensor: `width` values per frame, each `act_bits` wide with `frac` fractional
/// bits (a real value `v` is stored as `round(v · 2^frac)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TensorFormat {
    /// Values per frame.
    pub width: usize,
    /// Fractional bits.
    pub frac: u32,
}

/// One layer of the program with its packed weights and biases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageLayer {
    /// A short name for reports and errors: 1 to [`NAME_BYTES`] ASCII characters.
    pub name: String,
    /// What the layer computes.
    pub kind: LayerKind,
    /// Index of the tensor it reads (0 is the network input).
    pub input: usize,
    /// Index of the tensor it writes.
    pub output: usize,
    /// First column of the output tensor it writes (an LSTM direction writes `hidden()`
    /// columns, a fully connected layer `rows`).
    pub out_offset: usize,
    /// Fractional bits of the weights.
    pub w_frac: u32,
    /// Requantising shift: `w_frac + f_in − f_out` for a fully connected layer,
    /// `w_frac + f_in − LUT_IN_FRAC` for an LSTM (its gates go to the tables in Q4.11).
    pub shift: u32,
    /// Ceiling of the clipped ReLU in the output format; 0 for other kinds.
    pub clip: i64,
    /// The weights: `rows x cols`, LSTM rows interleaved per unit (i, f, g, o), group 4.
    pub matrix: PackedMatrix,
    /// One bias per row (global row order) at the accumulator's scale `2^(w_frac + f_in)`.
    pub bias: Vec<i64>,
}

impl ImageLayer {
    /// Rows of the weight matrix.
    pub fn rows(&self) -> usize {
        self.matrix.rows
    }

    /// Columns of the weight matrix.
    pub fn cols(&self) -> usize {
        self.matrix.cols
    }

    /// LSTM units (`rows / 4`); 0 for a fully connected layer.
    pub fn hidden(&self) -> usize {
        if self.kind.is_lstm() {
            self.matrix.rows / 4
        } else {
            0
        }
    }

    /// Columns of the output tensor the layer writes.
    pub fn outputs(&self) -> usize {
        if self.kind.is_lstm() {
            self.hidden()
        } else {
            self.matrix.rows
        }
    }
}

/// An activation table carried by the image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActTable {
    /// The function tabulated.
    pub func: ActFn,
    /// Fractional bits of the input ([`act::LUT_IN_FRAC`]).
    pub in_frac: u32,
    /// Fractional bits of the output ([`act::LUT_OUT_FRAC`]).
    pub out_frac: u32,
    /// `2^LUT_INDEX_BITS` entries, 16 bits each.
    pub values: Vec<i64>,
}

impl ActTable {
    /// The table `arch` generates for `func` ([`act::table`]).
    pub fn from_arch(func: ActFn) -> Self {
        ActTable {
            func,
            in_frac: act::LUT_IN_FRAC,
            out_frac: act::LUT_OUT_FRAC,
            values: act::table(func),
        }
    }
}

/// A whole network packed for one hardware configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceImage {
    /// The configuration every matrix was packed for.
    pub cfg: HwConfig,
    /// Activation tensors; tensor 0 is the network's input.
    pub tensors: Vec<TensorFormat>,
    /// Index of the tensor holding the network's output.
    pub output: usize,
    /// The program, in execution order.
    pub layers: Vec<ImageLayer>,
    /// Activation tables (sigmoid and tanh when the program has an LSTM).
    pub tables: Vec<ActTable>,
}

impl DeviceImage {
    /// The sigmoid and tanh tables `arch` generates, for an image's `tables`.
    pub fn arch_tables() -> Vec<ActTable> {
        vec![
            ActTable::from_arch(ActFn::Sigmoid),
            ActTable::from_arch(ActFn::Tanh),
        ]
    }

    /// The table of `func`, if the image carries one.
    pub fn table(&self, func: ActFn) -> Option<&ActTable> {
        self.tables.iter().find(|t| t.func == func)
    }

    /// The network input's format.
    pub fn input_format(&self) -> Option<TensorFormat> {
        self.tensors.first().copied()
    }

    /// The network output's format.
    pub fn output_format(&self) -> Option<TensorFormat> {
        self.tensors.get(self.output).copied()
    }

    /// Non-zero weights over all layers.
    pub fn nnz(&self) -> usize {
        self.layers.iter().map(|l| l.matrix.nnz).sum()
    }
}
