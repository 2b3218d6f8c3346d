//! CTC prefix beam search without a language model (Hannun et al., 2014): keeps the `width`
//! most probable label prefixes, each with its probability of ending in a blank and in a
//! non-blank, summed over the alignments that reach it.

use super::{log_add, Decoded};
use ndarray::ArrayView2;
use std::collections::HashMap;

/// Probabilities (natural log) of one prefix: ending in a blank, ending in its last label.
#[derive(Clone, Copy)]
struct PrefixScore {
    blank: f64,
    non_blank: f64,
}

impl PrefixScore {
    const ZERO: PrefixScore = PrefixScore {
        blank: f64::NEG_INFINITY,
        non_blank: f64::NEG_INFINITY,
    };

    fn total(self) -> f64 {
        log_add(self.blank, self.non_blank)
    }
}

/// Prefix beam search over `log_probs` (frames × labels) keeping `width` prefixes (a width of
/// 0 counts as 1). Returns the most probable prefix; ties go to the shorter, then the
/// lexicographically smaller label sequence, so the result is deterministic. No frames give an
/// empty result with score 0.
pub fn beam_search(log_probs: ArrayView2<f32>, blank: usize, width: usize) -> Decoded {
    let width = width.max(1);
    let mut beam: Vec<(Vec<usize>, PrefixScore)> = vec![(
        Vec::new(),
        PrefixScore {
            blank: 0.0,
            non_blank: f64::NEG_INFINITY,
        },
    )];
    for row in log_probs.rows() {
        let mut next: Vec<(Vec<usize>, PrefixScore)> = Vec::with_capacity(beam.len() * row.len());
        let mut index: HashMap<Vec<usize>, usize> = HashMap::with_capacity(beam.len() * row.len());
        let mut slot = |prefix: &Vec<usize>, next: &mut Vec<(Vec<usize>, PrefixScore)>| -> usize {
            if let Some(&i) = index.get(prefix) {
                return i;
            }
            next.push((prefix.clone(), PrefixScore::ZERO));
            index.insert(prefix.clone(), next.len() - 1);
            next.len() - 1
        };
        for (prefix, score) in &beam {
            let total = score.total();
            for (label, &p) in row.iter().enumerate() {
                let p = f64::from(p);
                if p == f64::NEG_INFINITY || p.is_nan() {
                    continue;
                }
                if label == blank {
                    let i = slot(prefix, &mut next);
                    next[i].1.blank = log_add(next[i].1.blank, total + p);
                    continue;
                }
                let mut extended = prefix.clone();
                extended.push(label);
                let i = slot(&extended, &mut next);
                if prefix.last() == Some(&label) {
                    // A repeat only extends the prefix after a blank; without one it collapses.
                    next[i].1.non_blank = log_add(next[i].1.non_blank, score.blank + p);
                    let j = slot(prefix, &mut next);
                    next[j].1.non_blank = log_add(next[j].1.non_blank, score.non_blank + p);
                } else {
                    next[i].1.non_blank = log_add(next[i].1.non_blank, total + p);
                }
            }
        }
        next.sort_by(|a, b| rank(&a.0, a.1, &b.0, b.1));
        next.truncate(width);
        if next.is_empty() {
            // Every label of the frame was impossible (or NaN): nothing survives.
            return Decoded {
                labels: Vec::new(),
                log_prob: f64::NEG_INFINITY,
            };
        }
        beam = next;
    }
    let (labels, score) = beam.swap_remove(0);
    Decoded {
        labels,
        log_prob: score.total(),
    }
}

/// Orders prefixes best first: higher probability, then shorter, then smaller labels.
fn rank(a: &[usize], sa: PrefixScore, b: &[usize], sb: PrefixScore) -> std::cmp::Ordering {
    sb.total()
        .total_cmp(&sa.total())
        .then(a.len().cmp(&b.len()))
        .then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctc::{greedy, sequence_log_prob};
    use ndarray::array;

    /// Two frames where the blank wins each frame (greedy says "") but "a" is more probable
    /// summed over its alignments: P("") = 0.36, P("a") = 0.16 + 0.24 + 0.24 = 0.64.
    #[test]
    fn beats_greedy_when_alignments_add_up() {
        let p = array![[0.4f32, 0.6], [0.4, 0.6]].mapv(f32::ln);
        let g = greedy(p.view(), 1);
        let b = beam_search(p.view(), 1, 4);
        assert_eq!(g.labels, Vec::<usize>::new());
        assert_eq!(b.labels, vec![0]);
        assert!((b.log_prob - 0.64f64.ln()).abs() < 1e-6);
        let pg = sequence_log_prob(p.view(), &g.labels, 1);
        let pb = sequence_log_prob(p.view(), &b.labels, 1);
        assert!((pg - 0.36f64.ln()).abs() < 1e-6);
        assert!(pb > pg);
    }

    #[test]
    fn separates_repeats_by_blank() {
        // a - a: "aa"; a a a: "a".
        let aa = array![[0.9f32, 0.1], [0.1, 0.9], [0.9, 0.1]].mapv(f32::ln);
        assert_eq!(beam_search(aa.view(), 1, 8).labels, vec![0, 0]);
        let a = array![[0.9f32, 0.1], [0.9, 0.1], [0.9, 0.1]].mapv(f32::ln);
        assert_eq!(beam_search(a.view(), 1, 8).labels, vec![0]);
    }

    #[test]
    fn wide_beam_matches_exact_scores_on_small_inputs() {
        // With a beam wider than every prefix, the score is the exact CTC probability.
        let p = array![
            [0.5f32, 0.3, 0.2],
            [0.2, 0.3, 0.5],
            [0.4, 0.4, 0.2],
            [0.1, 0.6, 0.3]
        ]
        .mapv(f32::ln);
        let b = beam_search(p.view(), 2, 1000);
        let exact = sequence_log_prob(p.view(), &b.labels, 2);
        assert!(
            (b.log_prob - exact).abs() < 1e-9,
            "{} vs {}",
            b.log_prob,
            exact
        );
    }

    #[test]
    fn width_zero_counts_as_one_and_empty_input_is_empty() {
        let p = array![[0.9f32, 0.1]].mapv(f32::ln);
        assert_eq!(beam_search(p.view(), 1, 0).labels, vec![0]);
        let none = ndarray::Array2::<f32>::zeros((0, 2));
        let d = beam_search(none.view(), 1, 4);
        assert!(d.labels.is_empty());
        assert_eq!(d.log_prob, 0.0);
    }
}
