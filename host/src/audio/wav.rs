//! Reading WAV files with `hound`: header checks, streaming sample decode, downmix to mono
//! and resampling, all in one pass over the data chunk.

use std::fs::File;
use std::io::{BufReader, Cursor, ErrorKind, Read};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Audio, AudioError, Resampler, MAX_CHANNELS, MAX_DURATION_S, MAX_RATE, MIN_RATE};

/// What a WAV file holds, from its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct WavInfo {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channels per frame.
    pub channels: u16,
    /// Bits per sample (8, 16, 24 or 32).
    pub bits_per_sample: u16,
    /// True for IEEE float samples, false for integer PCM.
    pub float: bool,
    /// Frames (samples per channel) in the data chunk.
    pub frames: u64,
}

/// Mono frames handed to the resampler at a time.
const CHUNK: usize = 4096;

/// Most output samples reserved up front.
const MAX_RESERVE: u64 = 1 << 24;

/// Reads a WAV file as mono `f32` at `target_rate` Hz (see the module documentation of
/// [`crate::audio`] for what is accepted).
pub fn read_wav(path: &Path, target_rate: u32) -> Result<Audio, AudioError> {
    let file = File::open(path).map_err(|source| AudioError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_wav_from(BufReader::new(file), path, target_rate)
}

/// Reads WAV data from any reader; `path` only names the source in errors.
pub fn read_wav_from<R: Read>(
    mut reader: R,
    path: &Path,
    target_rate: u32,
) -> Result<Audio, AudioError> {
    let p = || path.to_owned();
    let head = sniff(&mut reader, path)?;
    let wav =
        hound::WavReader::new(Cursor::new(head).chain(reader)).map_err(|e| header_error(e, p()))?;
    let info = check_spec(&wav, path)?;
    let target = NonZeroU32::new(target_rate)
        .filter(|_| (MIN_RATE..=MAX_RATE).contains(&target_rate))
        .ok_or_else(|| AudioError::Unsupported {
            path: p(),
            detail: format!(
                "target sample rate {target_rate} Hz (accepted: {MIN_RATE} to {MAX_RATE} Hz)"
            ),
        })?;
    // check_spec guarantees a rate in MIN_RATE..=MAX_RATE.
    let from = NonZeroU32::new(info.sample_rate).unwrap_or(target);
    let mut sink = Sink::new(info.channels, Resampler::new(from, target), info.frames);
    let read_err = |e: hound::Error, index: u64| sample_error(e, p(), index, &info);
    let mut wav = wav;
    if info.float {
        for (index, s) in (0u64..).zip(wav.samples::<f32>()) {
            let v = s.map_err(|e| read_err(e, index))?;
            if !v.is_finite() {
                return Err(AudioError::NonFinite {
                    path: p(),
                    index,
                    value: v,
                });
            }
            sink.add(v);
        }
    } else {
        let scale = 1.0 / (1u64 << (info.bits_per_sample - 1)) as f32;
        for (index, s) in (0u64..).zip(wav.samples::<i32>()) {
            let v = s.map_err(|e| read_err(e, index))?;
            sink.add(v as f32 * scale);
        }
    }
    let out = sink.finish();
    Ok(Audio {
        samples: out,
        sample_rate: target_rate,
        source: info,
    })
}

/// Averages interleaved samples into mono frames and feeds them to the resampler in chunks.
struct Sink {
    channels: u16,
    seen: u16,
    sum: f32,
    mono: Vec<f32>,
    resampler: Resampler,
    out: Vec<f32>,
}

impl Sink {
    fn new(channels: u16, resampler: Resampler, frames: u64) -> Self {
        // Reserve what the header announces, up to 64 MB; a lying header costs no more.
        let out = Vec::with_capacity(resampler.output_len(frames).min(MAX_RESERVE) as usize);
        Sink {
            channels,
            seen: 0,
            sum: 0.0,
            mono: Vec::with_capacity(CHUNK),
            resampler,
            out,
        }
    }

    /// Adds one interleaved sample.
    fn add(&mut self, v: f32) {
        self.sum += v;
        self.seen += 1;
        if self.seen < self.channels {
            return;
        }
        self.mono.push(self.sum / self.channels as f32);
        self.seen = 0;
        self.sum = 0.0;
        if self.mono.len() == CHUNK {
            self.resampler.push(&self.mono, &mut self.out);
            self.mono.clear();
        }
    }

    /// Flushes the resampler and returns the mono output.
    fn finish(mut self) -> Vec<f32> {
        self.resampler.push(&self.mono, &mut self.out);
        self.resampler.finish(&mut self.out);
        self.out
    }
}

/// Reads the 12-byte RIFF/WAVE preamble and refuses anything else with a clear error.
fn sniff<R: Read>(reader: &mut R, path: &Path) -> Result<Vec<u8>, AudioError> {
    let mut head = Vec::with_capacity(12);
    reader
        .by_ref()
        .take(12)
        .read_to_end(&mut head)
        .map_err(|source| AudioError::Io {
            path: path.to_owned(),
            source,
        })?;
    let not_wav = |detail: String| AudioError::NotWav {
        path: path.to_owned(),
        detail,
    };
    if head.is_empty() {
        return Err(not_wav("the file is empty".into()));
    }
    let tag = |r: std::ops::Range<usize>| head.get(r).unwrap_or(&[]).to_vec();
    match &tag(0..4)[..] {
        b"RIFF" => {}
        b"RF64" => {
            return Err(AudioError::Unsupported {
                path: path.to_owned(),
                detail:
                    "RF64 (64-bit WAV) files; convert to a plain WAV (e.g. `sox in.wav out.wav`)"
                        .into(),
            })
        }
        b"RIFX" => {
            return Err(AudioError::Unsupported {
                path: path.to_owned(),
                detail: "big-endian (RIFX) WAV files".into(),
            })
        }
        other => return Err(not_wav(format!("starts with {}, not RIFF", quote(other)))),
    }
    if head.len() < 12 {
        return Err(AudioError::TruncatedHeader {
            path: path.to_owned(),
        });
    }
    if &head[8..12] != b"WAVE" {
        return Err(not_wav(format!(
            "RIFF form type is {}, not WAVE",
            quote(&head[8..12])
        )));
    }
    Ok(head)
}

/// Checks the header's values against what this reader accepts.
fn check_spec<R: Read>(wav: &hound::WavReader<R>, path: &Path) -> Result<WavInfo, AudioError> {
    let spec = wav.spec();
    let malformed = |detail: String| AudioError::Malformed {
        path: path.to_owned(),
        detail,
    };
    if spec.channels == 0 || spec.channels > MAX_CHANNELS {
        return Err(malformed(format!(
            "{} channels (accepted: 1 to {MAX_CHANNELS})",
            spec.channels
        )));
    }
    if !(MIN_RATE..=MAX_RATE).contains(&spec.sample_rate) {
        return Err(malformed(format!(
            "sample rate {} Hz (accepted: {MIN_RATE} to {MAX_RATE} Hz)",
            spec.sample_rate
        )));
    }
    let float = match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Int, 8 | 16 | 24 | 32) => false,
        (hound::SampleFormat::Float, 32) => true,
        (format, bits) => {
            return Err(AudioError::Unsupported {
                path: path.to_owned(),
                detail: format!(
                    "{bits}-bit {} samples (accepted: 8/16/24/32-bit integer, 32-bit float)",
                    match format {
                        hound::SampleFormat::Int => "integer",
                        hound::SampleFormat::Float => "float",
                    }
                ),
            })
        }
    };
    let frames = wav.duration() as u64;
    if frames == 0 {
        return Err(AudioError::Empty {
            path: path.to_owned(),
        });
    }
    let seconds = frames as f64 / spec.sample_rate as f64;
    if seconds > MAX_DURATION_S as f64 {
        return Err(AudioError::TooLong {
            path: path.to_owned(),
            seconds,
            max_seconds: MAX_DURATION_S,
        });
    }
    Ok(WavInfo {
        sample_rate: spec.sample_rate,
        channels: spec.channels,
        bits_per_sample: spec.bits_per_sample,
        float,
        frames,
    })
}

/// True for the ways an I/O layer reports "the data ended early".
fn is_eof(e: &std::io::Error) -> bool {
    // hound reports a short read as `Other` with this message.
    e.kind() == ErrorKind::UnexpectedEof || e.to_string().contains("Failed to read enough bytes")
}

fn header_error(e: hound::Error, path: PathBuf) -> AudioError {
    match e {
        hound::Error::IoError(e) if is_eof(&e) => AudioError::TruncatedHeader { path },
        hound::Error::IoError(source) => AudioError::Io { path, source },
        // hound's wording for IEEE float data that is not 32-bit.
        hound::Error::FormatError("bits per sample is not 32") => AudioError::Unsupported {
            path,
            detail: "float samples that are not 32-bit (e.g. 64-bit float); convert with \
                     `sox in.wav -e floating-point -b 32 out.wav`"
                .into(),
        },
        hound::Error::FormatError(detail) => AudioError::Malformed {
            path,
            detail: detail.into(),
        },
        hound::Error::Unsupported => AudioError::Unsupported {
            path,
            detail:
                "encoding (format tag) is not integer PCM or IEEE float (e.g. ADPCM, A-law, µ-law)"
                    .into(),
        },
        other => AudioError::Malformed {
            path,
            detail: other.to_string(),
        },
    }
}

fn sample_error(e: hound::Error, path: PathBuf, index: u64, info: &WavInfo) -> AudioError {
    match e {
        hound::Error::IoError(e) if is_eof(&e) => AudioError::TruncatedData {
            path,
            read: index / info.channels as u64,
            expected: info.frames,
        },
        hound::Error::IoError(source) => AudioError::Io { path, source },
        hound::Error::Unsupported | hound::Error::TooWide => AudioError::Unsupported {
            path,
            detail: format!(
                "{}-bit samples in this container width (block align / channels)",
                info.bits_per_sample
            ),
        },
        other => AudioError::Malformed {
            path,
            detail: format!("sample {index}: {other}"),
        },
    }
}

/// Shows four tag bytes as text when printable, as hex otherwise.
fn quote(bytes: &[u8]) -> String {
    if !bytes.is_empty() && bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
        format!("{:?}", String::from_utf8_lossy(bytes))
    } else {
        let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("bytes [{}]", hex.join(" "))
    }
}
