//! Writing a device image: validate, place every section canonically, write little-endian
//! words, then the checksums.

use super::layout::{self, header, layer, table, Placer};
use super::{
    DeviceImage, ImageError, HEADER_BYTES, IMAGE_MAGIC, IMAGE_VERSION, LAYER_WORDS, NAME_BYTES,
    NETWORK_WORDS, PE_DIR_WORDS, TABLE_WORDS, TENSOR_WORDS,
};
use crate::checksum::crc32;
use crate::config::HwConfig;
use crate::fixed;
use crate::stream::FORMAT_VERSION;

/// Converts to a 32-bit field or names the quantity that does not fit.
pub(crate) fn u32_field(what: impl FnOnce() -> String, value: usize) -> Result<u32, ImageError> {
    u32::try_from(value).map_err(|_| ImageError::TooLarge {
        what: what(),
        value: value as u64,
    })
}

/// The eight configuration fields as stored in the header.
pub(crate) fn config_words(cfg: &HwConfig) -> [u64; 8] {
    [
        cfg.pes as u64,
        cfg.weight_bits.into(),
        cfg.act_bits.into(),
        cfg.acc_bits.into(),
        cfg.index_bits.into(),
        cfg.max_cols as u64,
        cfg.stream_depth as u64,
        cfg.max_rows_per_pe as u64,
    ]
}

/// A growable little-endian buffer addressed by byte offset.
struct Buf(Vec<u8>);

impl Buf {
    fn put_u32(&mut self, at: usize, v: u32) {
        self.0[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }
    fn put_u64(&mut self, at: usize, v: u64) {
        self.0[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }
    fn put_words(&mut self, at: usize, words: &[u32]) {
        for (k, &w) in words.iter().enumerate() {
            self.put_u32(at + 4 * k, w);
        }
    }
}

impl DeviceImage {
    /// The image's bytes. Validates first, so a written image always decodes.
    ///
    /// ```
    /// use zeroskip_arch::image::{DeviceImage, ImageLayer, LayerKind, TensorFormat};
    /// use zeroskip_arch::{HwConfig, PackedMatrix};
    /// let cfg = HwConfig::new(2).unwrap();
    /// let matrix = PackedMatrix::from_dense(&cfg, 2, 3, &[1, 0, -2, 0, 0, 3], 1).unwrap();
    /// let image = DeviceImage {
    ///     cfg,
    ///     tensors: vec![TensorFormat { width: 3, frac: 8 }, TensorFormat { width: 2, frac: 8 }],
    ///     output: 1,
    ///     layers: vec![ImageLayer {
    ///         name: "fc".into(), kind: LayerKind::Fc, input: 0, output: 1, out_offset: 0,
    ///         w_frac: 4, shift: 4, clip: 0, matrix, bias: vec![16, -16],
    ///     }],
    ///     tables: vec![],
    /// };
    /// let bytes = image.encode().unwrap();
    /// assert_eq!(&bytes[..8], b"ZSKIMAGE");
    /// assert_eq!(DeviceImage::decode_for(&bytes, &cfg).unwrap(), image);
    /// ```
    pub fn encode(&self) -> Result<Vec<u8>, ImageError> {
        self.validate()?;
        let cfg = &self.cfg;
        let entry_bytes = layout::entry_bytes(cfg);

        // Place every section, in the canonical order.
        let mut place = Placer::default();
        let network_at = place.place(NETWORK_WORDS * 4);
        let tensors_at = place.place(self.tensors.len() * TENSOR_WORDS * 4);
        let layers_at = place.place(self.layers.len() * LAYER_WORDS * 4);
        let tables_at = place.place(self.tables.len() * TABLE_WORDS * 4);
        let values_at: Vec<usize> = self
            .tables
            .iter()
            .map(|t| place.place(t.values.len() * layout::TABLE_VALUE_BYTES))
            .collect();
        let sections: Vec<(usize, usize, usize)> = self
            .layers
            .iter()
            .map(|l| {
                let bytes = layout::streams_bytes(cfg, &l.matrix.entries_per_pe());
                let streams = place.place(bytes);
                let bias = place.place(l.rows() * layout::BIAS_BYTES);
                (streams, bytes, bias)
            })
            .collect();
        let payload_len = place.len();
        let payload_u32 = u32_field(|| "the payload's length".into(), payload_len)?;
        let mut p = Buf(vec![0u8; payload_len]);

        // Network block and tables of records.
        let count = |what: &'static str, n: usize| u32_field(|| what.into(), n);
        p.put_words(
            network_at,
            &[
                count("tensors", self.tensors.len())?,
                count("layers", self.layers.len())?,
                count("tables", self.tables.len())?,
                count("output tensor", self.output)?,
                count("tensor table offset", tensors_at)?,
                count("layer table offset", layers_at)?,
                count("activation table offset", tables_at)?,
                0,
            ],
        );
        for (i, t) in self.tensors.iter().enumerate() {
            let width = u32_field(|| format!("tensor {i}'s width"), t.width)?;
            p.put_words(tensors_at + i * TENSOR_WORDS * 4, &[width, t.frac]);
        }
        for (i, l) in self.layers.iter().enumerate() {
            let (streams_at, streams_len, bias_at) = sections[i];
            let f = |what: &str, v: usize| u32_field(|| format!("layer {i}'s {what}"), v);
            let mut rec = [0u32; LAYER_WORDS];
            rec[layer::KIND] = l.kind.code();
            rec[layer::INPUT] = f("input", l.input)?;
            rec[layer::OUTPUT] = f("output", l.output)?;
            rec[layer::OUT_OFFSET] = f("output offset", l.out_offset)?;
            rec[layer::ROWS] = f("rows", l.rows())?;
            rec[layer::COLS] = f("columns", l.cols())?;
            rec[layer::GROUP] = f("row group", l.matrix.group)?;
            rec[layer::W_FRAC] = l.w_frac;
            rec[layer::SHIFT] = l.shift;
            // validate() bounds the clip by the activation width (at most 18 bits).
            rec[layer::CLIP] = l.clip as i32 as u32;
            rec[layer::STREAMS_OFFSET] = f("streams offset", streams_at)?;
            rec[layer::STREAMS_BYTES] = f("streams length", streams_len)?;
            rec[layer::BIAS_OFFSET] = f("bias offset", bias_at)?;
            rec[layer::NNZ] = f("non-zero count", l.matrix.nnz)?;
            let mut name = [0u8; NAME_BYTES];
            name[..l.name.len()].copy_from_slice(l.name.as_bytes());
            rec[layer::NAME] = u32::from_le_bytes([name[0], name[1], name[2], name[3]]);
            rec[layer::NAME + 1] = u32::from_le_bytes([name[4], name[5], name[6], name[7]]);
            p.put_words(layers_at + i * LAYER_WORDS * 4, &rec);

            // Streams: the PE directory, then each PE's entries.
            let mut at = streams_at + cfg.pes * PE_DIR_WORDS * 4;
            for (pe, stream) in l.matrix.streams.iter().enumerate() {
                let rel = at - streams_at;
                p.put_words(
                    streams_at + pe * PE_DIR_WORDS * 4,
                    &[f("stream length", stream.len())?, f("stream offset", rel)?],
                );
                for &word in stream {
                    if entry_bytes == 4 {
                        p.put_u32(at, word as u32);
                    } else {
                        p.put_u64(at, word);
                    }
                    at += entry_bytes;
                }
            }
            // Biases, in the order each PE emits its rows.
            let mut at = bias_at;
            for rows in &l.matrix.rows_by_pe {
                for &r in rows {
                    p.put_u64(at, l.bias[r] as u64);
                    at += layout::BIAS_BYTES;
                }
            }
        }
        for (i, t) in self.tables.iter().enumerate() {
            let mut rec = [0u32; TABLE_WORDS];
            rec[table::FUNC] = layout::act_fn_code(t.func);
            rec[table::ENTRIES] = u32_field(|| format!("table {i}'s length"), t.values.len())?;
            rec[table::IN_FRAC] = t.in_frac;
            rec[table::OUT_FRAC] = t.out_frac;
            rec[table::VALUES_OFFSET] = u32_field(|| format!("table {i}'s offset"), values_at[i])?;
            p.put_words(tables_at + i * TABLE_WORDS * 4, &rec);
            for (k, &v) in t.values.iter().enumerate() {
                let at = values_at[i] + k * layout::TABLE_VALUE_BYTES;
                p.0[at..at + 2].copy_from_slice(&(fixed::to_bits(v, 16) as u16).to_le_bytes());
            }
        }

        // Header.
        let mut h = Buf(vec![0u8; HEADER_BYTES]);
        h.0[..8].copy_from_slice(&IMAGE_MAGIC);
        h.put_u32(4 * header::IMAGE_VERSION, IMAGE_VERSION);
        h.put_u32(4 * header::STREAM_VERSION, FORMAT_VERSION);
        h.put_u32(4 * header::HEADER_BYTES, HEADER_BYTES as u32);
        for (k, v) in config_words(cfg).into_iter().enumerate() {
            // validate() bounds every configuration field well below 2^32.
            h.put_u32(4 * (header::CONFIG + k), v as u32);
        }
        h.put_u32(4 * header::PAYLOAD_BYTES, payload_u32);
        h.put_u32(4 * header::PAYLOAD_CRC, crc32(&p.0));
        let header_crc = crc32(&h.0[..4 * header::HEADER_CRC]);
        h.put_u32(4 * header::HEADER_CRC, header_crc);

        let mut out = h.0;
        out.extend_from_slice(&p.0);
        Ok(out)
    }
}
