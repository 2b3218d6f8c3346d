#!/usr/bin/env python3
"""WER/CER table of several models on one manifest (docs/RESULTS.md, docs/TRAINING.md).

Usage:
  python3 scripts/results-table.py --manifest CORPUS/test.tsv \\
      [--zeroskip target/release/zeroskip] \\
      [--row 'LABEL=MODEL[@golden][+lm]'] ... [--epochs 'LABEL=RUN'] ... [--json OUT.json [--merge]] [--from-json IN.json] ...
      [--lm LM.arpa.gz [--lm-alpha A] [--lm-beta B]]

Each row runs `zeroskip eval --model MODEL --manifest ... --json` (float, or the bit-exact
fixed-point `golden` backend with `@golden`; a model folder's calibration.json is used if it
has one) and `zeroskip inspect MODEL --json` for the sparsity, and prints one Markdown table
line: label, sparsity of the weight matrices, backend, WER, CER, utterances. A row ending in
`+lm` decodes with the word language model `--lm` (beam search, `zeroskip eval --lm`, with
`--lm-alpha` / `--lm-beta` if given); its backend cell says `+ LM`; other rows decode greedily. `--epochs
LABEL=RUN` adds a row for every RUN/epochs/NN model a training run kept. Progress goes to
stderr, the table to stdout. `--from-json FILE` prints the rows an earlier `--json` wrote (no
model needed), before the measured ones. With `--merge`, rows already in the --json file (same manifest)
whose labels are not measured again are kept, in label order (numbers by value), so a run carried over several
sessions (runs/README.md) collects every epoch's row although each machine holds only its own
epochs' models.
"""
import argparse
import glob
import json
import os
import re
import signal
import subprocess
import sys


def run_json(cmd):
    out = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout)


def row_line(r):
    return (f"| {r['label']} | {100 * r['sparsity']:.2f} % | {r['backend']} | {100 * r['wer']:.2f} % "
            f"| {100 * r['cer']:.2f} % | {r['utterances']} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--zeroskip", default="target/release/zeroskip")
    ap.add_argument("--row", action="append", default=[], help="LABEL=MODEL[@golden][+lm]")
    ap.add_argument("--lm", help="the word language model of +lm rows")
    ap.add_argument("--lm-alpha", help="its weight (zeroskip's default if not given)")
    ap.add_argument("--lm-beta", help="its word bonus (zeroskip's default if not given)")
    ap.add_argument("--epochs", action="append", default=[], help="LABEL=RUN: one row per RUN/epochs/NN")
    ap.add_argument("--json", help="also write every row's numbers here")
    ap.add_argument("--merge", action="store_true", help="keep the --json file's other rows")
    ap.add_argument("--from-json", action="append", default=[],
                    help="print the rows of an earlier --json file (same manifest) before the measured ones")
    args = ap.parse_args()
    if args.merge and not args.json:
        sys.exit("--merge needs --json FILE")
    saved = []
    for path in args.from_json:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            sys.exit(f"--from-json {path}: {e}")
        if doc.get("manifest") != args.manifest:
            sys.exit(f"--from-json {path}: rows on {doc.get('manifest')}, not {args.manifest}")
        saved += doc["rows"]
    if (args.row or args.epochs) and not os.path.exists(args.zeroskip):
        sys.exit(f"{args.zeroskip} not found: build it with `cargo build --release`, or pass --zeroskip")

    rows = []
    for spec in args.row:
        label, _, model = spec.partition("=")
        if not model:
            sys.exit(f"--row {spec!r}: expected LABEL=MODEL[@golden]")
        lm = model.endswith("+lm")
        if lm:
            model = model[: -len("+lm")]
            if not args.lm:
                sys.exit(f"--row {spec!r}: +lm needs --lm FILE")
        backend = "float"
        if model.endswith("@golden"):
            model, backend = model[: -len("@golden")], "golden"
        rows.append((label, model, backend, lm))
    for spec in args.epochs:
        label, _, run = spec.partition("=")
        models = sorted(glob.glob(os.path.join(run, "epochs", "[0-9][0-9]")))
        if not models:
            sys.exit(f"--epochs {spec!r}: no {run}/epochs/NN models")
        for m in models:
            rows.append((f"{label} epoch {int(os.path.basename(m))}", m, "float", False))

    print("| model | zeros | backend | WER | CER | utterances |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in saved:
        print(row_line(r))
    results = []
    for i, (label, model, backend, lm) in enumerate(rows):
        print(f"[{i + 1}/{len(rows)}] {label}: {model} ({backend}{' + LM' if lm else ''})", file=sys.stderr)
        info = run_json([args.zeroskip, "inspect", model, "--json"])
        cmd = [args.zeroskip, "eval", "--model", model, "--manifest", args.manifest,
               "--backend", backend, "--json"]
        if lm:
            cmd += ["--lm", args.lm]
            cmd += ["--lm-alpha", args.lm_alpha] if args.lm_alpha else []
            cmd += ["--lm-beta", args.lm_beta] if args.lm_beta else []
        ev = run_json(cmd)
        r = {"label": label, "model": model, "backend": backend + (" + LM" if lm else ""),
             "decoder": ev["decoder"], "sparsity": info["sparsity"],
             "wer": ev["wer"], "cer": ev["cer"], "utterances": ev["utterances"], "failed": ev["failed"]}
        results.append(r)
        print(row_line(r), flush=True)
    if args.json:
        if args.merge and os.path.exists(args.json):
            with open(args.json) as f:
                old = json.load(f)
            if old.get("manifest") != args.manifest:
                sys.exit(f"--merge: {args.json} holds rows on {old.get('manifest')}, not {args.manifest}")
            labels = {r["label"] for r in results}
            results += [r for r in old["rows"] if r["label"] not in labels]
            results.sort(key=lambda r: [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", r["label"])])
        with open(args.json, "w") as f:
            json.dump({"manifest": args.manifest, "rows": results}, f, indent=1)


if __name__ == "__main__":
    # `| head` closes the pipe early: end quietly, as command-line tools do
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    main()
