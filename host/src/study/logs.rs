//! Training logs (`log.jsonl` of a `zeroskip-train` run folder) read back for plotting: the
//! training loss every few steps and the validation loss / WER / CER after every epoch. A
//! pruning folder (`round-NN-SS/` sub-folders, one run each) reads as its rounds in order, and
//! several runs (dense, then the pruning rounds) are laid end to end on one step axis. A run
//! branched from another (`zeroskip-train train --branch-from`, a `"kind":"branch"` line) counts
//! its steps on from its parent's, so it is drawn at its own steps, beside its parent; a branch
//! that carries its parent on (started at the parent's last step, at the parent's sparsity: the
//! same run given more epochs) is joined to it and drawn as one run.

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
    /// The folder name of the run it was branched from, if it was.
    pub branched_from: Option<String>,
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
    #[serde(default)]
    from: Option<PathBuf>,
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
            branched_from: None,
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
                "branch" => {
                    log.branched_at = Some(line.step);
                    log.branched_from = line
                        .from
                        .as_deref()
                        .and_then(Path::file_name)
                        .map(|n| n.to_string_lossy().into_owned());
                }
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
            branched_from: self.branched_from.clone(),
        }
    }

    /// Whether this branched log carries `parent` on: branched from it (by folder name) at its
    /// last step, with the sparsity its last validation had (a dense run given more epochs, or
    /// a pruned run fine-tuned longer), rather than starting something else from it (a pruning
    /// schedule from a dense run). `parent_offset` is what was added to the parent's steps.
    fn continues(&self, parent: &RunLog, parent_offset: f64) -> bool {
        let zeros = |v: Option<&ValidPoint>| v.and_then(|v| v.sparsity).unwrap_or(0.0);
        // a log already joined is named "first + second + …": its last run is the one carried on
        let last_run = parent.name.rsplit(" + ").next();
        self.branched_from.as_deref() == last_run
            && self
                .branched_at
                .is_some_and(|at| (at - (parent.last_step() - parent_offset)).abs() < 0.5)
            && (zeros(self.valid.first()) - zeros(parent.valid.last())).abs() < 1e-6
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
/// continue its parent's count); a branch that carries its parent on is joined to it (named
/// `parent + branch`).
pub fn read_sequence(paths: &[PathBuf]) -> Result<Vec<RunLog>, StudyError> {
    let mut out: Vec<RunLog> = Vec::new();
    // what was added to each of `out`'s steps
    let mut offsets: Vec<f64> = Vec::new();
    let mut offset = 0.0f64;
    for p in paths {
        for run in expand(p)? {
            let log = RunLog::read(&run)?;
            let parent = (0..out.len())
                .rev()
                .find(|&j| log.continues(&out[j], offsets[j]));
            if let Some(j) = parent {
                let more = log.shifted(offsets[j]);
                let joined = &mut out[j];
                joined.name = format!("{} + {}", joined.name, more.name);
                joined.train.extend(more.train);
                joined.valid.extend(more.valid);
                offset = offset.max(joined.last_step());
            } else if log.branched_at.is_some() {
                offsets.push(0.0);
                offset = offset.max(log.last_step());
                out.push(log);
            } else {
                let end = log.last_step();
                offsets.push(offset);
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

    #[test]
    fn a_branch_that_carries_its_parent_on_is_joined_to_it() {
        let d = tempfile::tempdir().unwrap();
        write_run(&d.path().join("first"), &[T1]);
        write_run(&d.path().join("dense"), &[T1, T2, V1]);
        // more epochs of the dense run (no sparsity), then more again
        let more = [
            r#"{"kind":"branch","from":"/runs/dense","step":100,"epoch":1}"#,
            r#"{"kind":"train","step":150,"epoch":1,"loss":20.0}"#,
            r#"{"kind":"valid","step":200,"epoch":1,"sparsity":0.0,"loss":25.0,"wer":0.5}"#,
        ];
        write_run(&d.path().join("dense-more"), &more);
        let again = [
            r#"{"kind":"branch","from":"/runs/dense-more","step":200,"epoch":2}"#,
            r#"{"kind":"valid","step":300,"epoch":2,"loss":24.0}"#,
        ];
        write_run(&d.path().join("dense-again"), &again);
        // a pruning schedule branched from the dense run's middle: a run of its own
        let pruned = [
            r#"{"kind":"branch","from":"/runs/dense","step":50,"epoch":0}"#,
            r#"{"kind":"valid","step":100,"epoch":0,"sparsity":0.5,"loss":30.0}"#,
        ];
        write_run(&d.path().join("pruned"), &pruned);
        let names = ["first", "dense", "dense-more", "dense-again", "pruned"];
        let paths: Vec<PathBuf> = names.iter().map(|n| d.path().join(n)).collect();
        let logs = read_sequence(&paths).unwrap();
        let got: Vec<&str> = logs.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(got, ["first", "dense + dense-more + dense-again", "pruned"]);
        // "dense" starts after "first" (50 steps): its continuations keep that offset
        let steps: Vec<f64> = logs[1].valid.iter().map(|v| v.step).collect();
        assert_eq!(steps, [150.0, 250.0, 350.0]);
        assert_eq!(logs[1].train.last().unwrap().0, 200.0);
        assert_eq!(logs[1].branched_at, None);
        assert_eq!(logs[2].branched_at, Some(50.0));
    }
}
