//! CTC prefix beam search (Hannun et al., 2014): keeps the `width` best label prefixes, each
//! with its probability of ending in a blank and in a non-blank, summed over the alignments
//! that reach it. Prefixes live in a tree that grows by at most `width` nodes a frame, so a
//! step costs O(width × labels) whatever the length. A [`PrefixScorer`] may add its own score
//! to each prefix (a language model, [`crate::lm::WordScorer`]) and forbid extensions;
//! [`beam_search`] is the search without one.

use super::{log_add, Decoded};
use ndarray::ArrayView2;
use std::collections::HashMap;

/// What a beam search adds to a prefix's acoustic log probability. The score of a prefix is
/// the sum of what [`PrefixScorer::extend`] gave for each of its labels, plus
/// [`PrefixScorer::finish`] when it ends the utterance. Its state must depend on the labels
/// alone.
pub trait PrefixScorer {
    /// What the scorer remembers of a prefix.
    type State: Clone;
    /// The empty prefix's state.
    fn start(&self) -> Self::State;
    /// The state after `label` (never the blank) and the log score it adds, or `None` if
    /// the prefix may not go on with that label.
    fn extend(&self, state: &Self::State, label: usize) -> Option<(Self::State, f64)>;
    /// The log score of ending the utterance in `state`, or `None` if it may not end there.
    fn finish(&self, state: &Self::State) -> Option<f64>;
}

/// No score of its own: the acoustic model alone.
pub struct NoScorer;

impl PrefixScorer for NoScorer {
    type State = ();
    fn start(&self) {}
    fn extend(&self, _: &(), _: usize) -> Option<((), f64)> {
        Some(((), 0.0))
    }
    fn finish(&self, _: &()) -> Option<f64> {
        Some(0.0)
    }
}

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

/// One prefix: its parent and last label (`usize::MAX` for the empty prefix), the scorer's
/// state and the sum of the scorer's scores along it.
struct Node<S> {
    parent: usize,
    label: usize,
    state: S,
    score: f64,
}

/// The prefixes alive so far, as a tree: node 0 is the empty prefix, every other node is its
/// parent's prefix plus one label. Only prefixes that survived a frame get a node.
struct Prefixes<S> {
    nodes: Vec<Node<S>>,
}

impl<S> Prefixes<S> {
    fn labels(&self, mut node: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while node != 0 {
            out.push(self.nodes[node].label);
            node = self.nodes[node].parent;
        }
        out.reverse();
        out
    }

    fn last(&self, node: usize) -> Option<usize> {
        (node != 0).then(|| self.nodes[node].label)
    }
}

/// A candidate for the next frame's beam: an existing prefix, or one extended by a label.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Candidate {
    Node(usize),
    Extend(usize, usize),
}

/// A candidate with its acoustic score so far and, for an extension, the scorer's state and
/// the prefix's scorer score.
struct Pending<S> {
    candidate: Candidate,
    score: PrefixScore,
    extension: Option<(S, f64)>,
}

/// Prefix beam search over `log_probs` (frames × labels) keeping `width` prefixes (a width of
/// 0 counts as 1). Returns the most probable prefix; among equal scores, the one first reached
/// (by beam rank, then label order), so the result is deterministic. No frames give an empty
/// result with score 0.
pub fn beam_search(log_probs: ArrayView2<f32>, blank: usize, width: usize) -> Decoded {
    beam_search_scored(log_probs, blank, width, &NoScorer)
}

/// [`beam_search`] ranking prefixes by acoustic log probability plus `scorer`'s score (and,
/// at the end, its [`PrefixScorer::finish`]). [`Decoded::log_prob`] stays the acoustic log
/// probability of the prefix chosen. If no prefix may end (every one is refused by `finish`),
/// the best one is taken without it.
pub fn beam_search_scored<P: PrefixScorer>(
    log_probs: ArrayView2<f32>,
    blank: usize,
    width: usize,
    scorer: &P,
) -> Decoded {
    let width = width.max(1);
    let mut tree = Prefixes {
        nodes: vec![Node {
            parent: 0,
            label: usize::MAX,
            state: scorer.start(),
            score: 0.0,
        }],
    };
    let mut beam: Vec<(usize, PrefixScore)> = vec![(
        0,
        PrefixScore {
            blank: 0.0,
            non_blank: f64::NEG_INFINITY,
        },
    )];
    for row in log_probs.rows() {
        // Beam nodes by (parent, label), so an extension that is already in the beam merges.
        let alive: HashMap<(usize, usize), usize> = beam
            .iter()
            .filter(|(n, _)| *n != 0)
            .map(|&(n, _)| ((tree.nodes[n].parent, tree.nodes[n].label), n))
            .collect();
        let mut next: Vec<Pending<P::State>> = Vec::with_capacity(beam.len() * row.len());
        let mut index: HashMap<Candidate, usize> = HashMap::with_capacity(beam.len() * row.len());
        // The slot of a candidate, made on first use; None if the scorer refuses it.
        let mut slot = |c: Candidate, next: &mut Vec<Pending<P::State>>| -> Option<usize> {
            let c = match c {
                Candidate::Extend(p, l) => alive.get(&(p, l)).map_or(c, |&n| Candidate::Node(n)),
                node => node,
            };
            if let Some(&i) = index.get(&c) {
                return Some(i);
            }
            let extension = match c {
                Candidate::Node(_) => None,
                Candidate::Extend(p, l) => {
                    let parent = &tree.nodes[p];
                    let (state, add) = scorer.extend(&parent.state, l)?;
                    Some((state, parent.score + add))
                }
            };
            next.push(Pending {
                candidate: c,
                score: PrefixScore::ZERO,
                extension,
            });
            index.insert(c, next.len() - 1);
            Some(next.len() - 1)
        };
        for &(node, score) in &beam {
            let total = score.total();
            for (label, &p) in row.iter().enumerate() {
                let p = f64::from(p);
                if p == f64::NEG_INFINITY || p.is_nan() {
                    continue;
                }
                if label == blank {
                    if let Some(i) = slot(Candidate::Node(node), &mut next) {
                        next[i].score.blank = log_add(next[i].score.blank, total + p);
                    }
                    continue;
                }
                if tree.last(node) == Some(label) {
                    // A repeat only extends the prefix after a blank; without one it collapses.
                    if let Some(i) = slot(Candidate::Extend(node, label), &mut next) {
                        next[i].score.non_blank = log_add(next[i].score.non_blank, score.blank + p);
                    }
                    if let Some(j) = slot(Candidate::Node(node), &mut next) {
                        next[j].score.non_blank =
                            log_add(next[j].score.non_blank, score.non_blank + p);
                    }
                } else if let Some(i) = slot(Candidate::Extend(node, label), &mut next) {
                    next[i].score.non_blank = log_add(next[i].score.non_blank, total + p);
                }
            }
        }
        if next.is_empty() {
            // Every label of the frame was impossible (or NaN): nothing survives.
            return Decoded {
                labels: Vec::new(),
                log_prob: f64::NEG_INFINITY,
            };
        }
        // Rank by score; ties keep the order candidates were made in (stable sort), which
        // depends only on the input, so the result is deterministic.
        let rank = |p: &Pending<P::State>| -> f64 {
            p.score.total()
                + match (p.candidate, &p.extension) {
                    (_, Some((_, extra))) => *extra,
                    (Candidate::Node(n), None) => tree.nodes[n].score,
                    (Candidate::Extend(..), None) => f64::NEG_INFINITY,
                }
        };
        let mut ranked: Vec<(f64, usize)> = next.iter().map(rank).zip(0..).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.truncate(width);
        let mut taken: Vec<Option<Pending<P::State>>> = next.into_iter().map(Some).collect();
        beam = ranked
            .into_iter()
            .filter_map(|(_, i)| taken[i].take())
            .map(|p| match (p.candidate, p.extension) {
                (Candidate::Extend(parent, label), Some((state, extra))) => {
                    tree.nodes.push(Node {
                        parent,
                        label,
                        state,
                        score: extra,
                    });
                    (tree.nodes.len() - 1, p.score)
                }
                // (An extension always carries its scorer state: `slot` makes it so.)
                (Candidate::Node(n), _) | (Candidate::Extend(n, _), None) => (n, p.score),
            })
            .collect();
    }
    let ended = |with_finish: bool| {
        beam.iter()
            .enumerate()
            .map(|(rank, &(n, s))| {
                let node = &tree.nodes[n];
                let end = if with_finish {
                    scorer.finish(&node.state).unwrap_or(f64::NEG_INFINITY)
                } else {
                    0.0
                };
                (s.total() + node.score + end, rank)
            })
            .filter(|(x, _)| *x > f64::NEG_INFINITY)
            .min_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)))
    };
    let best = ended(true)
        .or_else(|| ended(false))
        .map_or(0, |(_, rank)| rank);
    let (node, score) = beam[best];
    Decoded {
        labels: tree.labels(node),
        log_prob: score.total(),
    }
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

    /// Refuses label `.0`, adds `.1` for every other label, and refuses to end on the empty
    /// prefix when `.2`.
    struct Refuse(usize, f64, bool);

    impl PrefixScorer for Refuse {
        type State = usize;
        fn start(&self) -> usize {
            0
        }
        fn extend(&self, labels: &usize, label: usize) -> Option<(usize, f64)> {
            (label != self.0).then_some((labels + 1, self.1))
        }
        fn finish(&self, labels: &usize) -> Option<f64> {
            (!self.2 || *labels > 0).then_some(0.0)
        }
    }

    #[test]
    fn a_scorer_refuses_labels_tips_the_ranking_and_keeps_the_acoustic_score() {
        // One frame over {a, b, blank}: a 0.5, b 0.3, blank 0.2.
        let p = array![[0.5f32, 0.3, 0.2]].mapv(f32::ln);
        assert_eq!(beam_search(p.view(), 2, 4).labels, vec![0]);
        let no_a = beam_search_scored(p.view(), 2, 4, &Refuse(0, 0.0, false));
        assert_eq!(no_a.labels, vec![1]);
        assert!((no_a.log_prob - 0.3f64.ln()).abs() < 1e-6);
        // Blank wins a frame of its own; a bonus of 1 per label makes "a" win (ln 0.4 + 1 >
        // ln 0.6), and the score returned is still the acoustic ln 0.4.
        let q = array![[0.4f32, 0.0, 0.6]].mapv(f32::ln);
        assert_eq!(beam_search(q.view(), 2, 4).labels, Vec::<usize>::new());
        let tipped = beam_search_scored(q.view(), 2, 4, &Refuse(1, 1.0, false));
        assert_eq!(tipped.labels, vec![0]);
        assert!((tipped.log_prob - 0.4f64.ln()).abs() < 1e-6);
        // Refusing to end empty picks the best prefix that may end.
        let ended = beam_search_scored(q.view(), 2, 4, &Refuse(1, 0.0, true));
        assert_eq!(ended.labels, vec![0]);
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

    #[test]
    fn unbounded_beam_finds_the_most_probable_sequence() {
        // 4 frames over {a, b, blank}: every sequence of length <= 4, scored exactly.
        let p = array![
            [0.35f32, 0.25, 0.4],
            [0.3, 0.3, 0.4],
            [0.25, 0.35, 0.4],
            [0.3, 0.3, 0.4]
        ]
        .mapv(f32::ln);
        let mut best = (f64::NEG_INFINITY, Vec::new());
        for len in 0..=4u32 {
            for code in 0..2usize.pow(len) {
                let seq: Vec<usize> = (0..len).map(|k| (code >> k) & 1).collect();
                let lp = sequence_log_prob(p.view(), &seq, 2);
                if lp > best.0 {
                    best = (lp, seq);
                }
            }
        }
        let b = beam_search(p.view(), 2, 10_000);
        assert_eq!(b.labels, best.1);
        assert!((b.log_prob - best.0).abs() < 1e-9);
        assert!(sequence_log_prob(p.view(), &greedy(p.view(), 2).labels, 2) <= best.0);
    }

    #[test]
    fn long_uniform_input_stays_fast() {
        // Every candidate ties at every frame: a regression guard for tie-breaking cost.
        let p = ndarray::Array2::<f32>::from_elem((3000, 29), -(29f32.ln()));
        let start = std::time::Instant::now();
        let d = beam_search(p.view(), 28, 16);
        assert!(d.log_prob.is_finite());
        assert!(start.elapsed().as_secs_f64() < 20.0);
    }
}
