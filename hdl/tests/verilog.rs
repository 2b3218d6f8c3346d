//! The generated Verilog: accepted by `verilator --lint-only -Wall` (every warning printed, and
//! none allowed) and by yosys for P in {1, 2, 3, 16, 64} and for extreme memory sizes; ports
//! named and sized as `zeroskip_arch::ports` and `zeroskip_hdl::widths` say; bad
//! configurations refused with typed errors naming the value.

use std::path::{Path, PathBuf};
use std::process::Command;
use zeroskip_arch::{ConfigError, HwConfig};
use zeroskip_hdl::widths::Dir;
use zeroskip_hdl::{generate_verilog, top_ports, HdlError, TOP_MODULE};

fn write(name: &str, cfg: &HwConfig) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("verilog-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{TOP_MODULE}.v"));
    std::fs::write(&path, generate_verilog(cfg).unwrap()).unwrap();
    path
}

/// Lints with `-Wall`; prints every warning (WIDTH ones included) and fails on any.
fn lint(path: &Path) {
    let verilator = zeroskip_tools::VERILATOR.find().expect("verilator");
    let out = Command::new(&verilator.path)
        .args(["--lint-only", "-Wall", "--top-module", TOP_MODULE])
        .arg(path)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    for line in log.lines().filter(|l| l.starts_with('%')) {
        eprintln!("verilator: {line}");
    }
    assert!(
        out.status.success(),
        "verilator -Wall rejects {}:\n{log}",
        path.display()
    );
}

/// Reads into yosys and checks the hierarchy below the top.
fn yosys_read(path: &Path) {
    let yosys = zeroskip_tools::YOSYS.find().expect("yosys");
    let script = format!(
        "read_verilog {}; hierarchy -check -top {TOP_MODULE}",
        path.display()
    );
    let out = Command::new(&yosys.path)
        .args(["-q", "-p", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "yosys rejects {}:\n{}{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn default_widths_lint_clean_for_several_pe_counts() {
    for pes in [1, 2, 3, 16, 64] {
        let path = write(&format!("p{pes}"), &HwConfig::new(pes).unwrap());
        lint(&path);
        yosys_read(&path);
    }
}

#[test]
fn extreme_memories_and_widths_lint_clean() {
    let big = HwConfig {
        pes: 1,
        stream_depth: 1 << 20,
        ..HwConfig::default()
    };
    let tiny = HwConfig {
        pes: 5,
        index_bits: 1,
        max_cols: 1,
        stream_depth: 1,
        max_rows_per_pe: 1,
        ..HwConfig::default()
    };
    let widest = HwConfig {
        pes: 2,
        weight_bits: 18,
        act_bits: 18,
        acc_bits: 62,
        index_bits: 16,
        max_cols: 1 << 16,
        stream_depth: 16,
        max_rows_per_pe: 1 << 20,
    };
    let narrow = HwConfig {
        pes: 7,
        weight_bits: 2,
        act_bits: 2,
        acc_bits: 2 + 2 + 4 + 1,
        index_bits: 3,
        max_cols: 16,
        stream_depth: 32,
        max_rows_per_pe: 8,
    };
    for (name, cfg) in [
        ("big", big),
        ("tiny", tiny),
        ("widest", widest),
        ("narrow", narrow),
    ] {
        cfg.validate().unwrap();
        let path = write(name, &cfg);
        lint(&path);
        yosys_read(&path);
    }
}

#[test]
fn ports_follow_the_contract() {
    let v = generate_verilog(&HwConfig::new(3).unwrap()).unwrap();
    let top = v
        .split("\nmodule ")
        .find(|m| m.starts_with(&format!("{TOP_MODULE}(")))
        .expect("top module");
    let header: Vec<&str> = top[TOP_MODULE.len() + 1..top.find(')').unwrap()]
        .split(',')
        .collect();
    let specs = top_ports();
    let names: Vec<&str> = specs.iter().map(|p| p.name).collect();
    assert_eq!(header, names, "top module ports");
    use zeroskip_arch::ports as p;
    for name in [
        p::CLOCK,
        p::RESET,
        p::LOAD_PE,
        p::LOAD_STREAM_WE,
        p::LOAD_STREAM_ADDR,
        p::LOAD_STREAM_DATA,
        p::LOAD_COUNT_WE,
        p::LOAD_COUNT_DATA,
        p::LOAD_X_WE,
        p::LOAD_X_ADDR,
        p::LOAD_X_DATA,
        p::SHIFT,
        p::START,
        p::BUSY,
        p::DONE,
        p::CYCLES,
        p::RESULT_PE,
        p::RESULT_ADDR,
        p::RESULT_DATA,
    ] {
        assert!(names.contains(&name), "{name} missing");
    }
    for spec in specs {
        let dir = match spec.dir {
            Dir::Input => "input wire",
            Dir::Output => "output",
        };
        let range = if spec.bits == 1 {
            String::new()
        } else {
            format!("[{}:0] ", spec.bits - 1)
        };
        let found = top.lines().any(|l| {
            let l = l.trim();
            l.starts_with(dir) && l.ends_with(&format!(" {range}{};", spec.name))
        });
        assert!(found, "declaration of {spec:?} in\n{top}");
    }
}

#[test]
fn bad_configs_are_typed_errors() {
    let base = HwConfig::default();
    let cases = [
        (HwConfig { pes: 0, ..base }, "number of PEs 0"),
        (HwConfig { pes: 300, ..base }, "number of PEs 300"),
        (
            HwConfig {
                max_cols: 1000,
                ..base
            },
            "max_cols 1000",
        ),
        (
            HwConfig {
                stream_depth: 0,
                ..base
            },
            "stream_depth 0",
        ),
        (
            HwConfig {
                weight_bits: 19,
                ..base
            },
            "weight width 19",
        ),
        (
            HwConfig {
                act_bits: 1,
                ..base
            },
            "activation width 1",
        ),
        (
            HwConfig {
                acc_bits: 40,
                ..base
            },
            "accumulator width 40",
        ),
        (
            HwConfig {
                index_bits: 17,
                ..base
            },
            "index width 17",
        ),
    ];
    for (cfg, want) in cases {
        let e = generate_verilog(&cfg).unwrap_err();
        assert!(matches!(e, HdlError::Config(_)), "{e:?}");
        assert!(e.to_string().contains(want), "{e} should name {want}");
    }
    assert_eq!(
        generate_verilog(&HwConfig { pes: 0, ..base }).unwrap_err(),
        HdlError::Config(ConfigError::Pes(0))
    );
}

#[test]
fn generation_is_deterministic_and_names_its_configuration() {
    let cfg = HwConfig::new(4).unwrap();
    let a = generate_verilog(&cfg).unwrap();
    assert_eq!(a, generate_verilog(&cfg).unwrap());
    assert!(a.contains("pes=4 weight_bits=16"), "{}", &a[..400]);
    assert!(a.contains(&format!(
        "pipeline latency {} cycles",
        zeroskip_arch::timing::PIPELINE_LATENCY
    )));
}
