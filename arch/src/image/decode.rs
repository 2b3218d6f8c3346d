//! Reading a device image: header checks in a fixed order (length, magic, image version,
//! header checksum, stream version, configuration, payload length and checksum), then the
//! payload's sections at their canonical offsets, then the same validation the encoder runs.

use super::encode::config_words;
use super::layout::{self, header, layer, table, Placer};
use super::validate::name_ok;
use super::{
    ActTable, DeviceImage, ImageError, ImageLayer, LayerKind, LayerProblem, TensorFormat,
    HEADER_BYTES, IMAGE_MAGIC, IMAGE_VERSION, LAYER_WORDS, MAX_LAYERS, MAX_TABLES, MAX_TENSORS,
    NETWORK_WORDS, PE_DIR_WORDS, TABLE_WORDS, TENSOR_WORDS,
};
use crate::checksum::crc32;
use crate::config::HwConfig;
use crate::fixed;
use crate::stream::{deal_rows_to_pes, PackedMatrix, FORMAT_VERSION};

/// What the header of an image says, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageHeader {
    /// [`super::IMAGE_VERSION`] (checked).
    pub image_version: u32,
    /// [`crate::stream::FORMAT_VERSION`] (checked).
    pub stream_version: u32,
    /// The configuration the image was packed for (validated).
    pub cfg: HwConfig,
    /// Bytes of the payload after the header.
    pub payload_bytes: usize,
    /// CRC-32 of the payload.
    pub payload_crc: u32,
}

fn word(bytes: &[u8], index: usize) -> u32 {
    let at = 4 * index;
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Reads and checks the header only: what a loader does before fetching the payload.
pub fn read_header(bytes: &[u8]) -> Result<ImageHeader, ImageError> {
    let truncated = |needed| ImageError::Truncated {
        what: "header",
        needed,
        available: bytes.len(),
    };
    if bytes.len() < IMAGE_MAGIC.len() {
        return Err(truncated(IMAGE_MAGIC.len()));
    }
    if bytes[..8] != IMAGE_MAGIC {
        let mut found = [0u8; 8];
        found.copy_from_slice(&bytes[..8]);
        return Err(ImageError::BadMagic { found });
    }
    if bytes.len() < 4 * (header::IMAGE_VERSION + 1) {
        return Err(truncated(4 * (header::IMAGE_VERSION + 1)));
    }
    let image_version = word(bytes, header::IMAGE_VERSION);
    if image_version != IMAGE_VERSION {
        return Err(ImageError::ImageVersion {
            found: image_version,
            expected: IMAGE_VERSION,
        });
    }
    if bytes.len() < HEADER_BYTES {
        return Err(truncated(HEADER_BYTES));
    }
    let stored = word(bytes, header::HEADER_CRC);
    let computed = crc32(&bytes[..4 * header::HEADER_CRC]);
    if stored != computed {
        return Err(ImageError::HeaderChecksum { stored, computed });
    }
    let stream_version = word(bytes, header::STREAM_VERSION);
    if stream_version != FORMAT_VERSION {
        return Err(ImageError::StreamVersion {
            found: stream_version,
            expected: FORMAT_VERSION,
        });
    }
    let header_bytes = word(bytes, header::HEADER_BYTES);
    if header_bytes as usize != HEADER_BYTES {
        return Err(ImageError::HeaderSize {
            found: header_bytes,
            expected: HEADER_BYTES,
        });
    }
    let c = |k: usize| word(bytes, header::CONFIG + k);
    let cfg = HwConfig {
        pes: c(0) as usize,
        weight_bits: c(1),
        act_bits: c(2),
        acc_bits: c(3),
        index_bits: c(4),
        max_cols: c(5) as usize,
        stream_depth: c(6) as usize,
        max_rows_per_pe: c(7) as usize,
    };
    debug_assert_eq!(config_words(&cfg).len(), 8);
    cfg.validate().map_err(ImageError::Config)?;
    Ok(ImageHeader {
        image_version,
        stream_version,
        cfg,
        payload_bytes: word(bytes, header::PAYLOAD_BYTES) as usize,
        payload_crc: word(bytes, header::PAYLOAD_CRC),
    })
}

impl DeviceImage {
    /// Decodes and validates an image packed for any configuration.
    pub fn decode(bytes: &[u8]) -> Result<DeviceImage, ImageError> {
        let h = read_header(bytes)?;
        decode_payload(&h, bytes)
    }

    /// Decodes an image, refusing one packed for another configuration than `expected`.
    pub fn decode_for(bytes: &[u8], expected: &HwConfig) -> Result<DeviceImage, ImageError> {
        let h = read_header(bytes)?;
        if h.cfg != *expected {
            return Err(ImageError::ConfigMismatch {
                image: Box::new(h.cfg),
                expected: Box::new(*expected),
            });
        }
        decode_payload(&h, bytes)
    }
}

/// The payload, read with bounds checks.
struct Payload<'a>(&'a [u8]);

impl<'a> Payload<'a> {
    fn section(
        &self,
        at: usize,
        len: usize,
        what: impl FnOnce() -> String,
    ) -> Result<&'a [u8], ImageError> {
        let end = at.saturating_add(len);
        self.0.get(at..end).ok_or_else(|| ImageError::Section {
            what: what(),
            end,
            payload: self.0.len(),
        })
    }

    fn words(
        &self,
        at: usize,
        n: usize,
        what: impl FnOnce() -> String,
    ) -> Result<Vec<u32>, ImageError> {
        let s = self.section(at, 4 * n, what)?;
        Ok((0..n).map(|k| word(s, k)).collect())
    }
}

fn expect_offset(
    what: impl FnOnce() -> String,
    found: usize,
    expected: usize,
) -> Result<(), ImageError> {
    if found != expected {
        return Err(ImageError::Offset {
            what: what(),
            found,
            expected,
        });
    }
    Ok(())
}

fn decode_payload(h: &ImageHeader, bytes: &[u8]) -> Result<DeviceImage, ImageError> {
    let available = bytes.len() - HEADER_BYTES;
    if available < h.payload_bytes {
        return Err(ImageError::Truncated {
            what: "payload",
            needed: HEADER_BYTES + h.payload_bytes,
            available: bytes.len(),
        });
    }
    if available > h.payload_bytes {
        return Err(ImageError::TrailingBytes {
            extra: available - h.payload_bytes,
            payload: h.payload_bytes,
        });
    }
    let payload = &bytes[HEADER_BYTES..];
    let computed = crc32(payload);
    if computed != h.payload_crc {
        return Err(ImageError::PayloadChecksum {
            stored: h.payload_crc,
            computed,
            len: payload.len(),
        });
    }
    let image = parse_payload(&h.cfg, &Payload(payload))?;
    image.validate()?;
    // Everything the encoder does not determine (reserved words, padding, name bytes after
    // the NUL) must be as it writes it.
    let again = image.encode()?;
    if let Some(offset) = again.iter().zip(bytes).position(|(a, b)| a != b) {
        return Err(ImageError::NotCanonical { offset });
    }
    Ok(image)
}

fn parse_payload(cfg: &HwConfig, p: &Payload) -> Result<DeviceImage, ImageError> {
    let mut place = Placer::default();
    let net = p.words(place.place(NETWORK_WORDS * 4), NETWORK_WORDS, || {
        "network block".into()
    })?;
    let (n_tensors, n_layers, n_tables) = (net[0] as usize, net[1] as usize, net[2] as usize);
    for (what, value, max) in [
        ("tensors", n_tensors, MAX_TENSORS),
        ("layers", n_layers, MAX_LAYERS),
        ("activation tables", n_tables, MAX_TABLES),
    ] {
        if value > max {
            return Err(ImageError::Count { what, value, max });
        }
    }
    let tensors_at = place.place(n_tensors * TENSOR_WORDS * 4);
    expect_offset(|| "the tensor table".into(), net[4] as usize, tensors_at)?;
    let layers_at = place.place(n_layers * LAYER_WORDS * 4);
    expect_offset(|| "the layer table".into(), net[5] as usize, layers_at)?;
    let tables_at = place.place(n_tables * TABLE_WORDS * 4);
    expect_offset(
        || "the activation-table records".into(),
        net[6] as usize,
        tables_at,
    )?;

    let t = p.words(tensors_at, n_tensors * TENSOR_WORDS, || {
        "tensor table".into()
    })?;
    let tensors = t
        .chunks(TENSOR_WORDS)
        .map(|w| TensorFormat {
            width: w[0] as usize,
            frac: w[1],
        })
        .collect();

    let mut tables = Vec::with_capacity(n_tables);
    for i in 0..n_tables {
        let rec = p.words(tables_at + i * TABLE_WORDS * 4, TABLE_WORDS, || {
            format!("table {i}'s record")
        })?;
        let func = layout::act_fn_from_code(rec[table::FUNC]).ok_or_else(|| ImageError::Table {
            index: i,
            problem: format!("unknown function code {}", rec[table::FUNC]),
        })?;
        let entries = rec[table::ENTRIES] as usize;
        let at = place.place(entries * layout::TABLE_VALUE_BYTES);
        expect_offset(
            || format!("table {i}'s values"),
            rec[table::VALUES_OFFSET] as usize,
            at,
        )?;
        let raw = p.section(at, entries * layout::TABLE_VALUE_BYTES, || {
            format!("table {i}'s values")
        })?;
        let values = raw
            .chunks(2)
            .map(|b| fixed::sign_extend(u16::from_le_bytes([b[0], b[1]]).into(), 16))
            .collect();
        tables.push(ActTable {
            func,
            in_frac: rec[table::IN_FRAC],
            out_frac: rec[table::OUT_FRAC],
            values,
        });
    }

    let mut layers = Vec::with_capacity(n_layers);
    for i in 0..n_layers {
        let rec = p.words(layers_at + i * LAYER_WORDS * 4, LAYER_WORDS, || {
            format!("layer {i}'s record")
        })?;
        layers.push(parse_layer(cfg, p, &mut place, i, &rec)?);
    }
    if place.len() != p.0.len() {
        return Err(ImageError::Offset {
            what: "the end of the payload".into(),
            found: p.0.len(),
            expected: place.len(),
        });
    }
    Ok(DeviceImage {
        cfg: *cfg,
        tensors,
        output: net[3] as usize,
        layers,
        tables,
    })
}

fn parse_layer(
    cfg: &HwConfig,
    p: &Payload,
    place: &mut Placer,
    i: usize,
    rec: &[u32],
) -> Result<ImageLayer, ImageError> {
    let mut name_bytes = Vec::with_capacity(8);
    name_bytes.extend_from_slice(&rec[layer::NAME].to_le_bytes());
    name_bytes.extend_from_slice(&rec[layer::NAME + 1].to_le_bytes());
    let len = name_bytes
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(name_bytes.len());
    let name = String::from_utf8_lossy(&name_bytes[..len]).into_owned();
    let bad = |problem| ImageError::Layer {
        index: i,
        name: name.clone(),
        problem,
    };
    if !name_ok(&name) {
        return Err(bad(LayerProblem::Name));
    }
    let kind = LayerKind::from_code(rec[layer::KIND])
        .ok_or_else(|| bad(LayerProblem::Kind(rec[layer::KIND])))?;
    let (rows, cols, group) = (
        rec[layer::ROWS] as usize,
        rec[layer::COLS] as usize,
        rec[layer::GROUP] as usize,
    );
    let entry_bytes = layout::entry_bytes(cfg);

    // Streams: the directory, then the entries.
    let streams_at = place.peek();
    expect_offset(
        || format!("layer {i}'s streams"),
        rec[layer::STREAMS_OFFSET] as usize,
        streams_at,
    )?;
    let dir = p.words(streams_at, cfg.pes * PE_DIR_WORDS, || {
        format!("layer {i}'s stream directory")
    })?;
    let counts: Vec<usize> = dir.chunks(PE_DIR_WORDS).map(|d| d[0] as usize).collect();
    let streams_len = layout::streams_bytes(cfg, &counts);
    if rec[layer::STREAMS_BYTES] as usize != streams_len {
        return Err(ImageError::Offset {
            what: format!("the end of layer {i}'s streams"),
            found: streams_at + rec[layer::STREAMS_BYTES] as usize,
            expected: streams_at + streams_len,
        });
    }
    let body = p.section(streams_at, streams_len, || format!("layer {i}'s streams"))?;
    let mut at = cfg.pes * PE_DIR_WORDS * 4;
    let mut streams = Vec::with_capacity(cfg.pes);
    for (pe, d) in dir.chunks(PE_DIR_WORDS).enumerate() {
        expect_offset(
            || format!("layer {i}, PE {pe}'s stream (from its section)"),
            d[1] as usize,
            at,
        )?;
        let n = d[0] as usize;
        let raw = &body[at..at + n * entry_bytes];
        streams.push(
            raw.chunks(entry_bytes)
                .map(|b| {
                    let mut w = [0u8; 8];
                    w[..entry_bytes].copy_from_slice(b);
                    u64::from_le_bytes(w)
                })
                .collect::<Vec<u64>>(),
        );
        at += n * entry_bytes;
    }
    place.place(streams_len);

    // Biases, in each PE's row order; their section's size bounds `rows` before dealing.
    let bias_at = place.place(rows * layout::BIAS_BYTES);
    expect_offset(
        || format!("layer {i}'s biases"),
        rec[layer::BIAS_OFFSET] as usize,
        bias_at,
    )?;
    let raw = p.section(bias_at, rows * layout::BIAS_BYTES, || {
        format!("layer {i}'s biases")
    })?;
    if group == 0 || rows == 0 || cols == 0 {
        return Err(bad(if group == 0 {
            LayerProblem::Dealing {
                pes: cfg.pes,
                group,
            }
        } else {
            LayerProblem::Empty { rows, cols }
        }));
    }
    let rows_by_pe = deal_rows_to_pes(rows, group, cfg.pes);
    let mut bias = vec![0i64; rows];
    for (k, &r) in rows_by_pe.iter().flatten().enumerate() {
        let b = &raw[k * 8..k * 8 + 8];
        bias[r] = i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
    }
    Ok(ImageLayer {
        name,
        kind,
        input: rec[layer::INPUT] as usize,
        output: rec[layer::OUTPUT] as usize,
        out_offset: rec[layer::OUT_OFFSET] as usize,
        w_frac: rec[layer::W_FRAC],
        shift: rec[layer::SHIFT],
        clip: i64::from(rec[layer::CLIP] as i32),
        matrix: PackedMatrix {
            cfg: *cfg,
            rows,
            cols,
            group,
            streams,
            rows_by_pe,
            nnz: rec[layer::NNZ] as usize,
        },
        bias,
    })
}
