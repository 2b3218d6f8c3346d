//! `zeroskip calibrate` run as a user would, on a random model saved to a temporary folder:
//! the calibration.json it writes is what `transcribe`/`eval --backend golden` and `image` use
//! (and they say so), byte for byte the same as calibrating on the same WAVs with
//! `--calibrate`; `--manifest` with `--limit`.

mod common;

use common::{ok, s, setup, zeroskip};
use zeroskip::model::CALIBRATION_FILE;
use zeroskip::quant::CalibrationFile;

#[test]
fn calibrate_writes_what_golden_then_uses() {
    let t = setup();
    let cal = t.model.join(CALIBRATION_FILE);
    let out = zeroskip(&[
        "calibrate",
        "--model",
        s(&t.model),
        "--out",
        s(&cal),
        s(&t.wavs[0]),
        s(&t.wavs[2]),
    ]);
    let (stdout, _) = ok(&out);
    assert!(
        stdout.contains("2 utterances") && stdout.contains("fc3") && stdout.contains("logits"),
        "{stdout}"
    );
    let file = CalibrationFile::load(&cal).unwrap();
    assert_eq!(file.utterances, 2);
    assert!(
        stdout.contains(&format!("{} frames", file.frames)),
        "{stdout}"
    );

    let golden = |extra: &[&str]| {
        let mut args = vec!["transcribe", "--json", "--backend", "golden", "--pes", "4"];
        args.extend_from_slice(&["--model", s(&t.model)]);
        args.extend_from_slice(extra);
        args.extend_from_slice(&[s(&t.wavs[0]), s(&t.wavs[1]), s(&t.wavs[2])]);
        let out = zeroskip(&args);
        ok(&out);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let texts = |v: &serde_json::Value| -> Vec<String> {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["text"].as_str().unwrap().to_string())
            .collect()
    };
    let with_file = golden(&[]);
    let calibration = with_file["calibration"].as_str().unwrap();
    assert!(
        calibration.starts_with("file ") && calibration.contains(s(&cal)),
        "{calibration}"
    );
    let with_wavs = golden(&["--calibrate", s(&t.wavs[0]), "--calibrate", s(&t.wavs[2])]);
    assert!(
        with_wavs["calibration"]
            .as_str()
            .unwrap()
            .contains("2 WAV files"),
        "{with_wavs}"
    );
    assert_eq!(texts(&with_file), texts(&with_wavs));
    // Exactly: the device images are byte for byte the same, and not the random one.
    let image = |extra: &[&str]| {
        let img = t.root.join("x.img");
        let mut args = vec![
            "image",
            "--model",
            s(&t.model),
            "--pes",
            "4",
            "--out",
            s(&img),
        ];
        args.extend_from_slice(extra);
        ok(&zeroskip(&args));
        std::fs::read(&img).unwrap()
    };
    let from_file = image(&[]);
    assert_eq!(
        from_file,
        image(&["--calibrate", s(&t.wavs[0]), "--calibrate", s(&t.wavs[2])])
    );
    assert_ne!(from_file, image(&["--calibrate", s(&t.wavs[0])]));

    // Text mode says it on stderr, eval in its summary; float has no calibration.
    let (_, stderr) = ok(&zeroskip(&[
        "transcribe",
        "--backend",
        "golden",
        "--model",
        s(&t.model),
        s(&t.wavs[0]),
    ]));
    assert!(stderr.contains("golden calibration: file"), "{stderr}");
    let manifest = t.root.join("list.tsv");
    std::fs::write(&manifest, "w0.wav\thello\n").unwrap();
    let eval = |backend: &str| {
        zeroskip(&[
            "eval",
            "--manifest",
            s(&manifest),
            "--model",
            s(&t.model),
            "--backend",
            backend,
        ])
    };
    let (summary, _) = ok(&eval("golden"));
    assert!(summary.contains("calibration file"), "{summary}");
    let (summary, _) = ok(&eval("float"));
    assert!(!summary.contains("calibration"), "{summary}");

    std::fs::remove_file(&cal).unwrap();
    let random = golden(&[]);
    assert!(
        random["calibration"]
            .as_str()
            .unwrap()
            .starts_with("random features"),
        "{random}"
    );
}

#[test]
fn calibrate_from_a_manifest_with_a_limit() {
    let t = setup();
    let manifest = t.root.join("list.tsv");
    std::fs::write(&manifest, "w0.wav\ta\nw1.wav\tb\n# skip\nw2.wav\tc\n").unwrap();
    let out_file = t.root.join("cal.json");
    let run = |limit: &str| {
        zeroskip(&[
            "calibrate",
            "--model",
            s(&t.model),
            "--manifest",
            s(&manifest),
            "--limit",
            limit,
            "--out",
            s(&out_file),
        ])
    };
    let (stdout, _) = ok(&run("2"));
    assert!(stdout.contains("2 of 3 utterances"), "{stdout}");
    let two = CalibrationFile::load(&out_file).unwrap();
    assert_eq!(two.utterances, 2);
    ok(&run("10"));
    let all = CalibrationFile::load(&out_file).unwrap();
    assert_eq!(all.utterances, 3);
    assert!(all.source.contains("all 3 utterances"), "{}", all.source);
    assert!(all.frames > two.frames);
}
