//! Choosing formats and quantising: every activation tensor gets a power-of-two format from its
//! calibrated range, every layer's weights one from their largest magnitude, biases go to the
//! accumulator's scale, LSTM weights become `[W_ih | W_hh]` with rows interleaved per unit.
//! The rules are those of `docs/FORMAT.md`, "Network arithmetic":
//!
//! * `f_x` of a tensor: the finest format holding its calibrated range × `headroom`
//!   (FC1–FC3 outputs: the range is at most the clip value);
//! * `f_w` of a layer: the finest format holding its largest |w| in `weight_bits`
//!   (at most [`MAX_W_FRAC`]; `weight_bits − 1` for an all-zero layer, see [`weight_frac`]);
//! * an FC output's `f_y` is at most `f_w + f_x` (the shift cannot be negative);
//! * the LSTM's input (FC3's output) and hidden state share `f_v`, chosen from both ranges;
//!   its gates are requantised to Q4.11, so `f_w + f_v ≥ 11`.

use super::formats::{frac_for, quantize_value, MAX_ACT_FRAC, MAX_W_FRAC};
use super::{QuantError, Ranges};
use crate::model::{Dense, LstmWeights, Model};
use zeroskip_arch::act::LUT_IN_FRAC;
use zeroskip_arch::image::{LayerKind, TensorFormat};
use zeroskip_arch::{fixed, HwConfig};

/// The layers of the Deep Speech network in program order, as named in images and reports.
pub const LAYER_NAMES: [&str; 6] = ["fc1", "fc2", "fc3", "lstm_fwd", "lstm_bwd", "out"];

/// Knobs of the quantiser.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QuantOptions {
    /// Calibrated ranges are multiplied by this before formats are chosen (≥ 1; 2 buys one
    /// bit of margin against inputs larger than the calibration set's).
    pub headroom: f32,
}

impl Default for QuantOptions {
    fn default() -> Self {
        QuantOptions { headroom: 1.0 }
    }
}

/// One quantised layer, dense, before packing.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantLayer {
    /// Name, from [`LAYER_NAMES`].
    pub name: &'static str,
    /// What it computes.
    pub kind: LayerKind,
    /// Input tensor.
    pub input: usize,
    /// Output tensor.
    pub output: usize,
    /// First output column.
    pub out_offset: usize,
    /// Rows (for an LSTM `4 H`, interleaved per unit: row `4u + k` is gate `k` of unit `u`).
    pub rows: usize,
    /// Columns (for an LSTM input plus hidden).
    pub cols: usize,
    /// Row group for dealing rows to PEs (4 for an LSTM).
    pub group: usize,
    /// Row-major weights at `2^w_frac`.
    pub weights: Vec<i64>,
    /// Biases at the accumulator's scale `2^(w_frac + f_x)`.
    pub bias: Vec<i64>,
    /// Weight fractional bits.
    pub w_frac: u32,
    /// Requantising shift.
    pub shift: u32,
    /// Clipped-ReLU ceiling in the output format (0 for other kinds).
    pub clip: i64,
}

/// The quantised network: tensor formats and layers, in program order.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantNetwork {
    /// Tensors: input, FC1, FC2, FC3 (= LSTM input), LSTM output, logits.
    pub tensors: Vec<TensorFormat>,
    /// Layers in program order.
    pub layers: Vec<QuantLayer>,
    /// The logits tensor.
    pub output: usize,
}

/// Fractional bits of a layer's weights: the finest format holding the largest |w| (at most
/// [`MAX_W_FRAC`]); an all-zero layer gets `weight_bits − 1`, as if its largest weight were 1.
pub fn weight_frac(max_abs: f64, weight_bits: u32) -> u32 {
    if max_abs > 0.0 {
        frac_for(max_abs, weight_bits, MAX_W_FRAC)
    } else {
        weight_bits - 1
    }
}

/// What a layer is before quantisation: float weights already in the engine's row order.
struct FloatLayer<'a> {
    name: &'static str,
    kind: LayerKind,
    tensors: (usize, usize, usize),
    rows: usize,
    cols: usize,
    weights: Vec<f32>,
    bias: Vec<f64>,
    /// Maps an engine row back to the model's row, for error messages.
    model_row: &'a dyn Fn(usize) -> usize,
}

/// Quantises `model` for `hw` with formats from `ranges`.
pub fn quantize(
    model: &Model,
    ranges: &Ranges,
    hw: &HwConfig,
    options: &QuantOptions,
) -> Result<QuantNetwork, QuantError> {
    hw.validate().map_err(QuantError::Config)?;
    if !(options.headroom.is_finite() && options.headroom >= 1.0) {
        return Err(QuantError::Headroom(options.headroom));
    }
    let cfg = &model.config;
    let w = &model.weights;
    let h = cfg.lstm_hidden;
    let [h1, h2, h3] = cfg.fc_sizes;
    let widths = [cfg.input_width(), h1, h2, h3 + h, h3 + h, 2 * h];
    for (layer, cols) in LAYER_NAMES.into_iter().zip(widths) {
        if cols > hw.max_cols {
            return Err(QuantError::TooWide {
                layer,
                cols,
                max: hw.max_cols,
            });
        }
    }
    let act = |range: f32| {
        frac_for(
            f64::from(range) * f64::from(options.headroom),
            hw.act_bits,
            MAX_ACT_FRAC,
        )
    };
    let clip = cfg.relu_clip;
    let mut tensors = vec![TensorFormat {
        width: cfg.input_width(),
        frac: act(ranges.input),
    }];
    let mut layers = Vec::with_capacity(LAYER_NAMES.len());
    let identity = |r: usize| r;

    // FC1–FC3 with the clipped ReLU; FC3's output is also the LSTM's input, so its format
    // covers the hidden state's range too.
    for (k, dense) in [&w.fc1, &w.fc2, &w.fc3].into_iter().enumerate() {
        let mut range = ranges.fc[k].min(clip);
        if k == 2 {
            range = range.max(ranges.lstm);
        }
        let f = float_dense(
            LAYER_NAMES[k],
            LayerKind::FcClippedRelu,
            (k, k + 1, 0),
            dense,
            &identity,
        );
        let layer = quantize_layer(f, tensors[k].frac, act(range), clip, hw)?;
        tensors.push(TensorFormat {
            width: layer.rows,
            frac: tensors[k].frac + layer.w_frac - layer.shift,
        });
        layers.push(layer);
    }
    let f_v = tensors[3].frac;
    tensors.push(TensorFormat {
        width: 2 * h,
        frac: f_v,
    });
    let unit_row = |r: usize| (r % 4) * h + r / 4;
    for (k, (lw, kind)) in [
        (&w.lstm_forward, LayerKind::LstmForward),
        (&w.lstm_backward, LayerKind::LstmBackward),
    ]
    .into_iter()
    .enumerate()
    {
        let f = float_lstm(LAYER_NAMES[3 + k], kind, (3, 4, k * h), lw, &unit_row);
        layers.push(quantize_layer(f, f_v, LUT_IN_FRAC, 0.0, hw)?);
    }
    let f = float_dense(LAYER_NAMES[5], LayerKind::Fc, (4, 5, 0), &w.out, &identity);
    let out = quantize_layer(f, f_v, act(ranges.logits), 0.0, hw)?;
    tensors.push(TensorFormat {
        width: out.rows,
        frac: f_v + out.w_frac - out.shift,
    });
    layers.push(out);
    Ok(QuantNetwork {
        tensors,
        layers,
        output: 5,
    })
}

fn float_dense<'a>(
    name: &'static str,
    kind: LayerKind,
    tensors: (usize, usize, usize),
    d: &Dense,
    model_row: &'a dyn Fn(usize) -> usize,
) -> FloatLayer<'a> {
    FloatLayer {
        name,
        kind,
        tensors,
        rows: d.weight.nrows(),
        cols: d.weight.ncols(),
        weights: d.weight.iter().copied().collect(),
        bias: d.bias.iter().map(|&b| f64::from(b)).collect(),
        model_row,
    }
}

/// `[W_ih | W_hh]` with PyTorch's gate-major rows (`k·H + u`) reordered to unit-major
/// (`4u + k`), and `b_ih + b_hh`.
fn float_lstm<'a>(
    name: &'static str,
    kind: LayerKind,
    tensors: (usize, usize, usize),
    lw: &LstmWeights,
    model_row: &'a dyn Fn(usize) -> usize,
) -> FloatLayer<'a> {
    let (rows, n, h) = (lw.weight_ih.nrows(), lw.weight_ih.ncols(), lw.hidden());
    let cols = n + h;
    let mut weights = Vec::with_capacity(rows * cols);
    let mut bias = Vec::with_capacity(rows);
    for r in 0..rows {
        let src = model_row(r);
        weights.extend(lw.weight_ih.row(src).iter());
        weights.extend(lw.weight_hh.row(src).iter());
        bias.push(f64::from(lw.bias_ih[src]) + f64::from(lw.bias_hh[src]));
    }
    FloatLayer {
        name,
        kind,
        tensors,
        rows,
        cols,
        weights,
        bias,
        model_row,
    }
}

/// Quantises one layer reading `f_x` and writing `f_out` (at most `f_w + f_x` for an FC layer;
/// exactly Q4.11 for LSTM gates).
fn quantize_layer(
    f: FloatLayer,
    f_x: u32,
    f_out: u32,
    clip: f32,
    hw: &HwConfig,
) -> Result<QuantLayer, QuantError> {
    if let Some(&value) = f.weights.iter().find(|v| !v.is_finite()) {
        return Err(QuantError::NonFinite {
            what: format!("layer {} weights", f.name),
            value,
        });
    }
    if let Some(&value) = f.bias.iter().find(|v| !v.is_finite()) {
        return Err(QuantError::NonFinite {
            what: format!("layer {} biases", f.name),
            value: value as f32,
        });
    }
    let max_w = f
        .weights
        .iter()
        .fold(0.0f64, |m, &v| m.max(f64::from(v).abs()));
    let w_frac = weight_frac(max_w, hw.weight_bits);
    let f_y = if f.kind.is_lstm() {
        if w_frac + f_x < f_out {
            return Err(QuantError::LstmScale {
                layer: f.name,
                w_frac,
                v_frac: f_x,
                lut_frac: f_out,
            });
        }
        f_out
    } else {
        f_out.min(w_frac + f_x)
    };
    let shift = w_frac + f_x - f_y;
    if shift > hw.max_shift() {
        return Err(QuantError::Shift {
            layer: f.name,
            shift,
            max: hw.max_shift(),
        });
    }
    let weights: Vec<i64> = f
        .weights
        .iter()
        .map(|&v| quantize_value(f64::from(v), w_frac, hw.weight_bits))
        .collect();
    let bias = quantize_bias(&f, &weights, w_frac + f_x, shift, hw)?;
    let clip = if f.kind == LayerKind::FcClippedRelu {
        quantize_value(f64::from(clip), f_y, hw.act_bits)
    } else {
        0
    };
    let (input, output, out_offset) = f.tensors;
    Ok(QuantLayer {
        name: f.name,
        kind: f.kind,
        input,
        output,
        out_offset,
        rows: f.rows,
        cols: f.cols,
        group: if f.kind.is_lstm() { 4 } else { 1 },
        weights,
        bias,
        w_frac,
        shift,
        clip,
    })
}

/// Biases at `2^scale`, refusing any that could overflow the accumulator together with its
/// row's largest possible sum (the rule `zeroskip_arch::image` enforces).
fn quantize_bias(
    f: &FloatLayer,
    weights: &[i64],
    scale: u32,
    shift: u32,
    hw: &HwConfig,
) -> Result<Vec<i64>, QuantError> {
    let limit = (1i128 << (hw.acc_bits - 1)) - 1;
    let x_max = 1i128 << (hw.act_bits - 1);
    let round = if shift > 0 { 1i128 << (shift - 1) } else { 0 };
    f.bias
        .iter()
        .enumerate()
        .map(|(r, &b)| {
            let quantized = (b * 2f64.powi(scale as i32)).round();
            let row_abs: i128 = weights[r * f.cols..(r + 1) * f.cols]
                .iter()
                .map(|&w| i128::from(w.unsigned_abs()))
                .sum();
            let row_max = row_abs * x_max + round;
            if quantized.abs() >= limit as f64 || quantized.abs() as i128 + row_max > limit {
                return Err(QuantError::BiasRange {
                    layer: f.name,
                    row: (f.model_row)(r),
                    bias: b as f32,
                    scale,
                    quantized,
                    row_max: row_max as f64,
                    limit: limit as f64,
                    acc_bits: hw.acc_bits,
                });
            }
            Ok(fixed::saturate(quantized as i64, hw.acc_bits))
        })
        .collect()
}
