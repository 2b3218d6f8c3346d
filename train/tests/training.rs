//! A tiny training run end to end: loss goes down, resume after an interruption reproduces the
//! uninterrupted run, pruning masks hold through fine-tuning.

mod common;

use burn::tensor::Device;
use zeroskip_train::prune::{Masks, Scope};
use zeroskip_train::train::{train, Session, TrainConfig};

fn config(corpus: &std::path::Path, epochs: usize) -> TrainConfig {
    TrainConfig {
        model: common::tiny_model(),
        corpus: corpus.to_path_buf(),
        batch_size: 4,
        epochs,
        learning_rate: 3e-3,
        lr_decay: 0.9,
        grad_clip: 5.0,
        checkpoint_every: 2,
        log_every: 1,
        seed: 4,
        train_limit: None,
        valid_limit: None,
        init_from: None,
        gradual: None,
        spec_augment: None,
        branched_from: None,
        distill: None,
    }
}

fn quiet(stop_at_step: Option<usize>, masks: Option<Masks>) -> Session {
    Session {
        stop_at_step,
        quiet: true,
        masks,
    }
}

/// `cfg` with Zhu & Gupta's schedule, PE-balanced for 2 PEs, from 0 to `target` over `rounds`
/// mask updates one step apart from step `start`.
fn gradual(mut cfg: TrainConfig, target: f64, start: usize, rounds: usize) -> TrainConfig {
    cfg.gradual = Some(zeroskip_train::train::Gradual {
        scope: Scope::Balanced { pes: 2 },
        initial: 0.0,
        target,
        start,
        rounds,
        every: 1,
    });
    cfg
}

/// Weights `masks` keeps in each PE's share of matrix `k` (`rows` × `cols`), for `pes` PEs.
fn kept_per_pe(masks: &Masks, k: usize, rows: usize, cols: usize, pes: usize) -> Vec<usize> {
    let keep = masks.keep[k].as_bytes();
    let mut per_pe = vec![0usize; pes];
    for row in 0..rows {
        per_pe[zeroskip_train::prune::pe_of_row(k, rows, row, pes)] += keep
            [row * cols..(row + 1) * cols]
            .iter()
            .filter(|&&b| b == b'1')
            .count();
    }
    per_pe
}

#[test]
fn a_resumed_run_ends_where_an_uninterrupted_one_does() {
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 16, 3);
    let device = Device::flex().autodiff();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let straight = train(
        a.path(),
        Some(config(corpus.path(), 2)),
        quiet(None, None),
        &device,
    )
    .unwrap();
    assert!(straight.finished);
    assert_eq!(straight.state.step, 8);

    let first = train(
        b.path(),
        Some(config(corpus.path(), 2)),
        quiet(Some(3), None),
        &device,
    )
    .unwrap();
    assert!(!first.finished);
    assert_eq!(first.state.step, 3);
    // A run killed after its checkpoint has logged steps that the resumed run repeats: a line
    // of such lost work must not stay in the log.
    let log_b = b.path().join("log.jsonl");
    let mut text = std::fs::read_to_string(&log_b).unwrap();
    text.push_str("{\"kind\":\"train\",\"step\":5,\"loss\":12345.0}\n");
    std::fs::write(&log_b, text).unwrap();
    let resumed = train(b.path(), None, quiet(None, None), &device).unwrap();
    assert!(resumed.finished);
    assert_eq!(resumed.state.step, 8);

    let (_, wa) = zeroskip_train::train::import(&a.path().join("final"), &Device::flex()).unwrap();
    let (_, wb) = zeroskip_train::train::import(&b.path().join("final"), &Device::flex()).unwrap();
    let (ha, hb) = (wa.to_host(), wb.to_host());
    let diff = ha
        .fc1
        .weight
        .iter()
        .zip(hb.fc1.weight.iter())
        .chain(
            ha.lstm_backward
                .weight_hh
                .iter()
                .zip(hb.lstm_backward.weight_hh.iter()),
        )
        .map(|(x, y)| (x - y).abs())
        .fold(0f32, f32::max);
    assert!(
        diff < 1e-5,
        "resumed run differs from the straight one by {diff}"
    );

    let read_log = |dir: &std::path::Path| -> Vec<serde_json::Value> {
        std::fs::read_to_string(dir.join("log.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let lines = read_log(a.path());
    let kind_step = |v: &Vec<serde_json::Value>| -> Vec<(String, u64)> {
        v.iter()
            .map(|l| (l["kind"].to_string(), l["step"].as_u64().unwrap()))
            .collect()
    };
    let resumed_lines = read_log(b.path());
    assert_eq!(kind_step(&resumed_lines), kind_step(&lines));
    assert!(resumed_lines.iter().all(|l| l["loss"] != 12345.0));
    assert_eq!(lines.iter().filter(|l| l["kind"] == "valid").count(), 2);
    let losses: Vec<f64> = lines
        .iter()
        .filter(|l| l["kind"] == "train")
        .map(|l| l["loss"].as_f64().unwrap())
        .collect();
    assert!(losses.iter().all(|l| l.is_finite()));
    assert!(
        losses.last().unwrap() < losses.first().unwrap(),
        "loss did not fall: {losses:?}"
    );
}

#[test]
fn a_run_folder_refuses_another_configuration() {
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 4, 3);
    let device = Device::flex().autodiff();
    let run = tempfile::tempdir().unwrap();
    train(
        run.path(),
        Some(config(corpus.path(), 1)),
        quiet(Some(0), None),
        &device,
    )
    .unwrap();
    let err = train(
        run.path(),
        Some(config(corpus.path(), 2)),
        quiet(Some(0), None),
        &device,
    )
    .unwrap_err();
    assert!(err.to_string().contains("config.json"), "{err}");
}

#[test]
fn masks_reach_their_sparsity_and_pruned_weights_stay_zero_through_fine_tuning() {
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 8, 3);
    let device = Device::flex().autodiff();
    let cfg = config(corpus.path(), 1);
    let model = zeroskip_train::model::DeepSpeech::init(&cfg.model, cfg.seed, &Device::flex());
    for scope in [
        Scope::PerLayer,
        Scope::Global,
        Scope::Balanced { pes: 4 },
        Scope::GlobalBalanced { pes: 4 },
    ] {
        let masks = Masks::magnitude(&model, 0.9, scope);
        assert!(
            (masks.sparsity() - 0.9).abs() < 0.01,
            "{scope:?}: sparsity {}",
            masks.sparsity()
        );
    }
    let masks = Masks::magnitude(&model, 0.9, Scope::Balanced { pes: 4 });
    let run = tempfile::tempdir().unwrap();
    train(
        run.path(),
        Some(cfg),
        quiet(None, Some(masks.clone())),
        &device,
    )
    .unwrap();
    let (_, tuned) =
        zeroskip_train::train::import(&run.path().join("final"), &Device::flex()).unwrap();
    for (k, (_, _, values)) in zeroskip_train::prune::matrices(&tuned).iter().enumerate() {
        for (i, (v, keep)) in values.iter().zip(masks.keep[k].bytes()).enumerate() {
            if keep == b'0' {
                assert_eq!(*v, 0.0, "{} weight {i} is pruned but {v}", masks.names[k]);
            }
        }
    }
}

#[test]
fn iterative_rounds_reach_ninety_percent_and_resume_skips_finished_rounds() {
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 8, 3);
    let device = Device::flex().autodiff();
    let dense_run = tempfile::tempdir().unwrap();
    train(
        dense_run.path(),
        Some(config(corpus.path(), 1)),
        quiet(None, None),
        &device,
    )
    .unwrap();
    let prune_run = tempfile::tempdir().unwrap();
    let rounds = zeroskip_train::iterative::Rounds {
        dense: dense_run.path().join("final"),
        targets: vec![0.5, 0.9],
        scope: Scope::Global,
        fine_tune: config(corpus.path(), 1),
    };
    let results = zeroskip_train::iterative::run(prune_run.path(), &rounds, &device, true).unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[0].sparsity < 0.01);
    assert!(
        (results[2].sparsity - 0.9).abs() < 0.005,
        "{}",
        results[2].sparsity
    );
    let (_, last) = zeroskip_train::train::import(&results[2].model, &Device::flex()).unwrap();
    let (zeros, total) = zeroskip_train::prune::matrices(&last)
        .iter()
        .fold((0, 0), |(z, t), (_, _, v)| {
            (z + v.iter().filter(|x| **x == 0.0).count(), t + v.len())
        });
    assert!(
        zeros as f64 / total as f64 >= 0.9 - 1e-3,
        "{zeros} of {total} zero"
    );
    // A second call finds every round finished and only re-evaluates.
    let log_before =
        std::fs::read_to_string(prune_run.path().join("round-02-90/log.jsonl")).unwrap();
    zeroskip_train::iterative::run(prune_run.path(), &rounds, &device, true).unwrap();
    assert_eq!(
        log_before,
        std::fs::read_to_string(prune_run.path().join("round-02-90/log.jsonl")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(prune_run.path().join("rounds.jsonl"))
            .unwrap()
            .lines()
            .count(),
        3
    );
}

#[test]
fn gradual_schedule_ends_at_its_target_sparsity() {
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 8, 3);
    let device = Device::flex().autodiff();
    let mut cfg = config(corpus.path(), 2);
    cfg.gradual = Some(zeroskip_train::train::Gradual {
        scope: Scope::PerLayer,
        initial: 0.0,
        target: 0.8,
        start: 1,
        rounds: 3,
        every: 1,
    });
    let run = tempfile::tempdir().unwrap();
    train(run.path(), Some(cfg), quiet(None, None), &device).unwrap();
    let (_, m) = zeroskip_train::train::import(&run.path().join("final"), &Device::flex()).unwrap();
    for (k, (_, _, v)) in zeroskip_train::prune::matrices(&m).iter().enumerate() {
        let zeros = v.iter().filter(|x| **x == 0.0).count() as f64 / v.len() as f64;
        assert!((zeros - 0.8).abs() < 0.02, "matrix {k}: {zeros} zeros");
    }
}

#[test]
fn a_branched_gradual_run_equals_one_started_from_scratch() {
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 16, 3);
    let device = Device::flex().autodiff();
    let gradual = |cfg: TrainConfig| gradual(cfg, 0.9, 4, 2);
    let (dense, branched, straight) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    // The dense run stops at the end of its first epoch (step 4), where the branch starts.
    train(
        dense.path(),
        Some(config(corpus.path(), 2)),
        quiet(Some(4), None),
        &device,
    )
    .unwrap();
    zeroskip_train::train::branch(dense.path(), branched.path()).unwrap();
    let mut cfg = gradual(config(corpus.path(), 2));
    cfg.branched_from = Some(dense.path().to_path_buf());
    let b = train(branched.path(), Some(cfg), quiet(None, None), &device).unwrap();
    assert!(b.finished);
    assert_eq!(b.state.step, 8);
    // Branching again is a no-op: the branched run keeps its own checkpoint.
    zeroskip_train::train::branch(dense.path(), branched.path()).unwrap();
    let s = train(
        straight.path(),
        Some(gradual(config(corpus.path(), 2))),
        quiet(None, None),
        &device,
    )
    .unwrap();
    assert_eq!(s.state.step, 8);

    let (_, wb) =
        zeroskip_train::train::import(&branched.path().join("final"), &Device::flex()).unwrap();
    let (_, ws) =
        zeroskip_train::train::import(&straight.path().join("final"), &Device::flex()).unwrap();
    assert!(
        zeroskip_train::prune::sparsity(&wb) >= 0.9,
        "{}",
        zeroskip_train::prune::sparsity(&wb)
    );
    let (mb, ms) = (
        zeroskip_train::prune::matrices(&wb),
        zeroskip_train::prune::matrices(&ws),
    );
    // Equal up to float rounding: resuming is exact to about 1e-7, and such a difference can
    // move a weight at the pruning threshold across it, so compare the masks by agreement and
    // the weights where both kept them.
    let (mut flipped, mut total, mut diff) = (0usize, 0usize, 0f32);
    for ((_, _, x), (_, _, y)) in mb.iter().zip(&ms) {
        for (a, b) in x.iter().zip(y) {
            total += 1;
            if (*a == 0.0) != (*b == 0.0) {
                flipped += 1;
            } else {
                diff = diff.max((a - b).abs());
            }
        }
    }
    assert!(
        flipped * 500 <= total,
        "{flipped} of {total} mask entries differ"
    );
    assert!(
        diff < 1e-4,
        "branched run differs by {diff} ({flipped} of {total} mask entries flipped)"
    );
    // Per-epoch models are kept; `best` only holds a model at the final sparsity.
    assert!(branched.path().join("epochs/02/model.json").exists());
    let (_, best) =
        zeroskip_train::train::import(&branched.path().join("best"), &Device::flex()).unwrap();
    assert!(zeroskip_train::prune::sparsity(&best) >= 0.9);
    let log = std::fs::read_to_string(branched.path().join("log.jsonl")).unwrap();
    assert!(log.lines().any(|l| l.contains("\"kind\":\"branch\"")));
}

#[test]
fn global_balanced_masks_share_one_threshold_across_matrices_and_balance_pes_within_each() {
    let corpus = tempfile::tempdir().unwrap();
    let cfg = config(corpus.path(), 1);
    let model = zeroskip_train::model::DeepSpeech::init(&cfg.model, cfg.seed, &Device::flex());
    let pes = 4;
    let masks = Masks::magnitude(&model, 0.8, Scope::GlobalBalanced { pes });
    let global = Masks::magnitude(&model, 0.8, Scope::Global);
    let mats = zeroskip_train::prune::matrices(&model);
    let mut densities = Vec::new();
    for (k, (rows, cols, _)) in mats.iter().enumerate() {
        let keep = masks.keep[k].as_bytes();
        let per_pe = kept_per_pe(&masks, k, *rows, *cols, pes);
        let used: Vec<usize> = per_pe.iter().copied().filter(|&n| n > 0).collect();
        assert!(
            used.windows(2).all(|w| w[0] == w[1]),
            "{}: {per_pe:?}",
            masks.names[k]
        );
        // each matrix keeps about what the global threshold gives it
        let g = global.keep[k].bytes().filter(|&b| b == b'1').count() as f64;
        let b = keep.iter().filter(|&&b| b == b'1').count() as f64;
        assert!(
            (b - g).abs() <= 0.1 * g + (pes * cols) as f64,
            "{}: {b} vs {g}",
            masks.names[k]
        );
        densities.push(b / (rows * cols) as f64);
    }
    let (lo, hi) = densities
        .iter()
        .fold((1.0f64, 0.0f64), |(lo, hi), &d| (lo.min(d), hi.max(d)));
    assert!(
        hi - lo > 0.05,
        "one threshold should keep different shares: {densities:?}"
    );
}

/// `bash scripts/run-state.sh ARGS…`.
fn run_state_sh(args: &[&std::path::Path]) -> std::process::Output {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/run-state.sh");
    std::process::Command::new("bash")
        .arg(script)
        .args(args)
        .output()
        .unwrap()
}

/// `bash scripts/run-state.sh ARGS…`, which must succeed.
fn run_state_sh_ok(args: &[&std::path::Path]) {
    let out = run_state_sh(args);
    assert!(
        out.status.success(),
        "run-state.sh {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `scripts/run-state.sh` carries a run between machines (runs/README.md): saved at a
/// checkpoint, restored into another folder and resumed, it ends where the uninterrupted run
/// does, masks included, and its log has no lines from past the saved checkpoint.
#[test]
fn a_run_saved_and_restored_by_run_state_sh_resumes_like_the_uninterrupted_one() {
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 16, 3);
    let device = Device::flex().autodiff();
    let gradual = || gradual(config(corpus.path(), 2), 0.8, 1, 3);
    let (straight, first, saved, restored) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let s = train(straight.path(), Some(gradual()), quiet(None, None), &device).unwrap();
    assert_eq!(s.state.step, 8);
    train(first.path(), Some(gradual()), quiet(Some(3), None), &device).unwrap();
    // What a machine that went on past the checkpoint would have logged.
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(first.path().join("log.jsonl"))
        .unwrap();
    use std::io::Write;
    writeln!(log, r#"{{"kind":"train","step":99,"epoch":1,"loss":1.0}}"#).unwrap();
    drop(log);

    let dest = saved.path().join("runs/tiny");
    run_state_sh_ok(&[std::path::Path::new("save"), first.path(), &dest]);
    for f in ["config.json", "log.jsonl", "checkpoint.tar.gz"] {
        assert!(dest.join(f).exists(), "{f} not saved");
    }
    // The same run saved twice gives the same bytes (archives are reproducible).
    let bytes = std::fs::read(dest.join("checkpoint.tar.gz")).unwrap();
    run_state_sh_ok(&[std::path::Path::new("save"), first.path(), &dest]);
    assert_eq!(
        bytes,
        std::fs::read(dest.join("checkpoint.tar.gz")).unwrap()
    );

    let target = restored.path().join("run");
    run_state_sh_ok(&[std::path::Path::new("restore"), &dest, &target]);
    assert!(target.join("checkpoint/masks.json").exists());
    let r = train(&target, None, quiet(None, None), &device).unwrap();
    assert!(r.finished);
    assert_eq!(r.state.step, 8);

    let (_, ws) =
        zeroskip_train::train::import(&straight.path().join("final"), &Device::flex()).unwrap();
    let (_, wr) = zeroskip_train::train::import(&target.join("final"), &Device::flex()).unwrap();
    let (ms, mr) = (
        zeroskip_train::prune::matrices(&ws),
        zeroskip_train::prune::matrices(&wr),
    );
    let mut diff = 0f32;
    for ((_, _, x), (_, _, y)) in ms.iter().zip(&mr) {
        for (a, b) in x.iter().zip(y) {
            assert_eq!(*a == 0.0, *b == 0.0, "masks differ");
            diff = diff.max((a - b).abs());
        }
    }
    assert!(diff < 1e-5, "restored run differs by {diff}");
    let log = std::fs::read_to_string(target.join("log.jsonl")).unwrap();
    assert!(
        !log.contains("\"step\":99"),
        "a line past the checkpoint was kept"
    );
    assert_eq!(log.matches("\"kind\":\"valid\"").count(), 2);

    // Restoring over a run that has a checkpoint is refused, naming the folder.
    let out = run_state_sh(&[std::path::Path::new("restore"), &dest, &target]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already has a checkpoint"));
}

/// `scripts/run-state.sh` carries the models of a run's last three epochs that its checkpoint
/// has finished (what `zeroskip-train average` takes at the end), and no other epoch's.
#[test]
fn run_state_sh_carries_the_last_three_epoch_models_up_to_the_checkpoint() {
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 16, 3);
    let device = Device::flex().autodiff();
    let (first, saved, restored) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    // 4 epochs of 4 steps; stopped at step 10, so epochs 1 and 2 are finished.
    let r = train(
        first.path(),
        Some(config(corpus.path(), 4)),
        quiet(Some(10), None),
        &device,
    )
    .unwrap();
    assert_eq!(r.state.step, 10);
    let epoch = |run: &std::path::Path, n: &str| run.join("epochs").join(n);
    // What a machine that went on past the checkpoint would have written.
    std::fs::create_dir_all(epoch(first.path(), "03")).unwrap();
    for f in ["model.json", "model.safetensors"] {
        std::fs::copy(
            epoch(first.path(), "02").join(f),
            epoch(first.path(), "03").join(f),
        )
        .unwrap();
    }

    let dest = saved.path().join("runs/tiny");
    run_state_sh_ok(&[std::path::Path::new("save"), first.path(), &dest]);
    assert!(dest.join("epoch-02.tar.gz").exists(), "epoch 2 not saved");
    assert!(
        !dest.join("epoch-01.tar.gz").exists(),
        "epoch 1 is not among the last three of 4"
    );
    assert!(
        !dest.join("epoch-03.tar.gz").exists(),
        "epoch 3 was written past the checkpoint"
    );

    let target = restored.path().join("run");
    run_state_sh_ok(&[std::path::Path::new("restore"), &dest, &target]);
    assert_eq!(
        std::fs::read(epoch(&target, "02").join("model.safetensors")).unwrap(),
        std::fs::read(epoch(first.path(), "02").join("model.safetensors")).unwrap()
    );
    let r = train(&target, None, quiet(None, None), &device).unwrap();
    assert!(r.finished);
    for n in ["02", "03", "04"] {
        zeroskip_train::train::import(&epoch(&target, n), &Device::flex())
            .unwrap_or_else(|e| panic!("epoch {n} of the restored run: {e}"));
    }
}

#[test]
fn distill_loss_is_zero_for_the_teachers_own_logits_and_ignores_padding() {
    use burn::tensor::{Tensor, TensorData};
    use zeroskip_train::train::distill_loss;
    let device = Device::flex();
    let values: Vec<f32> = (0..2 * 5 * 4)
        .map(|i| ((i * 37 % 11) as f32 - 5.0) / 3.0)
        .collect();
    let t = |v: Vec<f32>| Tensor::<3>::from_data(TensorData::new(v, [2, 5, 4]), &device);
    let lengths = [5, 3];
    let per_utt = |student: Vec<f32>, temperature: f64| -> Vec<f32> {
        distill_loss(t(student), t(values.clone()), &lengths, temperature)
            .into_data()
            .convert::<f32>()
            .try_to_vec::<f32>()
            .unwrap()
    };
    for temperature in [1.0, 2.0] {
        let same = per_utt(values.clone(), temperature);
        assert!(same.iter().all(|x| x.abs() < 1e-5), "{same:?}");
    }
    let mut other = values.clone();
    other.iter_mut().step_by(3).for_each(|x| *x += 1.5);
    let differ = per_utt(other.clone(), 1.0);
    assert!(differ.iter().all(|&x| x > 1e-3), "{differ:?}");
    // Frames 3 and 4 of the second utterance are padding: changing them changes nothing.
    let mut padded = other.clone();
    for f in 3..5 {
        for c in 0..4 {
            padded[20 + f * 4 + c] += 7.0;
        }
    }
    assert_eq!(per_utt(padded, 1.0), differ);
}

/// Distillation pulls a student toward its teacher: the same student run with the teacher's
/// posteriors in its loss ends closer to them than without, and a teacher with another front
/// end is refused by name.
#[test]
fn distillation_pulls_the_student_toward_the_teacher() {
    use zeroskip_train::data::{Batch, DataSet};
    use zeroskip_train::train::{distill_loss, import, Distill};
    let corpus = tempfile::tempdir().unwrap();
    common::tiny_corpus(corpus.path(), 16, 3);
    let device = Device::flex().autodiff();
    let (teacher, plain, distilled) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let mut tcfg = config(corpus.path(), 4);
    tcfg.model.fc_sizes = [32, 32, 32];
    tcfg.model.lstm_hidden = 16;
    train(teacher.path(), Some(tcfg), quiet(None, None), &device).unwrap();
    let student = || {
        let mut c = config(corpus.path(), 4);
        c.seed = 9;
        c
    };
    train(plain.path(), Some(student()), quiet(None, None), &device).unwrap();
    let mut with = student();
    with.distill = Some(Distill {
        teacher: teacher.path().join("final"),
        weight: 10.0,
        temperature: 1.0,
    });
    train(distilled.path(), Some(with), quiet(None, None), &device).unwrap();
    let log = std::fs::read_to_string(distilled.path().join("log.jsonl")).unwrap();
    assert!(
        log.contains("\"distill\":"),
        "the log has no distillation term"
    );

    let inner = Device::flex();
    let set = DataSet::load(
        &corpus.path().join("train.tsv"),
        &common::tiny_model(),
        None,
        &indicatif::ProgressBar::hidden(),
    )
    .unwrap();
    let idx: Vec<usize> = (0..set.utterances.len()).collect();
    let batch = Batch::new(&set, &idx, &inner);
    let (_, t) = import(&teacher.path().join("final"), &inner).unwrap();
    let teacher_logits = t.forward(batch.features.clone(), &batch.lengths);
    let kl = |dir: &std::path::Path| -> f32 {
        let (_, s) = import(&dir.join("final"), &inner).unwrap();
        let logits = s.forward(batch.features.clone(), &batch.lengths);
        distill_loss(logits, teacher_logits.clone(), &batch.lengths, 1.0)
            .mean()
            .into_scalar::<f32>()
    };
    let (kl_plain, kl_distilled) = (kl(plain.path()), kl(distilled.path()));
    eprintln!("KL to the teacher: {kl_distilled} with distillation, {kl_plain} without");
    assert!(
        kl_distilled < 0.9 * kl_plain,
        "distillation did not pull the student toward the teacher: KL {kl_distilled} with, {kl_plain} without"
    );

    let mut wrong = student();
    wrong.model.features.context = 1;
    wrong.distill = Some(Distill {
        teacher: teacher.path().join("final"),
        weight: 1.0,
        temperature: 1.0,
    });
    let other = tempfile::tempdir().unwrap();
    let err = train(other.path(), Some(wrong), quiet(None, None), &device)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("teacher")
            && err.contains(&teacher.path().join("final").display().to_string()),
        "{err}"
    );
}

#[test]
fn lamp_scores_are_a_weights_square_over_the_squares_at_least_as_large() {
    let s = zeroskip_train::prune::lamp_scores(&[1.0, -2.0, 0.5, 2.0]);
    let want = [1.0 / 9.0, 4.0 / 8.0, 0.25 / 9.25, 1.0];
    for (got, want) in s.iter().zip(want) {
        assert!((got - want).abs() < 1e-6, "{s:?}");
    }
}

/// LAMP shares are scale-free: shrinking the output layer's weights 128-fold (as they
/// are, relative to the others, early in training) leaves its mask as it was, where raw
/// magnitudes empty it; PEs stay balanced within each matrix.
#[test]
fn lamp_balanced_masks_do_not_depend_on_a_matrix_scale_and_keep_every_matrix() {
    let corpus = tempfile::tempdir().unwrap();
    let cfg = config(corpus.path(), 1);
    let device = Device::flex();
    let model = zeroskip_train::model::DeepSpeech::init(&cfg.model, cfg.seed, &device);
    let mut w = model.to_host();
    // A power of two: the scaled weights are exact, so the scores are bit for bit the same.
    w.out.weight.mapv_inplace(|x| x / 128.0);
    let shrunk = zeroskip_train::model::DeepSpeech::from_host(&cfg.model, &w, &device);
    let pes = 4;
    let out = zeroskip_train::model::MATRIX_NAMES
        .iter()
        .position(|n| n.starts_with("out"))
        .unwrap();
    let kept = |m: &Masks, k: usize| m.keep[k].bytes().filter(|&b| b == b'1').count();
    let lamp = Masks::magnitude(&model, 0.8, Scope::LampBalanced { pes });
    let lamp_shrunk = Masks::magnitude(&shrunk, 0.8, Scope::LampBalanced { pes });
    assert_eq!(lamp.keep, lamp_shrunk.keep);
    let global_shrunk = Masks::magnitude(&shrunk, 0.8, Scope::GlobalBalanced { pes });
    assert_eq!(
        kept(&global_shrunk, out),
        0,
        "raw magnitudes should empty the shrunk layer"
    );
    assert!(kept(&lamp_shrunk, out) > 0);
    assert!((lamp.sparsity() - 0.8).abs() < 0.05, "{}", lamp.sparsity());
    for (k, (rows, cols, _)) in zeroskip_train::prune::matrices(&model).iter().enumerate() {
        assert!(kept(&lamp, k) > 0, "{} emptied", lamp.names[k]);
        let per_pe = kept_per_pe(&lamp, k, *rows, *cols, pes);
        let used: Vec<usize> = per_pe.iter().copied().filter(|&n| n > 0).collect();
        assert!(used.windows(2).all(|w| w[0] == w[1]), "{per_pe:?}");
    }
}

/// Gradual pruning feeds each round's masked model into the next. The 29-row output layer is
/// dealt unevenly to 16 PEs; it must keep about its global share through the rounds, not shrink
/// by the ratio of its smallest PE share to its average one at every round.
#[test]
fn repeated_global_balanced_rounds_keep_an_uneven_matrix_at_its_share() {
    let corpus = tempfile::tempdir().unwrap();
    let cfg = config(corpus.path(), 1);
    let device = Device::flex();
    let mut model = zeroskip_train::model::DeepSpeech::init(&cfg.model, cfg.seed, &device);
    let out = zeroskip_train::model::MATRIX_NAMES
        .iter()
        .position(|n| n.starts_with("out"))
        .unwrap();
    let kept = |m: &Masks| m.keep[out].bytes().filter(|&b| b == b'1').count();
    let once = Masks::magnitude(&model, 0.8, Scope::GlobalBalanced { pes: 16 });
    let mut last = None;
    for s in [0.0, 0.2, 0.4, 0.6, 0.7, 0.8] {
        let m = Masks::magnitude(&model, s, Scope::GlobalBalanced { pes: 16 });
        model = m.apply(model);
        last = Some(m);
    }
    let last = last.unwrap();
    assert!((last.sparsity() - 0.8).abs() < 0.02, "{}", last.sparsity());
    assert!(
        kept(&last) * 10 >= kept(&once) * 7,
        "the output layer shrank over the rounds: {} kept, {} in one round",
        kept(&last),
        kept(&once)
    );
}
