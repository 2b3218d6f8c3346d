//! The voices of the corpus and how they are split. A *speaker* is an espeak-ng voice variant
//! (`m3`, `f2`, `klatt2`, `grandpa` …, spoken with any of espeak-ng's English accents) or a
//! flite voice (`slt`, `rms` …), or a festival voice (`ked_diphone` …) of the optional festival
//! utterances (`--festival N`, training only), or one of the voices of the optional
//! `--more-voices N` utterances (RHVoice, MBROLA, SVOX Pico and one more festival voice,
//! training only). Each speaker belongs to exactly one split, so the
//! test set is spoken only by speakers never heard in training, and so is the validation set (by
//! others again). The split is fixed here, not drawn from the seed, so every corpus agrees on it.

use serde::{Deserialize, Serialize};

/// Which synthesiser speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// espeak-ng (formant synthesis), output at 22.05 kHz and resampled.
    Espeak,
    /// flite (diphone and clustergen voices), output at 16 kHz.
    Flite,
    /// festival's `text2wave` (diphone voices at 16 kHz, an HTS voice at 32 kHz), for the
    /// optional extra training utterances ([`FESTIVAL_SPEAKERS`], and two of
    /// [`MORE_SPEAKERS`]).
    Festival,
    /// RHVoice (`RHVoice-test`, statistical parametric voices; 24 kHz), for `--more-voices`.
    Rhvoice,
    /// espeak-ng driving an MBROLA diphone voice (`mb-us1` …; 16 kHz), for `--more-voices`.
    Mbrola,
    /// SVOX Pico (`pico2wave`; 16 kHz), for `--more-voices`.
    Pico,
}

impl Engine {
    /// The program that speaks for this engine (for messages).
    pub fn program(self) -> &'static str {
        match self {
            Engine::Espeak | Engine::Mbrola => "espeak-ng",
            Engine::Flite => "flite",
            Engine::Festival => "text2wave",
            Engine::Rhvoice => "RHVoice-test",
            Engine::Pico => "pico2wave",
        }
    }
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

/// One speaker: an engine and a voice name (an espeak-ng variant, a flite or a festival voice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Speaker {
    /// The synthesiser.
    pub engine: Engine,
    /// espeak-ng variant (`m3`), flite voice (`slt`) or festival voice (`ked_diphone`).
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

/// Speakers of the optional festival utterances (`zeroskip-train corpus --festival N`), which are
/// all training utterances: they are not in [`TRAIN_SPEAKERS`] because a corpus without them
/// (`--festival 0`) must stay exactly what generator version 3 made. `ked_diphone` is a speaker
/// no other engine has; `kal_diphone` and `cmu_us_slt_arctic_hts` are the speakers of flite's
/// `kal16` and `slt`, made by festival's own (LPC diphone and HTS) synthesis.
pub const FESTIVAL_SPEAKERS: &[Speaker] = &[
    fe("ked_diphone"),
    fe("kal_diphone"),
    fe("cmu_us_slt_arctic_hts"),
];

/// Speakers of the optional `--more-voices N` utterances (training only; added, like the
/// festival utterances, without changing what generator version 3 makes without them):
/// voices made from recordings of people, from Debian's `contrib` and `non-free` sections
/// (`scripts/install-deps.sh --more-voices` enables them), none of them a held-out speaker.
/// RHVoice's `bdl`, `clb` and `slt` are speakers of the CMU ARCTIC corpus like flite's test
/// voice `rms` (`slt` is also flite's and festival's training speaker); `alan` is Scottish,
/// `evgeniy-eng` and `lyubov` speak English with a Russian accent. The MBROLA voices are US
/// (`us1` female, `us2` and `us3` male) and British (`en1`) diphone voices, Pico's are a US and a
/// British female voice, and festival's `rab_diphone` is a British male voice. (Festival's
/// `don_diphone` is left out: a 10 kHz voice, too narrow for the low-pass effect's cut-offs.)
pub const MORE_SPEAKERS: &[Speaker] = &[
    rh("alan"),
    rh("bdl"),
    rh("clb"),
    rh("slt"),
    rh("evgeniy-eng"),
    rh("lyubov"),
    mb("us1"),
    mb("us2"),
    mb("us3"),
    mb("en1"),
    pico("en-US"),
    pico("en-GB"),
    fe("rab_diphone"),
];

/// The Debian package that installs a voice of [`MORE_SPEAKERS`] (the festival voices:
/// [`festival_voice`]).
pub fn more_voice_package(speaker: &Speaker) -> &'static str {
    match speaker.engine {
        Engine::Rhvoice => "rhvoice-english",
        Engine::Mbrola => match speaker.name {
            "us1" => "mbrola-us1",
            "us2" => "mbrola-us2",
            "us3" => "mbrola-us3",
            "en1" => "mbrola-en1",
            _ => "mbrola",
        },
        Engine::Pico => "libttspico-utils",
        _ => festival_voice(speaker.name).map_or("festival", |v| v.package),
    }
}

/// What the synthesis needs to know about a festival voice.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FestivalVoice {
    /// The Debian package that installs it.
    pub package: &'static str,
    /// Its own intonation targets (`int_lr_params` `target_f0_mean`, `target_f0_std`, Hz), for
    /// a voice whose pitch follows them (the diphone voices); `None` for the HTS voice, whose
    /// pitch comes from its own model (Debian's festival 2.5 ignores hts_engine's `-fm`).
    pub f0: Option<(f32, f32)>,
}

/// The package and pitch model of a festival voice of [`FESTIVAL_SPEAKERS`] or
/// [`MORE_SPEAKERS`]; `None` for others.
pub fn festival_voice(name: &str) -> Option<FestivalVoice> {
    match name {
        "ked_diphone" => Some(FestivalVoice {
            package: "festvox-kdlpc16k",
            f0: Some((105.0, 15.0)),
        }),
        "kal_diphone" => Some(FestivalVoice {
            package: "festvox-kallpc16k",
            f0: Some((105.0, 14.0)),
        }),
        "cmu_us_slt_arctic_hts" => Some(FestivalVoice {
            package: "festvox-us-slt-hts",
            f0: None,
        }),
        "rab_diphone" => Some(FestivalVoice {
            package: "festvox-rablpc16k",
            f0: Some((105.0, 14.0)),
        }),
        _ => None,
    }
}

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

const fn fe(name: &'static str) -> Speaker {
    Speaker {
        engine: Engine::Festival,
        name,
    }
}

const fn rh(name: &'static str) -> Speaker {
    Speaker {
        engine: Engine::Rhvoice,
        name,
    }
}

const fn mb(name: &'static str) -> Speaker {
    Speaker {
        engine: Engine::Mbrola,
        name,
    }
}

const fn pico(name: &'static str) -> Speaker {
    Speaker {
        engine: Engine::Pico,
        name,
    }
}

/// The speakers of a split (without the festival and `--more-voices` speakers, which only the
/// optional utterances of a training set use: [`FESTIVAL_SPEAKERS`], [`MORE_SPEAKERS`]).
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
            for t in TRAIN_SPEAKERS
                .iter()
                .chain(FESTIVAL_SPEAKERS)
                .chain(MORE_SPEAKERS)
            {
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

    #[test]
    fn optional_speakers_are_held_out_of_validation_and_test() {
        for s in FESTIVAL_SPEAKERS.iter().chain(MORE_SPEAKERS) {
            if s.engine == Engine::Festival {
                assert!(festival_voice(s.name).is_some(), "{s:?} has no package");
            }
            for split in [Split::Valid, Split::Test] {
                // the same voice name under any engine (flite's `rms` is a test speaker)
                assert!(
                    speakers(split).iter().all(|h| h.name != s.name),
                    "{s:?} is a {split:?} speaker"
                );
            }
            assert!(!TRAIN_SPEAKERS.contains(s));
        }
        for s in FESTIVAL_SPEAKERS {
            assert_eq!(s.engine, Engine::Festival);
        }
        // nor another build of a held-out speaker (`cmu_us_rms_cg` would be flite's `rms`)
        for s in FESTIVAL_SPEAKERS.iter().chain(MORE_SPEAKERS) {
            for h in VALID_SPEAKERS.iter().chain(TEST_SPEAKERS) {
                assert!(
                    s.name.split(['_', '-']).all(|part| part != h.name),
                    "{} is held-out speaker {}",
                    s.name,
                    h.name
                );
            }
        }
    }
}
