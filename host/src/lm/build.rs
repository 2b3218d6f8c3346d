//! Estimating an [`NgramLm`] from sentences: interpolated Kneser–Ney smoothing with one
//! absolute discount per order (Chen & Goodman, 1998), in the back-off form ARPA files hold.
//!
//! Counts: the highest order counts occurrences; a lower-order n-gram counts the distinct
//! words seen before it (its continuation count), except n-grams starting with `<s>`, which
//! nothing precedes and which keep their occurrence counts (as KenLM does). With `a(h w)` those
//! counts, the discount `D = n1 / (n1 + 2 n2)` of each order (`n1`, `n2`: n-grams counted once,
//! twice), and `γ(h) = D · |{w : a(h w) > 0}| / Σ_w a(h w)`:
//!
//! `P(w | h) = max(a(h w) − D, 0) / Σ_w' a(h w') + γ(h) · P(w | h without its oldest word)`,
//!
//! down to the 1-grams, which interpolate with the uniform distribution over the vocabulary
//! (`<s>` excluded, `<unk>` included). A stored n-gram holds that interpolated probability and,
//! as a context, `γ` as its back-off weight: for a word never seen after `h` the formula is
//! `γ(h)` times the shorter context's probability, exactly the back-off rule.

use super::ngram::{check_order, Entry, NgramLm, BOS, EOS, UNK};
use super::LmError;
use std::collections::{BTreeSet, HashMap};

/// What [`build`] saw and made.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildReport {
    /// Sentences read (empty ones skipped).
    pub sentences: usize,
    /// Words read (without `<s>` and `</s>`).
    pub tokens: usize,
    /// The discount of each order (index 0: 1-grams).
    pub discounts: Vec<f64>,
}

/// Estimates an order-`order` model from `sentences` (words separated by white space).
/// Deterministic: the vocabulary is `<s>`, `</s>`, `<unk>` and then the words in byte order.
pub fn build<'a>(
    sentences: impl IntoIterator<Item = &'a str>,
    order: usize,
) -> Result<(NgramLm, BuildReport), LmError> {
    check_order(order)?;
    let sentences: Vec<Vec<&str>> = sentences
        .into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    if sentences.is_empty() {
        return Err(LmError::NoText);
    }
    let vocabulary: BTreeSet<&str> = sentences
        .iter()
        .flatten()
        .copied()
        .filter(|w| ![BOS, EOS, UNK].contains(w))
        .collect();
    let mut words: Vec<String> = [BOS, EOS, UNK].iter().map(|w| w.to_string()).collect();
    words.extend(vocabulary.iter().map(|w| w.to_string()));
    let ids: HashMap<&str, u32> = words
        .iter()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i as u32))
        .collect();
    let (bos, eos) = (ids[BOS], ids[EOS]);

    // Occurrence counts of every order.
    let mut raw: Vec<HashMap<Box<[u32]>, u64>> = vec![HashMap::new(); order];
    let mut tokens = 0;
    for s in &sentences {
        tokens += s.len();
        let mut padded = vec![bos];
        padded.extend(s.iter().map(|w| ids[w]));
        padded.push(eos);
        for n in 1..=order {
            for gram in padded.windows(n) {
                *raw[n - 1].entry(gram.into()).or_insert(0) += 1;
            }
        }
    }
    // Kneser–Ney counts: continuation counts below the highest order.
    let mut counts: Vec<HashMap<Box<[u32]>, u64>> = vec![HashMap::new(); order];
    counts[order - 1] = raw[order - 1].clone();
    for n in 1..order {
        let mut c: HashMap<Box<[u32]>, u64> = raw[n - 1]
            .iter()
            .filter(|(g, _)| g[0] == bos)
            .map(|(g, &k)| (g.clone(), k))
            .collect();
        for longer in raw[n].keys() {
            if longer[1] != bos {
                *c.entry(longer[1..].into()).or_insert(0) += 1;
            }
        }
        counts[n - 1] = c;
    }
    // `<s>` is never predicted: it has no probability of its own.
    counts[0].remove(&[bos][..]);

    let discounts: Vec<f64> = counts
        .iter()
        .map(|c| {
            let n1 = c.values().filter(|&&k| k == 1).count() as f64;
            let n2 = c.values().filter(|&&k| k == 2).count() as f64;
            if n1 + 2.0 * n2 > 0.0 && n1 > 0.0 {
                n1 / (n1 + 2.0 * n2)
            } else {
                0.5
            }
        })
        .collect();

    let mut grams: Vec<HashMap<Box<[u32]>, Entry>> = Vec::with_capacity(order);
    // Probabilities (natural numbers, not logs) of the order below, for the interpolation.
    let mut lower: HashMap<Box<[u32]>, f64> = HashMap::new();
    let uniform = 1.0 / (words.len() - 1) as f64; // every word but <s>
    for n in 1..=order {
        let d = discounts[n - 1];
        // Per context: the sum of counts and the number of distinct words after it.
        let mut totals: HashMap<&[u32], (u64, u64)> = HashMap::new();
        for (g, &k) in &counts[n - 1] {
            let t = totals.entry(&g[..n - 1]).or_insert((0, 0));
            t.0 += k;
            t.1 += 1;
        }
        let gamma = |h: &[u32]| -> f64 {
            totals
                .get(h)
                .map_or(1.0, |&(sum, types)| d * types as f64 / sum as f64)
        };
        let mut probs: HashMap<Box<[u32]>, f64> = HashMap::with_capacity(counts[n - 1].len());
        let mut add = |g: Box<[u32]>, k: u64| {
            let h = &g[..n - 1];
            let sum = totals.get(h).map_or(0, |t| t.0) as f64;
            let below = if n == 1 {
                uniform
            } else {
                lower.get(&g[1..]).copied().unwrap_or(0.0)
            };
            let own = if sum > 0.0 {
                (k as f64 - d).max(0.0) / sum
            } else {
                0.0
            };
            probs.insert(g.clone(), own + gamma(h) * below);
        };
        for (g, &k) in &counts[n - 1] {
            add(g.clone(), k);
        }
        if n == 1 {
            // Every word of the vocabulary gets a 1-gram, <unk> included (the uniform share).
            let unseen: Vec<u32> = (0..words.len() as u32)
                .filter(|&id| id != bos && !counts[0].contains_key(&[id][..]))
                .collect();
            for id in unseen {
                add(Box::new([id]), 0);
            }
        }
        let mut entries: HashMap<Box<[u32]>, Entry> = probs
            .iter()
            .map(|(g, &p)| {
                (
                    g.clone(),
                    Entry {
                        log10_prob: p.log10() as f32,
                        log10_backoff: 0.0,
                    },
                )
            })
            .collect();
        if n == 1 {
            entries.insert(
                Box::new([bos]),
                Entry {
                    log10_prob: -99.0,
                    log10_backoff: 0.0,
                },
            );
        }
        // The back-off weights of this order's contexts belong to the order below.
        if n > 1 {
            let below = grams.last_mut().expect("order n - 1 was stored");
            for (h, &(sum, types)) in &totals {
                if let Some(e) = below.get_mut(*h) {
                    e.log10_backoff = (d * types as f64 / sum as f64).log10() as f32;
                }
            }
        }
        grams.push(entries);
        lower = probs;
    }
    let lm = NgramLm::from_parts(words, grams).map_err(|problem| LmError::Parse {
        path: "<built>".into(),
        line: 0,
        problem,
    })?;
    Ok((
        lm,
        BuildReport {
            sentences: sentences.len(),
            tokens,
            discounts,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: [&str; 6] = [
        "turn on the light",
        "turn off the light",
        "turn on the radio",
        "set a timer",
        "set an alarm",
        "turn the light on",
    ];

    fn lm(order: usize) -> NgramLm {
        build(TEXT, order).unwrap().0
    }

    /// Σ_w P(w | h) over the whole vocabulary (without <s>) for a context.
    fn mass(lm: &NgramLm, context: &[&str]) -> f64 {
        let ctx: Vec<u32> = context.iter().map(|w| lm.id_or_unk(w)).collect();
        (0..lm.words().len() as u32)
            .filter(|&w| w != lm.bos())
            .map(|w| 10f64.powf(lm.log10_prob(&ctx, w)))
            .sum()
    }

    #[test]
    fn every_context_sums_to_one() {
        for order in 1..=4 {
            let lm = lm(order);
            for ctx in [
                &["<s>"][..],
                &["turn"],
                &["<s>", "turn"],
                &["turn", "on"],
                &["on", "the"],
                &["the", "radio"],
                &["<s>", "set", "a"],
                &["never", "seen"],
                &[],
            ] {
                let m = mass(&lm, ctx);
                assert!((m - 1.0).abs() < 1e-5, "order {order} context {ctx:?}: {m}");
            }
        }
    }

    #[test]
    fn seen_sequences_beat_unseen_ones_and_unknown_words_are_rare() {
        let lm = lm(3);
        let seen = lm.sentence_log10_prob("turn on the light".split(' '));
        let reordered = lm.sentence_log10_prob("light the on turn".split(' '));
        let unknown = lm.sentence_log10_prob("turn on the kettle".split(' '));
        assert!(seen > reordered + 2.0, "{seen} vs {reordered}");
        assert!(seen > unknown + 1.0, "{seen} vs {unknown}");
        // A new combination of seen parts is likelier than the same words scrambled.
        let new = lm.sentence_log10_prob("turn off the radio".split(' '));
        let scrambled = lm.sentence_log10_prob("radio off turn the".split(' '));
        assert!(new > scrambled, "{new} vs {scrambled}");
    }

    #[test]
    fn lower_orders_hold_continuation_counts() {
        // "light" follows "the" three times but only "the" ever precedes it: its unigram
        // probability comes from one continuation, as rare as "radio"'s.
        let lm = lm(2);
        let p = |w: &str| lm.log10_prob(&[], lm.id(w).unwrap());
        assert!((p("light") - p("radio")).abs() < 1e-6);
        assert!(p("the") > p("light"));
        // <s> is never predicted.
        assert!(lm.log10_prob(&[], lm.bos()) < -90.0);
    }

    #[test]
    fn bad_requests_are_refused() {
        assert!(matches!(build(TEXT, 0), Err(LmError::Order { .. })));
        assert!(matches!(build(TEXT, 7), Err(LmError::Order { .. })));
        assert!(matches!(build(["", "  "], 3), Err(LmError::NoText)));
    }
}
