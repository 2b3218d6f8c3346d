//! CTC decoding: from per-frame log-probabilities over the output symbols (frames × labels,
//! rows from [`crate::model::log_softmax`]) to label sequences and text. Greedy (best path),
//! prefix beam search, and prefix beam search with a word language model
//! ([`crate::lm::WordScorer`]); [`sequence_log_prob`] scores a given label sequence exactly
//! (the CTC forward algorithm), for tests and for comparing decoders.

mod alphabet;
mod beam;
mod greedy;
mod score;

pub use alphabet::{Alphabet, AlphabetError, UnknownChar};
pub use beam::{beam_search, beam_search_scored, NoScorer, PrefixScorer};
pub use greedy::greedy;
pub use score::sequence_log_prob;

/// A decoded label sequence (repeats collapsed, blanks removed) and its score.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// Labels, never the blank.
    pub labels: Vec<usize>,
    /// Natural log of the score: for [`greedy`] the probability of the single best path, for
    /// [`beam_search`] the probability of the prefix summed over the alignments the beam kept.
    pub log_prob: f64,
}

/// How to decode.
#[derive(Clone, Debug)]
pub enum Decoder {
    /// Best path: the most probable label per frame, repeats collapsed, blanks dropped.
    Greedy,
    /// Prefix beam search keeping this many prefixes (at least 1).
    Beam(usize),
    /// Prefix beam search keeping `width` prefixes, scored with a word language model.
    BeamLm {
        /// Prefixes kept (at least 1).
        width: usize,
        /// The language model and its weights.
        scorer: std::sync::Arc<crate::lm::WordScorer>,
    },
}

impl Decoder {
    /// Decodes `log_probs` (frames × labels) with this decoder.
    pub fn decode(&self, log_probs: ndarray::ArrayView2<f32>, blank: usize) -> Decoded {
        match self {
            Decoder::Greedy => greedy(log_probs, blank),
            Decoder::Beam(width) => beam_search(log_probs, blank, *width),
            Decoder::BeamLm { width, scorer } => {
                let mut d = beam_search_scored(log_probs, blank, *width, scorer.as_ref());
                // A trailing space ends the last word as the end of the utterance does: the
                // same words, so it is dropped from the text.
                if d.labels.last() == Some(&scorer.space()) {
                    d.labels.pop();
                }
                d
            }
        }
    }

    /// A short name for reports: `greedy`, `beam:N`, or `beam:N+lm(α=A,β=B)`.
    pub fn label(&self) -> String {
        match self {
            Decoder::Greedy => "greedy".to_string(),
            Decoder::Beam(n) => format!("beam:{n}"),
            Decoder::BeamLm { width, scorer } => {
                let w = scorer.weights();
                format!(
                    "beam:{width}+lm(order {},α={},β={})",
                    scorer.lm().order(),
                    w.alpha,
                    w.beta
                )
            }
        }
    }
}

/// `ln(e^a + e^b)` without overflow; `-inf` is the identity.
pub(crate) fn log_add(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}
