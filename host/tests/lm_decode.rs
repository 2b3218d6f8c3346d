//! Beam search with a word language model against the plain decoders, on made-up acoustic
//! probabilities where the right answer is known: the language model mends a spelling that
//! the acoustic model gets slightly wrong, keeps what it gets right, and with zero weights
//! only restricts the beam to the vocabulary.

use ndarray::Array2;
use std::sync::Arc;
use zeroskip::ctc::{beam_search, greedy, sequence_log_prob, Alphabet, Decoder};
use zeroskip::lm::{build, LmWeights, WordScorer};

const TEXT: [&str; 5] = [
    "turn on the light",
    "turn off the light",
    "turn on the radio",
    "switch the light on",
    "set a timer",
];

/// Frames spelling `text`: each character on one frame (probability `p`, the rest spread over
/// the other labels), then a blank frame; `swaps` gives, for a character position, a second
/// character that gets probability `q` on that frame.
fn frames(a: &Alphabet, text: &str, p: f32, swaps: &[(usize, char, f32)]) -> Array2<f32> {
    let labels = a.labels(text).unwrap();
    let n = a.len();
    let mut out = Array2::<f32>::zeros((2 * labels.len() + 1, n));
    let spread = |row: &mut ndarray::ArrayViewMut1<f32>, rest: f32| {
        let used: f32 = row.sum();
        let free = row.iter().filter(|&&x| x == 0.0).count() as f32;
        for x in row.iter_mut() {
            if *x == 0.0 {
                *x = (1.0 - used).max(0.0) * rest / free;
            }
        }
    };
    out.row_mut(0)[a.blank()] = 0.9;
    spread(&mut out.row_mut(0), 1.0);
    for (i, &l) in labels.iter().enumerate() {
        let mut row = out.row_mut(2 * i + 1);
        row[l] = p;
        for &(pos, ch, q) in swaps {
            if pos == i {
                row[l] = p - q;
                row[a.label_of(ch).unwrap()] = q;
            }
        }
        spread(&mut row, 1.0);
        let mut blank = out.row_mut(2 * i + 2);
        blank[a.blank()] = 0.9;
        spread(&mut blank, 1.0);
    }
    out.mapv(f32::ln)
}

/// The text `s` decodes `lp` to with a beam of `width`.
fn decode_lm(s: &Arc<WordScorer>, a: &Alphabet, lp: &Array2<f32>, width: usize) -> String {
    let d = Decoder::BeamLm {
        width,
        scorer: Arc::clone(s),
    };
    a.text(&d.decode(lp.view(), a.blank()).labels)
}

fn scorer(alpha: f64, beta: f64) -> (Arc<WordScorer>, Alphabet) {
    let a = Alphabet::english();
    let (lm, _) = build(TEXT, 3).unwrap();
    (
        Arc::new(WordScorer::new(Arc::new(lm), &a, LmWeights { alpha, beta }).unwrap()),
        a,
    )
}

#[test]
fn the_language_model_mends_a_slightly_wrong_letter() {
    let (s, a) = scorer(1.0, 1.0);
    // "turn on the light" with the "n" of "on" (position 6) heard a little more as "f".
    let lp = frames(&a, "turn on the light", 0.9, &[(6, 'f', 0.46)]);
    let plain = a.text(&greedy(lp.view(), a.blank()).labels);
    assert_eq!(plain, "turn of the light");
    assert_eq!(
        a.text(&beam_search(lp.view(), a.blank(), 16).labels),
        "turn of the light"
    );
    assert_eq!(decode_lm(&s, &a, &lp, 16), "turn on the light");
}

#[test]
fn what_the_acoustic_model_hears_clearly_is_kept() {
    let (s, a) = scorer(1.0, 1.0);
    // A new sentence of known words, heard clearly: the language model must not rewrite it
    // into a sentence it has seen ("turn on the light").
    let lp = frames(&a, "turn on the timer", 0.95, &[]);
    assert_eq!(decode_lm(&s, &a, &lp, 32), "turn on the timer");
}

#[test]
fn zero_weights_only_restrict_the_beam_to_the_vocabulary() {
    let (s, a) = scorer(0.0, 0.0);
    for text in ["set a timer", "switch the radio on"] {
        let lp = frames(&a, text, 0.8, &[]);
        let lm = Decoder::BeamLm {
            width: 16,
            scorer: Arc::clone(&s),
        }
        .decode(lp.view(), a.blank());
        let plain = beam_search(lp.view(), a.blank(), 16);
        assert_eq!(lm.labels, plain.labels, "{text}");
        // The score is the acoustic probability summed over the alignments the beam kept: at
        // most the exact one.
        let exact = sequence_log_prob(lp.view(), &lm.labels, a.blank());
        assert!(
            lm.log_prob <= exact + 1e-9 && lm.log_prob > exact - 1.0,
            "{} vs {exact}",
            lm.log_prob
        );
    }
}

#[test]
fn a_trailing_space_is_not_written() {
    let (s, a) = scorer(1.0, 1.0);
    let lp = frames(&a, "set a timer ", 0.9, &[]);
    assert_eq!(a.text(&greedy(lp.view(), a.blank()).labels), "set a timer ");
    assert_eq!(decode_lm(&s, &a, &lp, 16), "set a timer");
}

#[test]
fn a_word_outside_the_vocabulary_cannot_be_written() {
    let (s, a) = scorer(0.5, 1.0);
    let lp = frames(&a, "turn on the lamp", 0.95, &[]);
    let text = decode_lm(&s, &a, &lp, 32);
    assert!(!text.contains("lamp"), "{text}");
    assert!(text.starts_with("turn on the"), "{text}");
}
