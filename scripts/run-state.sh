#!/usr/bin/env bash
# Carries a training run between machines through the repository (docs/TRAINING.md, "Runs that
# span sessions"): a session's machine keeps nothing outside the repository, so a run that needs
# more than one session is saved into `runs/NAME/` and committed, and restored on the next machine.
#
#   bash scripts/run-state.sh save RUN_DIR runs/NAME      # after stopping the run (or between checkpoints)
#   bash scripts/run-state.sh restore runs/NAME RUN_DIR   # then `zeroskip-train resume --run RUN_DIR`
#
# `runs/NAME/` holds config.json, log.jsonl (cut at the checkpoint's step, so the resumed run's
# lines follow on without repeats), checkpoint.tar.gz (model, Adam state, masks, state.json: the
# resume is exact), best.tar.gz (the run's best model, when it has one) and epoch-NN.tar.gz (the
# models after the run's last three epochs, RUN/epochs/NN, once they exist: what `zeroskip-train
# average` takes at the end, when those epochs span machines). Archives are written
# reproducibly (sorted names, fixed times and owners, gzip -n).
set -euo pipefail

die() { echo "run-state: $*" >&2; exit 1; }
usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-1}"; }

step_of() { # STATE_JSON: the step a checkpoint was taken at
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["step"])' "$1" || die "$1: no step"
}

last_epochs() { # RUN STATE_JSON: the NN of RUN/epochs/NN among the run's last three epochs that
  # the checkpoint has finished (a model written past the checkpoint belongs to lost work)
  python3 - "$1" "$2" <<'EOF' || die "$1: cannot list its epoch models"
import json, os, sys
run, state = sys.argv[1], sys.argv[2]
total = json.load(open(os.path.join(run, "config.json")))["epochs"]
done = json.load(open(state))["epoch"]  # epochs finished at the checkpoint
d = os.path.join(run, "epochs")
names = sorted(os.listdir(d)) if os.path.isdir(d) else []
for n in names:
    if n.isdigit() and max(1, total - 2) <= int(n) <= done and \
            os.path.isfile(os.path.join(d, n, "model.json")):
        print(n)
EOF
}

pack() { # DIR ARCHIVE: the files of DIR (no subfolders) into a reproducible .tar.gz
  local dir=$1 out=$2
  (cd "$dir" && find . -maxdepth 1 -type f -printf '%P\n' | LC_ALL=C sort) |
    tar -C "$dir" --no-recursion --mtime=@0 --owner=0 --group=0 --numeric-owner \
      -cf - -T - | gzip -9 -n > "$out.tmp"
  mv "$out.tmp" "$out"
}

save() {
  local run=$1 dest=$2 ckpt
  [ -f "$run/config.json" ] || die "$run is not a training run (no config.json)"
  ckpt="$run/checkpoint"
  [ -f "$ckpt/state.json" ] || ckpt="$run/checkpoint.old"
  [ -f "$ckpt/state.json" ] || die "$run has no checkpoint (neither checkpoint/ nor checkpoint.old/ holds state.json)"
  local step
  step=$(step_of "$ckpt/state.json")
  mkdir -p "$dest"
  cp "$run/config.json" "$dest/config.json"
  if [ -f "$run/log.jsonl" ]; then
    python3 - "$run/log.jsonl" "$step" > "$dest/log.jsonl.tmp" <<'EOF'
import json, sys
path, step = sys.argv[1], int(sys.argv[2])
kept = []  # (kind, step, line)
for n, line in enumerate(open(path), 1):
    if not line.strip():
        continue
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as e:
        sys.exit(f"{path}:{n}: not JSON ({e})")
    kind, s = rec.get("kind"), rec.get("step", 0)
    # A line at or before a step already logged for its kind was written by a resumed run:
    # the earlier lines from that step on were lost work (binaries before the resume cut its log).
    kept = [k for k in kept if k[0] != kind or k[1] < s]
    if s <= step:
        kept.append((kind, s, line if line.endswith("\n") else line + "\n"))
sys.stdout.write("".join(k[2] for k in kept))
EOF
    mv "$dest/log.jsonl.tmp" "$dest/log.jsonl"
  fi
  pack "$ckpt" "$dest/checkpoint.tar.gz"
  if [ -f "$run/best/model.json" ]; then
    pack "$run/best" "$dest/best.tar.gz"
  else
    rm -f "$dest/best.tar.gz"
  fi
  rm -f "$dest"/epoch-*.tar.gz
  local nn epochs
  epochs=$(last_epochs "$run" "$ckpt/state.json") || exit 1
  for nn in $epochs; do
    pack "$run/epochs/$nn" "$dest/epoch-$nn.tar.gz"
  done
  echo "run-state: saved $run (step $step) to $dest: $(du -sh "$dest" | cut -f1)"
}

restore() {
  local src=$1 run=$2
  [ -f "$src/config.json" ] && [ -f "$src/checkpoint.tar.gz" ] ||
    die "$src is not a saved run (needs config.json and checkpoint.tar.gz)"
  if [ -e "$run/checkpoint/state.json" ]; then
    die "$run already has a checkpoint; resume it, or restore into another folder"
  fi
  mkdir -p "$run/checkpoint.tmp"
  tar -C "$run/checkpoint.tmp" -xzf "$src/checkpoint.tar.gz"
  rm -rf "$run/checkpoint"
  mv "$run/checkpoint.tmp" "$run/checkpoint"
  if [ -f "$src/best.tar.gz" ]; then
    rm -rf "$run/best"
    mkdir -p "$run/best"
    tar -C "$run/best" -xzf "$src/best.tar.gz"
  fi
  local archive nn
  for archive in "$src"/epoch-*.tar.gz; do
    [ -f "$archive" ] || continue
    nn=${archive##*/epoch-}
    nn=${nn%.tar.gz}
    rm -rf "$run/epochs/$nn"
    mkdir -p "$run/epochs/$nn"
    tar -C "$run/epochs/$nn" -xzf "$archive"
  done
  cp "$src/config.json" "$run/config.json"
  [ -f "$src/log.jsonl" ] && cp "$src/log.jsonl" "$run/log.jsonl"
  echo "run-state: restored $src into $run (step $(step_of "$run/checkpoint/state.json"))"
}

case "${1:-}" in
  save) [ $# -eq 3 ] || usage; save "$2" "$3" ;;
  restore) [ $# -eq 3 ] || usage; restore "$2" "$3" ;;
  -h|--help) usage 0 ;;
  *) usage ;;
esac
