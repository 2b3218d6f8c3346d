//! Manifests: one line per utterance, `path<TAB>transcript`, the path relative to the
//! manifest's folder, the transcript in the corpus alphabet (lowercase a–z, space, apostrophe).

use super::{write_atomic, CorpusError};
use std::path::{Path, PathBuf};

/// The characters a transcript may hold (the model's alphabet without the blank).
pub const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz '";

/// One manifest line, with the path resolved against the manifest's folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The WAV.
    pub path: PathBuf,
    /// What it says.
    pub transcript: String,
}

/// Whether `text` is a well-formed transcript: only [`ALPHABET`], no leading, trailing or
/// doubled spaces, not empty.
pub fn is_valid_transcript(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| ALPHABET.contains(c))
        && !text.starts_with(' ')
        && !text.ends_with(' ')
        && !text.contains("  ")
}

/// Writes a manifest (through a temporary file and a rename).
pub fn write(path: &Path, rows: &[(String, String)]) -> Result<(), CorpusError> {
    let mut text = String::new();
    for (p, t) in rows {
        text.push_str(p);
        text.push('\t');
        text.push_str(t);
        text.push('\n');
    }
    write_atomic(path, &text)
}

/// Reads a manifest; every line must have a path, a tab and a valid transcript.
pub fn read(path: &Path) -> Result<Vec<Entry>, CorpusError> {
    let text = std::fs::read_to_string(path).map_err(|source| CorpusError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |reason: String| CorpusError::Manifest {
            path: path.to_path_buf(),
            line: i + 1,
            reason,
        };
        let (p, t) = line
            .split_once('\t')
            .ok_or_else(|| bad(format!("expected `path<TAB>transcript`, found {line:?}")))?;
        if !is_valid_transcript(t) {
            return Err(bad(format!(
                "transcript {t:?} must be lowercase a-z, space and apostrophe, single-spaced"
            )));
        }
        out.push(Entry {
            path: base.join(p),
            transcript: t.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejects() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.tsv");
        write(&p, &[("wav/a.wav".into(), "turn on the lights".into())]).unwrap();
        let e = read(&p).unwrap();
        assert_eq!(e[0].path, dir.path().join("wav/a.wav"));
        assert_eq!(e[0].transcript, "turn on the lights");
        std::fs::write(&p, "a.wav\tTurn on\n").unwrap();
        let err = read(&p).unwrap_err().to_string();
        assert!(err.contains("m.tsv:1") && err.contains("Turn on"), "{err}");
        std::fs::write(&p, "a.wav turn on\n").unwrap();
        assert!(read(&p).is_err());
        assert!(!is_valid_transcript("set it to 5"));
        assert!(is_valid_transcript("what's the weather"));
    }
}
