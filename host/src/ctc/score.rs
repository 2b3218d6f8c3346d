//! The CTC forward algorithm: the exact probability of a label sequence summed over all its
//! alignments to the frames.

use super::log_add;
use ndarray::ArrayView2;

/// Natural log of the probability of `labels` (no blanks) given `log_probs` (frames × labels),
/// summed over every CTC alignment. `-inf` when no alignment fits (too few frames, or a label
/// out of range); 0 for an empty sequence over no frames.
pub fn sequence_log_prob(log_probs: ArrayView2<f32>, labels: &[usize], blank: usize) -> f64 {
    let (frames, width) = log_probs.dim();
    if labels.iter().any(|&l| l >= width || l == blank) || blank >= width {
        return f64::NEG_INFINITY;
    }
    if frames == 0 {
        return if labels.is_empty() {
            0.0
        } else {
            f64::NEG_INFINITY
        };
    }
    // Extended sequence: blank, l1, blank, l2, ..., blank.
    let mut ext = Vec::with_capacity(2 * labels.len() + 1);
    ext.push(blank);
    for &l in labels {
        ext.push(l);
        ext.push(blank);
    }
    let lp = |t: usize, s: usize| f64::from(log_probs[[t, ext[s]]]);
    let mut alpha = vec![f64::NEG_INFINITY; ext.len()];
    alpha[0] = lp(0, 0);
    if ext.len() > 1 {
        alpha[1] = lp(0, 1);
    }
    for t in 1..frames {
        let mut next = vec![f64::NEG_INFINITY; ext.len()];
        for s in 0..ext.len() {
            let mut a = alpha[s];
            if s >= 1 {
                a = log_add(a, alpha[s - 1]);
            }
            if s >= 2 && ext[s] != blank && ext[s] != ext[s - 2] {
                a = log_add(a, alpha[s - 2]);
            }
            next[s] = a + lp(t, s);
        }
        alpha = next;
    }
    let last = ext.len() - 1;
    if last == 0 {
        alpha[0]
    } else {
        log_add(alpha[last], alpha[last - 1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn sums_alignments_by_hand() {
        // Labels a=0, blank=1. P("a") over 2 frames = aa + a- + -a.
        let p = array![[0.4f32, 0.6], [0.3, 0.7]].mapv(f32::ln);
        let want = 0.4 * 0.3 + 0.4 * 0.7 + 0.6 * 0.3;
        assert!((sequence_log_prob(p.view(), &[0], 1) - f64::ln(want)).abs() < 1e-6);
        assert!((sequence_log_prob(p.view(), &[], 1) - f64::ln(0.6 * 0.7)).abs() < 1e-6);
        // "aa" needs a blank between: a - a does not fit in 2 frames.
        assert_eq!(sequence_log_prob(p.view(), &[0, 0], 1), f64::NEG_INFINITY);
    }

    #[test]
    fn probabilities_of_all_sequences_sum_to_one() {
        // 3 frames over {a, b, blank}: every label sequence of length <= 3.
        let p = array![[0.2f32, 0.3, 0.5], [0.6, 0.1, 0.3], [0.25, 0.25, 0.5]].mapv(f32::ln);
        let mut seqs: Vec<Vec<usize>> = vec![vec![]];
        for len in 1..=3 {
            let mut n = 1;
            for _ in 0..len {
                n *= 2;
            }
            for code in 0..n {
                seqs.push((0..len).map(|k| (code >> k) & 1).collect());
            }
        }
        let total: f64 = seqs
            .iter()
            .map(|s| sequence_log_prob(p.view(), s, 2).exp())
            .sum();
        assert!((total - 1.0).abs() < 1e-6, "total {total}");
    }
}
