#!/usr/bin/env python3
"""Reference MFCCs for zeroskip's front end, computed by python_speech_features.

Writes host/tests/fixtures/mfcc_reference.json: the parameters (in the field names of
zeroskip's FeatureConfig) and, for every fixture WAV, the cepstra before normalisation.
The Rust test host/tests/mfcc_reference.rs checks zeroskip's MFCCs against it.

Regenerate (from the repository root):
    pip install python_speech_features numpy scipy
    python3 scripts/mfcc_reference.py

The samples are scaled exactly as zeroskip's WAV reader does (int16 / 32768), and the
window is numpy.hamming (python_speech_features' default window is rectangular).
"""
import json
import os
import sys

import numpy
import python_speech_features
import scipy.io.wavfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "host", "tests", "fixtures")
WAVS = ["kitchen.wav", "weather.wav", "seven.wav"]

# zeroskip's FeatureConfig defaults (host/src/features/config.rs).
PARAMS = {
    "sample_rate": 16000,
    "window_ms": 25.0,
    "hop_ms": 10.0,
    "preemphasis": 0.97,
    "n_fft": 512,
    "n_filters": 26,
    "n_ceps": 26,
    "low_hz": 0.0,
    "high_hz": 8000.0,
    "lifter": 22.0,
    "append_energy": True,
    "context": 9,
    "stride": 1,
    "normalize": True,
}


def reference(path):
    rate, data = scipy.io.wavfile.read(path)
    if rate != PARAMS["sample_rate"] or data.dtype != numpy.int16 or data.ndim != 1:
        sys.exit(f"{path}: expected 16 kHz mono int16, got {rate} Hz {data.dtype} {data.shape}")
    signal = data.astype(numpy.float64) / 32768.0
    return python_speech_features.mfcc(
        signal,
        samplerate=rate,
        winlen=PARAMS["window_ms"] / 1000.0,
        winstep=PARAMS["hop_ms"] / 1000.0,
        numcep=PARAMS["n_ceps"],
        nfilt=PARAMS["n_filters"],
        nfft=PARAMS["n_fft"],
        lowfreq=PARAMS["low_hz"],
        highfreq=PARAMS["high_hz"],
        preemph=PARAMS["preemphasis"],
        ceplifter=PARAMS["lifter"],
        appendEnergy=PARAMS["append_energy"],
        winfunc=numpy.hamming,
    ), len(signal)


def main():
    files = []
    for name in WAVS:
        feat, n_samples = reference(os.path.join(FIXTURES, name))
        files.append({
            "file": name,
            "samples": n_samples,
            "frames": int(feat.shape[0]),
            # 9 significant digits: far below the 1e-3 relative tolerance of the test.
            "cepstra": [[float(f"{v:.9g}") for v in row] for row in feat],
        })
    out = {
        "generator": f"python_speech_features {getattr(python_speech_features, '__version__', '0.6')}, "
                     f"numpy {numpy.__version__}, scipy {scipy.__version__}; winfunc=numpy.hamming",
        "params": PARAMS,
        "files": files,
    }
    dest = os.path.join(FIXTURES, "mfcc_reference.json")
    with open(dest, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {dest}: " + ", ".join(f"{f['file']} {f['frames']} frames" for f in files))


if __name__ == "__main__":
    main()
