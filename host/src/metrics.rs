//! Word and character error rates, as jiwer and NIST sclite define them: the Levenshtein
//! distance (substitutions + deletions + insertions, each costing 1) between reference and
//! hypothesis, summed over a corpus and divided by the total reference length.
//!
//! Text is compared after whitespace normalisation: words are what `split_whitespace` yields,
//! and characters are those of the words joined by single spaces (so CER counts spaces, like
//! jiwer's `cer`). No case folding or punctuation removal: the model's alphabet is already
//! lower case.
//!
//! Empty texts: an empty reference against a hypothesis of n words counts n insertions and
//! adds 0 reference words. A rate over 0 reference words is undefined, so [`ErrorCounts::rate`]
//! returns `None` there (jiwer raises an error); inside a corpus the insertions still count.

use serde::Serialize;

/// Edit operations between a reference and a hypothesis, and the reference length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ErrorCounts {
    /// Reference tokens replaced by another.
    pub substitutions: usize,
    /// Reference tokens missing from the hypothesis.
    pub deletions: usize,
    /// Hypothesis tokens not in the reference.
    pub insertions: usize,
    /// Tokens in the reference.
    pub reference_len: usize,
}

impl ErrorCounts {
    /// Total edits: the Levenshtein distance.
    pub fn edits(&self) -> usize {
        self.substitutions + self.deletions + self.insertions
    }

    /// Edits divided by reference tokens; `None` when the reference is empty.
    pub fn rate(&self) -> Option<f64> {
        (self.reference_len > 0).then(|| self.edits() as f64 / self.reference_len as f64)
    }

    /// Adds another pair's (or corpus's) counts.
    pub fn add(&mut self, other: ErrorCounts) {
        self.substitutions += other.substitutions;
        self.deletions += other.deletions;
        self.insertions += other.insertions;
        self.reference_len += other.reference_len;
    }
}

/// The minimum edit alignment of two token sequences. Among alignments of equal cost it
/// prefers substitutions, then deletions, then insertions (sclite's and jiwer's usual choice).
pub fn align<T: PartialEq>(reference: &[T], hypothesis: &[T]) -> ErrorCounts {
    // Each cell: (cost, substitutions, deletions, insertions); one row at a time.
    type Cell = (usize, usize, usize, usize);
    let mut row: Vec<Cell> = (0..=hypothesis.len()).map(|j| (j, 0, 0, j)).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut next: Vec<Cell> = Vec::with_capacity(row.len());
        next.push((i + 1, 0, i + 1, 0));
        for (j, h) in hypothesis.iter().enumerate() {
            let diag = row[j];
            let sub = if r == h {
                diag
            } else {
                (diag.0 + 1, diag.1 + 1, diag.2, diag.3)
            };
            let up = row[j + 1];
            let del = (up.0 + 1, up.1, up.2 + 1, up.3);
            let left = next[j];
            let ins = (left.0 + 1, left.1, left.2, left.3 + 1);
            let best = if sub.0 <= del.0 && sub.0 <= ins.0 {
                sub
            } else if del.0 <= ins.0 {
                del
            } else {
                ins
            };
            next.push(best);
        }
        row = next;
    }
    let (_, substitutions, deletions, insertions) = row[hypothesis.len()];
    ErrorCounts {
        substitutions,
        deletions,
        insertions,
        reference_len: reference.len(),
    }
}

/// The Levenshtein distance between two token sequences.
pub fn levenshtein<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    align(a, b).edits()
}

/// Word-level counts of one pair.
pub fn word_errors(reference: &str, hypothesis: &str) -> ErrorCounts {
    let r: Vec<&str> = reference.split_whitespace().collect();
    let h: Vec<&str> = hypothesis.split_whitespace().collect();
    align(&r, &h)
}

/// Character-level counts of one pair (after whitespace normalisation, spaces included).
pub fn char_errors(reference: &str, hypothesis: &str) -> ErrorCounts {
    let r: Vec<char> = normalize(reference).chars().collect();
    let h: Vec<char> = normalize(hypothesis).chars().collect();
    align(&r, &h)
}

/// Words joined by single spaces, no leading or trailing space.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Corpus-level WER and CER: counts summed over pairs, one division at the end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Corpus {
    /// Word counts.
    pub words: ErrorCounts,
    /// Character counts.
    pub chars: ErrorCounts,
    /// Pairs added.
    pub pairs: usize,
}

impl Corpus {
    /// Adds one reference/hypothesis pair.
    pub fn add(&mut self, reference: &str, hypothesis: &str) {
        self.words.add(word_errors(reference, hypothesis));
        self.chars.add(char_errors(reference, hypothesis));
        self.pairs += 1;
    }

    /// Total word edits / total reference words; `None` with no reference words.
    pub fn wer(&self) -> Option<f64> {
        self.words.rate()
    }

    /// Total character edits / total reference characters; `None` with none.
    pub fn cer(&self) -> Option<f64> {
        self.chars.rate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_word_pairs() {
        let e = word_errors("the cat sat on the mat", "the cat sit on mat");
        assert_eq!(
            (e.substitutions, e.deletions, e.insertions, e.reference_len),
            (1, 1, 0, 6)
        );
        assert!((e.rate().unwrap() - 2.0 / 6.0).abs() < 1e-12);
        let e = word_errors("a b", "x a b y");
        assert_eq!((e.insertions, e.edits()), (2, 2));
        assert_eq!(word_errors("same words", "  same   words ").edits(), 0);
        // WER can exceed 1.
        assert_eq!(word_errors("a", "b c d").rate(), Some(3.0));
    }

    #[test]
    fn known_char_pairs() {
        assert_eq!(levenshtein(b"kitten", b"sitting"), 3);
        let e = char_errors("kitten", "sitting");
        assert_eq!((e.substitutions, e.insertions, e.deletions), (2, 1, 0));
        // The space counts as a character.
        assert_eq!(char_errors("a b", "ab").edits(), 1);
        assert_eq!(char_errors("a b", "ab").reference_len, 3);
    }

    #[test]
    fn empty_texts_have_defined_behaviour() {
        let e = word_errors("", "");
        assert_eq!((e.edits(), e.rate()), (0, None));
        let e = word_errors("", "hello there");
        assert_eq!((e.insertions, e.rate()), (2, None));
        let e = word_errors("hello there", "");
        assert_eq!((e.deletions, e.rate()), (2, Some(1.0)));
        assert_eq!(char_errors("   ", "").rate(), None);
    }

    #[test]
    fn corpus_rate_is_total_edits_over_total_words() {
        // Mean of per-pair rates would be (1/1 + 0/4) / 2 = 0.5; the corpus rate is 1/5.
        let mut c = Corpus::default();
        c.add("one", "two");
        c.add("a b c d", "a b c d");
        c.add("", "extra");
        assert_eq!(c.pairs, 3);
        assert_eq!(c.words.reference_len, 5);
        assert_eq!(c.words.edits(), 2);
        assert!((c.wer().unwrap() - 0.4).abs() < 1e-12);
        assert!(c.cer().is_some());
        assert_eq!(Corpus::default().wer(), None);
    }
}
