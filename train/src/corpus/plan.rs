//! The corpus plan: which sentence each utterance says, in which split, by which speaker, at
//! what speed, pitch, level and noise. Everything is drawn from the seed before any audio is
//! made, so the same seed and counts give the same corpus, byte for byte.
//!
//! Sentences are assigned to a split by a hash of their text (and the seed), so one sentence
//! can only ever be in one split: the validation and test sets hold no sentence of training.
//! Speakers come from the split's own list ([`voices`](super::voices)).
//!
//! The optional festival utterances (`--festival N`, [`plan_with_festival`]) come after that
//! plan, unchanged, from random streams of their own: a plan with N festival utterances begins
//! with the plan without them, and its first M < N festival utterances are those of a plan
//! with M, so a corpus folder can be extended. The optional `--more-voices` utterances
//! ([`plan_with_extras`]) follow the festival utterances in the same way.

use super::sentences::sentence;
use super::voices::{
    festival_voice, speakers, Engine, Speaker, Split, ESPEAK_ACCENTS, FESTIVAL_SPEAKERS,
    MORE_SPEAKERS,
};
use super::CorpusError;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How many utterances each split gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Training utterances.
    pub train: usize,
    /// Validation utterances.
    pub valid: usize,
    /// Test utterances.
    pub test: usize,
}

impl Counts {
    /// The count of one split.
    pub fn of(&self, split: Split) -> usize {
        match split {
            Split::Train => self.train,
            Split::Valid => self.valid,
            Split::Test => self.test,
        }
    }

    /// All utterances.
    pub fn total(&self) -> usize {
        self.train + self.valid + self.test
    }
}

/// One planned utterance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Utterance {
    /// `train-000042`: also the WAV's file stem.
    pub id: String,
    /// Its split.
    pub split: Split,
    /// The transcript, which is also what the synthesiser is asked to say.
    pub text: String,
    /// The synthesiser.
    pub engine: Engine,
    /// espeak-ng variant, flite or festival voice: the speaker.
    pub voice: String,
    /// espeak-ng accent (`en-us`, `en-gb-scotland` …); empty for flite and festival.
    pub accent: String,
    /// espeak-ng words per minute (also for the MBROLA voices), or flite's, festival's,
    /// RHVoice's and Pico's duration stretch (above 1 is slower).
    pub rate: f32,
    /// espeak-ng pitch (0–99, also for the MBROLA voices), flite's and festival's mean F0
    /// target in Hz (0 for festival's HTS voice, which keeps its own), or RHVoice's and Pico's
    /// pitch in percent of the voice's own.
    pub pitch: f32,
    /// Peak level of the speech in dBFS.
    pub level_db: f32,
    /// Signal-to-noise ratio of the added noise in dB; `None` for clean audio.
    pub snr_db: Option<f32>,
    /// Silence before the speech, in ms.
    pub lead_ms: u32,
    /// Silence after the speech, in ms.
    pub trail_ms: u32,
    /// Seed of this utterance's noise.
    pub seed: u64,
    /// espeak-ng's pause between words (`-g`, units of 10 ms at the default speed; also for the
    /// MBROLA voices); 0 for none and for the other engines (generator version 2).
    #[serde(default)]
    pub word_gap: u32,
    /// sox effects on the synthesised speech (training utterances only; generator version 2).
    #[serde(default)]
    pub effects: Effects,
}

/// sox effects applied to a training utterance before resampling: they make many more
/// apparent speakers and rooms out of the few synthetic voices. All deterministic (sox runs
/// with `-R`, no dither); validation and test utterances get none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effects {
    /// `pitch`: shift in cents (formants move with it, like a different vocal tract).
    #[serde(default)]
    pub pitch_cents: Option<f32>,
    /// `tempo -s`: speed factor that keeps the pitch.
    #[serde(default)]
    pub tempo: Option<f32>,
    /// `reverb`: reverberance and room scale, both in percent.
    #[serde(default)]
    pub reverb: Option<(f32, f32)>,
    /// `highpass`: cut-off in Hz.
    #[serde(default)]
    pub highpass_hz: Option<f32>,
    /// `lowpass`: cut-off in Hz.
    #[serde(default)]
    pub lowpass_hz: Option<f32>,
}

impl Effects {
    /// The sox effect arguments, in chain order (empty for none).
    pub fn sox_args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(c) = self.pitch_cents {
            a.extend(["pitch".to_string(), format!("{c:.0}")]);
        }
        if let Some(t) = self.tempo {
            a.extend(["tempo".to_string(), "-s".to_string(), format!("{t:.3}")]);
        }
        if let Some(hz) = self.highpass_hz {
            a.extend(["highpass".to_string(), format!("{hz:.0}")]);
        }
        if let Some(hz) = self.lowpass_hz {
            a.extend(["lowpass".to_string(), format!("{hz:.0}")]);
        }
        if let Some((reverberance, room)) = self.reverb {
            // reverberance, HF damping, room scale; a small, damped room
            a.extend([
                "reverb".to_string(),
                format!("{reverberance:.0}"),
                "50".to_string(),
                format!("{room:.0}"),
            ]);
        }
        a
    }

    /// Draws a training utterance's effects, each one independently: pitch shift (45 %:
    /// ±250 cents, or +250…+650 cents for a child-like voice in 3 of 10), tempo 0.85–1.15 (30 %), small reverb (15 %), high-pass 80–300 Hz (10 %),
    /// low-pass 3.5–7 kHz (15 %); about two utterances in three get at least one.
    pub fn draw<R: Rng>(rng: &mut R) -> Effects {
        let pitch_cents = rng.gen_bool(0.45).then(|| {
            if rng.gen_bool(0.3) {
                // child-like: formants and pitch up by 1.16–1.46 (a test speaker, zac, has
                // formants at 1.45 and a 240–390 Hz pitch; no training voice comes close)
                rng.gen_range(250.0f32..650.0)
            } else {
                rng.gen_range(-250.0f32..250.0)
            }
        });
        let tempo = rng.gen_bool(0.3).then(|| rng.gen_range(0.85f32..1.15));
        let reverb = rng
            .gen_bool(0.15)
            .then(|| (rng.gen_range(5.0f32..35.0), rng.gen_range(5.0f32..40.0)));
        let highpass_hz = rng.gen_bool(0.1).then(|| rng.gen_range(80.0f32..300.0));
        let lowpass_hz = rng.gen_bool(0.15).then(|| rng.gen_range(3500.0f32..7000.0));
        Effects {
            pitch_cents,
            tempo,
            reverb,
            highpass_hz,
            lowpass_hz,
        }
    }
}

/// Share of training utterances spoken by flite (its few voices are the hardest to learn and
/// a test speaker is a flite voice); validation and test draw speakers uniformly.
pub const TRAIN_FLITE_SHARE: f64 = 0.3;

impl Utterance {
    /// Path of its WAV relative to the corpus folder.
    pub fn wav_path(&self) -> String {
        format!("wav/{}/{}.wav", self.split.name(), self.id)
    }
}

/// Which split a sentence belongs to: 80 % of sentence space is training, 10 % validation,
/// 10 % test, by a 64-bit FNV-1a hash of the seed and the text.
pub fn split_of(text: &str, seed: u64) -> Split {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.to_le_bytes().iter().chain(text.as_bytes()) {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    match h % 10 {
        0 => Split::Valid,
        1 => Split::Test,
        _ => Split::Train,
    }
}

/// Draws the whole plan: training utterances first, then validation, then test, each with
/// distinct sentences.
pub fn plan(counts: Counts, seed: u64) -> Result<Vec<Utterance>, CorpusError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut chosen: [Vec<String>; 3] = Default::default();
    let mut seen: HashSet<String> = HashSet::new();
    let max_draws = 200 * counts.total() + 10_000;
    let mut draws = 0;
    while Split::ALL
        .iter()
        .enumerate()
        .any(|(i, s)| chosen[i].len() < counts.of(*s))
    {
        draws += 1;
        if draws > max_draws {
            let short = Split::ALL
                .iter()
                .enumerate()
                .find(|(i, s)| chosen[*i].len() < counts.of(**s))
                .map(|(i, s)| (*s, chosen[i].len()))
                .expect("some split is short");
            return Err(CorpusError::GrammarExhausted {
                split: short.0.name(),
                wanted: counts.of(short.0),
                got: short.1,
                draws: max_draws,
            });
        }
        let text = sentence(&mut rng);
        let split = split_of(&text, seed);
        let i = split as usize;
        if chosen[i].len() < counts.of(split) && seen.insert(text.clone()) {
            chosen[i].push(text);
        }
    }
    let mut voice_rng = ChaCha8Rng::seed_from_u64(seed ^ 0x766f_6963_6573_0001);
    let mut out = Vec::with_capacity(counts.total());
    for split in Split::ALL {
        for (k, text) in std::mem::take(&mut chosen[split as usize])
            .into_iter()
            .enumerate()
        {
            out.push(render_params(split, k, text, &mut voice_rng));
        }
    }
    Ok(out)
}

/// Seed (xor the corpus seed) of [`training_text`]'s sentences.
const TEXT_SENTENCE_SALT: u64 = 0x7465_7874_0000_0001;

/// `n` sentences of the grammar on the training side of the split rule ([`split_of`] with the
/// corpus seed), as often as the grammar says them (repeats kept): text for the word language
/// model, as a large text corpus of the domain would be, never holding a validation or test
/// sentence of the corpus made with the same seed. Drawn from a random stream of its own, so a
/// text of `m < n` sentences is a prefix of one of `n`.
pub fn training_text(seed: u64, n: usize) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ TEXT_SENTENCE_SALT);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let text = sentence(&mut rng);
        if split_of(&text, seed) == Split::Train {
            out.push(text);
        }
    }
    out
}

/// Seeds (xor the corpus seed) of the festival utterances' sentences and voices.
const FESTIVAL_SENTENCE_SALT: u64 = 0x6665_7374_0000_0001;
const FESTIVAL_VOICE_SALT: u64 = 0x6665_7374_0000_0002;
/// Seeds (xor the corpus seed) of the `--more-voices` utterances' sentences and voices.
const MORE_SENTENCE_SALT: u64 = 0x6d6f_7265_0000_0001;
const MORE_VOICE_SALT: u64 = 0x6d6f_7265_0000_0002;

/// Optional training utterances appended after the plan of [`plan`], in this order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// Spoken by festival voices ([`FESTIVAL_SPEAKERS`]).
    pub festival: usize,
    /// Spoken by the voices of [`MORE_SPEAKERS`] (RHVoice, MBROLA, Pico, festival).
    pub more_voices: usize,
}

/// The plan of [`plan`] followed by `festival` more training utterances spoken by festival
/// voices ([`plan_with_extras`] without `--more-voices` utterances).
pub fn plan_with_festival(
    counts: Counts,
    seed: u64,
    festival: usize,
) -> Result<Vec<Utterance>, CorpusError> {
    plan_with_extras(
        counts,
        seed,
        Extras {
            festival,
            more_voices: 0,
        },
    )
}

/// The plan of [`plan`] followed by `extras.festival` training utterances spoken by festival
/// voices ([`FESTIVAL_SPEAKERS`], uniformly) and then `extras.more_voices` spoken by the voices
/// of [`MORE_SPEAKERS`] (uniformly), ids continuing the training ids (`train-024000` … after
/// 24,000). Their sentences follow the grammar and the split rule of every training sentence
/// and are distinct from every sentence before them and from each other; speed, pitch, level,
/// noise, silence and sox effects are drawn as for a flite training utterance (espeak-ng's
/// ranges for the MBROLA voices). Each group draws from random streams of its own, so no
/// extras give exactly [`plan`], and a plan with fewer utterances of the last group is a
/// prefix of one with more.
pub fn plan_with_extras(
    counts: Counts,
    seed: u64,
    extras: Extras,
) -> Result<Vec<Utterance>, CorpusError> {
    let mut out = plan(counts, seed)?;
    if extras.festival == 0 && extras.more_voices == 0 {
        return Ok(out);
    }
    let mut seen: HashSet<String> = out.iter().map(|u| u.text.clone()).collect();
    let groups = [
        (
            "festival training",
            extras.festival,
            FESTIVAL_SENTENCE_SALT,
            FESTIVAL_VOICE_SALT,
            FESTIVAL_SPEAKERS,
        ),
        (
            "more-voices training",
            extras.more_voices,
            MORE_SENTENCE_SALT,
            MORE_VOICE_SALT,
            MORE_SPEAKERS,
        ),
    ];
    for (label, n, sentence_salt, voice_salt, voices) in groups {
        let mut sentence_rng = ChaCha8Rng::seed_from_u64(seed ^ sentence_salt);
        let mut voice_rng = ChaCha8Rng::seed_from_u64(seed ^ voice_salt);
        let max_draws = 200 * n + 10_000;
        let mut draws = 0;
        out.reserve(n);
        for i in 0..n {
            let text = loop {
                draws += 1;
                if draws > max_draws {
                    return Err(CorpusError::GrammarExhausted {
                        split: label,
                        wanted: n,
                        got: i,
                        draws: max_draws,
                    });
                }
                let text = sentence(&mut sentence_rng);
                if split_of(&text, seed) == Split::Train && seen.insert(text.clone()) {
                    break text;
                }
            };
            let speaker = voices[voice_rng.gen_range(0..voices.len())];
            let k = out.len() - counts.valid - counts.test;
            out.push(speak_params(speaker, Split::Train, k, text, &mut voice_rng));
        }
    }
    Ok(out)
}

fn render_params(split: Split, k: usize, text: String, rng: &mut ChaCha8Rng) -> Utterance {
    let all = speakers(split);
    let pool: Vec<_> = if split == Split::Train {
        let engine = if rng.gen_bool(TRAIN_FLITE_SHARE) {
            Engine::Flite
        } else {
            Engine::Espeak
        };
        all.iter().copied().filter(|s| s.engine == engine).collect()
    } else {
        all.to_vec()
    };
    let speaker = pool[rng.gen_range(0..pool.len())];
    speak_params(speaker, split, k, text, rng)
}

/// Everything of an utterance after its speaker, drawn in generator version 3's order.
fn speak_params(
    speaker: Speaker,
    split: Split,
    k: usize,
    text: String,
    rng: &mut ChaCha8Rng,
) -> Utterance {
    let (accent, rate, pitch) = match speaker.engine {
        Engine::Espeak => (
            ESPEAK_ACCENTS[rng.gen_range(0..ESPEAK_ACCENTS.len())].to_string(),
            rng.gen_range(130.0f32..210.0),
            rng.gen_range(20.0f32..80.0),
        ),
        Engine::Flite => {
            let base = match speaker.name {
                "slt" => 170.0,
                "kal16" => 105.0,
                _ => 110.0,
            };
            (
                String::new(),
                rng.gen_range(0.8f32..1.25),
                base * rng.gen_range(0.85f32..1.15),
            )
        }
        Engine::Mbrola => (
            String::new(),
            rng.gen_range(130.0f32..210.0),
            rng.gen_range(20.0f32..80.0),
        ),
        Engine::Rhvoice | Engine::Pico => (
            String::new(),
            rng.gen_range(0.8f32..1.25),
            100.0 * rng.gen_range(0.85f32..1.15),
        ),
        Engine::Festival => {
            let stretch = rng.gen_range(0.8f32..1.25);
            // the diphone voices follow an F0 target; the HTS voice keeps its own (0)
            let pitch = match festival_voice(speaker.name).and_then(|v| v.f0) {
                Some((mean, _)) => mean * rng.gen_range(0.8f32..1.25),
                None => 0.0,
            };
            (String::new(), stretch, pitch)
        }
    };
    let level_db = rng.gen_range(-20.0f32..-1.0);
    let snr_db = if rng.gen_bool(0.7) {
        Some(rng.gen_range(15.0f32..40.0))
    } else {
        None
    };
    Utterance {
        id: format!("{}-{:06}", split.name(), k),
        split,
        text,
        engine: speaker.engine,
        voice: speaker.name.to_string(),
        accent,
        rate,
        pitch,
        level_db,
        snr_db,
        lead_ms: rng.gen_range(30..300),
        trail_ms: rng.gen_range(30..300),
        seed: rng.gen(),
        word_gap: if matches!(speaker.engine, Engine::Espeak | Engine::Mbrola) && rng.gen_bool(0.3)
        {
            rng.gen_range(1..6)
        } else {
            0
        },
        effects: if split == Split::Train {
            Effects::draw(rng)
        } else {
            Effects::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> Counts {
        Counts {
            train: 2000,
            valid: 200,
            test: 200,
        }
    }

    #[test]
    fn no_sentence_or_speaker_of_training_is_in_validation_or_test() {
        // festival utterances included: their voices must never be held-out speakers
        let p = plan_with_festival(counts(), 11, 300).unwrap();
        assert!(p.iter().any(|u| u.engine == Engine::Festival));
        let train_text: HashSet<_> = p
            .iter()
            .filter(|u| u.split == Split::Train)
            .map(|u| &u.text)
            .collect();
        let train_voice: HashSet<_> = p
            .iter()
            .filter(|u| u.split == Split::Train)
            .map(|u| (u.engine, &u.voice))
            .collect();
        for u in p.iter().filter(|u| u.split != Split::Train) {
            assert!(
                !train_text.contains(&u.text),
                "{:?} of {} is also in training",
                u.text,
                u.id
            );
            assert!(
                !train_voice.contains(&(u.engine, &u.voice)),
                "speaker {} of {} trains",
                u.voice,
                u.id
            );
        }
        let valid_text: HashSet<_> = p
            .iter()
            .filter(|u| u.split == Split::Valid)
            .map(|u| &u.text)
            .collect();
        assert!(p
            .iter()
            .filter(|u| u.split == Split::Test)
            .all(|u| !valid_text.contains(&u.text)));
    }

    /// FNV-1a 64 of a plan's `utterances.jsonl`.
    fn digest(p: &[Utterance]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for u in p {
            for b in serde_json::to_string(u).unwrap().bytes().chain([b'\n']) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    }

    #[test]
    fn the_plan_of_the_version_3_corpus_is_unchanged() {
        // /work/corpus3 (--utterances 24000 --valid 1000 --test 1000 --seed 3): the digest of
        // its utterances.jsonl, made by the generator before festival utterances existed
        let counts = Counts {
            train: 24_000,
            valid: 1_000,
            test: 1_000,
        };
        assert_eq!(
            digest(&plan_with_festival(counts, 3, 0).unwrap()),
            0x1d5e_9800_5470_bd54
        );
    }

    #[test]
    fn festival_utterances_are_appended_training_utterances_and_extend_a_smaller_plan() {
        let base = plan(counts(), 4).unwrap();
        assert_eq!(plan_with_festival(counts(), 4, 0).unwrap(), base);
        let p = plan_with_festival(counts(), 4, 90).unwrap();
        assert_eq!(p.len(), base.len() + 90);
        assert_eq!(
            &p[..base.len()],
            &base[..],
            "the plan without festival changed"
        );
        let fewer = plan_with_festival(counts(), 4, 40).unwrap();
        assert_eq!(
            &p[..fewer.len()],
            &fewer[..],
            "40 festival utterances are not a prefix of 90"
        );
        let texts: HashSet<_> = base.iter().map(|u| u.text.as_str()).collect();
        let mut festival_texts = HashSet::new();
        for (i, u) in p[base.len()..].iter().enumerate() {
            assert_eq!(u.id, format!("train-{:06}", counts().train + i));
            assert_eq!((u.split, u.engine), (Split::Train, Engine::Festival));
            assert_eq!(split_of(&u.text, 4), Split::Train);
            assert!(
                !texts.contains(u.text.as_str()),
                "{:?} is said twice",
                u.text
            );
            assert!(
                festival_texts.insert(u.text.as_str()),
                "{:?} is said twice",
                u.text
            );
            assert!((0.8..1.25).contains(&u.rate), "{} stretch {}", u.id, u.rate);
            match festival_voice(&u.voice).expect("a festival voice").f0 {
                Some((mean, _)) => assert!(
                    (0.8 * mean..1.25 * mean).contains(&u.pitch),
                    "{} F0 {}",
                    u.id,
                    u.pitch
                ),
                None => assert_eq!(u.pitch, 0.0),
            }
            assert!(u.accent.is_empty() && u.word_gap == 0);
        }
        for s in FESTIVAL_SPEAKERS {
            assert!(p.iter().any(|u| u.voice == s.name), "{} unused", s.name);
        }
        let with_effects = p[base.len()..]
            .iter()
            .filter(|u| !u.effects.sox_args().is_empty())
            .count();
        assert!(with_effects > 30, "{with_effects} of 90 have sox effects");
        assert_ne!(
            plan_with_festival(counts(), 5, 90).unwrap()[base.len()..],
            p[base.len()..]
        );
    }

    #[test]
    fn more_voices_utterances_follow_the_festival_ones_and_extend_a_smaller_plan() {
        let extras = |festival, more_voices| Extras {
            festival,
            more_voices,
        };
        let with_festival = plan_with_festival(counts(), 4, 30).unwrap();
        let p = plan_with_extras(counts(), 4, extras(30, 200)).unwrap();
        assert_eq!(p.len(), with_festival.len() + 200);
        assert_eq!(
            &p[..with_festival.len()],
            &with_festival[..],
            "the plan without more-voices utterances changed"
        );
        let fewer = plan_with_extras(counts(), 4, extras(30, 80)).unwrap();
        assert_eq!(&p[..fewer.len()], &fewer[..], "80 are not a prefix of 200");
        let mut texts: HashSet<_> = with_festival.iter().map(|u| u.text.as_str()).collect();
        for (i, u) in p[with_festival.len()..].iter().enumerate() {
            assert_eq!(u.id, format!("train-{:06}", counts().train + 30 + i));
            assert_eq!(u.split, Split::Train);
            assert_eq!(split_of(&u.text, 4), Split::Train);
            assert!(texts.insert(u.text.as_str()), "{:?} is said twice", u.text);
            let speaker = MORE_SPEAKERS
                .iter()
                .find(|s| (s.engine, s.name) == (u.engine, u.voice.as_str()))
                .unwrap_or_else(|| panic!("{} speaks with {:?} {}", u.id, u.engine, u.voice));
            match speaker.engine {
                Engine::Mbrola => {
                    assert!((130.0..210.0).contains(&u.rate) && (20.0..80.0).contains(&u.pitch))
                }
                Engine::Rhvoice | Engine::Pico => {
                    assert!((0.8..1.25).contains(&u.rate) && (85.0..115.0).contains(&u.pitch))
                }
                Engine::Festival => {
                    let mean = festival_voice(&u.voice).unwrap().f0.unwrap().0;
                    assert!((0.8 * mean..1.25 * mean).contains(&u.pitch), "{}", u.pitch)
                }
                e => panic!("{e:?} is not an engine of the more-voices utterances"),
            }
            assert!(u.accent.is_empty());
            assert!(u.engine == Engine::Mbrola || u.word_gap == 0);
        }
        for s in MORE_SPEAKERS {
            assert!(
                p.iter()
                    .any(|u| (u.engine, u.voice.as_str()) == (s.engine, s.name)),
                "{s:?} unused"
            );
        }
        // no held-out speaker among them, by any engine's name for it
        let held_out: HashSet<_> = p
            .iter()
            .filter(|u| u.split != Split::Train)
            .map(|u| u.voice.as_str())
            .collect();
        assert!(p[with_festival.len()..]
            .iter()
            .all(|u| !held_out.contains(u.voice.as_str())));
        // more-voices utterances alone (no festival ones) start right after the base plan
        let alone = plan_with_extras(counts(), 4, extras(0, 5)).unwrap();
        assert_eq!(
            alone[alone.len() - 5].id,
            format!("train-{:06}", counts().train)
        );
    }

    #[test]
    fn effects_are_for_training_only_and_flite_has_its_share() {
        let p = plan(counts(), 3).unwrap();
        for u in p.iter().filter(|u| u.split != Split::Train) {
            assert_eq!(u.effects, Effects::default(), "{}", u.id);
            assert!(u.effects.sox_args().is_empty());
        }
        let train: Vec<_> = p.iter().filter(|u| u.split == Split::Train).collect();
        let with_effects = train
            .iter()
            .filter(|u| !u.effects.sox_args().is_empty())
            .count();
        assert!(with_effects > train.len() / 3, "{with_effects}");
        let flite = train.iter().filter(|u| u.engine == Engine::Flite).count() as f64;
        let share = flite / train.len() as f64;
        assert!((share - TRAIN_FLITE_SHARE).abs() < 0.05, "{share}");
        assert!(p
            .iter()
            .any(|u| u.engine == Engine::Espeak && u.word_gap > 0));
        assert!(p
            .iter()
            .all(|u| u.engine == Engine::Espeak || u.word_gap == 0));
    }

    #[test]
    fn effect_arguments_name_sox_effects_with_numbers() {
        let e = Effects {
            pitch_cents: Some(-120.4),
            tempo: Some(1.1),
            reverb: Some((30.0, 40.0)),
            highpass_hz: Some(150.0),
            lowpass_hz: Some(5000.0),
        };
        assert_eq!(
            e.sox_args().join(" "),
            "pitch -120 tempo -s 1.100 highpass 150 lowpass 5000 reverb 30 50 40"
        );
    }

    #[test]
    fn counts_and_ids_are_as_asked() {
        let p = plan(counts(), 5).unwrap();
        for split in Split::ALL {
            let ids: Vec<_> = p
                .iter()
                .filter(|u| u.split == split)
                .map(|u| u.id.clone())
                .collect();
            assert_eq!(ids.len(), counts().of(split));
            assert_eq!(ids[0], format!("{}-000000", split.name()));
        }
    }

    #[test]
    fn training_text_holds_no_held_out_sentence_and_is_a_function_of_the_seed() {
        let seed = 7;
        let text = training_text(seed, 3000);
        assert_eq!(text.len(), 3000);
        assert!(text.iter().all(|t| split_of(t, seed) == Split::Train));
        // no validation or test sentence of the corpus of the same seed
        let held_out: HashSet<String> = plan(counts(), seed)
            .unwrap()
            .into_iter()
            .filter(|u| u.split != Split::Train)
            .map(|u| u.text)
            .collect();
        assert!(!held_out.is_empty());
        assert!(text.iter().all(|t| !held_out.contains(t)));
        // the grammar's own frequencies: frequent sentences come back
        let distinct: HashSet<&String> = text.iter().collect();
        assert!(distinct.len() < text.len(), "{} distinct", distinct.len());
        assert!(
            distinct.len() > text.len() / 4,
            "{} distinct",
            distinct.len()
        );
        // a shorter text is a prefix; another seed another text
        assert_eq!(training_text(seed, 100)[..], text[..100]);
        assert_ne!(training_text(seed + 1, 100), text[..100].to_vec());
    }

    #[test]
    fn the_plan_is_a_function_of_the_seed() {
        assert_eq!(plan(counts(), 42).unwrap(), plan(counts(), 42).unwrap());
        assert_ne!(plan(counts(), 42).unwrap(), plan(counts(), 43).unwrap());
    }

    #[test]
    fn every_speaker_of_a_split_is_used() {
        let p = plan(counts(), 9).unwrap();
        for split in Split::ALL {
            for s in speakers(split) {
                assert!(
                    p.iter().any(|u| u.split == split && u.voice == s.name),
                    "{s:?} unused"
                );
            }
        }
    }
}
