//! The synthetic speech corpus: sentences from a voice-assistant grammar ([`sentences`]),
//! spoken by espeak-ng and flite voices ([`voices`], [`synth`]) with varied speed, pitch, level
//! and noise, as 16 kHz mono WAVs with one manifest per split ([`manifest`]); optionally
//! followed by more training utterances spoken by festival voices (`--festival N`) and by the
//! voices of Debian's contrib and non-free sections (`--more-voices N`). The whole
//! corpus is a function of its seed and counts ([`plan`]); `generate` makes what is missing, so
//! an interrupted run resumes where it stopped, and a corpus is extended by asking for more
//! festival or more-voices utterances in its folder.
//!
//! Layout of a corpus folder:
//! - `corpus.json`: seed, counts, festival utterances (when any), generator version and the
//!   speakers of each split;
//! - `train.tsv`, `valid.tsv`, `test.tsv`: `path<TAB>transcript`, paths relative to the folder;
//! - `utterances.jsonl`: every utterance's synthesis parameters;
//! - `wav/<split>/<id>.wav`.

pub mod manifest;
pub mod numbers;
pub mod plan;
pub mod samples;
pub mod sentences;
pub mod synth;
pub mod voices;

use indicatif::ProgressBar;
use plan::{Counts, Extras, Utterance};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use thiserror::Error;
use voices::{speakers, Split, FESTIVAL_SPEAKERS, MORE_SPEAKERS};

/// Bumped whenever the grammar, the voices or the synthesis change what a seed produces (the
/// optional festival and more-voices utterances were added without a bump: without them, a
/// seed produces what it did).
pub const GENERATOR_VERSION: u32 = 3;

/// Why a corpus cannot be made or read.
#[derive(Debug, Error)]
pub enum CorpusError {
    /// A synthesiser or sox is missing.
    #[error(transparent)]
    Tool(#[from] zeroskip_tools::ToolError),
    /// A festival voice (`--festival`) is not installed.
    #[error("festival voice {voice} is not installed (text2wave said: {said}): install it with `apt-get install {package}` (or `bash scripts/install-deps.sh`)")]
    FestivalVoice {
        /// The voice.
        voice: &'static str,
        /// Its Debian package.
        package: &'static str,
        /// What text2wave printed.
        said: String,
    },
    /// A voice of the `--more-voices` utterances does not speak.
    #[error("{engine} voice {voice} does not speak ({said}): install it with `apt-get install {package}` (or `bash scripts/install-deps.sh`, which enables Debian's contrib and non-free sections for it)")]
    MissingVoice {
        /// The program.
        engine: &'static str,
        /// The voice.
        voice: &'static str,
        /// Its Debian package.
        package: &'static str,
        /// What went wrong when it was asked to speak.
        said: String,
    },
    /// A program could not be started.
    #[error("could not run {tool}: {source}")]
    Spawn {
        /// Which program.
        tool: &'static str,
        /// The error.
        source: std::io::Error,
    },
    /// A program failed on an utterance.
    #[error("{tool} failed on utterance {id} ({status}): {stderr}")]
    ToolFailed {
        /// Which program.
        tool: &'static str,
        /// The utterance.
        id: String,
        /// Its exit status.
        status: String,
        /// What it printed.
        stderr: String,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Writing or reading a WAV failed.
    #[error("{}: {source}", path.display())]
    Wav {
        /// The file.
        path: PathBuf,
        /// The error.
        source: hound::Error,
    },
    /// A JSON file is malformed.
    #[error("{}: {source}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The error.
        source: serde_json::Error,
    },
    /// The folder already holds a different corpus.
    #[error("{} describes another corpus ({existing}); asked for {requested}: use another --out folder or delete it", path.display())]
    Mismatch {
        /// Its `corpus.json`.
        path: PathBuf,
        /// What it holds.
        existing: String,
        /// What was asked for.
        requested: String,
    },
    /// The grammar cannot give enough distinct sentences for a split.
    #[error("the grammar gave only {got} distinct {split} sentences of {wanted} in {draws} draws; ask for fewer utterances")]
    GrammarExhausted {
        /// The split.
        split: &'static str,
        /// Requested.
        wanted: usize,
        /// Found.
        got: usize,
        /// Draws made.
        draws: usize,
    },
    /// A manifest line is malformed.
    #[error("{}:{line}: {reason}", path.display())]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Nothing to do.
    #[error("a corpus needs at least one utterance in each split (asked for {0:?})")]
    Empty(Counts),
}

/// What `corpus.json` records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusSpec {
    /// [`GENERATOR_VERSION`] of the generator that made it.
    pub generator_version: u32,
    /// The seed.
    pub seed: u64,
    /// Utterances per split.
    pub counts: Counts,
    /// Training utterances spoken by festival voices, after the `counts.train` others; not
    /// written when 0, so a corpus without them has the `corpus.json` of generator version 3.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub festival: usize,
    /// Training utterances spoken by the voices of [`MORE_SPEAKERS`], after the festival ones;
    /// not written when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub more_voices: usize,
    /// Sample rate of every WAV.
    pub sample_rate: u32,
    /// Speakers of each split, `engine:name` (the festival voices among the training speakers
    /// when `festival` > 0, then those of [`MORE_SPEAKERS`] when `more_voices` > 0).
    pub speakers: Vec<(Split, Vec<String>)>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl CorpusSpec {
    /// The spec of a corpus made now with this seed and counts and these optional utterances.
    pub fn new(seed: u64, counts: Counts, extras: Extras) -> Self {
        let train = |n: usize, voices| if n > 0 { voices } else { &[][..] };
        CorpusSpec {
            generator_version: GENERATOR_VERSION,
            seed,
            counts,
            festival: extras.festival,
            more_voices: extras.more_voices,
            sample_rate: synth::SAMPLE_RATE,
            speakers: Split::ALL
                .iter()
                .map(|s| {
                    let (festival, more) = if *s == Split::Train {
                        (
                            train(extras.festival, FESTIVAL_SPEAKERS),
                            train(extras.more_voices, MORE_SPEAKERS),
                        )
                    } else {
                        (&[][..], &[][..])
                    };
                    let names = speakers(*s)
                        .iter()
                        .chain(festival)
                        .chain(more)
                        .map(|v| {
                            format!(
                                "{}:{}",
                                serde_json::to_value(v.engine)
                                    .unwrap()
                                    .as_str()
                                    .unwrap_or("?"),
                                v.name
                            )
                        })
                        .collect();
                    (*s, names)
                })
                .collect(),
        }
    }
}

/// What `generate` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerateReport {
    /// WAVs synthesised now.
    pub made: usize,
    /// WAVs already there from an earlier run.
    pub kept: usize,
}

/// Makes (or completes) the corpus in `out`: plan, `corpus.json`, every missing WAV with `jobs`
/// synthesis workers (each runs one program at a time), then the manifests and
/// `utterances.jsonl`. `progress` counts utterances. The corpus without optional utterances:
/// [`generate_with_extras`] with none.
pub fn generate(
    out: &Path,
    counts: Counts,
    seed: u64,
    jobs: usize,
    progress: &ProgressBar,
) -> Result<GenerateReport, CorpusError> {
    generate_with_extras(out, counts, seed, Extras::default(), jobs, progress)
}

/// [`generate`], with `festival` more training utterances spoken by festival voices after the
/// others ([`generate_with_extras`] without more-voices utterances).
pub fn generate_with_festival(
    out: &Path,
    counts: Counts,
    seed: u64,
    festival: usize,
    jobs: usize,
    progress: &ProgressBar,
) -> Result<GenerateReport, CorpusError> {
    let extras = Extras {
        festival,
        more_voices: 0,
    };
    generate_with_extras(out, counts, seed, extras, jobs, progress)
}

/// [`generate`], with the optional training utterances of `extras` after the others
/// ([`plan::plan_with_extras`]). A folder holding a prefix of this corpus is extended: the same
/// corpus with fewer festival utterances and no more-voices ones, or with the same festival
/// utterances and fewer more-voices ones. Its WAVs are kept, only the new ones are made, and
/// its manifests, `utterances.jsonl` and `corpus.json` are replaced (through new files, so a
/// folder copied with hard links, `cp -al`, leaves the original untouched). Any other corpus
/// in the folder, one with more optional utterances included, is refused.
pub fn generate_with_extras(
    out: &Path,
    counts: Counts,
    seed: u64,
    extras: Extras,
    jobs: usize,
    progress: &ProgressBar,
) -> Result<GenerateReport, CorpusError> {
    if counts.train == 0 || counts.valid == 0 || counts.test == 0 {
        return Err(CorpusError::Empty(counts));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CorpusError::Io { path, source }
    };
    let spec = CorpusSpec::new(seed, counts, extras);
    let spec_path = out.join("corpus.json");
    if spec_path.exists() {
        let text = std::fs::read_to_string(&spec_path).map_err(io(&spec_path))?;
        let existing: CorpusSpec =
            serde_json::from_str(&text).map_err(|source| CorpusError::Json {
                path: spec_path.clone(),
                source,
            })?;
        // the same corpus, or a prefix of this plan: fewer festival utterances and no
        // more-voices ones, or the same festival utterances and fewer more-voices ones
        let had = Extras {
            festival: existing.festival,
            more_voices: existing.more_voices,
        };
        let prefix = (had.festival < extras.festival && had.more_voices == 0)
            || (had.festival == extras.festival && had.more_voices < extras.more_voices);
        let extends = prefix && existing == CorpusSpec::new(seed, counts, had);
        if existing != spec && !extends {
            return Err(CorpusError::Mismatch {
                path: spec_path,
                existing: describe(&existing),
                requested: describe(&spec),
            });
        }
    }
    let scratch = out.join("tmp");
    let mut synths = synth::Synthesizers::find()?;
    if extras.more_voices > 0 {
        synths = synths.with_more_voices(&scratch)?;
    } else if extras.festival > 0 {
        synths = synths.with_festival()?;
    }
    let utterances = plan::plan_with_extras(counts, seed, extras)?;
    for split in Split::ALL {
        let dir = out.join("wav").join(split.name());
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    }
    std::fs::create_dir_all(&scratch).map_err(io(&scratch))?;
    write_atomic(
        &spec_path,
        &serde_json::to_string_pretty(&spec).expect("serialisable"),
    )?;

    progress.set_length(utterances.len() as u64);
    let next = AtomicUsize::new(0);
    let made = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let first_error: Mutex<Option<CorpusError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for worker in 0..jobs.max(1) {
            let (synths, utterances, next, made, stop, first_error) =
                (&synths, &utterances, &next, &made, &stop, &first_error);
            let scratch = scratch.join(format!("worker-{worker}"));
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(utt) = utterances.get(i) else { return };
                let path = out.join(utt.wav_path());
                if !path.exists() {
                    let result = synths
                        .render(utt, &scratch)
                        .and_then(|s| synth::write_wav(&path, &s));
                    if let Err(e) = result {
                        stop.store(true, Ordering::Relaxed);
                        first_error
                            .lock()
                            .expect("no panics hold it")
                            .get_or_insert(e);
                        return;
                    }
                    made.fetch_add(1, Ordering::Relaxed);
                }
                progress.inc(1);
            });
        }
    });
    if let Some(e) = first_error.into_inner().expect("no panics hold it") {
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    for split in Split::ALL {
        let rows: Vec<(String, String)> = utterances
            .iter()
            .filter(|u| u.split == split)
            .map(|u| (u.wav_path(), u.text.clone()))
            .collect();
        manifest::write(&out.join(format!("{}.tsv", split.name())), &rows)?;
    }
    let jsonl: String = utterances
        .iter()
        .map(|u| serde_json::to_string(u).expect("serialisable") + "\n")
        .collect();
    write_atomic(&out.join("utterances.jsonl"), &jsonl)?;
    let made = made.into_inner();
    Ok(GenerateReport {
        made,
        kept: utterances.len() - made,
    })
}

fn describe(spec: &CorpusSpec) -> String {
    let mut festival = if spec.festival > 0 {
        format!(" + {} festival", spec.festival)
    } else {
        String::new()
    };
    if spec.more_voices > 0 {
        festival += &format!(" + {} more-voices", spec.more_voices);
    }
    format!(
        "generator v{}, seed {}, {} / {} / {} utterances{festival}",
        spec.generator_version, spec.seed, spec.counts.train, spec.counts.valid, spec.counts.test
    )
}

/// Writes `text` to `path` through a temporary file and a rename.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), CorpusError> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, text).map_err(|source| CorpusError::Io {
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, path).map_err(|source| CorpusError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads the utterance plan back from a corpus folder's `utterances.jsonl`.
pub fn read_utterances(dir: &Path) -> Result<Vec<Utterance>, CorpusError> {
    let path = dir.join("utterances.jsonl");
    let text = std::fs::read_to_string(&path).map_err(|source| CorpusError::Io {
        path: path.clone(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| CorpusError::Manifest {
                path: path.clone(),
                line: i + 1,
                reason: e.to_string(),
            })
        })
        .collect()
}
