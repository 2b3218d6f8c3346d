//! Bad input to `zeroskip calibrate`, `image` and the golden backend is an error naming the
//! problem (exit 1) or bad usage (exit 2), never a panic: missing or unreadable audio and
//! manifests, unwritable outputs, a calibration.json of another model or version, corrupt
//! gzipped weights.

mod common;

use common::{fails, ok, s, setup, zeroskip};
use zeroskip::model::{gzip, Model, ModelConfig, CALIBRATION_FILE, WEIGHTS_FILE};

#[test]
fn bad_input_is_named() {
    let t = setup();
    let m = s(&t.model);
    let out = t.root.join("out.json");
    let o = s(&out);
    // Usage errors.
    fails(&["calibrate", "--model", m, "--out", o], 2, "WAV");
    fails(
        &[
            "calibrate",
            "--model",
            m,
            "--limit",
            "2",
            "--out",
            o,
            s(&t.wavs[0]),
        ],
        2,
        "--limit",
    );
    let list = t.root.join("list.tsv");
    std::fs::write(&list, "w0.wav\ta\n").unwrap();
    fails(
        &[
            "calibrate",
            "--model",
            m,
            "--manifest",
            s(&list),
            "--limit",
            "0",
            "--out",
            o,
        ],
        2,
        "0",
    );
    fails(&["image", "--model", m], 2, "--out");
    // Errors naming the file.
    fails(
        &[
            "calibrate",
            "--model",
            m,
            "--out",
            o,
            s(&t.wavs[0]),
            s(&t.bad),
        ],
        1,
        "bad.wav",
    );
    assert!(!out.exists(), "no calibration written after a failure");
    fails(
        &[
            "calibrate",
            "--model",
            m,
            "--manifest",
            "/no/such/list.tsv",
            "--out",
            o,
        ],
        1,
        "/no/such/list.tsv",
    );
    fails(
        &[
            "calibrate",
            "--model",
            m,
            "--out",
            "/no/such/dir/c.json",
            s(&t.wavs[0]),
        ],
        1,
        "/no/such/dir/c.json",
    );
    fails(
        &["image", "--model", m, "--pes", "0", "--out", o],
        1,
        "--pes 0",
    );
    fails(
        &["image", "--model", m, "--out", "/no/such/dir/x.img"],
        1,
        "/no/such/dir/x.img",
    );
    fails(
        &["image", "--model", m, "--calibrate", s(&t.bad), "--out", o],
        1,
        "bad.wav",
    );

    // A calibration of another model, or of another version.
    let cal = t.model.join(CALIBRATION_FILE);
    let other = t.root.join("other");
    let cfg = ModelConfig {
        fc_sizes: [16, 12, 16],
        lstm_hidden: 8,
        ..Default::default()
    };
    Model::random(cfg, 3).unwrap().save(&other).unwrap();
    ok(&zeroskip(&[
        "calibrate",
        "--model",
        s(&other),
        "--out",
        s(&cal),
        s(&t.wavs[0]),
    ]));
    let e = fails(&["image", "--model", m, "--out", o], 1, s(&cal));
    assert!(e.contains("fc2") && e.contains("another model"), "{e}");
    let e = fails(
        &[
            "transcribe",
            "--backend",
            "golden",
            "--model",
            m,
            s(&t.wavs[0]),
        ],
        1,
        s(&cal),
    );
    assert!(e.contains("another model"), "{e}");
    // The float backend does not read the calibration.
    ok(&zeroskip(&["transcribe", "--model", m, s(&t.wavs[0])]));
    let text = std::fs::read_to_string(&cal).unwrap();
    std::fs::write(&cal, text.replace("\"version\": 1", "\"version\": 7")).unwrap();
    fails(&["image", "--model", m, "--out", o], 1, "version 7");
    std::fs::remove_file(&cal).unwrap();

    // Corrupt gzipped weights name the file.
    let weights = t.model.join(WEIGHTS_FILE);
    let z = gzip(&std::fs::read(&weights).unwrap());
    std::fs::remove_file(&weights).unwrap();
    let gz = t.model.join("model.safetensors.gz");
    std::fs::write(&gz, &z[..z.len() / 2]).unwrap();
    fails(&["transcribe", "--model", m, s(&t.wavs[0])], 1, s(&gz));
    fails(&["image", "--model", m, "--out", o], 1, s(&gz));
    std::fs::write(&gz, &z).unwrap();
    ok(&zeroskip(&["transcribe", "--model", m, s(&t.wavs[0])]));
}
