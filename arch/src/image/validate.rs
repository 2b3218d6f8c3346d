//! The consistency rules of a device image, checked before encoding and after decoding, so a
//! loader never sees an image whose layers disagree with their tensors, their configuration or
//! the accumulator's width.

use super::{
    DeviceImage, ImageError, ImageLayer, LayerKind, LayerProblem, MAX_FRAC, MAX_LAYERS, MAX_TABLES,
    MAX_TENSORS, NAME_BYTES,
};
use crate::act::{ActFn, LUT_INDEX_BITS, LUT_IN_FRAC, LUT_OUT_FRAC};
use crate::cell::CELL_BITS;
use crate::config::HwConfig;
use crate::fixed;
use crate::stream::{deal_rows_to_pes, DecodeError, Entry, PackedMatrix};

/// True for a usable layer name.
pub(crate) fn name_ok(name: &str) -> bool {
    !name.is_empty() && name.len() <= NAME_BYTES && name.bytes().all(|b| b.is_ascii() && b != 0)
}

impl DeviceImage {
    /// Checks every rule of the format (see `docs/FORMAT.md`, "Device image"); the first
    /// problem found is returned.
    pub fn validate(&self) -> Result<(), ImageError> {
        self.cfg.validate().map_err(ImageError::Config)?;
        for (what, value, max) in [
            ("tensors", self.tensors.len(), MAX_TENSORS),
            ("layers", self.layers.len(), MAX_LAYERS),
            ("activation tables", self.tables.len(), MAX_TABLES),
        ] {
            if value > max {
                return Err(ImageError::Count { what, value, max });
            }
        }
        for (index, t) in self.tensors.iter().enumerate() {
            if t.width == 0 || t.frac > MAX_FRAC {
                return Err(ImageError::Tensor {
                    index,
                    width: t.width,
                    frac: t.frac,
                    max_frac: MAX_FRAC,
                });
            }
        }
        if self.layers.is_empty() {
            return Err(ImageError::NoLayers);
        }
        let mut written = vec![false; self.tensors.len()];
        if let Some(w) = written.first_mut() {
            *w = true;
        }
        for (index, layer) in self.layers.iter().enumerate() {
            self.validate_layer(layer, &written)
                .map_err(|problem| ImageError::Layer {
                    index,
                    name: layer.name.clone(),
                    problem,
                })?;
            written[layer.output] = true;
        }
        if self.output == 0 || !written.get(self.output).copied().unwrap_or(false) {
            return Err(ImageError::Output {
                index: self.output,
                tensors: self.tensors.len(),
            });
        }
        self.validate_tables()
    }

    fn validate_layer(&self, l: &ImageLayer, written: &[bool]) -> Result<(), LayerProblem> {
        let cfg = &self.cfg;
        if !name_ok(&l.name) {
            return Err(LayerProblem::Name);
        }
        let tensors = self.tensors.len();
        for (which, index) in [("input", l.input), ("output", l.output)] {
            if index >= tensors {
                return Err(LayerProblem::TensorIndex {
                    which,
                    index,
                    tensors,
                });
            }
        }
        if l.input == l.output {
            return Err(LayerProblem::InPlace(l.input));
        }
        if !written[l.input] {
            return Err(LayerProblem::NotYetComputed(l.input));
        }
        let m = &l.matrix;
        if m.cfg != *cfg {
            return Err(LayerProblem::MatrixConfig(Box::new(m.cfg)));
        }
        if m.rows == 0 || m.cols == 0 {
            return Err(LayerProblem::Empty {
                rows: m.rows,
                cols: m.cols,
            });
        }
        let (input, output) = (self.tensors[l.input], self.tensors[l.output]);
        let expected_cols = if l.kind.is_lstm() {
            if !m.rows.is_multiple_of(4) || m.group != 4 {
                return Err(LayerProblem::LstmShape {
                    rows: m.rows,
                    group: m.group,
                });
            }
            if output.frac != input.frac || output.frac > 2 * LUT_OUT_FRAC {
                return Err(LayerProblem::LstmFormat {
                    input_frac: input.frac,
                    output_frac: output.frac,
                });
            }
            input.width + m.rows / 4
        } else {
            input.width
        };
        if m.cols != expected_cols {
            return Err(LayerProblem::Cols {
                cols: m.cols,
                expected: expected_cols,
            });
        }
        if l.out_offset + l.outputs() > output.width {
            return Err(LayerProblem::OutputRange {
                offset: l.out_offset,
                count: l.outputs(),
                width: output.width,
            });
        }
        if l.w_frac > MAX_FRAC {
            return Err(LayerProblem::WFrac(l.w_frac));
        }
        let out_frac = if l.kind.is_lstm() {
            LUT_IN_FRAC
        } else {
            output.frac
        };
        let expected_shift =
            (l.w_frac + input.frac)
                .checked_sub(out_frac)
                .ok_or(LayerProblem::Scale {
                    w_frac: l.w_frac,
                    in_frac: input.frac,
                    out_frac,
                })?;
        if l.shift != expected_shift {
            return Err(LayerProblem::Shift {
                shift: l.shift,
                expected: expected_shift,
            });
        }
        if l.shift > cfg.max_shift() {
            return Err(LayerProblem::ShiftTooLarge {
                shift: l.shift,
                max: cfg.max_shift(),
            });
        }
        let clip_max = fixed::max_value(cfg.act_bits);
        let clip_ok = match l.kind {
            LayerKind::FcClippedRelu => (0..=clip_max).contains(&l.clip),
            _ => l.clip == 0,
        };
        if !clip_ok {
            return Err(LayerProblem::Clip {
                clip: l.clip,
                max: clip_max,
            });
        }
        if l.bias.len() != m.rows {
            return Err(LayerProblem::BiasCount {
                found: l.bias.len(),
                rows: m.rows,
            });
        }
        let row_abs = check_matrix(m)?;
        check_biases(cfg, l, &row_abs)
    }

    fn validate_tables(&self) -> Result<(), ImageError> {
        let entries = 1usize << LUT_INDEX_BITS;
        for (index, t) in self.tables.iter().enumerate() {
            let problem = if self.tables[..index].iter().any(|u| u.func == t.func) {
                Some(format!("a second {:?} table", t.func))
            } else if t.values.len() != entries
                || t.in_frac != LUT_IN_FRAC
                || t.out_frac != LUT_OUT_FRAC
            {
                Some(format!(
                    "{:?} table has {} entries, input frac {} and output frac {}; the cell needs {entries}, {LUT_IN_FRAC} and {LUT_OUT_FRAC}",
                    t.func,
                    t.values.len(),
                    t.in_frac,
                    t.out_frac
                ))
            } else {
                t.values
                    .iter()
                    .position(|&v| !fixed::fits(v, CELL_BITS))
                    .map(|i| format!("value {} at entry {i} does not fit 16 bits", t.values[i]))
            };
            if let Some(problem) = problem {
                return Err(ImageError::Table { index, problem });
            }
        }
        if self.layers.iter().any(|l| l.kind.is_lstm()) {
            for (f, name) in [(ActFn::Sigmoid, "sigmoid"), (ActFn::Tanh, "tanh")] {
                if self.table(f).is_none() {
                    return Err(ImageError::MissingTable(name));
                }
            }
        }
        Ok(())
    }
}

/// Checks the streams of `m` against its shape and configuration; returns, per row, the sum of
/// its weights' magnitudes.
fn check_matrix(m: &PackedMatrix) -> Result<Vec<i128>, LayerProblem> {
    let cfg = &m.cfg;
    if m.cols > cfg.max_cols {
        return Err(LayerProblem::Limit {
            what: "columns".into(),
            value: m.cols,
            max: cfg.max_cols,
        });
    }
    if m.streams.len() != cfg.pes || m.rows_by_pe != deal_rows_to_pes(m.rows, m.group, cfg.pes) {
        return Err(LayerProblem::Dealing {
            pes: cfg.pes,
            group: m.group,
        });
    }
    let mut row_abs = vec![0i128; m.rows];
    let mut nnz = 0usize;
    for (pe, (stream, rows)) in m.streams.iter().zip(&m.rows_by_pe).enumerate() {
        if rows.len() > cfg.max_rows_per_pe {
            return Err(LayerProblem::Limit {
                what: format!("rows on PE {pe}"),
                value: rows.len(),
                max: cfg.max_rows_per_pe,
            });
        }
        if stream.len() > cfg.stream_depth {
            return Err(LayerProblem::Limit {
                what: format!("entries on PE {pe}"),
                value: stream.len(),
                max: cfg.stream_depth,
            });
        }
        let (mut row, mut cursor) = (0usize, 0usize);
        for (entry, &word) in stream.iter().enumerate() {
            if word >> cfg.entry_bits() != 0 {
                return Err(LayerProblem::EntryBits {
                    pe,
                    entry,
                    word,
                    bits: cfg.entry_bits(),
                });
            }
            let e = Entry::decode(word, cfg);
            let col = cursor + e.skip as usize;
            if col >= m.cols {
                return Err(DecodeError::Column {
                    pe,
                    entry,
                    col,
                    cols: m.cols,
                }
                .into());
            }
            let Some(&r) = rows.get(row) else {
                return Err(DecodeError::RowCount {
                    pe,
                    found: row + 1,
                    expected: rows.len(),
                }
                .into());
            };
            row_abs[r] += i128::from(e.weight.unsigned_abs());
            nnz += usize::from(e.weight != 0);
            cursor = col + 1;
            if e.last {
                row += 1;
                cursor = 0;
            }
        }
        let found = row + usize::from(cursor != 0);
        if found != rows.len() {
            return Err(DecodeError::RowCount {
                pe,
                found,
                expected: rows.len(),
            }
            .into());
        }
    }
    if nnz != m.nnz {
        return Err(LayerProblem::Nnz {
            stored: m.nnz,
            found: nnz,
        });
    }
    Ok(row_abs)
}

/// The accumulator starts at the bias and adds every product of the row; with activations as
/// large as `2^(act_bits−1)` in magnitude and the rounding increment, it must stay inside
/// `acc_bits`. This is what makes the 48-bit hardware accumulator and the golden model's
/// `i64` agree.
fn check_biases(cfg: &HwConfig, l: &ImageLayer, row_abs: &[i128]) -> Result<(), LayerProblem> {
    let limit = (1i128 << (cfg.acc_bits - 1)) - 1;
    let x_max = 1i128 << (cfg.act_bits - 1);
    let round = if l.shift > 0 {
        1i128 << (l.shift - 1)
    } else {
        0
    };
    for (row, (&b, &abs)) in l.bias.iter().zip(row_abs).enumerate() {
        let row_max = abs * x_max + round;
        if i128::from(b).abs() + row_max > limit {
            return Err(LayerProblem::BiasRange {
                row,
                value: b,
                row_max,
                limit,
                bits: cfg.acc_bits,
            });
        }
    }
    Ok(())
}
