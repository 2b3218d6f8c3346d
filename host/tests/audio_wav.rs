//! WAV input: every accepted encoding, rate and channel layout (generated here with `hound`
//! from a synthetic tone and checked at 16 kHz), the resampler's band limit, and every kind of
//! bad file, which must give a clear error naming the file — never a panic.

use std::f64::consts::PI;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use hound::{SampleFormat, WavSpec, WavWriter};
use zeroskip::audio::{read_wav, read_wav_from, AudioError, TARGET_RATE};

/// Writes `seconds` of a stereo-or-mono tone: channel `c` is `amps[c]·sin(2π·freq·t)`.
fn write_tone(path: &Path, spec: WavSpec, freq: f64, amps: &[f64], seconds: f64) -> usize {
    assert_eq!(amps.len(), spec.channels as usize);
    let n = (seconds * spec.sample_rate as f64).round() as usize;
    let mut w = WavWriter::create(path, spec).unwrap();
    for i in 0..n {
        let s = (2.0 * PI * freq * i as f64 / spec.sample_rate as f64).sin();
        for &a in amps {
            let v = a * s;
            match (spec.sample_format, spec.bits_per_sample) {
                (SampleFormat::Float, _) => w.write_sample(v as f32).unwrap(),
                // Full scale 2^(bits-1), as the reader scales; |v| < 1 so nothing clips.
                (_, 8) => w.write_sample((v * 128.0).round() as i8).unwrap(),
                (_, 16) => w.write_sample((v * 32768.0).round() as i16).unwrap(),
                (_, bits) => {
                    let full = (1i64 << (bits - 1)) as f64;
                    w.write_sample((v * full).round() as i32).unwrap()
                }
            }
        }
    }
    w.finalize().unwrap();
    n
}

/// Least-squares fit of `a·sin + b·cos` at `freq` over the interior of `x` (16 kHz):
/// returns the amplitude and the RMS of what the sinusoid does not explain.
fn fit_tone(x: &[f32], freq: f64) -> (f64, f64) {
    let edge = 400;
    let xs = &x[edge..x.len() - edge];
    let (mut ss, mut cc, mut sc, mut xs_s, mut xs_c) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (k, &v) in xs.iter().enumerate() {
        let t = 2.0 * PI * freq * (k + edge) as f64 / TARGET_RATE as f64;
        let (s, c) = t.sin_cos();
        ss += s * s;
        cc += c * c;
        sc += s * c;
        xs_s += v as f64 * s;
        xs_c += v as f64 * c;
    }
    let det = ss * cc - sc * sc;
    let a = (xs_s * cc - xs_c * sc) / det;
    let b = (xs_c * ss - xs_s * sc) / det;
    let resid: f64 = xs
        .iter()
        .enumerate()
        .map(|(k, &v)| {
            let t = 2.0 * PI * freq * (k + edge) as f64 / TARGET_RATE as f64;
            (v as f64 - a * t.sin() - b * t.cos()).powi(2)
        })
        .sum::<f64>()
        / xs.len() as f64;
    ((a * a + b * b).sqrt(), resid.sqrt())
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

#[test]
fn every_encoding_rate_and_layout_gives_the_tone_at_16k() {
    let dir = tempfile::tempdir().unwrap();
    let formats = [
        (SampleFormat::Int, 8),
        (SampleFormat::Int, 16),
        (SampleFormat::Int, 24),
        (SampleFormat::Int, 32),
        (SampleFormat::Float, 32),
    ];
    for (format, bits) in formats {
        for rate in [8_000, 16_000, 22_050, 44_100, 48_000] {
            for amps in [&[0.4][..], &[0.6, 0.2][..]] {
                let spec = WavSpec {
                    channels: amps.len() as u16,
                    sample_rate: rate,
                    bits_per_sample: bits,
                    sample_format: format,
                };
                let what = format!("{format:?} {bits}-bit {rate} Hz {} ch", amps.len());
                let path = dir.path().join("tone.wav");
                let n = write_tone(&path, spec, 1000.0, amps, 0.5);
                let audio = read_wav(&path, TARGET_RATE).unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(audio.sample_rate, TARGET_RATE);
                assert_eq!(audio.source.sample_rate, rate, "{what}");
                assert_eq!(audio.source.channels, amps.len() as u16, "{what}");
                assert_eq!(audio.source.frames, n as u64, "{what}");
                let want_len = (n as u64 * TARGET_RATE as u64).div_ceil(rate as u64) as usize;
                assert_eq!(audio.samples.len(), want_len, "{what}: length");
                // Channels are averaged: 0.4 either way. 8-bit quantisation leaves ~0.2 % noise.
                let (amp, resid) = fit_tone(&audio.samples, 1000.0);
                let noise = if bits == 8 { 5e-3 } else { 1e-3 };
                assert!((amp - 0.4).abs() < 0.004, "{what}: 1 kHz amplitude {amp}");
                assert!(
                    resid < noise,
                    "{what}: residual {resid} beside the 1 kHz tone"
                );
            }
        }
    }
}

#[test]
fn resampler_is_band_limited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tone.wav");
    let spec = WavSpec {
        channels: 1,
        sample_rate: 48_000,
        bits_per_sample: 32,
        sample_format: SampleFormat::Float,
    };
    // Inside the pass band: kept.
    write_tone(&path, spec, 6_000.0, &[0.5], 0.5);
    let (amp, _) = fit_tone(&read_wav(&path, TARGET_RATE).unwrap().samples, 6_000.0);
    assert!((amp - 0.5).abs() < 0.005, "6 kHz amplitude {amp}");
    // Above the 8 kHz Nyquist frequency: removed, not aliased (sample dropping would fold
    // 12 kHz onto 4 kHz at full amplitude; linear interpolation leaves a large fraction).
    for (rate, freq) in [(48_000, 9_000.0), (48_000, 12_000.0), (44_100, 15_000.0)] {
        write_tone(
            &path,
            WavSpec {
                sample_rate: rate,
                ..spec
            },
            freq,
            &[0.5],
            0.5,
        );
        let out = read_wav(&path, TARGET_RATE).unwrap().samples;
        let level = rms(&out[400..out.len() - 400]) / (0.5 / 2f64.sqrt());
        eprintln!("{freq} Hz at {rate} Hz: level after resampling {level:.1e}");
        assert!(
            level < 1e-3,
            "{freq} Hz at {rate} Hz leaks through at {level:e}"
        );
    }
}

#[test]
fn a_sixteen_khz_mono_file_passes_through_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("id.wav");
    let spec = WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: SampleFormat::Int,
    };
    let mut w = WavWriter::create(&path, spec).unwrap();
    for v in [0i16, 1, -1, 16384, i16::MIN, i16::MAX] {
        w.write_sample(v).unwrap();
    }
    w.finalize().unwrap();
    let got = read_wav(&path, TARGET_RATE).unwrap().samples;
    let want: Vec<f32> = [0i16, 1, -1, 16384, i16::MIN, i16::MAX]
        .iter()
        .map(|&v| v as f32 / 32768.0)
        .collect();
    assert_eq!(got, want);
}

// ---- bad input ----

/// A canonical 44-byte header followed by `data`.
#[allow(clippy::too_many_arguments)]
fn header(
    tag: u16,
    channels: u16,
    rate: u32,
    byte_rate: u32,
    block_align: u16,
    bits: u16,
    data_len: u32,
) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36u32.wrapping_add(data_len)).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&tag.to_le_bytes());
    h.extend_from_slice(&channels.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&byte_rate.to_le_bytes());
    h.extend_from_slice(&block_align.to_le_bytes());
    h.extend_from_slice(&bits.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data_len.to_le_bytes());
    h
}

/// A valid 16 kHz mono 16-bit file of `n` samples.
fn valid_wav(n: u32) -> Vec<u8> {
    let mut v = header(1, 1, 16_000, 32_000, 2, 16, 2 * n);
    for i in 0..n {
        v.extend_from_slice(&((i as i16).wrapping_mul(97)).to_le_bytes());
    }
    v
}

fn read_bytes(dir: &Path, name: &str, bytes: &[u8]) -> (PathBuf, Result<Vec<f32>, AudioError>) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let r = read_wav(&path, TARGET_RATE).map(|a| a.samples);
    (path, r)
}

/// Reads `bytes` from a file and checks the error's kind and that its message names the file
/// and contains `needle`.
fn expect_error(name: &str, bytes: &[u8], kind: fn(&AudioError) -> bool, needle: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (path, r) = read_bytes(dir.path(), name, bytes);
    let e = match r {
        Ok(s) => panic!("{name}: read {} samples, expected an error", s.len()),
        Err(e) => e,
    };
    let msg = e.to_string();
    assert!(kind(&e), "{name}: wrong kind: {e:?}");
    assert!(
        msg.contains(&path.display().to_string()),
        "{name}: no path in {msg:?}"
    );
    assert!(msg.contains(needle), "{name}: {msg:?} lacks {needle:?}");
}

#[test]
fn random_bytes_are_not_a_wav() {
    let bytes: Vec<u8> = (0..1000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    expect_error(
        "noise.wav",
        &bytes,
        |e| matches!(e, AudioError::NotWav { .. }),
        "not a WAV",
    );
    expect_error(
        "text.wav",
        b"hello, world\n",
        |e| matches!(e, AudioError::NotWav { .. }),
        "\"hell\"",
    );
    let mut avi = valid_wav(10);
    avi[8..12].copy_from_slice(b"AVI ");
    expect_error(
        "avi.wav",
        &avi,
        |e| matches!(e, AudioError::NotWav { .. }),
        "AVI",
    );
}

#[test]
fn empty_and_truncated_files() {
    expect_error(
        "empty.wav",
        b"",
        |e| matches!(e, AudioError::NotWav { .. }),
        "empty",
    );
    let full = valid_wav(1000);
    for cut in [4, 11, 12, 20, 30, 43] {
        expect_error(
            &format!("head{cut}.wav"),
            &full[..cut],
            |e| matches!(e, AudioError::TruncatedHeader { .. }),
            "truncated WAV header",
        );
    }
    expect_error(
        "data.wav",
        &full[..44 + 1000],
        |e| {
            matches!(
                e,
                AudioError::TruncatedData {
                    read: 500,
                    expected: 1000,
                    ..
                }
            )
        },
        "announces 1000 frames, the file ends after 500",
    );
}

#[test]
fn zero_samples_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.wav");
    let spec = WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: SampleFormat::Int,
    };
    WavWriter::create(&path, spec).unwrap().finalize().unwrap();
    let e = read_wav(&path, TARGET_RATE).unwrap_err();
    assert!(matches!(e, AudioError::Empty { .. }), "{e:?}");
    assert!(e.to_string().contains("none.wav"));
}

#[test]
fn absurd_headers() {
    let malformed = |e: &AudioError| matches!(e, AudioError::Malformed { .. });
    expect_error(
        "ch0.wav",
        &header(1, 0, 16_000, 0, 0, 16, 0),
        malformed,
        "zero channels",
    );
    expect_error(
        "hz0.wav",
        &valid_header_with_rate(0),
        malformed,
        "sample rate 0 Hz",
    );
    expect_error(
        "hz10M.wav",
        &valid_header_with_rate(10_000_000),
        malformed,
        "10000000 Hz",
    );
    expect_error(
        "hz500.wav",
        &valid_header_with_rate(500),
        malformed,
        "500 Hz",
    );
    expect_error(
        "ch300.wav",
        &header(1, 300, 8_000, 4_800_000, 600, 16, 600),
        malformed,
        "300 channels",
    );
    expect_error(
        "byterate.wav",
        &header(1, 1, 16_000, 12_345, 2, 16, 2),
        malformed,
        "inconsistent",
    );
    expect_error(
        "long.wav",
        &header(1, 1, 16_000, 32_000, 2, 16, 0xFFFF_FFF0),
        |e| {
            matches!(
                e,
                AudioError::TooLong {
                    max_seconds: 1800,
                    ..
                }
            )
        },
        "longer than the maximum of 1800 s",
    );
}

fn valid_header_with_rate(rate: u32) -> Vec<u8> {
    let mut v = header(1, 1, rate, rate.wrapping_mul(2), 2, 16, 4);
    v.extend_from_slice(&[0; 4]);
    v
}

#[test]
fn unsupported_encodings() {
    let unsupported = |e: &AudioError| matches!(e, AudioError::Unsupported { .. });
    // µ-law (format tag 7) and ADPCM (2).
    let mut mulaw = header(7, 1, 8_000, 8_000, 1, 8, 4);
    mulaw.extend_from_slice(&[0; 4]);
    expect_error(
        "mulaw.wav",
        &mulaw,
        unsupported,
        "not integer PCM or IEEE float",
    );
    let mut adpcm = header(2, 1, 8_000, 16_000, 2, 16, 4);
    adpcm.extend_from_slice(&[0; 4]);
    expect_error("adpcm.wav", &adpcm, unsupported, "unsupported WAV");
    // 64-bit float.
    let mut f64wav = header(3, 1, 16_000, 128_000, 8, 64, 8);
    f64wav.extend_from_slice(&[0; 8]);
    expect_error("f64.wav", &f64wav, unsupported, "64-bit float");
    let mut rf64 = valid_wav(4);
    rf64[0..4].copy_from_slice(b"RF64");
    expect_error("rf64.wav", &rf64, unsupported, "RF64");
    // 8-bit samples in 2-byte containers: a header hound accepts but cannot decode.
    let mut wide = header(1, 1, 8_000, 16_000, 2, 8, 4);
    wide.extend_from_slice(&[0; 4]);
    expect_error(
        "wide8.wav",
        &wide,
        unsupported,
        "8-bit samples in this container",
    );
}

#[test]
fn non_finite_float_samples_are_refused() {
    let mut v = header(3, 1, 16_000, 64_000, 4, 32, 12);
    for x in [0.5f32, f32::NAN, 0.25] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    expect_error(
        "nan.wav",
        &v,
        |e| matches!(e, AudioError::NonFinite { index: 1, .. }),
        "sample 1 is NaN",
    );
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let e = read_wav(Path::new("/nonexistent/zeroskip/x.wav"), TARGET_RATE).unwrap_err();
    assert!(matches!(e, AudioError::Io { .. }), "{e:?}");
    assert!(e.to_string().contains("/nonexistent/zeroskip/x.wav"));
}

/// Every single-byte corruption of the header and every truncation of a small file reads
/// or fails cleanly: no panic, no absurd allocation.
#[test]
fn corrupted_headers_never_panic() {
    let base = valid_wav(64);
    let path = Path::new("mutant.wav");
    for pos in 0..44 {
        for value in [0u8, 1, 2, 3, 7, 0x10, 0x7f, 0x80, 0xfe, 0xff] {
            let mut b = base.clone();
            b[pos] = value;
            let _ = read_wav_from(Cursor::new(&b), path, TARGET_RATE);
            let _ = read_wav_from(Cursor::new(&b), path, 44_100);
        }
    }
    for cut in 0..base.len() {
        let r = read_wav_from(Cursor::new(&base[..cut]), path, TARGET_RATE);
        assert!(r.is_err(), "cut at {cut} read fine");
    }
    assert!(read_wav_from(Cursor::new(&base), path, TARGET_RATE).is_ok());
}
