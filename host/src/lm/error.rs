//! Why a language model cannot be built, read or used: [`LmError`], naming the file and line.

use std::path::PathBuf;
use thiserror::Error;

/// Why a language model cannot be built, read, written or used.
#[derive(Debug, Error)]
pub enum LmError {
    /// A file could not be read.
    #[error("cannot read the language model {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error (or the gzip error).
        #[source]
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write the language model {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An ARPA file is malformed.
    #[error("{path}:{line}: {problem}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line (1-based; 0 for a problem of the whole file).
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// The requested order is out of range.
    #[error("a language model's order must be 1 to {max}, not {order}")]
    Order {
        /// The order asked for.
        order: usize,
        /// The largest order supported.
        max: usize,
    },
    /// No sentence to estimate from.
    #[error("no sentences to build a language model from")]
    NoText,
    /// The model's alphabet has no space, so words cannot be told apart.
    #[error("the model's alphabet {alphabet:?} has no space character, which a word language model needs to separate words")]
    NoSpace {
        /// The alphabet.
        alphabet: String,
    },
    /// No word of the language model can be spelt with the model's alphabet.
    #[error("none of the language model's {words} words can be spelt with the model's alphabet {alphabet:?}")]
    NoWords {
        /// How many words the language model has.
        words: usize,
        /// The alphabet.
        alphabet: String,
    },
}
