//! Training logs (`log.jsonl` of a `zeroskip-train` run folder) read back for plotting: the
//! training loss every few steps and the validation loss / WER / CER after every epoch. A
//! pruning folder (`round-NN-SS/` sub-folders, one run each) reads as its rounds in order, and
//! several runs (dense, then the pruning rounds) are laid end to end on one step axis. A run
//! branched from another (`zeroskip-train train --branch-from`, a `"kind":"branch"` line) counts
//! its steps on from its parent's, so it is drawn at its own steps, beside its parent.

use super::StudyError;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One run's log.
#[derive(Clone, Debug, PartialEq)]
pub struct RunLog {
    /// The run folder's name (`dense-fc256-lstm192-s2`, `round-03-80`).
    pub name: String,
    /// `(step, mean training loss)`, in the order logged.
    pub train: Vec<(f64, f64)>,
    /// Validation after each epoch.
    pub valid: Vec<ValidPoint>,
    /// The step it was branched from another run at, if it was.
    pub branched_at: Option<f64>,
}

/// One validation pass.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValidPoint {
    /// Step at which it was made.
    pub step: f64,
    /// Mean CTC loss per utterance.
    pub loss: f64,
    /// Greedy WER.
    pub wer: Option<f64>,
    /// Greedy CER.
    pub cer: Option<f64>,
    /// Fraction of zeros in the weight matrices (logged since gradual pruning).
    pub sparsity: Option<f64>,
}

#[derive(Deserialize)]
struct Line {
    kind: String,
    step: f64,
    #[serde(default)]
    loss: f64,
    #[serde(default)]
    sparsity: Option<f64>,
    #[serde(default)]
    wer: Option<f64>,
    #[serde(default)]
    cer: Option<f64>,
}

impl RunLog {
    /// Reads `dir/log.jsonl` (or `dir` itself if it is a file). Lines of other kinds are
    /// skipped; a malformed last line (a run killed mid-write) is ignored, any other malformed
    /// line is an error naming it.
    pub fn read(dir: &Path) -> Result<RunLog, StudyError> {
        let (path, name_of) = if dir.is_file() {
            (dir.to_path_buf(), dir.parent().unwrap_or(dir))
        } else {
            (dir.join("log.jsonl"), dir)
        };
        let text = std::fs::read_to_string(&path).map_err(|source| StudyError::Io {
            path: path.clone(),
            source,
        })?;
        let name = name_of
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let mut log = RunLog {
            name,
            train: vec![],
            valid: vec![],
            branched_at: None,
        };
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            let line: Line = match serde_json::from_str(l) {
                Ok(line) => line,
                Err(_) if i + 1 == lines.len() => continue,
                Err(e) => {
                    return Err(StudyError::LogLine {
                        path,
                        line: i + 1,
                        reason: e.to_string(),
                    })
                }
            };
            match line.kind.as_str() {
                "train" => log.train.push((line.step, line.loss)),
                "valid" => log.valid.push(ValidPoint {
                    step: line.step,
                    loss: line.loss,
                    wer: line.wer,
                    cer: line.cer,
                    sparsity: line.sparsity,
                }),
                "branch" => log.branched_at = Some(line.step),
                _ => {}
            }
        }
        Ok(log)
    }

    /// The last step logged (0 for an empty log).
    pub fn last_step(&self) -> f64 {
        self.train
            .iter()
            .map(|p| p.0)
            .chain(self.valid.iter().map(|v| v.step))
            .fold(0.0, f64::max)
    }

    /// The same log with `offset` added to every step.
    pub fn shifted(&self, offset: f64) -> RunLog {
        RunLog {
            name: self.name.clone(),
            train: self.train.iter().map(|(s, l)| (s + offset, *l)).collect(),
            valid: self
                .valid
                .iter()
                .map(|v| ValidPoint {
                    step: v.step + offset,
                    ..*v
                })
                .collect(),
            branched_at: self.branched_at.map(|s| s + offset),
        }
    }
}

/// The run folders a path stands for: a folder holding `log.jsonl` is one run; a folder whose
/// sub-folders `round-*` hold runs (a pruning run) stands for them in name order.
pub fn expand(path: &Path) -> Result<Vec<PathBuf>, StudyError> {
    if path.join("log.jsonl").is_file() || path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| StudyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut rounds: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("round-"))
                && p.join("log.jsonl").is_file()
        })
        .collect();
    rounds.sort();
    if rounds.is_empty() {
        return Err(StudyError::NoLog {
            path: path.to_path_buf(),
        });
    }
    Ok(rounds)
}

/// Reads every run `paths` stand for ([`expand`]) and lays them end to end: each run's steps
/// start where the previous one's ended, except a branched run's, which stay its own (they
/// continue its parent's count).
pub fn read_sequence(paths: &[PathBuf]) -> Result<Vec<RunLog>, StudyError> {
    let mut out = Vec::new();
    let mut offset = 0.0f64;
    for p in paths {
        for run in expand(p)? {
            let log = RunLog::read(&run)?;
            if log.branched_at.is_some() {
                offset = offset.max(log.last_step());
                out.push(log);
            } else {
                let end = log.last_step();
                out.push(log.shifted(offset));
                offset += end;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_run(dir: &Path, lines: &[&str]) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("log.jsonl"), lines.join("\n")).unwrap();
    }

    const T1: &str = r#"{"kind":"train","step":50,"epoch":0,"loss":40.5,"lr":0.001}"#;
    const T2: &str = r#"{"kind":"train","step":100,"epoch":0,"loss":30.0,"lr":0.001}"#;
    const V1: &str = r#"{"kind":"valid","step":100,"epoch":0,"loss":35.0,"wer":0.9,"cer":0.4}"#;

    #[test]
    fn a_log_reads_its_train_and_valid_lines_and_ignores_a_torn_last_line() {
        let d = tempfile::tempdir().unwrap();
        write_run(d.path(), &[T1, T2, V1, r#"{"kind":"tra"#]);
        let log = RunLog::read(d.path()).unwrap();
        assert_eq!(log.train, vec![(50.0, 40.5), (100.0, 30.0)]);
        assert_eq!(log.valid.len(), 1);
        assert_eq!(log.valid[0].wer, Some(0.9));
        assert_eq!(log.last_step(), 100.0);
    }

    #[test]
    fn a_malformed_line_before_the_end_is_an_error_naming_it() {
        let d = tempfile::tempdir().unwrap();
        write_run(d.path(), &[T1, "not json", T2]);
        let e = RunLog::read(d.path()).unwrap_err();
        assert!(e.to_string().contains(":2:"), "{e}");
    }

    #[test]
    fn pruning_rounds_follow_the_dense_run_on_one_step_axis() {
        let d = tempfile::tempdir().unwrap();
        write_run(&d.path().join("dense"), &[T1, T2, V1]);
        let p = d.path().join("prune");
        write_run(&p.join("round-02-70"), &[T1, V1]);
        write_run(&p.join("round-01-50"), &[T1, T2]);
        std::fs::write(p.join("rounds.jsonl"), "").unwrap();
        let logs = read_sequence(&[d.path().join("dense"), p.clone()]).unwrap();
        let names: Vec<_> = logs.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["dense", "round-01-50", "round-02-70"]);
        assert_eq!(logs[1].train[0].0, 150.0);
        assert_eq!(logs[2].valid[0].step, 300.0);
        assert!(matches!(expand(d.path()), Err(StudyError::NoLog { .. })));
    }

    #[test]
    fn a_branched_run_keeps_its_steps_beside_its_parent() {
        let d = tempfile::tempdir().unwrap();
        write_run(&d.path().join("dense"), &[T1, T2, V1]);
        let branch = r#"{"kind":"branch","from":"dense","step":100,"epoch":1}"#;
        let t3 = r#"{"kind":"train","step":150,"epoch":1,"loss":20.0,"lr":0.001}"#;
        let v2 = r#"{"kind":"valid","step":200,"epoch":1,"sparsity":0.9,"loss":25.0,"wer":0.5,"cer":0.2}"#;
        write_run(&d.path().join("gradual"), &[branch, t3, v2]);
        let after = r#"{"kind":"train","step":50,"epoch":0,"loss":10.0,"lr":0.001}"#;
        write_run(&d.path().join("next"), &[after]);
        let logs = read_sequence(&[
            d.path().join("dense"),
            d.path().join("gradual"),
            d.path().join("next"),
        ])
        .unwrap();
        assert_eq!(logs[1].branched_at, Some(100.0));
        assert_eq!(logs[1].train[0].0, 150.0);
        assert_eq!(logs[1].valid[0].sparsity, Some(0.9));
        assert_eq!(logs[0].valid[0].sparsity, None);
        assert_eq!(logs[2].train[0].0, 250.0);
    }
}
