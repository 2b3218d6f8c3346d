//! [`WordScorer`]: the language model's part of a CTC prefix's score, as in Deep Speech's
//! decoder (Hannun et al., 2014): `α · ln P_LM(words) + β · |words|`. A prefix is spelt
//! letter by letter; each time a space (or the end) completes a word, the word's probability
//! after the words before it is added. Letters may only spell the vocabulary's words (a trie
//! of their spellings), so a prefix that leaves every word is dropped at once and the beam's
//! places go to spellings that can still become words; words the language model does not
//! know cannot be written (the test of `zeroskip lm build` reports how many a test set has).

use super::{LmError, NgramLm, MAX_ORDER};
use crate::ctc::{Alphabet, PrefixScorer};
use std::sync::Arc;

/// The weights of the language model's score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LmWeights {
    /// α: the weight of `ln P_LM` against the acoustic model's log probability.
    pub alpha: f64,
    /// β: added for every word (balances the language model's preference for few words).
    pub beta: f64,
}

impl LmWeights {
    /// The weights `zeroskip transcribe --lm` uses unless told otherwise: tuned for the default
    /// model on the validation set (docs/RESULTS.md, "Decoding with a language model").
    pub const DEFAULT: LmWeights = LmWeights {
        alpha: 1.2,
        beta: 1.0,
    };
}

/// One trie node: the spelling so far; children by label, and the word it completes.
#[derive(Clone, Debug, Default)]
struct TrieNode {
    children: Vec<(usize, u32)>,
    word: Option<u32>,
}

/// What a prefix has reached: its last words (word ids, oldest first, `<s>` included) and
/// the trie node of the word it is spelling (0: none begun).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WordState {
    history: [u32; MAX_ORDER - 1],
    len: u8,
    node: u32,
}

impl WordState {
    fn context(&self) -> &[u32] {
        &self.history[..self.len as usize]
    }

    fn push(mut self, word: u32) -> Self {
        let keep = self.history.len();
        if (self.len as usize) < keep {
            self.history[self.len as usize] = word;
            self.len += 1;
        } else {
            self.history.copy_within(1.., 0);
            self.history[keep - 1] = word;
        }
        self.node = 0;
        self
    }
}

/// A word language model as a [`PrefixScorer`] over a model's labels.
pub struct WordScorer {
    lm: Arc<NgramLm>,
    weights: LmWeights,
    space: usize,
    trie: Arc<Vec<TrieNode>>,
    /// Vocabulary words that the alphabet cannot spell (left out of the trie).
    unspellable: usize,
}

impl std::fmt::Debug for WordScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordScorer")
            .field("order", &self.lm.order())
            .field("words", &self.lm.words().len())
            .field("weights", &self.weights)
            .finish()
    }
}

impl WordScorer {
    /// A scorer for a model with `alphabet`; the words are the language model's vocabulary
    /// without `<s>`, `</s>` and `<unk>`.
    pub fn new(lm: Arc<NgramLm>, alphabet: &Alphabet, weights: LmWeights) -> Result<Self, LmError> {
        let space = alphabet.label_of(' ').ok_or_else(|| LmError::NoSpace {
            alphabet: alphabet.chars(),
        })?;
        let mut trie = vec![TrieNode::default()];
        let mut unspellable = 0;
        let specials = [lm.bos(), lm.eos(), lm.unk()];
        for (id, word) in lm.words().iter().enumerate() {
            let id = id as u32;
            if specials.contains(&id) {
                continue;
            }
            let Ok(labels) = alphabet.labels(word) else {
                unspellable += 1;
                continue;
            };
            if labels.contains(&space) || labels.contains(&alphabet.blank()) {
                unspellable += 1;
                continue;
            }
            let mut node = 0usize;
            for l in labels {
                node = match trie[node].children.iter().find(|(c, _)| *c == l) {
                    Some(&(_, n)) => n as usize,
                    None => {
                        trie.push(TrieNode::default());
                        let n = trie.len() - 1;
                        trie[node].children.push((l, n as u32));
                        n
                    }
                };
            }
            trie[node].word = Some(id);
        }
        if trie.len() == 1 {
            return Err(LmError::NoWords {
                words: lm.words().len(),
                alphabet: alphabet.chars(),
            });
        }
        Ok(WordScorer {
            lm,
            weights,
            space,
            trie: Arc::new(trie),
            unspellable,
        })
    }

    /// The space's label.
    pub fn space(&self) -> usize {
        self.space
    }

    /// The weights.
    pub fn weights(&self) -> LmWeights {
        self.weights
    }

    /// The language model.
    pub fn lm(&self) -> &NgramLm {
        &self.lm
    }

    /// How many vocabulary words the alphabet cannot spell (they are never written).
    pub fn unspellable(&self) -> usize {
        self.unspellable
    }

    /// The same language model and trie with other weights.
    pub fn with_weights(&self, weights: LmWeights) -> Self {
        WordScorer {
            lm: Arc::clone(&self.lm),
            weights,
            space: self.space,
            trie: Arc::clone(&self.trie),
            unspellable: self.unspellable,
        }
    }

    /// `α · ln P(word | context) + β`.
    fn word_score(&self, context: &[u32], word: u32) -> f64 {
        self.weights.alpha * self.lm.log10_prob(context, word) * std::f64::consts::LN_10
            + self.weights.beta
    }
}

impl PrefixScorer for WordScorer {
    type State = WordState;

    fn start(&self) -> WordState {
        let mut history = [0; MAX_ORDER - 1];
        history[0] = self.lm.bos();
        WordState {
            history,
            len: 1,
            node: 0,
        }
    }

    fn extend(&self, state: &WordState, label: usize) -> Option<(WordState, f64)> {
        if label == self.space {
            // A space ends the word being spelt; no empty words (leading or double spaces).
            let word = self.trie[state.node as usize].word?;
            let score = self.word_score(state.context(), word);
            return Some((state.push(word), score));
        }
        let node = self.trie[state.node as usize]
            .children
            .iter()
            .find(|(l, _)| *l == label)?
            .1;
        Some((WordState { node, ..*state }, 0.0))
    }

    fn finish(&self, state: &WordState) -> Option<f64> {
        let mut state = *state;
        let mut score = 0.0;
        if state.node != 0 {
            let word = self.trie[state.node as usize].word?;
            score += self.word_score(state.context(), word);
            state = state.push(word);
        }
        Some(
            score
                + self.weights.alpha
                    * self.lm.log10_prob(state.context(), self.lm.eos())
                    * std::f64::consts::LN_10,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lm::build;

    fn scorer(alpha: f64, beta: f64) -> (WordScorer, Alphabet) {
        let (lm, _) = build(
            ["turn on the light", "turn off the light", "set a timer"],
            3,
        )
        .unwrap();
        let a = Alphabet::english();
        let s = WordScorer::new(Arc::new(lm), &a, LmWeights { alpha, beta }).unwrap();
        (s, a)
    }

    /// Feeds `text` label by label; the total score, or None if a label was refused.
    fn score(s: &WordScorer, a: &Alphabet, text: &str) -> Option<f64> {
        let mut state = s.start();
        let mut total = 0.0;
        for l in a.labels(text).unwrap() {
            let (next, add) = s.extend(&state, l)?;
            state = next;
            total += add;
        }
        Some(total + s.finish(&state)?)
    }

    #[test]
    fn a_prefix_scores_its_words_as_the_lm_does_the_sentence() {
        let (s, a) = scorer(0.7, 1.5);
        let lm = s.lm();
        for text in ["turn on the light", "turn off the timer", "set a light"] {
            let want = 0.7 * lm.sentence_log10_prob(text.split(' ')) * std::f64::consts::LN_10
                + 1.5 * text.split(' ').count() as f64;
            let got = score(&s, &a, text).unwrap();
            assert!((got - want).abs() < 1e-9, "{text}: {got} vs {want}");
            // A trailing space is the same sentence.
            let spaced = score(&s, &a, &format!("{text} ")).unwrap();
            assert!((spaced - want).abs() < 1e-9, "{text}: {spaced} vs {want}");
        }
    }

    #[test]
    fn only_the_vocabulary_can_be_spelt() {
        let (s, a) = scorer(1.0, 0.0);
        assert!(
            score(&s, &a, "turn of the light").is_none(),
            "\"of\" is not a word here"
        );
        assert!(score(&s, &a, "tur").is_none(), "\"tur\" ends unfinished");
        assert!(score(&s, &a, "turn  on").is_none(), "no empty words");
        assert!(score(&s, &a, " turn").is_none(), "no leading space");
        assert!(score(&s, &a, "turn o").is_none());
        // But an unfinished word is a live prefix.
        let mut state = s.start();
        for l in a.labels("tu").unwrap() {
            state = s.extend(&state, l).unwrap().0;
        }
        assert_ne!(state, s.start());
    }

    #[test]
    fn an_alphabet_without_space_is_refused() {
        let (lm, _) = build(["ab"], 2).unwrap();
        let a = Alphabet::new("ab", 2).unwrap();
        let e = WordScorer::new(
            Arc::new(lm),
            &a,
            LmWeights {
                alpha: 1.0,
                beta: 0.0,
            },
        )
        .unwrap_err();
        assert!(matches!(e, LmError::NoSpace { .. }), "{e}");
    }
}
