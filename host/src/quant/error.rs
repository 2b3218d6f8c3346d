//! Why a model cannot be quantised or packed; every variant names the layer and quotes the
//! offending values.

use crate::model::InputWidth;
use thiserror::Error;
use zeroskip_arch::image::ImageError;
use zeroskip_arch::{ConfigError, PackError};

/// Why quantisation or packing failed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum QuantError {
    /// The hardware configuration is invalid.
    #[error("invalid hardware configuration")]
    Config(#[source] ConfigError),
    /// No calibration frames were given.
    #[error("calibration needs at least one frame of features; got {utterances} utterances with no frames")]
    NoCalibration {
        /// Utterances given.
        utterances: usize,
    },
    /// Calibration frames of the wrong width.
    #[error("calibration utterance {index}")]
    CalibrationWidth {
        /// Which utterance.
        index: usize,
        /// The width problem.
        #[source]
        source: InputWidth,
    },
    /// A calibration value or a weight is NaN or infinite.
    #[error("{what} holds the non-finite value {value}")]
    NonFinite {
        /// Where.
        what: String,
        /// The value.
        value: f32,
    },
    /// A layer needs more columns than the activation memory holds.
    #[error("layer {layer} has {cols} columns, the hardware holds at most {max} (max_cols); use a configuration with max_cols >= {cols}")]
    TooWide {
        /// The layer.
        layer: &'static str,
        /// Its columns (for an LSTM: input plus hidden state).
        cols: usize,
        /// `max_cols`.
        max: usize,
    },
    /// A bias too large for the accumulator at the layer's scale.
    #[error("layer {layer}, row {row}: bias {bias} at the accumulator's scale 2^{scale} is {quantized:.4e}, which with the row's largest sum ({row_max:.4e}) does not fit the {acc_bits}-bit accumulator (limit {limit:.4e})")]
    BiasRange {
        /// The layer.
        layer: &'static str,
        /// Row (PyTorch order for an LSTM: gate-major).
        row: usize,
        /// The float bias (for an LSTM, `b_ih + b_hh`).
        bias: f32,
        /// `f_w + f_x`.
        scale: u32,
        /// `bias · 2^scale`.
        quantized: f64,
        /// Largest magnitude of the row's products plus the rounding increment.
        row_max: f64,
        /// `2^(acc_bits − 1) − 1`.
        limit: f64,
        /// Accumulator width.
        acc_bits: u32,
    },
    /// The LSTM gates cannot be brought to the tables' Q4.11 with a right shift.
    #[error("layer {layer}: weight frac {w_frac} + input frac {v_frac} is below the gates' {lut_frac}; the weights are too large for the LSTM's input format")]
    LstmScale {
        /// The layer.
        layer: &'static str,
        /// Weight fractional bits.
        w_frac: u32,
        /// Input (and hidden state) fractional bits.
        v_frac: u32,
        /// `LUT_IN_FRAC`.
        lut_frac: u32,
    },
    /// A layer's requantising shift exceeds the hardware's.
    #[error("layer {layer}: shift {shift} exceeds the hardware's maximum {max}")]
    Shift {
        /// The layer.
        layer: &'static str,
        /// The shift.
        shift: u32,
        /// `acc_bits − 1`.
        max: u32,
    },
    /// A layer's streams do not fit the configuration.
    #[error("cannot pack layer {layer} for the hardware configuration (more PEs, deeper stream memories or a pruned model shorten the streams)")]
    Pack {
        /// The layer.
        layer: &'static str,
        /// Why.
        #[source]
        source: PackError,
    },
    /// The assembled image breaks a rule of the format (a bug in the quantiser if it happens).
    #[error("the packed network is not a valid device image")]
    Image(#[source] ImageError),
    /// The options are out of range.
    #[error("headroom {0} must be a finite number >= 1")]
    Headroom(f32),
}
