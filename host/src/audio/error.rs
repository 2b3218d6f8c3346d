//! [`AudioError`]: everything that can go wrong reading a WAV file, each naming the file.

use std::path::PathBuf;

/// Why a WAV file could not be read. Every variant carries the file's path and says what was
/// wrong with it, quoting the offending value where there is one.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The file could not be opened or read (missing, permissions, I/O failure).
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The file is not a RIFF/WAVE file at all.
    #[error("{path}: not a WAV file ({detail})")]
    NotWav {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// The file ends inside its header.
    #[error("{path}: truncated WAV header (the file ends before the data chunk)")]
    TruncatedHeader {
        /// The file.
        path: PathBuf,
    },
    /// The file ends before all the samples its header announces.
    #[error("{path}: truncated WAV data: the header announces {expected} frames, the file ends after {read}")]
    TruncatedData {
        /// The file.
        path: PathBuf,
        /// Frames (samples per channel) read before the end.
        read: u64,
        /// Frames the header announces.
        expected: u64,
    },
    /// The header is ill-formed or inconsistent.
    #[error("{path}: malformed WAV header: {detail}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the offending value.
        detail: String,
    },
    /// The header is well-formed but describes audio this reader does not accept.
    #[error("{path}: unsupported WAV: {detail}")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What is unsupported and what would be.
        detail: String,
    },
    /// The file holds no samples.
    #[error("{path}: the WAV file holds no samples")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file is longer than [`super::MAX_DURATION_S`].
    #[error("{path}: {seconds:.1} s of audio is longer than the maximum of {max_seconds} s; split it first")]
    TooLong {
        /// The file.
        path: PathBuf,
        /// Duration the header announces.
        seconds: f64,
        /// The limit.
        max_seconds: u32,
    },
    /// A float sample is NaN or infinite.
    #[error("{path}: sample {index} is {value} (not a finite number)")]
    NonFinite {
        /// The file.
        path: PathBuf,
        /// Index of the sample in the file (interleaved, counting every channel).
        index: u64,
        /// The sample.
        value: f32,
    },
}
