//! Greedy (best-path) CTC decoding: the arg-max label of every frame, repeats collapsed, then
//! blanks dropped.

use super::Decoded;
use ndarray::ArrayView2;

/// Best-path decoding of `log_probs` (frames × labels). Ties go to the lower label. The score is
/// the log-probability of that one path. No frames give an empty result with score 0.
pub fn greedy(log_probs: ArrayView2<f32>, blank: usize) -> Decoded {
    let mut labels = Vec::new();
    let mut log_prob = 0.0f64;
    let mut previous = None;
    for row in log_probs.rows() {
        let Some((best, &value)) =
            row.iter()
                .enumerate()
                .fold(None, |acc: Option<(usize, &f32)>, (i, v)| match acc {
                    Some((_, bv)) if *bv >= *v => acc,
                    _ => Some((i, v)),
                })
        else {
            continue;
        };
        log_prob += f64::from(value);
        if best != blank && previous != Some(best) {
            labels.push(best);
        }
        previous = Some(best);
    }
    Decoded { labels, log_prob }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn collapses_repeats_and_drops_blanks() {
        // labels 0 = a, 1 = b, 2 = blank; path a a - a b b - -> "aab"
        let p = array![
            [0.9f32, 0.05, 0.05],
            [0.9, 0.05, 0.05],
            [0.1, 0.1, 0.8],
            [0.9, 0.05, 0.05],
            [0.1, 0.8, 0.1],
            [0.1, 0.8, 0.1],
            [0.1, 0.1, 0.8],
        ]
        .mapv(f32::ln);
        let d = greedy(p.view(), 2);
        assert_eq!(d.labels, vec![0, 0, 1]);
        let expected: f64 = [0.9f32, 0.9, 0.8, 0.9, 0.8, 0.8, 0.8]
            .iter()
            .map(|&p| f64::from(p.ln()))
            .sum();
        assert!((d.log_prob - expected).abs() < 1e-9);
    }

    #[test]
    fn no_frames_is_empty() {
        let p = ndarray::Array2::<f32>::zeros((0, 3));
        assert_eq!(greedy(p.view(), 2).labels, Vec::<usize>::new());
    }
}
