//! [`NgramLm`]: a word n-gram model in back-off form. Every stored n-gram has a probability
//! and (below the highest order) a back-off weight; the probability of a word after a context
//! is that of the longest stored n-gram ending the context with the word, times the back-off
//! weights of the longer contexts passed over (Katz's form, which ARPA files hold). Numbers are
//! base-10 logarithms, as in ARPA files.

use super::LmError;
use std::collections::HashMap;

/// Sentence start: a context, never predicted.
pub const BOS: &str = "<s>";
/// Sentence end.
pub const EOS: &str = "</s>";
/// Any word not in the vocabulary.
pub const UNK: &str = "<unk>";
/// The highest order supported (the decoder keeps `MAX_ORDER - 1` words of context).
pub const MAX_ORDER: usize = 6;

/// One stored n-gram: its probability and its back-off weight (base-10 logarithms; the
/// back-off weight is 0 where there is none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// log10 P(last word | the others).
    pub log10_prob: f32,
    /// log10 of the weight of a longer context that ends with this n-gram and is not stored.
    pub log10_backoff: f32,
}

/// A back-off word n-gram model.
#[derive(Clone, Debug, PartialEq)]
pub struct NgramLm {
    words: Vec<String>,
    ids: HashMap<String, u32>,
    /// `grams[n - 1]` holds the n-grams, keyed by word ids, oldest first.
    grams: Vec<HashMap<Box<[u32]>, Entry>>,
    bos: u32,
    eos: u32,
    unk: u32,
}

impl NgramLm {
    /// A model from its vocabulary (every unigram, in order: word `i` has id `i`) and its
    /// n-grams by order. `<s>`, `</s>` and `<unk>` must be among the words (an ARPA file
    /// without `<unk>` gets one at probability 0, as KenLM reads it).
    pub(crate) fn from_parts(
        mut words: Vec<String>,
        mut grams: Vec<HashMap<Box<[u32]>, Entry>>,
    ) -> Result<Self, String> {
        if grams.is_empty() || grams.len() > MAX_ORDER {
            return Err(format!(
                "a model needs 1 to {MAX_ORDER} orders, not {}",
                grams.len()
            ));
        }
        let mut ids = HashMap::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            if ids.insert(w.clone(), i as u32).is_some() {
                return Err(format!("the word {w:?} is listed twice among the 1-grams"));
            }
        }
        if !ids.contains_key(UNK) {
            let id = words.len() as u32;
            words.push(UNK.to_string());
            ids.insert(UNK.to_string(), id);
            grams[0].insert(
                Box::new([id]),
                Entry {
                    log10_prob: -99.0,
                    log10_backoff: 0.0,
                },
            );
        }
        let id = |w: &str| {
            ids.get(w)
                .copied()
                .ok_or_else(|| format!("the 1-grams have no {w}"))
        };
        let (bos, eos, unk) = (id(BOS)?, id(EOS)?, id(UNK)?);
        Ok(NgramLm {
            words,
            ids,
            grams,
            bos,
            eos,
            unk,
        })
    }

    /// The highest order.
    pub fn order(&self) -> usize {
        self.grams.len()
    }

    /// The vocabulary (the 1-grams, `<s>`, `</s>` and `<unk>` among them); a word's id is its
    /// index.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The id of `word`, if it is in the vocabulary.
    pub fn id(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    /// The id of `word`, or that of `<unk>`.
    pub fn id_or_unk(&self, word: &str) -> u32 {
        self.id(word).unwrap_or(self.unk)
    }

    /// The id of `<s>`.
    pub fn bos(&self) -> u32 {
        self.bos
    }

    /// The id of `</s>`.
    pub fn eos(&self) -> u32 {
        self.eos
    }

    /// The id of `<unk>`.
    pub fn unk(&self) -> u32 {
        self.unk
    }

    /// How many n-grams of each order (index 0: 1-grams).
    pub fn counts(&self) -> Vec<usize> {
        self.grams.iter().map(HashMap::len).collect()
    }

    /// The stored n-grams of order `n` (1-based), in no particular order.
    pub fn grams(&self, n: usize) -> impl Iterator<Item = (&[u32], &Entry)> {
        self.grams
            .get(n.wrapping_sub(1))
            .into_iter()
            .flat_map(|m| m.iter().map(|(k, e)| (&k[..], e)))
    }

    /// The stored n-gram `gram` (word ids, oldest first), if any.
    pub fn entry(&self, gram: &[u32]) -> Option<&Entry> {
        self.grams.get(gram.len().wrapping_sub(1))?.get(gram)
    }

    /// log10 P(`word` | `context`), `context` oldest first (only its last `order - 1` words
    /// count). A word id out of the vocabulary counts as `<unk>`.
    pub fn log10_prob(&self, context: &[u32], word: u32) -> f64 {
        let word = if (word as usize) < self.words.len() {
            word
        } else {
            self.unk
        };
        let context = &context[context.len().saturating_sub(self.order() - 1)..];
        // On the decoder's path: the key lives on the stack (order ≤ MAX_ORDER).
        let mut key = [0u32; MAX_ORDER];
        let mut backoff = 0.0f64;
        for start in 0..=context.len() {
            let history = &context[start..];
            let n = history.len() + 1;
            key[..n - 1].copy_from_slice(history);
            key[n - 1] = word;
            if let Some(e) = self.entry(&key[..n]) {
                return backoff + f64::from(e.log10_prob);
            }
            if let Some(e) = self.entry(history) {
                backoff += f64::from(e.log10_backoff);
            }
        }
        // Every word has a 1-gram (from_parts), so this is only reached for a word id whose
        // 1-gram was removed; give it <unk>'s probability.
        backoff
            + self
                .entry(&[self.unk])
                .map_or(-99.0, |e| f64::from(e.log10_prob))
    }

    /// log10 P(`words` as a whole sentence): `<s>` before, `</s>` after.
    pub fn sentence_log10_prob<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> f64 {
        let mut context = vec![self.bos];
        let mut total = 0.0;
        for w in words {
            let id = self.id_or_unk(w);
            total += self.log10_prob(&context, id);
            context.push(id);
        }
        total + self.log10_prob(&context, self.eos)
    }
}

/// Checks that `order` is supported.
pub(crate) fn check_order(order: usize) -> Result<(), LmError> {
    if order == 0 || order > MAX_ORDER {
        return Err(LmError::Order {
            order,
            max: MAX_ORDER,
        });
    }
    Ok(())
}
