//! A word n-gram language model for CTC decoding, as Deep Speech decodes: the acoustic model
//! spells, the language model weighs whole words. [`NgramLm`] is a back-off model in the form
//! of the ARPA files KenLM and SRILM write; [`build()`] estimates one from sentences by
//! interpolated Kneser–Ney smoothing; [`arpa`] reads and writes it (plain or gzipped);
//! [`WordScorer`] scores the prefixes of [`crate::ctc::beam_search_scored`] with it.

pub mod arpa;
mod build;
mod error;
mod ngram;
mod scorer;

pub use build::{build, BuildReport};
pub use error::LmError;
pub use ngram::{Entry, NgramLm, BOS, EOS, MAX_ORDER, UNK};
pub use scorer::{LmWeights, WordScorer, WordState};
