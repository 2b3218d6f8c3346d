//! The repository's `samples/`: a few held-out utterances, one per speaker of a split, picked by
//! a seed, copied next to a manifest (`file<TAB>transcript`) that `zeroskip eval` reads.
//! Optionally only utterances that pass a check (the default model transcribing them exactly):
//! samples are a demonstration, the test set's WER is the measurement.

use super::manifest;
use super::plan::Utterance;
use super::voices::Split;
use super::CorpusError;
use std::collections::BTreeMap;
use std::path::Path;

/// Picks `per_speaker` utterances of every speaker in `split`, speakers in name order; within a
/// speaker the order is a hash of the seed and the utterance id, so a seed always picks the same.
pub fn pick(
    utterances: &[Utterance],
    split: Split,
    per_speaker: usize,
    seed: u64,
) -> Vec<&Utterance> {
    pick_checked(utterances, split, per_speaker, seed, usize::MAX, |_| {
        Ok::<_, ()>(true)
    })
    .expect("the check never fails")
    .into_iter()
    .flat_map(|p| p.picked)
    .collect()
}

/// What [`pick_checked`] found for one speaker.
#[derive(Debug)]
pub struct SpeakerPick<'a> {
    /// The speaker (voice name).
    pub voice: &'a str,
    /// The utterances that passed the check, at most `per_speaker`.
    pub picked: Vec<&'a Utterance>,
    /// How many were checked.
    pub tried: usize,
}

/// As [`pick`], keeping only utterances for which `check` says yes, trying at most `max_tries`
/// per speaker in the seeded order (a speaker may end with fewer than `per_speaker`).
pub fn pick_checked<'a, E>(
    utterances: &'a [Utterance],
    split: Split,
    per_speaker: usize,
    seed: u64,
    max_tries: usize,
    mut check: impl FnMut(&Utterance) -> Result<bool, E>,
) -> Result<Vec<SpeakerPick<'a>>, E> {
    let mut by_voice: BTreeMap<&str, Vec<&Utterance>> = BTreeMap::new();
    for u in utterances.iter().filter(|u| u.split == split) {
        by_voice.entry(u.voice.as_str()).or_default().push(u);
    }
    let rank = |u: &Utterance| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in seed.to_le_bytes().iter().chain(u.id.as_bytes()) {
            h ^= *b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        h
    };
    let mut out = Vec::new();
    for (voice, mut us) in by_voice {
        us.sort_by_key(|u| (rank(u), u.id.clone()));
        let mut pick = SpeakerPick {
            voice,
            picked: Vec::new(),
            tried: 0,
        };
        for u in us {
            if pick.picked.len() == per_speaker || pick.tried == max_tries {
                break;
            }
            pick.tried += 1;
            if check(u)? {
                pick.picked.push(u);
            }
        }
        out.push(pick);
    }
    Ok(out)
}

/// The file name a sample gets: its speaker, then its corpus id (`rms-test-000123.wav`).
pub fn file_name(u: &Utterance) -> String {
    format!("{}-{}.wav", u.voice, u.id)
}

/// Copies `picked` utterances of the corpus in `corpus` to `out` and writes `out/manifest.tsv`;
/// returns the manifest rows.
pub fn export(
    corpus: &Path,
    out: &Path,
    picked: &[&Utterance],
) -> Result<Vec<(String, String)>, CorpusError> {
    std::fs::create_dir_all(out).map_err(|source| CorpusError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let mut rows = Vec::new();
    for u in picked {
        let from = corpus.join(u.wav_path());
        let name = file_name(u);
        std::fs::copy(&from, out.join(&name)).map_err(|source| CorpusError::Io {
            path: from.clone(),
            source,
        })?;
        rows.push((name, u.text.clone()));
    }
    manifest::write(&out.join("manifest.tsv"), &rows)?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::plan::{plan, Counts};

    fn small_plan() -> Vec<Utterance> {
        let counts = Counts {
            train: 50,
            valid: 30,
            test: 60,
        };
        plan(counts, 7).unwrap()
    }

    #[test]
    fn one_per_speaker_of_the_split_and_the_same_for_a_seed() {
        let utts = small_plan();
        let a = pick(&utts, Split::Test, 1, 3);
        let voices: std::collections::BTreeSet<&str> = utts
            .iter()
            .filter(|u| u.split == Split::Test)
            .map(|u| u.voice.as_str())
            .collect();
        assert_eq!(a.len(), voices.len());
        assert!(a.iter().all(|u| u.split == Split::Test));
        let picked: std::collections::BTreeSet<&str> = a.iter().map(|u| u.voice.as_str()).collect();
        assert_eq!(picked, voices);
        assert_eq!(a, pick(&utts, Split::Test, 1, 3));
        let b = pick(&utts, Split::Test, 1, 4);
        assert_ne!(a, b, "another seed should pick other utterances");
        assert_eq!(pick(&utts, Split::Test, 2, 3).len(), 2 * voices.len());
    }

    #[test]
    fn a_check_skips_utterances_in_the_seeded_order_and_stops_after_max_tries() {
        let utts = small_plan();
        let all = pick(&utts, Split::Test, 3, 3);
        // reject the first utterance of every speaker: the pick is then the second of the order
        let firsts: Vec<&str> = pick(&utts, Split::Test, 1, 3)
            .iter()
            .map(|u| u.id.as_str())
            .collect();
        let checked = pick_checked(&utts, Split::Test, 1, 3, 5, |u| {
            Ok::<_, ()>(!firsts.contains(&u.id.as_str()))
        })
        .unwrap();
        for p in &checked {
            let order: Vec<&&Utterance> = all.iter().filter(|u| u.voice == p.voice).collect();
            assert_eq!(p.tried, 2, "{}", p.voice);
            assert_eq!(p.picked, vec![*order[1]]);
        }
        let none = pick_checked(&utts, Split::Test, 1, 3, 4, |_| Ok::<_, ()>(false)).unwrap();
        assert!(none.iter().all(|p| p.picked.is_empty() && p.tried == 4));
        let failing = pick_checked(&utts, Split::Test, 1, 3, 4, |_| Err::<bool, _>("broken"));
        assert_eq!(failing.unwrap_err(), "broken");
    }
}
