//! Speech synthesis of one utterance: espeak-ng (alone or driving an MBROLA voice), flite,
//! festival's `text2wave`, RHVoice or SVOX Pico speaks the text into a temporary WAV, sox
//! turns it into 16 kHz mono 16-bit samples (applying a training
//! utterance's effects), and the level, the silence around the speech and light noise are
//! applied here, from the utterance's own seed, so the result does not depend on which worker
//! made it or when.

use super::plan::Utterance;
use super::voices::{
    festival_voice, more_voice_package, Engine, Speaker, Split, FESTIVAL_SPEAKERS, MORE_SPEAKERS,
};
use super::CorpusError;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Output sample rate of the corpus, in Hz.
pub const SAMPLE_RATE: u32 = 16_000;

pub use zeroskip_tools::{ESPEAK, FESTIVAL, FLITE, PICO, RHVOICE, SOX};

/// The programs, found once (festival, RHVoice and Pico only when asked for).
#[derive(Clone, Debug)]
pub struct Synthesizers {
    espeak: PathBuf,
    flite: PathBuf,
    sox: PathBuf,
    festival: Option<PathBuf>,
    rhvoice: Option<PathBuf>,
    pico: Option<PathBuf>,
}

/// The path of an optional synthesiser, or the error that says how to install it.
fn optional(path: &Option<PathBuf>, tool: zeroskip_tools::Tool) -> Result<&PathBuf, CorpusError> {
    path.as_ref().ok_or_else(|| {
        zeroskip_tools::ToolError::NotFound {
            name: tool.name,
            env: tool.env,
            hint: tool.install_hint,
        }
        .into()
    })
}

impl Synthesizers {
    /// Finds espeak-ng, flite and sox (environment override, then `PATH`).
    pub fn find() -> Result<Self, CorpusError> {
        Ok(Synthesizers {
            espeak: ESPEAK.find()?.path,
            flite: FLITE.find()?.path,
            sox: SOX.find()?.path,
            festival: None,
            rhvoice: None,
            pico: None,
        })
    }

    /// Also finds festival's `text2wave` and checks that every voice of [`FESTIVAL_SPEAKERS`]
    /// loads (text2wave exits with success even when a voice is missing, and writes nothing).
    pub fn with_festival(mut self) -> Result<Self, CorpusError> {
        let text2wave = FESTIVAL.find()?.path;
        for speaker in FESTIVAL_SPEAKERS {
            let out = Command::new(&text2wave)
                .arg("-eval")
                .arg(format!("(begin (voice_{}) (quit))", speaker.name))
                .output()
                .map_err(|source| CorpusError::Spawn {
                    tool: "text2wave",
                    source,
                })?;
            let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
            if !out.status.success() || said.contains("SIOD ERROR") {
                return Err(CorpusError::FestivalVoice {
                    voice: speaker.name,
                    package: festival_voice(speaker.name).map_or("festival", |v| v.package),
                    said,
                });
            }
        }
        self.festival = Some(text2wave);
        Ok(self)
    }

    /// Also finds what the `--more-voices` utterances need (festival and its voices as
    /// [`Synthesizers::with_festival`], RHVoice, Pico) and checks that every voice of
    /// [`MORE_SPEAKERS`] speaks, by rendering a word with each: a missing voice is named with
    /// its package before anything is written.
    pub fn with_more_voices(mut self, scratch: &Path) -> Result<Self, CorpusError> {
        if self.festival.is_none() {
            self = self.with_festival()?;
        }
        self.rhvoice = Some(RHVOICE.find()?.path);
        self.pico = Some(PICO.find()?.path);
        std::fs::create_dir_all(scratch).map_err(|source| CorpusError::Io {
            path: scratch.to_path_buf(),
            source,
        })?;
        for speaker in MORE_SPEAKERS {
            let probe = probe_utterance(speaker);
            self.render(&probe, &scratch.join(format!("probe-{}", speaker.name)))
                .map_err(|e| CorpusError::MissingVoice {
                    engine: speaker.engine.program(),
                    voice: speaker.name,
                    package: more_voice_package(speaker),
                    said: e.to_string(),
                })?;
        }
        Ok(self)
    }

    /// Speaks `utt` and returns its 16 kHz samples with level, padding and noise applied.
    /// `scratch` is a path prefix this call may use for its temporary files.
    pub fn render(&self, utt: &Utterance, scratch: &Path) -> Result<Vec<i16>, CorpusError> {
        let raw = scratch.with_extension("tts.wav");
        // a leftover of a failed utterance must not pass for this one's audio
        let _ = std::fs::remove_file(&raw);
        // the text in a file, for the programs that read it from one
        let text_file = || {
            let text = scratch.with_extension("txt");
            std::fs::write(&text, format!("{}\n", utt.text)).map_err(|source| CorpusError::Io {
                path: text.clone(),
                source,
            })?;
            Ok::<_, CorpusError>(text)
        };
        let mut cmd = match utt.engine {
            Engine::Espeak => espeak(
                &self.espeak,
                &format!("{}+{}", utt.accent, utt.voice),
                utt,
                &raw,
            ),
            Engine::Mbrola => espeak(&self.espeak, &format!("mb-{}", utt.voice), utt, &raw),
            Engine::Flite => {
                let mut c = Command::new(&self.flite);
                c.arg("-voice")
                    .arg(&utt.voice)
                    .arg("--setf")
                    .arg(format!("duration_stretch={:.3}", utt.rate))
                    .arg("--setf")
                    .arg(format!("int_f0_target_mean={:.1}", utt.pitch))
                    .arg("-t")
                    .arg(&utt.text)
                    .arg("-o")
                    .arg(&raw);
                c
            }
            Engine::Festival => {
                let mut c = Command::new(optional(&self.festival, FESTIVAL)?);
                for expr in festival_setup(utt) {
                    c.arg("-eval").arg(expr);
                }
                c.arg(text_file()?).arg("-o").arg(&raw);
                c
            }
            Engine::Rhvoice => {
                let mut c = Command::new(optional(&self.rhvoice, RHVOICE)?);
                c.arg("-p")
                    .arg(&utt.voice)
                    .arg("-r")
                    .arg(format!("{:.0}", 100.0 / utt.rate))
                    .arg("-t")
                    .arg(format!("{:.0}", utt.pitch))
                    .arg("-i")
                    .arg(text_file()?)
                    .arg("-o")
                    .arg(&raw);
                c
            }
            Engine::Pico => {
                let mut c = Command::new(optional(&self.pico, PICO)?);
                c.arg("-l").arg(&utt.voice).arg("-w").arg(&raw).arg(format!(
                    "<speed level='{:.0}'><pitch level='{:.0}'>{}</pitch></speed>",
                    100.0 / utt.rate,
                    utt.pitch,
                    utt.text
                ));
                c
            }
        };
        let said = run(&mut cmd, utt.engine.program(), utt)?;
        if !raw.exists() {
            // text2wave (on a Scheme error), RHVoice-test and espeak-ng (on a missing MBROLA
            // voice) can exit with success and write nothing
            return Err(CorpusError::ToolFailed {
                tool: utt.engine.program(),
                id: utt.id.clone(),
                status: "success, but no audio".into(),
                stderr: said,
            });
        }
        if utt.engine == Engine::Festival && said.contains("SIOD ERROR") {
            // a Scheme error: text2wave reports it and exits with success
            return Err(CorpusError::ToolFailed {
                tool: "text2wave",
                id: utt.id.clone(),
                status: "success, but a Scheme error".into(),
                stderr: said,
            });
        }
        let out = Command::new(&self.sox)
            .arg("-D") // no dither: the output must be a function of the input
            .arg("-R") // repeatable: any randomness in effects seeded the same every time
            .arg(&raw)
            .args(["-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1"])
            .args(["-r", &SAMPLE_RATE.to_string(), "-L", "-"])
            .args(utt.effects.sox_args())
            .output()
            .map_err(|source| CorpusError::Spawn {
                tool: "sox",
                source,
            })?;
        if !out.status.success() {
            return Err(CorpusError::ToolFailed {
                tool: "sox",
                id: utt.id.clone(),
                status: out.status.to_string(),
                stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        let _ = std::fs::remove_file(&raw);
        let speech: Vec<f32> = out
            .stdout
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0)
            .collect();
        if speech.len() < SAMPLE_RATE as usize / 10 {
            return Err(CorpusError::ToolFailed {
                tool: utt.engine.program(),
                id: utt.id.clone(),
                status: "success".into(),
                stderr: format!("only {} samples of speech for {:?}", speech.len(), utt.text),
            });
        }
        Ok(post_process(&speech, utt))
    }
}

/// espeak-ng speaking `utt` with `voice` (`en-us+m3`, or an MBROLA voice `mb-us1`) at its
/// speed, pitch and word gap into `raw`.
fn espeak(program: &Path, voice: &str, utt: &Utterance, raw: &Path) -> Command {
    let mut c = Command::new(program);
    c.arg("-v")
        .arg(voice)
        .arg("-s")
        .arg(format!("{}", utt.rate.round() as u32))
        .arg("-p")
        .arg(format!("{}", utt.pitch.round() as u32));
    if utt.word_gap > 0 {
        c.arg("-g").arg(utt.word_gap.to_string());
    }
    c.arg("-w").arg(raw).arg(&utt.text);
    c
}

/// A one-word utterance of `speaker` at its own speed and pitch, clean: what
/// [`Synthesizers::with_more_voices`] renders to check that a voice is installed.
fn probe_utterance(speaker: &Speaker) -> Utterance {
    let (rate, pitch) = match speaker.engine {
        Engine::Espeak | Engine::Mbrola => (175.0, 50.0),
        Engine::Festival => (
            1.0,
            festival_voice(speaker.name)
                .and_then(|v| v.f0)
                .map_or(0.0, |f| f.0),
        ),
        _ => (1.0, 100.0),
    };
    Utterance {
        id: format!("probe-{}", speaker.name),
        split: Split::Train,
        text: "hello".into(),
        engine: speaker.engine,
        voice: speaker.name.into(),
        accent: String::new(),
        rate,
        pitch,
        level_db: -3.0,
        snr_db: None,
        lead_ms: 0,
        trail_ms: 0,
        seed: 0,
        word_gap: 0,
        effects: Default::default(),
    }
}

/// The Scheme `text2wave -eval`s of a festival utterance: its voice, then its speed (diphone
/// voices: `Duration_Stretch`; the HTS voice ignores it and takes hts_engine's speed `-r`, the
/// inverse) and its pitch (diphone voices: the intonation model's F0 target mean, with the
/// range scaled alike; the HTS voice keeps its own).
pub fn festival_setup(utt: &Utterance) -> Vec<String> {
    let mut e = vec![format!("(voice_{})", utt.voice)];
    match festival_voice(&utt.voice).and_then(|v| v.f0) {
        Some((mean, std)) => {
            e.push(format!("(Parameter.set 'Duration_Stretch {:.3})", utt.rate));
            e.push(format!(
                "(set! int_lr_params (list '(target_f0_mean {:.1}) '(target_f0_std {:.1}) \
                 (assoc 'model_f0_mean int_lr_params) (assoc 'model_f0_std int_lr_params)))",
                utt.pitch,
                std * utt.pitch / mean
            ));
        }
        None => e.push(format!(
            "(set! hts_engine_params (append hts_engine_params (list (list \"-r\" {:.3}))))",
            1.0 / utt.rate
        )),
    }
    e
}

/// Runs a synthesiser; returns what it printed on stderr.
fn run(cmd: &mut Command, tool: &'static str, utt: &Utterance) -> Result<String, CorpusError> {
    let out = cmd
        .output()
        .map_err(|source| CorpusError::Spawn { tool, source })?;
    if !out.status.success() {
        return Err(CorpusError::ToolFailed {
            tool,
            id: utt.id.clone(),
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stderr).trim().to_string())
}

/// Peak level, silence before and after, and noise at the utterance's signal-to-noise ratio
/// (white, or brown-ish through a one-pole low-pass), drawn from the utterance's seed.
pub fn post_process(speech: &[f32], utt: &Utterance) -> Vec<i16> {
    let mut rng = ChaCha8Rng::seed_from_u64(utt.seed);
    let peak = speech.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-6);
    let gain = 10f32.powf(utt.level_db / 20.0) / peak;
    let lead = (utt.lead_ms as usize * SAMPLE_RATE as usize) / 1000;
    let trail = (utt.trail_ms as usize * SAMPLE_RATE as usize) / 1000;
    let mut out = vec![0f32; lead + speech.len() + trail];
    for (o, s) in out[lead..].iter_mut().zip(speech) {
        *o = s * gain;
    }
    if let Some(snr_db) = utt.snr_db {
        let power =
            speech.iter().map(|x| (x * gain) * (x * gain)).sum::<f32>() / speech.len() as f32;
        let noise_rms = (power / 10f32.powf(snr_db / 10.0)).sqrt();
        let lowpass = utt.seed % 2 == 1;
        let (mut state, alpha) = (0f32, 0.9f32);
        for o in out.iter_mut() {
            let white = gaussian(&mut rng);
            let n = if lowpass {
                state = alpha * state + (1.0 - alpha) * white;
                // a one-pole low-pass of unit-variance noise has variance (1-a)/(1+a)
                state * ((1.0 + alpha) / (1.0 - alpha)).sqrt()
            } else {
                white
            };
            *o += n * noise_rms;
        }
    }
    out.iter()
        .map(|x| (x * 32767.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect()
}

fn gaussian<R: Rng>(rng: &mut R) -> f32 {
    let u1: f32 = rng.gen_range(f32::EPSILON..1.0);
    let u2: f32 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f32::consts::PI * u2).cos()
}

/// Writes 16 kHz mono 16-bit samples to `path` through a temporary file and a rename, so an
/// interrupted run never leaves a truncated WAV under the final name.
pub fn write_wav(path: &Path, samples: &[i16]) -> Result<(), CorpusError> {
    let tmp = path.with_extension("wav.part");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let wav_err = |source| CorpusError::Wav {
        path: tmp.clone(),
        source,
    };
    let mut w = hound::WavWriter::create(&tmp, spec).map_err(wav_err)?;
    for s in samples {
        w.write_sample(*s).map_err(wav_err)?;
    }
    w.finalize().map_err(wav_err)?;
    std::fs::rename(&tmp, path).map_err(|source| CorpusError::Io {
        path: path.to_path_buf(),
        source,
    })
}
