//! The generic co-simulation layer on small hand-written designs: port widths and types,
//! set/get/tick, errors, warnings, the build cache and VCD output.

use std::path::PathBuf;
use zeroskip_sim::{BuildOptions, CType, Direction, Model, SimError};

const COUNTER: &str = include_str!("verilog/zs_test_counter.v");
const WARN: &str = include_str!("verilog/zs_test_warn.v");

/// A fresh directory under cargo's per-test scratch directory.
fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("zeroskip-sim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn counter() -> Model {
    Model::build(COUNTER, "zs_test_counter", &BuildOptions::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn port_widths_and_types_come_from_verilator() {
    let m = counter();
    let got: Vec<(String, u32, CType, Direction)> = m
        .ports()
        .map(|p| (p.name.clone(), p.bits, p.ctype, p.dir))
        .collect();
    let want = [
        ("clock", 1, CType::C, Direction::Input),
        ("reset", 1, CType::C, Direction::Input),
        ("inc", 8, CType::C, Direction::Input),
        ("s_in", 16, CType::S, Direction::Input),
        ("i_in", 32, CType::I, Direction::Input),
        ("q_in", 41, CType::Q, Direction::Input),
        ("w64_in", 64, CType::Q, Direction::Input),
        ("wide_in", 100, CType::W, Direction::Input),
        ("count", 32, CType::I, Direction::Output),
        ("c_out", 8, CType::C, Direction::Output),
        ("s_out", 16, CType::S, Direction::Output),
        ("i_out", 32, CType::I, Direction::Output),
        ("q_out", 41, CType::Q, Direction::Output),
        ("w64_out", 64, CType::Q, Direction::Output),
        ("wide_out", 100, CType::W, Direction::Output),
    ];
    for (name, bits, ctype, dir) in want {
        assert!(
            got.contains(&(name.to_string(), bits, ctype, dir)),
            "{name}: {bits} bits {ctype:?} {dir:?} not in {got:?}"
        );
    }
    assert_eq!(got.len(), want.len());
    assert!(m.warnings().is_empty(), "{:?}", m.warnings());
}

#[test]
fn every_width_round_trips_at_its_extremes() {
    let mut m = counter();
    for (input, output, bits) in [
        ("inc", "c_out", 8u32),
        ("s_in", "s_out", 16),
        ("i_in", "i_out", 32),
        ("q_in", "q_out", 41),
        ("w64_in", "w64_out", 64),
    ] {
        let mask = if bits == 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        let (i, o) = (m.input(input).unwrap(), m.port(output).unwrap());
        for v in [
            0,
            1,
            mask >> 1,
            (mask >> 1) + 1,
            mask - 1,
            mask,
            0x5555_5555_5555_5555 & mask,
        ] {
            m.set_port(i, v);
            assert_eq!(m.get_port(o), !v & mask, "{input} = {v:#x}");
            m.set(input, v).unwrap();
            assert_eq!(
                m.get(output).unwrap(),
                !v & mask,
                "{input} = {v:#x} by name"
            );
        }
        // A handle drops bits above the port; by name it is an error.
        m.set_port(i, mask.wrapping_add(1) | 1);
        assert_eq!(m.get_port(o), !1 & mask);
        if bits < 64 {
            let e = m.set(input, 1 << bits).unwrap_err();
            assert!(matches!(e, SimError::ValueTooWide { .. }), "{e}");
            assert!(e.to_string().contains(input), "{e}");
        }
    }
    let s = m.port("s_out").unwrap();
    m.set("s_in", 0x7fff).unwrap();
    assert_eq!(m.get_signed(s), -32768);
}

#[test]
fn counter_counts_on_ticks_and_resets() {
    let mut m = counter();
    let (reset, inc, count) = (
        m.input("reset").unwrap(),
        m.input("inc").unwrap(),
        m.port("count").unwrap(),
    );
    m.set_port(reset, 1);
    m.tick();
    m.set_port(reset, 0);
    m.set_port(inc, 3);
    assert_eq!(m.get_port(count), 0);
    for k in 1..=10u64 {
        m.tick();
        assert_eq!(m.get_port(count), 3 * k);
    }
    m.ticks_n(1000);
    assert_eq!(m.get_port(count), 3 * 1010);
    m.set_port(inc, 255);
    m.ticks_n(1 << 24);
    assert_eq!(
        m.get_port(count),
        (3 * 1010 + 255u64 * (1 << 24)) & 0xffff_ffff
    );
    assert_eq!(m.ticks(), 1 + 10 + 1000 + (1 << 24));
}

#[test]
fn bad_names_and_directions_are_errors_naming_them() {
    let m = counter();
    let e = m.port("nope").unwrap_err().to_string();
    assert!(
        e.contains("no port `nope`") && e.contains("clock, reset, inc"),
        "{e}"
    );
    let e = m.input("count").unwrap_err().to_string();
    assert!(e.contains("`count`") && e.contains("output"), "{e}");
    let e = m.port("wide_in").unwrap_err().to_string();
    assert!(e.contains("`wide_in` is 100 bits"), "{e}");
    let e = Model::build(
        COUNTER,
        "zs_test_counter",
        &BuildOptions {
            clock: Some("clk".into()),
            ..BuildOptions::default()
        },
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("no port `clk`"), "{e}");
    let e = Model::build(COUNTER, "../evil", &BuildOptions::default())
        .err()
        .unwrap();
    assert!(matches!(e, SimError::TopName(_)), "{e}");
}

#[test]
fn warnings_are_captured() {
    let opts = BuildOptions {
        clock: None,
        ..BuildOptions::default()
    };
    let mut m = Model::build(WARN, "zs_test_warn", &opts).unwrap_or_else(|e| panic!("{e}"));
    let w = m.warnings();
    assert!(w.iter().any(|w| w.starts_with("%Warning-WIDTH")), "{w:?}");
    assert!(w.iter().all(|w| w.starts_with("%Warning")), "{w:?}");
    // It still simulates: 0xff truncated to 4 bits, plus one.
    m.set("a", 0xff).unwrap();
    assert_eq!(m.get("y").unwrap(), 16);
}

#[test]
fn a_failed_build_is_an_error_and_leaves_no_entry() {
    let cache = scratch("failed");
    let opts = BuildOptions {
        cache_dir: Some(cache.clone()),
        ..BuildOptions::default()
    };
    let bad = "module zs_test_bad(input clock, output y);\n  assign y = nosuch;\nendmodule\n";
    let e = Model::build(bad, "zs_test_bad", &opts).err().unwrap();
    match &e {
        SimError::Build { step, dir, log, .. } => {
            assert_eq!(*step, "verilator");
            assert!(log.contains("nosuch"), "{log}");
            assert!(dir.starts_with(cache.join("failed")), "{}", dir.display());
        }
        other => panic!("expected a build error, got {other}"),
    }
    let entries: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|d| d.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("zs_test_bad"))
        .collect();
    assert!(entries.is_empty(), "{entries:?}");
    // A second attempt fails the same way (nothing poisoned, nothing half-built taken as done).
    assert!(matches!(
        Model::build(bad, "zs_test_bad", &opts),
        Err(SimError::Build { .. })
    ));
}

#[test]
fn cache_hits_by_content_and_parallel_builds_share_one_entry() {
    // A private cache, so that the first build is really cold (the run-time objects too).
    let cache = scratch("cache");
    let opts = BuildOptions {
        cache_dir: Some(cache.clone()),
        ..BuildOptions::default()
    };
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let opts = opts.clone();
            std::thread::spawn(move || {
                let m = Model::build(COUNTER, "zs_test_counter", &opts)
                    .unwrap_or_else(|e| panic!("{e}"));
                (
                    m.build_info().cached,
                    m.build_info().elapsed,
                    m.build_info().key.clone(),
                )
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(
        results.iter().filter(|r| !r.0).count(),
        1,
        "exactly one thread builds: {results:?}"
    );
    assert!(results.iter().all(|r| r.2 == results[0].2));
    let cold = results.iter().find(|r| !r.0).unwrap().1;
    let hit = Model::build(COUNTER, "zs_test_counter", &opts).unwrap();
    assert!(hit.build_info().cached);
    // A different design reuses the run-time objects: it builds, but faster.
    let changed = COUNTER.replace("count + {24'd0, inc}", "count + {24'd0, inc} + 32'd1");
    let m2 = Model::build(&changed, "zs_test_counter", &opts).unwrap();
    assert!(!m2.build_info().cached);
    assert_ne!(m2.build_info().key, hit.build_info().key);
    eprintln!(
        "cold build {:?}, cached {:?}, new design with cached run time {:?}",
        cold,
        hit.build_info().elapsed,
        m2.build_info().elapsed
    );
    let runtimes = std::fs::read_dir(&cache)
        .unwrap()
        .filter(|d| {
            d.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("runtime-")
        })
        .count();
    assert_eq!(runtimes, 1);
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn vcd_is_written_when_asked() {
    let dir = scratch("vcd");
    let vcd = dir.join("counter.vcd");
    let opts = BuildOptions {
        vcd: Some(vcd.clone()),
        ..BuildOptions::default()
    };
    {
        let mut m =
            Model::build(COUNTER, "zs_test_counter", &opts).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.vcd(), Some(vcd.as_path()));
        m.set("inc", 1).unwrap();
        m.set("reset", 1).unwrap();
        m.tick();
        m.set("reset", 0).unwrap();
        m.ticks_n(20);
        assert_eq!(m.get("count").unwrap(), 20);
    }
    let text = std::fs::read_to_string(&vcd).unwrap();
    assert!(
        text.contains("$enddefinitions"),
        "{}",
        &text[..text.len().min(500)]
    );
    assert!(text.contains(" count "), "count is traced");
    assert!(text.contains("#41"), "42 samples for 21 ticks");
    // A traced build is a separate cache entry from the plain one.
    let plain = counter();
    let traced = Model::build(COUNTER, "zs_test_counter", &opts).unwrap();
    assert_ne!(plain.build_info().key, traced.build_info().key);
    // A VCD path that cannot be created is an error naming it.
    let bad = dir.join("no/such/dir/x.vcd");
    let e = Model::build(
        COUNTER,
        "zs_test_counter",
        &BuildOptions {
            vcd: Some(bad.clone()),
            ..opts
        },
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("no/such/dir/x.vcd"), "{e}");
}
