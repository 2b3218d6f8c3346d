#!/usr/bin/env python3
"""WER and CER per speaker, accent, noise and speed of a corpus split.

Usage: zeroskip eval --manifest CORPUS/valid.tsv --model M --json > eval.json
       python3 scripts/wer-by-speaker.py eval.json CORPUS

Joins `zeroskip eval --json`'s per-file edit counts with the corpus's utterances.jsonl (by the
WAV's file stem, the utterance id) and prints corpus-level rates per group, best first.
"""
import collections
import json
import os
import signal
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    report = json.load(open(sys.argv[1]))
    meta = {}
    with open(os.path.join(sys.argv[2], "utterances.jsonl")) as f:
        for line in f:
            if line.strip():
                u = json.loads(line)
                meta[u["id"]] = u

    def group(title, key):
        acc = collections.defaultdict(lambda: [0, 0, 0, 0, 0])
        for f in report["files"]:
            u = meta.get(os.path.splitext(os.path.basename(f["path"]))[0])
            if u is None or f.get("error"):
                continue
            w, c, a = f["words"], f["chars"], acc[key(u)]
            a[0] += w["substitutions"] + w["deletions"] + w["insertions"]
            a[1] += w["reference_len"]
            a[2] += c["substitutions"] + c["deletions"] + c["insertions"]
            a[3] += c["reference_len"]
            a[4] += 1
        print(title)
        for k, a in sorted(acc.items(), key=lambda kv: kv[1][0] / max(kv[1][1], 1)):
            print(f"  {k:32s} n={a[4]:5d}  WER {100 * a[0] / max(a[1], 1):5.1f} %"
                  f"  CER {100 * a[2] / max(a[3], 1):5.1f} %")

    print(f"all: WER {100 * report['wer']:.2f} %, CER {100 * report['cer']:.2f} %")
    group("by speaker", lambda u: f"{u['engine']}:{u['voice']}")
    group("by accent", lambda u: u["accent"] or f"({u['engine']})")
    group("by noise", lambda u: "clean" if u["snr_db"] is None
          else ("snr < 22 dB" if u["snr_db"] < 22 else "snr >= 22 dB"))
    group("by speed", lambda u: "espeak fast (> 180 wpm)" if u["engine"] == "espeak" and u["rate"] > 180
          else ("espeak slow" if u["engine"] == "espeak"
                else f"{u['engine']} {'slower' if u['rate'] > 1 else 'faster'} than its default"))


if __name__ == "__main__":
    # `| head` closes the pipe early: end quietly, as command-line tools do
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    main()
