//! The repository's `samples/`: a few held-out utterances, one per speaker of a split, picked by
//! a seed, copied next to a manifest (`file<TAB>transcript`) that `zeroskip eval` reads.

use super::manifest;
use super::plan::Utterance;
use super::voices::Split;
use super::{read_utterances, CorpusError};
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
    by_voice
        .into_values()
        .flat_map(|mut us| {
            us.sort_by_key(|u| (rank(u), u.id.clone()));
            us.into_iter().take(per_speaker)
        })
        .collect()
}

/// The file name a sample gets: its speaker, then its corpus id (`rms-test-000123.wav`).
pub fn file_name(u: &Utterance) -> String {
    format!("{}-{}.wav", u.voice, u.id)
}

/// Copies the picked utterances of the corpus in `corpus` to `out` and writes
/// `out/manifest.tsv`; returns the manifest rows.
pub fn export(
    corpus: &Path,
    out: &Path,
    split: Split,
    per_speaker: usize,
    seed: u64,
) -> Result<Vec<(String, String)>, CorpusError> {
    let utterances = read_utterances(corpus)?;
    let picked = pick(&utterances, split, per_speaker, seed);
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

    #[test]
    fn one_per_speaker_of_the_split_and_the_same_for_a_seed() {
        let utts = plan(
            Counts {
                train: 50,
                valid: 30,
                test: 60,
            },
            7,
        )
        .unwrap();
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
}
