//! The voices of the corpus and how they are split. A *speaker* is an espeak-ng voice variant
//! (`m3`, `f2`, `klatt2`, `grandpa` …, spoken with any of espeak-ng's English accents) or a
//! flite voice (`slt`, `rms` …). Each speaker belongs to exactly one split, so the test set is
//! spoken only by speakers never heard in training, and so is the validation set (by others
//! again). The split is fixed here, not drawn from the seed, so every corpus agrees on it.

use serde::{Deserialize, Serialize};

/// Which synthesiser speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// espeak-ng (formant synthesis), output at 22.05 kHz and resampled.
    Espeak,
    /// flite (diphone and clustergen voices), output at 16 kHz.
    Flite,
}

/// A corpus split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// What the model learns from.
    Train,
    /// Model selection: unseen sentences, unseen speakers.
    Valid,
    /// The held-out figure: unseen sentences, unseen speakers.
    Test,
}

impl Split {
    /// All splits in manifest order.
    pub const ALL: [Split; 3] = [Split::Train, Split::Valid, Split::Test];

    /// The split's name, as used in file names (`train`, `valid`, `test`).
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Valid => "valid",
            Split::Test => "test",
        }
    }
}

/// One speaker: an engine and a voice name (an espeak-ng variant or a flite voice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Speaker {
    /// The synthesiser.
    pub engine: Engine,
    /// espeak-ng variant (`m3`) or flite voice (`slt`).
    pub name: &'static str,
}

/// The English accents of espeak-ng used with every espeak-ng speaker (any accent in any
/// split: the held-out unit is the speaker, not the accent).
pub const ESPEAK_ACCENTS: &[&str] = &[
    "en-us",
    "en",
    "en-gb-x-rp",
    "en-gb-scotland",
    "en-gb-x-gbclan",
    "en-gb-x-gbcwmd",
    "en-029",
    "en-us-nyc",
];

/// Speakers of the training set.
pub const TRAIN_SPEAKERS: &[Speaker] = &[
    es("m1"),
    es("m2"),
    es("m4"),
    es("m5"),
    es("m7"),
    es("m8"),
    es("f1"),
    es("f3"),
    es("f4"),
    es("klatt"),
    es("klatt4"),
    es("adam"),
    es("andy"),
    es("annie"),
    es("antonio"),
    es("aunty"),
    es("belinda"),
    es("benjamin"),
    es("boris"),
    es("david"),
    es("edward"),
    es("grandma"),
    es("iven"),
    es("john"),
    es("linda"),
    es("max"),
    es("michel"),
    es("paul"),
    es("pedro"),
    es("quincy"),
    es("rob"),
    es("robert"),
    es("travis"),
    // added in generator version 2: more espeak-ng variants (none derived from a held-out
    // speaker: `steph2`/`steph3` stay out because `steph` is a test speaker)
    es("Alex"),
    es("Alicia"),
    es("Andrea"),
    es("Denis"),
    es("Diogo"),
    es("ed"),
    es("edward2"),
    es("Gene"),
    es("Gene2"),
    es("gustave"),
    es("Henrique"),
    es("Hugo"),
    es("iven2"),
    es("iven3"),
    es("iven4"),
    es("Jacky"),
    es("Lee"),
    es("marcelo"),
    es("Marco"),
    es("Mario"),
    es("Michael"),
    es("miguel"),
    es("Mike"),
    es("Nguyen"),
    es("pablo"),
    es("anika"),
    es("klatt5"),
    es("klatt6"),
    es("sandro"),
    es("shelby"),
    fl("kal16"),
    fl("slt"),
    fl("awb"),
];

/// Speakers of the validation set (never in training or test).
pub const VALID_SPEAKERS: &[Speaker] = &[
    es("m6"),
    es("f5"),
    es("klatt2"),
    es("norbert"),
    es("victor"),
];

/// Speakers of the test set (never in training or validation).
pub const TEST_SPEAKERS: &[Speaker] = &[
    es("m3"),
    es("f2"),
    es("klatt3"),
    es("grandpa"),
    es("steph"),
    es("zac"),
    fl("rms"),
];

const fn es(name: &'static str) -> Speaker {
    Speaker {
        engine: Engine::Espeak,
        name,
    }
}

const fn fl(name: &'static str) -> Speaker {
    Speaker {
        engine: Engine::Flite,
        name,
    }
}

/// The speakers of a split.
pub fn speakers(split: Split) -> &'static [Speaker] {
    match split {
        Split::Train => TRAIN_SPEAKERS,
        Split::Valid => VALID_SPEAKERS,
        Split::Test => TEST_SPEAKERS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_training_speaker_is_derived_from_a_held_out_one() {
        // espeak-ng names a variant's derivatives by appending a digit (`steph2`, `iven3`)
        for held_out in VALID_SPEAKERS.iter().chain(TEST_SPEAKERS) {
            for t in TRAIN_SPEAKERS {
                let derived = t.name.len() > held_out.name.len()
                    && t.name.starts_with(held_out.name)
                    && t.name[held_out.name.len()..]
                        .chars()
                        .all(|c| c.is_ascii_digit());
                assert!(
                    !derived,
                    "{} trains but {} is held out",
                    t.name, held_out.name
                );
            }
        }
    }

    #[test]
    fn no_speaker_is_in_two_splits() {
        for (i, a) in Split::ALL.iter().enumerate() {
            for b in &Split::ALL[i + 1..] {
                for s in speakers(*a) {
                    assert!(!speakers(*b).contains(s), "{s:?} is in {a:?} and {b:?}");
                }
            }
        }
    }
}
