//! The study's numbers and figures: per-layer non-zeros and sparsity of a model
//! ([`stats`], `zeroskip inspect`), training logs read back ([`logs`]), and the figures of
//! `zeroskip report` drawn with plotters as PNG and SVG ([`figures`]): the non-zero map of the
//! LSTM input weights, per-layer non-zero percentages, weight distributions before and after
//! pruning, and training / validation loss across the dense run and the pruning rounds.

pub mod figures;
pub mod logs;
pub mod stats;

use std::path::PathBuf;
use thiserror::Error;

pub use stats::{LayerStats, ModelStats, TensorStats};

/// Why a figure or a log cannot be made or read.
#[derive(Debug, Error)]
pub enum StudyError {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A line of a training log is not what `zeroskip-train` writes.
    #[error("{}:{line}: not a log line: {reason}", path.display())]
    LogLine {
        /// The log.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What the parser said.
        reason: String,
    },
    /// A path is neither a run folder (with `log.jsonl`) nor a pruning folder (with `round-*`
    /// runs).
    #[error("{}: no log.jsonl and no round-* run folders in it", path.display())]
    NoLog {
        /// The path.
        path: PathBuf,
    },
    /// No font for the figures' text.
    #[error("no TrueType font found for the figures' text (tried {tried}); give one with --font FILE.ttf or install fonts-dejavu-core")]
    NoFont {
        /// The paths tried.
        tried: String,
    },
    /// A font file is not a usable TrueType font.
    #[error("{}: not a usable TrueType font", path.display())]
    BadFont {
        /// The file.
        path: PathBuf,
    },
    /// plotters failed drawing or writing a figure.
    #[error("drawing {}: {message}", path.display())]
    Plot {
        /// The figure's file.
        path: PathBuf,
        /// What plotters said.
        message: String,
    },
    /// Two models to compare have different shapes.
    #[error("the dense and the pruned model differ in shape: {0}")]
    ShapeMismatch(String),
}
