//! The golden fixed-point network: runs a *decoded device image* exactly as the whole-network
//! kernel will (`docs/FORMAT.md`, "Network arithmetic"): input features quantised to the input
//! format; every fully connected layer a sparse product with bias-initialised accumulators,
//! requantised and, for FC1–FC3, clipped by [`zeroskip_arch::act::clipped_relu`]; each LSTM
//! direction a product of `[x_t ; h_(t−1)]` per step whose gates go through
//! [`zeroskip_arch::cell::lstm_cell`]; logits dequantised to f32 at the end. It also reports
//! the cycles the engine's schedule needs ([`cycles`]).
//!
//! Two executions of the same arithmetic: [`GoldenNet::run_reference`] walks the packed
//! streams with [`crate::golden::spmv_with_bias`] frame by frame, the specification;
//! [`GoldenNet::run_quantized`] uses the streams decoded once into [`CompactMatrix`] and
//! batches frames where the network allows it (FC layers, the input half of an LSTM's
//! product). Integer sums are exact in any order, so the two agree bit for bit (tested).

mod compact;
mod cycles;
mod exec;
mod reference;

pub use compact::CompactMatrix;
pub use cycles::{frames_per_second, CycleReport, LayerCycles};

use crate::golden::GoldenError;
use crate::quant::quantize_input;
use ndarray::{Array2, ArrayView2};
use thiserror::Error;
use zeroskip_arch::act::ActFn;
use zeroskip_arch::cell::CellTables;
use zeroskip_arch::image::{DeviceImage, ImageError, ImageLayer, LayerKind};
use zeroskip_arch::stream::DecodeError;
use zeroskip_arch::{fixed, HwConfig};

/// Why the golden network cannot be built or run; each variant quotes the offending values.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum GoldenNetError {
    /// The image is invalid.
    #[error("invalid device image")]
    Image(#[source] ImageError),
    /// A layer's streams are malformed.
    #[error("layer {layer}: malformed streams")]
    Streams {
        /// The layer's name.
        layer: String,
        /// Why.
        #[source]
        source: DecodeError,
    },
    /// The input frames have the wrong width.
    #[error("input frames are {found} wide, the image's input is {expected} wide")]
    InputWidth {
        /// Width given.
        found: usize,
        /// The input tensor's width.
        expected: usize,
    },
    /// A quantised input does not fit the activation width.
    #[error("input value {value} at frame {frame}, column {col} does not fit in {bits} bits")]
    InputRange {
        /// Frame.
        frame: usize,
        /// Column.
        col: usize,
        /// Value.
        value: i32,
        /// `act_bits`.
        bits: u32,
    },
    /// The reference product refused its inputs.
    #[error("layer {layer}")]
    Golden {
        /// The layer's name.
        layer: String,
        /// Why.
        #[source]
        source: GoldenError,
    },
}

/// A layer's weights decoded for the fast path.
#[derive(Clone, Debug)]
enum Prepared {
    /// A fully connected layer.
    Fc(CompactMatrix),
    /// An LSTM direction: the input columns and the hidden-state columns apart.
    Lstm { x: CompactMatrix, h: CompactMatrix },
}

/// A device image ready to run.
#[derive(Clone, Debug)]
pub struct GoldenNet {
    image: DeviceImage,
    prepared: Vec<Prepared>,
    tables: CellTables,
}

impl GoldenNet {
    /// Validates `image` and decodes its streams once.
    pub fn new(image: DeviceImage) -> Result<Self, GoldenNetError> {
        image.validate().map_err(GoldenNetError::Image)?;
        let prepared = image
            .layers
            .iter()
            .map(|l| {
                let streams = |source| GoldenNetError::Streams {
                    layer: l.name.clone(),
                    source,
                };
                if l.kind.is_lstm() {
                    let n = image.tensors[l.input].width;
                    let (x, h) = CompactMatrix::split(&l.matrix, n).map_err(streams)?;
                    Ok(Prepared::Lstm { x, h })
                } else {
                    Ok(Prepared::Fc(
                        CompactMatrix::from_packed(&l.matrix).map_err(streams)?,
                    ))
                }
            })
            .collect::<Result<_, GoldenNetError>>()?;
        // validate() guarantees both tables when there is an LSTM; otherwise they are unused.
        let table = |f| {
            image
                .table(f)
                .map(|t| t.values.clone())
                .unwrap_or_else(|| zeroskip_arch::act::table(f))
        };
        let tables = CellTables {
            sigmoid: table(ActFn::Sigmoid),
            tanh: table(ActFn::Tanh),
        };
        Ok(GoldenNet {
            image,
            prepared,
            tables,
        })
    }

    /// Decodes image bytes packed for `hw` (refusing any other configuration) and prepares
    /// them.
    pub fn from_bytes(bytes: &[u8], hw: &HwConfig) -> Result<Self, GoldenNetError> {
        Self::new(DeviceImage::decode_for(bytes, hw).map_err(GoldenNetError::Image)?)
    }

    /// The image it runs.
    pub fn image(&self) -> &DeviceImage {
        &self.image
    }

    /// Feature frames (`[frames, input width]`) in the input format.
    pub fn quantize_input(&self, features: ArrayView2<f32>) -> Result<Array2<i32>, GoldenNetError> {
        let input = self.image.tensors[0];
        if features.ncols() != input.width {
            return Err(GoldenNetError::InputWidth {
                found: features.ncols(),
                expected: input.width,
            });
        }
        Ok(quantize_input(
            features,
            input.frac,
            self.image.cfg.act_bits,
        ))
    }

    /// Output words (`[frames, output width]`) to real values.
    pub fn dequantize_output(&self, y: ArrayView2<i32>) -> Array2<f32> {
        let frac = self.image.tensors[self.image.output].frac;
        let scale = 2f64.powi(-(frac as i32));
        y.mapv(|v| (f64::from(v) * scale) as f32)
    }

    /// Logits for feature frames: quantise, [`GoldenNet::run_quantized`], dequantise.
    pub fn logits(&self, features: ArrayView2<f32>) -> Result<Array2<f32>, GoldenNetError> {
        let x = self.quantize_input(features)?;
        let y = self.run_quantized(x.view())?;
        Ok(self.dequantize_output(y.view()))
    }

    /// The network on quantised input: the output tensor's words, one row per frame.
    pub fn run_quantized(&self, input: ArrayView2<i32>) -> Result<Array2<i32>, GoldenNetError> {
        let mut tensors = self.start(input)?;
        for (l, p) in self.image.layers.iter().zip(&self.prepared) {
            exec::run_layer(self, l, p, &mut tensors);
        }
        Ok(self.finish(tensors))
    }

    /// The same, by walking the packed streams frame by frame with
    /// [`crate::golden::spmv_with_bias`]: slow, and the definition the fast path must match.
    pub fn run_reference(&self, input: ArrayView2<i32>) -> Result<Array2<i32>, GoldenNetError> {
        let mut tensors = self.start(input)?;
        for l in &self.image.layers {
            reference::run_layer(self, l, &mut tensors).map_err(|source| {
                GoldenNetError::Golden {
                    layer: l.name.clone(),
                    source,
                }
            })?;
        }
        Ok(self.finish(tensors))
    }

    /// The engine cycles of one frame, per layer (see [`cycles`]).
    pub fn cycles(&self) -> CycleReport {
        CycleReport::of(&self.image)
    }

    /// Checks the input and allocates every tensor, the input first.
    fn start(&self, input: ArrayView2<i32>) -> Result<Vec<Array2<i32>>, GoldenNetError> {
        let width = self.image.tensors[0].width;
        if input.ncols() != width {
            return Err(GoldenNetError::InputWidth {
                found: input.ncols(),
                expected: width,
            });
        }
        let bits = self.image.cfg.act_bits;
        if let Some(((frame, col), &value)) = input
            .indexed_iter()
            .find(|(_, v)| !fixed::fits(i64::from(**v), bits))
        {
            return Err(GoldenNetError::InputRange {
                frame,
                col,
                value,
                bits,
            });
        }
        let frames = input.nrows();
        let mut tensors: Vec<Array2<i32>> = self
            .image
            .tensors
            .iter()
            .map(|t| Array2::zeros((frames, t.width)))
            .collect();
        tensors[0] = input.as_standard_layout().into_owned();
        Ok(tensors)
    }

    fn finish(&self, mut tensors: Vec<Array2<i32>>) -> Array2<i32> {
        std::mem::take(&mut tensors[self.image.output])
    }
}

/// The element-wise stage of a fully connected layer: the clipped ReLU if the layer has one.
fn fc_activation(l: &ImageLayer, y: i64) -> i32 {
    let y = match l.kind {
        LayerKind::FcClippedRelu => zeroskip_arch::act::clipped_relu(y, l.clip),
        _ => y,
    };
    // Requantised values fit act_bits ≤ 18.
    y as i32
}

/// The element-wise stage of an LSTM step: `pre` holds the requantised Q4.11 gates of every
/// unit (`4u + k`), `c` the cell states; writes the new hidden state into `h`.
fn lstm_cells(net: &GoldenNet, h_frac: u32, pre: &[i64], c: &mut [i64], h: &mut [i32]) {
    let bits = net.image.cfg.act_bits;
    for (u, (c, h)) in c.iter_mut().zip(h.iter_mut()).enumerate() {
        let g = [pre[4 * u], pre[4 * u + 1], pre[4 * u + 2], pre[4 * u + 3]];
        let (c_new, h_new) = zeroskip_arch::cell::lstm_cell(&net.tables, g, *c, h_frac, bits);
        *c = c_new;
        *h = h_new as i32;
    }
}

/// The frames of an LSTM direction in the order it runs them.
fn step_order(kind: LayerKind, frames: usize) -> impl Iterator<Item = usize> {
    let reverse = kind == LayerKind::LstmBackward;
    (0..frames).map(move |s| if reverse { frames - 1 - s } else { s })
}
