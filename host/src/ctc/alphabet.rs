//! The output symbols of a CTC model: the characters of an alphabet plus the blank, placed at
//! an explicit index. Maps label indices to text and text to label indices.

use thiserror::Error;

/// Why an alphabet is unusable; each variant quotes the offending value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AlphabetError {
    /// No characters at all.
    #[error("the alphabet is empty; it needs at least one character besides the blank")]
    Empty,
    /// A character appears twice.
    #[error("alphabet {alphabet:?} has {ch:?} more than once")]
    Duplicate {
        /// The alphabet given.
        alphabet: String,
        /// The repeated character.
        ch: char,
    },
    /// A control character (newline, tab, ...) cannot be printed as text.
    #[error("alphabet {alphabet:?} holds the control character {ch:?}")]
    Control {
        /// The alphabet given.
        alphabet: String,
        /// The control character.
        ch: char,
    },
    /// The blank index is past the end of the output layer.
    #[error("blank_index {blank_index} is out of range: with {chars} characters the blank goes at 0..={chars}")]
    BlankOutOfRange {
        /// The blank index given.
        blank_index: usize,
        /// Number of characters in the alphabet.
        chars: usize,
    },
}

/// Why a text cannot be written with an alphabet.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{text:?} holds {ch:?}, which is not in the alphabet {alphabet:?}")]
pub struct UnknownChar {
    /// The text given.
    pub text: String,
    /// The first character not in the alphabet.
    pub ch: char,
    /// The alphabet.
    pub alphabet: String,
}

/// The output symbols: `chars.len() + 1` labels, label `blank` is the CTC blank and the others
/// are the characters in order (label `i` is `chars[i]` below the blank, `chars[i - 1]` above).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alphabet {
    chars: Vec<char>,
    blank: usize,
}

impl Alphabet {
    /// Builds an alphabet from its characters and the blank's label index.
    pub fn new(chars: &str, blank: usize) -> Result<Self, AlphabetError> {
        let list: Vec<char> = chars.chars().collect();
        if list.is_empty() {
            return Err(AlphabetError::Empty);
        }
        for (i, &ch) in list.iter().enumerate() {
            if ch.is_control() {
                return Err(AlphabetError::Control {
                    alphabet: chars.to_string(),
                    ch,
                });
            }
            if list[..i].contains(&ch) {
                return Err(AlphabetError::Duplicate {
                    alphabet: chars.to_string(),
                    ch,
                });
            }
        }
        if blank > list.len() {
            return Err(AlphabetError::BlankOutOfRange {
                blank_index: blank,
                chars: list.len(),
            });
        }
        Ok(Alphabet { chars: list, blank })
    }

    /// Deep Speech's English alphabet, `a`–`z`, space, apostrophe, and the blank at label 28.
    pub fn english() -> Self {
        Alphabet {
            chars: crate::model::ENGLISH_ALPHABET.chars().collect(),
            blank: crate::model::ENGLISH_ALPHABET.chars().count(),
        }
    }

    /// Number of labels, blank included (the width of the output layer).
    pub fn len(&self) -> usize {
        self.chars.len() + 1
    }

    /// Never true: an alphabet always has at least one character and the blank.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The blank's label index.
    pub fn blank(&self) -> usize {
        self.blank
    }

    /// The characters, in label order without the blank.
    pub fn chars(&self) -> String {
        self.chars.iter().collect()
    }

    /// The character of `label`, or `None` for the blank or a label out of range.
    pub fn char_of(&self, label: usize) -> Option<char> {
        match label.cmp(&self.blank) {
            std::cmp::Ordering::Less => self.chars.get(label).copied(),
            std::cmp::Ordering::Equal => None,
            std::cmp::Ordering::Greater => self.chars.get(label - 1).copied(),
        }
    }

    /// The label of `ch`, if it is in the alphabet.
    pub fn label_of(&self, ch: char) -> Option<usize> {
        let i = self.chars.iter().position(|&c| c == ch)?;
        Some(if i < self.blank { i } else { i + 1 })
    }

    /// The text of a label sequence (already collapsed); blanks and labels out of range are
    /// skipped.
    pub fn text(&self, labels: &[usize]) -> String {
        labels.iter().filter_map(|&l| self.char_of(l)).collect()
    }

    /// The labels of a text, every character of which must be in the alphabet.
    pub fn labels(&self, text: &str) -> Result<Vec<usize>, UnknownChar> {
        text.chars()
            .map(|ch| {
                self.label_of(ch).ok_or_else(|| UnknownChar {
                    text: text.to_string(),
                    ch,
                    alphabet: self.chars(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_has_blank_at_28() {
        let a = Alphabet::english();
        assert_eq!(a.len(), 29);
        assert_eq!(a.blank(), 28);
        assert_eq!(a.char_of(0), Some('a'));
        assert_eq!(a.char_of(26), Some(' '));
        assert_eq!(a.char_of(27), Some('\''));
        assert_eq!(a.char_of(28), None);
        assert_eq!(a.labels("it's").unwrap(), vec![8, 19, 27, 18]);
    }

    #[test]
    fn blank_in_front_shifts_labels() {
        let a = Alphabet::new("ab", 0).unwrap();
        assert_eq!(a.char_of(0), None);
        assert_eq!(a.char_of(1), Some('a'));
        assert_eq!(a.char_of(2), Some('b'));
        assert_eq!(a.char_of(3), None);
        assert_eq!(a.label_of('b'), Some(2));
        assert_eq!(a.text(&[2, 0, 1]), "ba");
    }

    #[test]
    fn bad_alphabets_are_refused() {
        assert_eq!(Alphabet::new("", 0), Err(AlphabetError::Empty));
        assert!(matches!(
            Alphabet::new("aba", 3),
            Err(AlphabetError::Duplicate { ch: 'a', .. })
        ));
        assert!(matches!(
            Alphabet::new("a\n", 2),
            Err(AlphabetError::Control { ch: '\n', .. })
        ));
        let e = Alphabet::new("ab", 3).unwrap_err();
        assert_eq!(
            e,
            AlphabetError::BlankOutOfRange {
                blank_index: 3,
                chars: 2
            }
        );
        assert!(e.to_string().contains("blank_index 3"));
    }

    #[test]
    fn unknown_char_is_named() {
        let e = Alphabet::english().labels("Hi").unwrap_err();
        assert_eq!(e.ch, 'H');
    }
}
