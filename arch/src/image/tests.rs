//! Round trips, corruption and validation of device images.

use super::*;
use crate::checksum::crc32;
use crate::fixed;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn cfg(pes: usize) -> HwConfig {
    HwConfig {
        pes,
        stream_depth: 1 << 14,
        ..HwConfig::default()
    }
}

fn random_matrix(
    rng: &mut ChaCha8Rng,
    cfg: &HwConfig,
    rows: usize,
    cols: usize,
    group: usize,
) -> PackedMatrix {
    let density: f64 = rng.gen_range(0.0..0.6);
    let max = fixed::max_value(cfg.weight_bits);
    let data: Vec<i64> = (0..rows * cols)
        .map(|_| {
            if rng.gen_bool(density) {
                rng.gen_range(-max..=max)
            } else {
                0
            }
        })
        .collect();
    PackedMatrix::from_dense(cfg, rows, cols, &data, group).unwrap()
}

fn layer(
    rng: &mut ChaCha8Rng,
    cfg: &HwConfig,
    name: &str,
    kind: LayerKind,
    (input, output, out_offset): (usize, usize, usize),
    (rows, cols): (usize, usize),
    shift: u32,
) -> ImageLayer {
    let group = if kind.is_lstm() { 4 } else { 1 };
    let matrix = random_matrix(rng, cfg, rows, cols, group);
    let bias = (0..rows)
        .map(|_| rng.gen_range(-(1i64 << 30)..(1i64 << 30)))
        .collect();
    ImageLayer {
        name: name.into(),
        kind,
        input,
        output,
        out_offset,
        w_frac: 12,
        shift,
        clip: if kind == LayerKind::FcClippedRelu {
            20 << 10
        } else {
            0
        },
        matrix,
        bias,
    }
}

/// A small Deep-Speech-shaped network: FC+ReLU, FC+ReLU, BiLSTM, FC.
fn network(pes: usize, seed: u64) -> DeviceImage {
    network_with(cfg(pes), seed)
}

fn network_with(cfg: HwConfig, seed: u64) -> DeviceImage {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (n_in, h1, h2, hid, n_out) = (
        rng.gen_range(1..40),
        rng.gen_range(1..30),
        rng.gen_range(1..30),
        rng.gen_range(1..9),
        rng.gen_range(1..12),
    );
    let tensors = vec![
        TensorFormat {
            width: n_in,
            frac: 12,
        },
        TensorFormat {
            width: h1,
            frac: 10,
        },
        TensorFormat {
            width: h2,
            frac: 10,
        },
        TensorFormat {
            width: 2 * hid,
            frac: 10,
        },
        TensorFormat {
            width: n_out,
            frac: 8,
        },
    ];
    let layers = vec![
        layer(
            &mut rng,
            &cfg,
            "fc1",
            LayerKind::FcClippedRelu,
            (0, 1, 0),
            (h1, n_in),
            14,
        ),
        layer(
            &mut rng,
            &cfg,
            "fc2",
            LayerKind::FcClippedRelu,
            (1, 2, 0),
            (h2, h1),
            12,
        ),
        layer(
            &mut rng,
            &cfg,
            "lstm_fwd",
            LayerKind::LstmForward,
            (2, 3, 0),
            (4 * hid, h2 + hid),
            11,
        ),
        layer(
            &mut rng,
            &cfg,
            "lstm_bwd",
            LayerKind::LstmBackward,
            (2, 3, hid),
            (4 * hid, h2 + hid),
            11,
        ),
        layer(
            &mut rng,
            &cfg,
            "out",
            LayerKind::Fc,
            (3, 4, 0),
            (n_out, 2 * hid),
            14,
        ),
    ];
    DeviceImage {
        cfg,
        tensors,
        output: 4,
        layers,
        tables: DeviceImage::arch_tables(),
    }
}

/// Recomputes both checksums after a deliberate edit.
fn reseal(bytes: &mut [u8]) {
    let crc = crc32(&bytes[HEADER_BYTES..]);
    bytes[4 * header::PAYLOAD_CRC..4 * header::PAYLOAD_CRC + 4].copy_from_slice(&crc.to_le_bytes());
    let crc = crc32(&bytes[..4 * header::HEADER_CRC]);
    bytes[4 * header::HEADER_CRC..4 * header::HEADER_CRC + 4].copy_from_slice(&crc.to_le_bytes());
}

fn put_word(bytes: &mut [u8], index: usize, v: u32) {
    bytes[4 * index..4 * index + 4].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn round_trip_over_sizes_and_pes() {
    for (case, pes) in [1usize, 2, 3, 4, 15, 16, 17].into_iter().enumerate() {
        for seed in 0..4 {
            let image = network(pes, 100 * case as u64 + seed);
            let bytes = image.encode().unwrap();
            assert_eq!(bytes.len() % SECTION_ALIGN, 0);
            let back = DeviceImage::decode_for(&bytes, &image.cfg).unwrap();
            assert_eq!(back, image, "pes {pes} seed {seed}");
            assert_eq!(back.encode().unwrap(), bytes);
            for l in &back.layers {
                assert_eq!(
                    l.matrix.to_dense().unwrap(),
                    image
                        .layers
                        .iter()
                        .find(|m| m.name == l.name)
                        .unwrap()
                        .matrix
                        .to_dense()
                        .unwrap()
                );
            }
        }
    }
}

#[test]
fn wide_entries_take_eight_bytes() {
    let wide = HwConfig {
        weight_bits: 18,
        index_bits: 16,
        act_bits: 18,
        acc_bits: 62,
        ..cfg(3)
    };
    assert_eq!(layout::entry_bytes(&wide), 8);
    let image = network_with(wide, 5);
    let bytes = image.encode().unwrap();
    assert_eq!(DeviceImage::decode(&bytes).unwrap(), image);
}

#[test]
fn header_fields_are_where_the_format_doc_says() {
    let image = network(16, 1);
    let bytes = image.encode().unwrap();
    let w = |i: usize| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap());
    assert_eq!(&bytes[..8], b"ZSKIMAGE");
    assert_eq!(w(2), IMAGE_VERSION);
    assert_eq!(w(3), crate::stream::FORMAT_VERSION);
    assert_eq!(w(4), 64);
    assert_eq!((w(5), w(6), w(7), w(8), w(9)), (16, 16, 16, 48, 6));
    assert_eq!((w(10), w(11), w(12)), (1024, 1 << 14, 1024));
    assert_eq!(w(13) as usize, bytes.len() - 64);
    assert_eq!(w(14), crc32(&bytes[64..]));
    assert_eq!(w(15), crc32(&bytes[..60]));
    let h = read_header(&bytes).unwrap();
    assert_eq!(h.cfg, image.cfg);
    // Network block: 5 tensors, 5 layers, 2 tables, output 4, then the canonical offsets.
    let p = |i: usize| w(16 + i);
    assert_eq!((p(0), p(1), p(2), p(3)), (5, 5, 2, 4));
    assert_eq!((p(4), p(5), p(6), p(7)), (32, 32 + 40, 32 + 40 + 5 * 64, 0));
    // Every section offset in a layer record is 8-byte aligned.
    for i in 0..5 {
        let rec = 16 + (p(5) as usize) / 4 + i * LAYER_WORDS;
        for k in [layer::STREAMS_OFFSET, layer::BIAS_OFFSET] {
            assert_eq!(w(rec + k) % 8, 0);
        }
    }
}

#[test]
fn every_single_byte_corruption_is_caught() {
    let bytes = network(3, 2).encode().unwrap();
    for at in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[at] ^= 0x5a;
        let e = DeviceImage::decode(&bad).unwrap_err();
        let ok = match at {
            0..=7 => matches!(e, ImageError::BadMagic { .. }),
            8..=11 => matches!(e, ImageError::ImageVersion { .. }),
            12..=63 => matches!(e, ImageError::HeaderChecksum { .. }),
            _ => matches!(e, ImageError::PayloadChecksum { .. }),
        };
        assert!(ok, "byte {at}: {e}");
    }
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = network(2, 3).encode().unwrap();
    for len in 0..bytes.len() {
        let e = DeviceImage::decode(&bytes[..len]).unwrap_err();
        assert!(
            matches!(
                e,
                ImageError::Truncated { .. } | ImageError::BadMagic { .. }
            ),
            "len {len}: {e}"
        );
    }
    let e = DeviceImage::decode(&bytes[..40]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "image is truncated: the header needs 64 bytes, only 40 are there"
    );
    let e = DeviceImage::decode(&bytes[..100]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("image is truncated: the payload needs"),
        "{e}"
    );
    let mut long = bytes.clone();
    long.extend_from_slice(&[0; 8]);
    assert!(matches!(
        DeviceImage::decode(&long),
        Err(ImageError::TrailingBytes { extra: 8, .. })
    ));
}

#[test]
fn version_and_config_mismatches_quote_both_values() {
    let image = network(4, 4);
    let bytes = image.encode().unwrap();

    let mut v = bytes.clone();
    put_word(&mut v, header::IMAGE_VERSION, 7);
    reseal(&mut v);
    assert_eq!(
        DeviceImage::decode(&v).unwrap_err().to_string(),
        "image format version 7 is not supported: this build reads version 1"
    );
    let mut v = bytes.clone();
    put_word(&mut v, header::STREAM_VERSION, 2);
    reseal(&mut v);
    assert_eq!(
        DeviceImage::decode(&v).unwrap_err(),
        ImageError::StreamVersion {
            found: 2,
            expected: 1
        }
    );

    let other = HwConfig {
        pes: 8,
        ..image.cfg
    };
    let e = DeviceImage::decode_for(&bytes, &other).unwrap_err();
    assert!(
        matches!(&e, ImageError::ConfigMismatch { image: i, expected: x } if i.pes == 4 && x.pes == 8),
        "{e}"
    );
    assert!(
        e.to_string().contains("pes: 4") && e.to_string().contains("pes: 8"),
        "{e}"
    );

    let mut v = bytes.clone();
    put_word(&mut v, header::CONFIG, 0);
    reseal(&mut v);
    assert!(matches!(
        DeviceImage::decode(&v),
        Err(ImageError::Config(_))
    ));

    let mut v = bytes.clone();
    v[0] = b'X';
    let e = DeviceImage::decode(&v).unwrap_err().to_string();
    assert!(e.contains("magic is [58, 53, 4b"), "{e}");

    let mut v = bytes;
    v[200] ^= 1;
    let e = DeviceImage::decode(&v).unwrap_err().to_string();
    assert!(
        e.starts_with("image payload checksum mismatch: stored 0x"),
        "{e}"
    );
}

#[test]
fn resealed_random_edits_never_panic_and_never_decode_to_something_else() {
    let bytes = network(3, 9).encode().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(77);
    let mut accepted = 0;
    for _ in 0..3000 {
        let mut bad = bytes.clone();
        let word = rng.gen_range(HEADER_BYTES / 4..bytes.len() / 4);
        let v: u32 = match rng.gen_range(0..4) {
            0 => rng.gen(),
            1 => rng.gen_range(0..4),
            2 => u32::MAX - rng.gen_range(0..4),
            _ => {
                u32::from_le_bytes(bad[4 * word..4 * word + 4].try_into().unwrap())
                    ^ (1 << rng.gen_range(0..32))
            }
        };
        put_word(&mut bad, word, v);
        reseal(&mut bad);
        if let Ok(image) = DeviceImage::decode(&bad) {
            // Only an edit that the format allows (a weight, a bias) may decode; then the
            // image is canonical and encodes back to the same bytes.
            assert_eq!(image.encode().unwrap(), bad);
            accepted += 1;
        }
    }
    assert!(accepted < 3000);
}

#[test]
fn validation_names_the_layer_and_quotes_values() {
    let base = network(2, 11);
    let check = |edit: &dyn Fn(&mut DeviceImage), want: &str| {
        let mut im = base.clone();
        edit(&mut im);
        let e = match im.encode() {
            Ok(_) => panic!("expected an error with {want:?}, the image encoded"),
            Err(e) => e.to_string(),
        };
        assert!(e.contains(want), "expected {want:?} in {e:?}");
    };
    check(
        &|im| im.layers[0].shift = 3,
        "layer 0 (\"fc1\"): shift 3 disagrees with the formats, which give 14",
    );
    check(&|im| im.layers[4].shift = 99, "shift 99 disagrees");
    check(&|im| im.layers[1].clip = -1, "clip -1 must be in 0..=32767");
    check(&|im| im.layers[4].clip = 5, "layer 4 (\"out\"): clip 5");
    check(
        &|im| im.layers[0].bias[0] = 1 << 47,
        "bias 140737488355328 of row 0 could overflow the 48-bit accumulator",
    );
    check(
        &|im| im.layers[2].input = 4,
        "layer 2 (\"lstm_fwd\"): input tensor 4 is neither",
    );
    check(
        &|im| im.layers[2].input = 9,
        "input tensor 9 does not exist (5 tensors)",
    );
    check(&|im| im.layers[3].out_offset += 1, "-wide output tensor");
    check(
        &|im| im.tensors[3].frac = 9,
        "an LSTM's output format (frac 9) must equal its input's (frac 10)",
    );
    check(
        &|im| im.layers[0].name = "much_too_long".into(),
        "name must be 1 to 8 ASCII",
    );
    check(
        &|im| im.layers[1].bias.pop().map(|_| ()).unwrap_or(()),
        "biases for",
    );
    check(&|im| im.tables.clear(), "no sigmoid table");
    check(
        &|im| im.tables[1].values[3] = 1 << 20,
        "value 1048576 at entry 3 does not fit 16 bits",
    );
    check(&|im| im.output = 0, "output tensor 0");
    check(&|im| im.layers.clear(), "the layer program is empty");
    check(
        &|im| im.layers[0].matrix.nnz += 1,
        "non-zero weights, the streams hold",
    );
    check(
        &|im| im.layers[2].w_frac = 0,
        "w_frac 0 + input frac 10 is below the output frac 11",
    );
    check(
        &|im| im.layers[2].matrix.group = 1,
        "an LSTM needs rows in units of 4 dealt with group 4",
    );
    check(&|im| im.tensors[0].width += 1, "the matrix has");
}

#[test]
fn empty_and_full_rows_and_the_longest_gap_round_trip() {
    let c = HwConfig {
        index_bits: 2,
        ..cfg(2)
    };
    let cols = 40;
    let mut data = vec![0i64; 3 * cols];
    data[cols - 1] = -32768; // a long gap, padded
    for v in &mut data[cols..2 * cols] {
        *v = 32767; // a full row
    }
    let matrix = PackedMatrix::from_dense(&c, 3, cols, &data, 1).unwrap(); // row 2 empty
    let image = DeviceImage {
        cfg: c,
        tensors: vec![
            TensorFormat {
                width: cols,
                frac: 0,
            },
            TensorFormat { width: 3, frac: 0 },
        ],
        output: 1,
        layers: vec![ImageLayer {
            name: "x".into(),
            kind: LayerKind::Fc,
            input: 0,
            output: 1,
            out_offset: 0,
            w_frac: 0,
            shift: 0,
            clip: 0,
            matrix,
            bias: vec![0, -5, 1 << 20],
        }],
        tables: vec![],
    };
    let bytes = image.encode().unwrap();
    assert_eq!(DeviceImage::decode(&bytes).unwrap(), image);
}
